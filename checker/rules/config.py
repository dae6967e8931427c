"""Configuration: a force's policy, without touching code.

Read from ``--config FILE``, else the nearest ``caselint.toml`` or
``pyproject.toml`` with a ``[tool.caselint]`` table, searching from the
working directory upwards (as ruff does). Keys::

    select = ["SD", "VC"]           # rules to run, by id or prefix (default: all)
    extend-select = ["EX"]          # added to the selection
    ignore = ["RC"]                 # removed from it
    fail-on = "warning"             # lowest severity that makes the exit status 1
    time-zone = "Europe/London"     # zone of timestamps written without an offset
    rulebooks = ["local-rules"]     # more rule directories, relative to this file
    waivers = "waivers.yaml"        # justified exceptions (relative to this file)
    baseline = "baseline.json"      # findings already known (relative to this file)
    exclude = ["templates", "old/**"]   # what searching a directory passes over
    extend-exclude = ["scratch"]        # added to exclude (or to the default list)

    [severity]
    RULE = "warning"                # a rule id

    [parameters]
    RULE.parameter = "PT2H"         # a rule id and one of its parameters

    [min-compliance]
    RULE = 0.95                     # the run fails when a rule's compliance is lower

Anything else is an error naming the file, the key and what is allowed.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

from checker.inputs.files import UnreadableFile, read_text
from checker.inputs.paths import DEFAULT_EXCLUDE, Exclude, excludes
from checker.records.spelling import meant
from checker.records.times import DEFAULT_ZONE
from checker.rules.severity import FAIL_ON_CHOICES, SEVERITIES
from checker.rules.tomllines import line_of_key

CONFIG_FILE = "caselint.toml"
PYPROJECT = "pyproject.toml"

_KEYS = {
    "select": "a list of rule ids or prefixes",
    "extend-select": "a list of rule ids or prefixes",
    "ignore": "a list of rule ids or prefixes",
    "fail-on": f"one of {', '.join(FAIL_ON_CHOICES)}",
    "time-zone": "an IANA time zone such as Europe/London",
    "rulebooks": "a list of directories of rule files",
    "severity": "a table of rule id = error, warning or info",
    "parameters": "a table of rule id . parameter = value",
    "waivers": "the path of a waivers file",
    "baseline": "the path of a baseline file",
    "min-compliance": "a table of rule id = a rate between 0 and 1",
    "exclude": "a list of glob patterns (replacing the default list)",
    "extend-exclude": "a list of glob patterns (added to exclude)",
}


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str = "error"
    time_zone: str = DEFAULT_ZONE
    rulebooks: tuple[Path, ...] = ()
    severity: Mapping[str, str] = field(default_factory=dict)
    parameters: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    waivers: Path | None = None
    baseline: Path | None = None
    min_compliance: Mapping[str, float] = field(default_factory=dict)
    exclude: tuple[Exclude, ...] | None = None  # None: the default list
    extend_exclude: tuple[Exclude, ...] = ()

    def excludes(
        self, cwd: Path, exclude: Sequence[str] = (), extend_exclude: Sequence[str] = ()
    ) -> tuple[Exclude, ...]:
        """The patterns in force: ``--exclude`` replaces the configuration's (or the default) list,
        and both ``extend-exclude`` lists add to it, as in ruff."""
        if exclude:
            chosen = excludes(exclude, cwd)
        elif self.exclude is not None:
            chosen = self.exclude
        else:
            chosen = excludes(DEFAULT_EXCLUDE, cwd)
        return (*chosen, *self.extend_exclude, *excludes(extend_exclude, cwd))

    def where(self, key: str) -> str:
        """The file and the line of ``key`` (``parameters.<rule id>``), for a message about its value."""
        if self.path is None or self.shown_path is None:
            return "configuration"
        prefix = "tool.caselint." if self.path.name == PYPROJECT else ""
        return _located(self.path, self.shown_path, prefix + key)

    @property
    def shown_path(self) -> str | None:
        return None if self.path is None else _shown(self.path)


def _shown(path: Path) -> str:
    return _named_from_here(path).as_posix()


def _named_from_here(path: Path) -> Path:
    """The file as a person in the working directory would name it (a file found by looking
    upwards from there is named from there too, as every message about it names it)."""
    try:
        return path.absolute().relative_to(Path.cwd())
    except (ValueError, OSError):
        return path


def discover(start: Path) -> Path | None:
    """The nearest configuration file from ``start`` upwards, if any."""
    for directory in [start, *start.parents]:
        candidate = directory / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = directory / PYPROJECT
        if pyproject.is_file() and _tool_table(pyproject) is not None:
            return pyproject
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    shown = _shown(path)
    try:
        text = read_text(path)
    except UnreadableFile as error:
        raise ConfigError(error.about(shown)) from None
    try:
        table: dict[str, Any] = tomllib.loads(text)
        return table
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{shown}: not valid TOML: {error}") from None
    except (ValueError, RecursionError):
        # tomllib's own limits: int() refuses a number of thousands of digits, and
        # each level of nesting is a level of recursion.
        raise ConfigError(f"{shown}: not valid TOML: a number too long or nesting too deep to read") from None


def _tool_table(path: Path) -> dict[str, Any] | None:
    tool = _read_toml(path).get("tool")
    table = tool.get("caselint") if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        # Meant for caselint, but unreadable as its settings: passed over, a configuration further
        # up would have been used in its place without a word.
        where = _located(path, _shown(path), "tool.caselint")
        raise ConfigError(f"{where}: tool.caselint must be a table")
    return table


def load_config(path: Path) -> Config:
    if path.name == PYPROJECT:
        table = _tool_table(path)
        prefix = "tool.caselint."
        if table is None:
            raise ConfigError(f"{_shown(path)}: has no [tool.caselint] table")
    else:
        table, prefix = _read_toml(path), ""
    return _parse(table, path, prefix)


def _located(path: Path, shown: str, key: str) -> str:
    """``shown`` with the line ``key`` is written on, when it can be found."""
    try:
        line = line_of_key(read_text(path), key)
    except UnreadableFile:
        line = None
    return f"{shown}:{line}" if line else shown


def _fail(path: Path, key: str, message: str) -> ConfigError:
    return ConfigError(f"{_located(path, _shown(path), key)}: {key}: {message}")


def _strings(path: Path, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(entry, str) for entry in value):
        raise _fail(path, key, f"must be {_KEYS[key.rsplit('.', 1)[-1]]}")
    return tuple(value)


def _selectors(path: Path, key: str, value: Any) -> tuple[str, ...]:
    return tuple(entry.strip().upper() for entry in _strings(path, key, value))


def _parse(table: dict[str, Any], path: Path, prefix: str) -> Config:
    for key in table:
        if key not in _KEYS:
            said = f"unknown key{meant(key, _KEYS)}; allowed: {', '.join(_KEYS)}"
            raise _fail(path, prefix + key, said)
    fail_on = table.get("fail-on", "error")
    if fail_on not in FAIL_ON_CHOICES:
        raise _fail(path, prefix + "fail-on", f"must be {_KEYS['fail-on']}")
    time_zone = table.get("time-zone", DEFAULT_ZONE)
    try:
        ZoneInfo(time_zone if isinstance(time_zone, str) else "")
    except (ZoneInfoNotFoundError, ValueError):
        raise _fail(path, prefix + "time-zone", f"must be {_KEYS['time-zone']}") from None
    severity = table.get("severity", {})
    if not isinstance(severity, dict):
        raise _fail(path, prefix + "severity", f"must be {_KEYS['severity']}")
    for rule_id, level in severity.items():
        if level not in SEVERITIES:
            raise _fail(path, f"{prefix}severity.{rule_id}", f"must be one of {', '.join(SEVERITIES)}")
    parameters = table.get("parameters", {})
    if not isinstance(parameters, dict) or not all(isinstance(v, dict) for v in parameters.values()):
        raise _fail(path, prefix + "parameters", f"must be {_KEYS['parameters']}")
    rulebooks = _strings(path, prefix + "rulebooks", table.get("rulebooks", []))
    files: dict[str, Path | None] = {}
    for key in ("waivers", "baseline"):
        value = table.get(key)
        if value is not None and not isinstance(value, str):
            raise _fail(path, prefix + key, f"must be {_KEYS[key]}")
        files[key] = _named_from_here(path.parent / value) if value else None
    minimums = table.get("min-compliance", {})
    if not isinstance(minimums, dict):
        raise _fail(path, prefix + "min-compliance", f"must be {_KEYS['min-compliance']}")
    for rule_id, rate in minimums.items():
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            raise _fail(
                path, f"{prefix}min-compliance.{rule_id}", "must be a rate between 0 and 1, e.g. 0.95"
            )
    patterns = {
        key: excludes(_strings(path, prefix + key, table[key]), path.parent)
        for key in ("exclude", "extend-exclude")
        if key in table
    }
    return Config(
        path=path,
        exclude=patterns.get("exclude"),
        extend_exclude=patterns.get("extend-exclude", ()),
        select=_selectors(path, prefix + "select", table["select"]) if "select" in table else None,
        extend_select=_selectors(path, prefix + "extend-select", table.get("extend-select", [])),
        ignore=_selectors(path, prefix + "ignore", table.get("ignore", [])),
        fail_on=fail_on,
        time_zone=time_zone,
        rulebooks=tuple(_named_from_here(path.parent / entry) for entry in rulebooks),
        severity={rule_id.upper(): level for rule_id, level in severity.items()},
        parameters={rule_id.upper(): dict(values) for rule_id, values in parameters.items()},
        waivers=files["waivers"],
        baseline=files["baseline"],
        min_compliance={rule_id.upper(): float(rate) for rule_id, rate in minimums.items()},
    )
