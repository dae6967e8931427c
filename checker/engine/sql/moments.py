"""Timestamps and dates in SQL, read exactly as Python reads them (records/times.py).

A value's JSON text becomes ``__lo``/``__hi`` microseconds since 1970 UTC (equal for
an exact time; the first and last instant of the local day for a date alone,
format 1.1) and ``__date`` (a date alone). Local times are converted with the
zone's own offsets (``clock.py``), PEP 495 fold=0, as zoneinfo reads them.
"""

from __future__ import annotations

from dataclasses import dataclass

from checker.engine.sql.clock import SWITCHES
from checker.engine.sql.flatten import quote
from checker.engine.sql.functions import civil_days, json_kind, json_text, month_days
from checker.engine.sql.layout import Table, Value, record_table
from checker.records.times import FIRST_YEAR, LAST_YEAR, LONGEST_TIMESTAMP

MOMENT_PATTERN = (
    r"^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]+))?)?"
    r"(?:([Zz])|([+-])([0-9]{2})(?::?([0-9]{2}))?)?)?$"
)


DAY_MICROS = 86_400_000_000


# The instants datetime can hold, which is what the Python reading accepts.
FIRST_MICROS = -62_135_596_800_000_000  # 0001-01-01T00:00:00Z


LAST_MICROS = 253_402_300_799_999_999  # 9999-12-31T23:59:59.999999Z


def zone_offset(alias: str, wall: str, row: bool = True) -> str:
    """The offset (microseconds) a zone row gives a wall-clock or UTC time in its year.

    ``alias`` is a joined zone table (``row``) or a column holding one year's struct.
    """

    def part(name: str) -> str:
        return f"{alias}.{name}" if row else f"struct_extract({alias}, '{name}')"

    parts = [f"WHEN {part('sw1')} IS NULL OR {wall} < {part('sw1')} THEN {part('off0')}"]
    for n in range(1, SWITCHES):
        switch = part(f"sw{n + 1}")
        parts.append(f"WHEN {switch} IS NULL OR {wall} < {switch} THEN {part(f'off{n}')}")
    return f"(CASE {' '.join(parts)} ELSE {part(f'off{SWITCHES}')} END)"


_GROUPS = ("y", "mo", "d", "h", "mi", "s", "f", "z", "sg", "oh", "om")
_WIDTHS = {"y": 4, "mo": 2, "d": 2, "h": 2, "mi": 2, "s": 2}
# The two shapes nearly every timestamp and date of an export has, as JSON text (its quotes
# too): their length, their pattern, and where each part starts. Read by position rather
# than by the pattern's eleven groups, which took a quarter of the time to type a run's
# values (measured at 20,000 records: 0.65 s against 0.49 s).
_COMMON_SHAPES = (
    (21, '^"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"$', (2, 7, 10, 13, 16, 19)),
    (12, '^"[0-9]{4}-[0-9]{2}-[0-9]{2}"$', (2, 7, 10)),
)


def _moment_parts(j: str) -> str:
    """The parts of the value's text by name, each '' where there is none, as
    ``MOMENT_PATTERN``'s groups give them (NULL for a value that is not text)."""
    common = []
    for length, pattern, starts in _COMMON_SHAPES:
        found = dict(zip(_GROUPS, starts, strict=False))
        fields = ", ".join(
            f"{name} := substring({j}, {found[name]}, {_WIDTHS[name]})" if name in found else f"{name} := ''"
            for name in _GROUPS
        )
        common.append(
            f"WHEN length({j}) = {length} AND regexp_matches({j}, '{pattern}') THEN struct_pack({fields})"
        )
    groups = ", ".join(f"'{name}'" for name in _GROUPS)
    return (
        f"CASE {' '.join(common)} "
        f"WHEN {json_kind(j)} = 'string' AND length({json_text(j)}) <= {LONGEST_TIMESTAMP} "
        f"THEN regexp_extract({json_text(j)}, '{MOMENT_PATTERN}', [{groups}]) END"
    )


@dataclass(frozen=True)
class MomentSql:
    """A timestamp or date value worked out in stages, each a SELECT over the last.

    Stage by stage: the text's parts; their numbers; whether the date and the
    time are real, and the wall-clock instants; the zone's offsets at them
    (joined by year); the exact instant; the first and last instant. Each
    stage names plain columns, so no expression grows by repeating another.
    """

    column: str  # the value's column name

    def name(self, part: str) -> str:
        return quote(f"{part}__{self.column}")

    def parts(self, j: str) -> str:
        return f"{_moment_parts(j)} AS {self.name('p')}"

    def numbers(self) -> list[str]:
        p = self.name("p")

        def number(part: str, default: str = "NULL") -> str:
            return f"coalesce(TRY_CAST(nullif({p}.{part}, '') AS BIGINT), {default})"

        return [
            f"({p}.y <> '') AS {self.name('m')}",
            f"{number('y')} AS {self.name('y')}",
            f"{number('mo')} AS {self.name('mo')}",
            f"{number('d')} AS {self.name('d')}",
            f"{number('h', '0')} AS {self.name('h')}",
            f"{number('mi', '0')} AS {self.name('mi')}",
            f"{number('s', '0')} AS {self.name('s')}",
            f"coalesce(TRY_CAST(rpad(left(nullif({p}.f, ''), 6), 6, '0') AS BIGINT), 0) AS {self.name('fr')}",
            # Python's _past_the_microsecond: a fraction going on past the microsecond makes the
            # instant the next one (added to the instant, not the wall time, as at a clock change).
            f"CASE WHEN length({p}.f) > 6 AND rtrim(substring({p}.f, 7), '0') <> '' THEN 1 ELSE 0 END "
            f"AS {self.name('up')}",
            f"({p}.z <> '') AS {self.name('z')}",
            f"CASE {p}.sg WHEN '+' THEN 1 WHEN '-' THEN -1 END AS {self.name('sg')}",
            f"{number('oh', '0')} AS {self.name('oh')}",
            f"{number('om', '0')} AS {self.name('om')}",
            f"({p}.h = '') AS {self.name('do')}",
        ]

    def checks(self) -> list[str]:
        """``cal``: a real date in the years read; ``clk``: a real time of day and offset;
        ``far``: well formed but for a year outside those read (its own problem)."""
        n = self.name
        return [
            f"({n('m')} AND {n('y')} BETWEEN {FIRST_YEAR} AND {LAST_YEAR} AND {n('mo')} BETWEEN 1 AND 12 "
            f"AND {n('d')} BETWEEN 1 AND {month_days(n('y'), n('mo'))}) AS {n('cal')}",
            f"({n('do')} OR ({n('h')} <= 23 AND {n('mi')} <= 59 AND {n('s')} <= 59 AND ({n('sg')} IS NULL "
            f"OR ({n('om')} <= 59 AND {n('oh')} * 60 + {n('om')} < 1440)))) AS {n('clk')}",
            # As the Python reading decides it: the year is looked at before the day of the month.
            f"({n('m')} AND {n('y')} NOT BETWEEN {FIRST_YEAR} AND {LAST_YEAR} AND {n('mo')} BETWEEN 1 AND 12 "
            f"AND {n('d')} BETWEEN 1 AND 31) AS {n('far')}",
        ]

    def walls(self) -> list[str]:
        n = self.name
        midnight = f"CASE WHEN {n('cal')} THEN {civil_days(n('y'), n('mo'), n('d'))} * {DAY_MICROS} END"
        return [
            f"{midnight} AS {n('m0')}",
            f"{midnight} + {DAY_MICROS} AS {n('m1')}",
            f"{midnight} + {n('h')} * 3600000000 + {n('mi')} * 60000000 + {n('s')} * 1000000 + {n('fr')} "
            f"AS {n('w')}",
            f"{n('sg')} * ({n('oh')} * 3600000000 + {n('om')} * 60000000) AS {n('off')}",
        ]

    def zone_join(self, alias: str) -> str:
        return f"LEFT JOIN zone_wall AS {alias} ON {alias}.year = {self.name('y')}"

    def offsets(self, alias: str) -> list[str]:
        n = self.name
        return [
            f"{zone_offset(alias, n('w'))} AS {n('zw')}",
            f"{zone_offset(alias, n('m0'))} AS {n('zm0')}",
            f"{zone_offset(alias, n('m1'))} AS {n('zm1')}",
        ]

    def instant(self) -> list[str]:
        n = self.name
        exact = (
            f"CASE WHEN {n('z')} THEN {n('w')} WHEN {n('sg')} IS NOT NULL THEN {n('w')} - {n('off')} "
            f"ELSE {n('w')} - {n('zw')} END + {n('up')}"
        )
        return [f"CASE WHEN ({exact}) BETWEEN {FIRST_MICROS} AND {LAST_MICROS} THEN {exact} END AS {n('u')}"]

    def bounds(self) -> list[str]:
        n = self.name
        ok = f"{n('cal')} AND {n('clk')}"
        last = f"{n('m1')} - {n('zm1')} - 1"
        return [
            f"CASE WHEN {ok} THEN CASE WHEN {n('do')} THEN {n('m0')} - {n('zm0')} ELSE {n('u')} "
            f"END END AS {n('lo')}",
            f"CASE WHEN {ok} THEN CASE WHEN {n('do')} THEN (CASE WHEN {last} <= {LAST_MICROS} "
            f"THEN {last} END) "
            f"ELSE {n('u')} END END AS {n('hi')}",
        ]

    def out_of_range(self, as_date: bool) -> str:
        """Well formed as a date (``as_date``) or a timestamp, but for its year."""
        n = self.name
        form = f"{n('do')}" if as_date else f"NOT {n('do')} AND {n('clk')}"
        return f"({n('far')} AND {form})"

    def valid(self, date_only: bool) -> str:
        """A valid timestamp (or date) in the validator's sense: non-NULL when it is."""
        n = self.name
        if date_only:
            return f"CASE WHEN {n('cal')} AND {n('do')} THEN 1 END"
        return f"CASE WHEN {n('cal')} AND {n('clk')} AND ({n('do')} OR {n('u')} IS NOT NULL) THEN 1 END"


# What the zone's offsets, the instant and the bounds read of a time's parts (``m_text``).
CARRIED_PARTS = ("y", "mo", "d", "cal", "clk", "far", "do", "w", "up", "m0", "m1", "z", "sg", "off")

# What the typing reads of a parsed time (``MomentSql.name`` of each, per value).
KEPT_PARTS = ("cal", "clk", "far", "do", "u", "y", "mo", "d", "lo", "hi", "day")


def moment_values() -> list[tuple[Table, Value]]:
    """Every timestamp and date value of the layout, each numbered by its position here."""
    return [
        (table, value)
        for table in record_table().walk()
        for value in table.values
        if value.kind in ("moment", "date")
    ]


def parsed_moments_statements() -> tuple[str, str]:
    """``m_text`` then ``m_parsed(at__, rid__, ...)``: every time text of the chunk read once.

    ``at__`` numbers the value (``moment_values``) and ``rid__`` is the row of
    its ``f_`` table. Reading each value in its own table's SELECT wrote the
    thirty-odd expressions of a time once per value, some 180 KB of SQL planned
    again for every chunk; here they are written once. ``m_text`` stops short
    of the zone's offsets: the years it reads (``YEARS_SQL``) are the zone rows
    ``m_parsed`` needs loaded.
    """
    moment = MomentSql("v")
    texts = " UNION ALL ".join(
        f"SELECT {number} AS at__, rowid AS rid__, {quote('j__' + value.column)} AS j "
        f"FROM f_{table.name} WHERE {quote('j__' + value.column)} IS NOT NULL"
        for number, (table, value) in enumerate(moment_values())
    )
    sql = f"SELECT * FROM ({texts})"
    for stage in ([moment.parts("j")], moment.numbers(), moment.checks(), moment.walls()):
        sql = f"SELECT *, {', '.join(stage)} FROM ({sql})"
    carried = ", ".join(moment.name(part) for part in CARRIED_PARTS)
    read = f"CREATE OR REPLACE TEMP TABLE m_text AS SELECT at__, rid__, {carried} FROM ({sql})"
    sql = f"SELECT s.*, {', '.join(moment.offsets('z'))} FROM m_text AS s {moment.zone_join('z')}"
    for stage in (moment.instant(), moment.bounds()):
        sql = f"SELECT *, {', '.join(stage)} FROM ({sql})"
    # Its local day: the day written, for a date alone (a zone may skip a whole day, whose
    # first instant is the next day's); else by the zone's offset at the instant written, before
    # a fraction past the microsecond moves it on (23:59:59.9999999 is not the next day's).
    n = moment.name
    lo = n("lo")
    written = f"make_date(CAST({n('y')} AS INTEGER), CAST({n('mo')} AS INTEGER), CAST({n('d')} AS INTEGER))"
    at = f"({lo} - {n('up')})"
    day = (
        f"CASE WHEN {lo} IS NULL THEN NULL WHEN {n('do')} THEN {written} "
        f"ELSE CAST(make_timestamp({at} + {zone_offset('zu', at)}) AS DATE) END AS {n('day')}"
    )
    zone = f"LEFT JOIN zone_utc AS zu ON zu.year = year(make_timestamp({at}))"
    sql = f"SELECT b.*, {day} FROM ({sql}) AS b {zone}"
    kept = ", ".join(moment.name(part) for part in KEPT_PARTS)
    return read, f"CREATE OR REPLACE TEMP TABLE m_parsed AS SELECT at__, rid__, {kept} FROM ({sql})"


# The years of the chunk's times, as read: a time that is not read needs no zone row.
YEARS_SQL = (
    f"SELECT DISTINCT {MomentSql('v').name('y')} FROM m_text WHERE {MomentSql('v').name('y')} IS NOT NULL"
)


def parsed_join(table: Table, alias: str) -> str:
    """A LEFT JOIN giving each row of ``f_<table>`` (as ``alias``) its times' parts, under the
    names ``MomentSql`` gives them, or "" when the table has no time."""
    numbered = [(n, value) for n, (owner, value) in enumerate(moment_values()) if owner.name == table.name]
    if not numbered:
        return ""
    parsed = MomentSql("v")
    # any_value passes over NULLs: each value's parts come from its own row of m_parsed.
    columns = ", ".join(
        f"any_value(CASE WHEN at__ = {n} THEN {parsed.name(part)} END) "
        f"AS {MomentSql(value.column).name(part)}"
        for n, value in numbered
        for part in KEPT_PARTS
    )
    wanted = ", ".join(str(n) for n, _ in numbered)
    return (
        f"LEFT JOIN (SELECT rid__, {columns} FROM m_parsed WHERE at__ IN ({wanted}) GROUP BY rid__) "
        f"AS mp__ ON mp__.rid__ = {alias}.rowid"
    )
