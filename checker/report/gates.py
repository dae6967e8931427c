"""Gates: the conditions a run must meet to pass, as CI and audit targets set them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from checker.report.model import Gate, Report, at_or_above
from checker.report.wording import percent, percents
from checker.rules.selection import did_you_mean


class GateError(ValueError):
    pass


def parse_minimum(text: str) -> tuple[str, float]:
    """``RULE=0.95`` (or ``RULE=95%``) as a rule id and a rate between 0 and 1."""
    rule_id, separator, rate = text.partition("=")
    if not separator:
        raise GateError(f"--min-compliance: {text!r} is not RULE=RATE (a rule id, =, a rate such as 0.95)")
    try:
        value = float(rate.strip().rstrip("%")) / (100 if rate.strip().endswith("%") else 1)
    except ValueError:
        raise GateError(f"--min-compliance: {rate!r} is not a rate such as 0.95 or 95%") from None
    if not 0 <= value <= 1:
        raise GateError(f"--min-compliance: {rate!r} is not between 0 and 1")
    return rule_id.strip().upper(), value


def parse_minimums(texts: Iterable[str]) -> dict[str, float]:
    """Each ``RULE=RATE`` given; a rule given two rates is refused: the last would silently win,
    and a pipeline that appends its own could loosen the target it was given."""
    minimums: dict[str, float] = {}
    for text in texts:
        rule_id, rate = parse_minimum(text)
        if minimums.get(rule_id, rate) != rate:
            first, second = percents(minimums[rule_id], rate)
            raise GateError(
                f"--min-compliance: {rule_id} is given two rates, {first} and {second}: give it one"
            )
        minimums[rule_id] = rate
    return minimums


def apply_gates(report: Report, fail_on: str, minimums: Mapping[str, float]) -> Report:
    """Set the report's gates: the fail-on level always, and each minimum compliance asked for.

    Every condition that decides the exit status is listed, so that a report
    says why a run failed (or passed) without knowing the command line.
    """
    results = {rule.id: rule for rule in report.rules}
    missing = sorted(set(minimums) - set(results))
    if missing:
        hint = did_you_mean(missing[0], results) if len(missing) == 1 else ""
        raise GateError(f"min-compliance: {', '.join(missing)} is not among the rules checked{hint}")
    count = at_or_above(report, fail_on)
    gates = [
        Gate(
            gate="fail-on",
            threshold=fail_on,
            actual=count,
            passed=count == 0,
            detail=f"{count} finding{'s' if count != 1 else ''} at or above {fail_on}"
            if fail_on != "never"
            else "findings do not fail the run",
        )
    ]
    for rule_id, minimum in sorted(minimums.items()):
        rate = results[rule_id].compliance
        passed = rate is None or rate >= minimum
        shown, least = ("no items decided", percent(minimum)) if rate is None else percents(rate, minimum)
        verdict = "meets" if passed else "is below"
        gates.append(
            Gate(
                gate="min-compliance",
                rule_id=rule_id,
                threshold=minimum,
                actual=rate,
                passed=passed,
                detail=f"{rule_id} compliance {shown} {verdict} the minimum {least}",
            )
        )
    return report.model_copy(update={"gates": gates})
