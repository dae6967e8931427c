"""Which rules run: select, extend-select and ignore, by id or by prefix (``SD`` or a full id)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence


class SelectionError(ValueError):
    pass


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``; did you mean XX003?`` when ``word`` looks like a mistyped one of ``choices``, else ``""``."""
    close = difflib.get_close_matches(word.strip().upper(), sorted(set(choices)), n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""


def parse_selectors(values: Iterable[str]) -> list[str]:
    """Selectors from repeated options and comma-separated lists alike."""
    return [part.strip().upper() for value in values for part in value.split(",") if part.strip()]


def matching(available: Sequence[str], selector: str, named: str) -> set[str]:
    """The rules ``selector`` picks; ``named``: where it was given, for the message when none
    (``--select``, or ``caselint.toml:3: select``)."""
    found = {rule_id for rule_id in available if rule_id.startswith(selector)}
    if not found:
        families = {rule_id.rstrip("0123456789") for rule_id in available}
        hint = did_you_mean(selector, [*available, *families])
        raise SelectionError(f"{named}: no rule matches {selector!r}{hint} (see 'caselint rules')")
    return found


def select_rule_ids(
    available: Sequence[str],
    select: Sequence[str] | None,
    ignore: Sequence[str] = (),
    extend_select: Sequence[str] = (),
    ignored_by: str | None = None,
) -> list[str]:
    """All rules, or those selected; plus extend-select; less ignore (ruff's order).
    ``ignored_by``: where ``ignore`` was given, when not all on the command line."""
    chosen: set[str] = set(available)
    if select:
        chosen = set().union(*(matching(available, selector, "--select") for selector in select))
    for selector in extend_select:
        chosen |= matching(available, selector, "--extend-select")
    for selector in ignore:
        chosen -= matching(available, selector, "--ignore")
    if available and not chosen:
        # A run of no rule passes whatever the records hold: as a gate it would pass in silence.
        raise SelectionError(
            f"{ignored_by or '--ignore ' + ','.join(ignore)}: leaves no rule to check of those selected "
            "(see 'caselint rules')"
        )
    return sorted(chosen)
