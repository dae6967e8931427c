"""Time for the set-based engine: a zone's offsets and the working-day calendar, as relations.

DuckDB's own time-zone conversion need not agree with Python's at a clock
change, and the record format's reading is Python's (PEP 495 fold=0: a wall
time in the repeated hour is the first of the two, one in the skipped hour is
read with the offset before the change). So the offsets come from ``zoneinfo``
itself, per year, as switch points:

- ``zone_wall(year, off0, sw1, off1, ... sw4, off4)``: for a wall-clock time
  ``w`` (microseconds, read as if UTC) in that year, the offset is ``off0``
  before ``sw1``, ``off1`` from ``sw1``, and so on. A transition at UTC ``T``
  from offset ``a`` to ``b`` switches at wall time ``T + max(a, b)``, which is
  exactly fold=0 in both the gap and the overlap.
- ``zone_utc(year, off0, sw1, off1, ...)``: the same for a UTC instant, with
  switches at ``T`` itself: how an instant is shown and which local day it is.
- the working-day calendar: Monday to Friday less the bank holidays of
  England and Wales (``holidays``), as lists read by position, for the years
  the data needs and as far past them as a working-day limit reaches.

Years are added as the data needs them; a year zoneinfo cannot represent gets
no row, so its times are unknown rather than wrong.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from checker.records.times import FIRST_YEAR as READ_FIRST_YEAR
from checker.records.times import LAST_YEAR as READ_LAST_YEAR
from checker.records.times import MAX_WORKING_DAYS
from checker.records.workingdays import bank_holidays

UTC = timezone.utc
SWITCHES = 4  # the most transitions any year of the tz database has had (British Double Summer Time)
MICROS = 1_000_000
DAY = 86_400 * MICROS
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Every year a time may be written in, the year before it too (1000-01-01T00:00:00Z is a day of
# 999 in London, then 75 s behind UTC), and as far past the last as the longest working-day
# limit allowed reaches (some 104 years): the Python calendar counts them all.
REACH_YEARS = MAX_WORKING_DAYS // 250 + 2
CALENDAR_YEARS = range(READ_FIRST_YEAR - 1, READ_LAST_YEAR + REACH_YEARS + 1)
DEFAULT_CALENDAR = range(1990, 2051)  # what it covers at least, once asked for
FIRST_YEAR, LAST_YEAR = 1, 9999


def micros(instant: datetime) -> int:
    """An aware instant as microseconds since 1970-01-01 UTC."""
    delta = instant - EPOCH
    return (delta.days * 86_400 + delta.seconds) * MICROS + delta.microseconds


def wall_micros(wall: datetime) -> int:
    """A naive wall-clock time as microseconds, read as if it were UTC."""
    return micros(wall.replace(tzinfo=UTC))


def _offset_micros(offset: timedelta | None) -> int:
    return int((offset or timedelta(0)) / timedelta(microseconds=1))


def _offset_at(zone: ZoneInfo, instant_micros: int) -> timedelta:
    instant = EPOCH + timedelta(microseconds=instant_micros)
    return instant.astimezone(zone).utcoffset() or timedelta(0)


def _transitions(zone: ZoneInfo, start: int, end: int) -> list[tuple[int, timedelta, timedelta]]:
    """(UTC instant in microseconds, offset before, offset after) of each change in [start, end).

    Probed a day at a time, then found to the second: clocks change on whole
    seconds, and never twice in a day.
    """
    found: list[tuple[int, timedelta, timedelta]] = []
    current = start
    before = _offset_at(zone, current)
    while current < end:
        probe = min(current + DAY, end)
        after = _offset_at(zone, probe)
        if after != before:
            low, high = current // MICROS, probe // MICROS  # seconds: before at low, after at high
            while high - low > 1:
                middle = (low + high) // 2
                if _offset_at(zone, middle * MICROS) == before:
                    low = middle
                else:
                    high = middle
            found.append((high * MICROS, before, after))
            before = after
        current = probe
    return found


@cache
def zone_year(zone_name: str, year: int) -> tuple[tuple[Any, ...], tuple[Any, ...]] | None:
    """The wall-clock and UTC switch rows of one year, or None when out of range."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    zone = ZoneInfo(zone_name)
    year_start = datetime(year, 1, 1, tzinfo=UTC)
    wall_start = micros(year_start)
    next_year = micros(datetime(year, 12, 31, tzinfo=UTC)) + DAY
    # Two days either side catch a change whose wall-clock switch falls in the
    # year, kept inside what datetime can represent.
    probe_start = max(wall_start - 2 * DAY, micros(datetime.min.replace(tzinfo=UTC)) + DAY)
    probe_end = min(next_year + 2 * DAY, micros(datetime.max.replace(tzinfo=UTC)) - DAY)
    changes = _transitions(zone, probe_start, probe_end)
    wall_off0 = _offset_micros(datetime(year, 1, 1, tzinfo=zone).utcoffset())
    wall: list[int] = []
    for instant, before, after in changes:
        switch = instant + _offset_micros(max(before, after))
        if wall_start <= switch < next_year:
            wall += [switch, _offset_micros(after)]
    utc_off0 = _offset_micros(_offset_at(zone, max(wall_start, probe_start)))
    utc: list[int] = []
    for instant, _, after in changes:
        if wall_start <= instant < next_year:
            utc += [instant, _offset_micros(after)]
    if len(wall) > 2 * SWITCHES or len(utc) > 2 * SWITCHES:
        raise ValueError(f"{zone_name} changes its clocks more than {SWITCHES} times in {year}")
    pad = [None] * (2 * SWITCHES)
    return (year, wall_off0, *(wall + pad)[: 2 * SWITCHES]), (year, utc_off0, *(utc + pad)[: 2 * SWITCHES])


def zone_columns() -> list[str]:
    return ["year", "off0", *(f"{name}{n}" for n in range(1, SWITCHES + 1) for name in ("sw", "off"))]


class Clock:
    """The zone and calendar relations of one DuckDB connection, filled as years are needed."""

    def __init__(self, connection: Any, zone_name: str) -> None:
        self.connection = connection
        self.zone_name = zone_name
        self._years: set[int] = set()
        self._wall: dict[int, tuple[Any, ...]] = {}
        self._utc: dict[int, tuple[Any, ...]] = {}
        columns = ", ".join(f"{name} {'INTEGER' if name == 'year' else 'BIGINT'}" for name in zone_columns())
        for table in ("zone_wall", "zone_utc"):
            connection.execute(f"CREATE OR REPLACE TEMP TABLE {table} ({columns})")
        self._calendar: tuple[int, int] | None = None
        connection.execute(
            "CREATE OR REPLACE TEMP TABLE calendar (cal_first DATE, cal_cum INTEGER[], cal_day DATE[])"
        )

    def maps(self) -> dict[str, dict[int, dict[str, int | None]]]:
        """The switch points of every year loaded, as the ``$zone_wall`` and ``$zone_utc`` maps."""
        names = zone_columns()[1:]
        return {
            "zone_wall": {row[0]: dict(zip(names, row[1:], strict=True)) for row in self._wall.values()},
            "zone_utc": {row[0]: dict(zip(names, row[1:], strict=True)) for row in self._utc.values()},
        }

    def ensure_years(self, years: Iterable[int]) -> None:
        wanted = sorted({year for year in years if year is not None} - self._years)
        wall_rows: list[tuple[Any, ...]] = []
        utc_rows: list[tuple[Any, ...]] = []
        for year in wanted:
            self._years.add(year)
            rows = zone_year(self.zone_name, year)
            if rows is not None:
                wall_rows.append(rows[0])
                utc_rows.append(rows[1])
                self._wall[year], self._utc[year] = rows
        placeholders = ", ".join("?" for _ in zone_columns())
        if wall_rows:
            self.connection.executemany(f"INSERT INTO zone_wall VALUES ({placeholders})", wall_rows)
            self.connection.executemany(f"INSERT INTO zone_utc VALUES ({placeholders})", utc_rows)

    def ensure_calendar(self, first_year: int, last_year: int) -> None:
        """Make the working-day calendar cover these years, and ``REACH_YEARS`` after them.

        It is one unbroken run of days, the one row of ``calendar``, as two
        lists read by position: ``cal_cum[d]``, the working days up to and
        including the d-th day from ``cal_first``, and ``cal_day[c]``, the c-th
        working day. DuckDB builds the lists from the bank holidays alone: a
        stray year in the data can make them millions of days long.
        """
        first = max(min(first_year, DEFAULT_CALENDAR.start), CALENDAR_YEARS.start)
        last = min(max(last_year, DEFAULT_CALENDAR.stop - 1) + REACH_YEARS, CALENDAR_YEARS.stop - 1)
        if self._calendar is not None and self._calendar[0] <= first and last <= self._calendar[1]:
            return
        if self._calendar is not None:
            first, last = min(first, self._calendar[0]), max(last, self._calendar[1])
        self._calendar = (first, last)
        days_off = bank_holidays(first, last)
        self.connection.execute(
            CALENDAR_SQL, {"first": date(first, 1, 1), "last": date(last, 12, 31), "off": days_off}
        )


# The days from $first to $last, each working or not (Monday to Friday, less the days $off),
# then the calendar's one row. The day of the week is counted from 1970-01-01, a Thursday
# (DuckDB's and Spark's own numbering of weekdays differ), and the running counts are listed
# sorted, which is their order by day (they never decrease).
_DAY_NUMBER = "date_diff('day', DATE '1970-01-01', r.day)"
CALENDAR_SQL = (
    "CREATE OR REPLACE TEMP TABLE calendar AS "
    "WITH off AS (SELECT DISTINCT unnest(CAST($off AS DATE[])) AS day), "
    "days AS (SELECT r.day, "
    f"(({_DAY_NUMBER} + 3) % 7 + 7) % 7 < 5 AND off.day IS NULL AS working "
    "FROM (SELECT CAST(unnest(generate_series(CAST($first AS TIMESTAMP), CAST($last AS TIMESTAMP), "
    "INTERVAL 1 DAY)) AS DATE) AS day) AS r LEFT JOIN off ON off.day = r.day), "
    "counted AS (SELECT day, working, sum(CAST(working AS INTEGER)) OVER (ORDER BY day) AS cum FROM days) "
    "SELECT CAST($first AS DATE) AS cal_first, CAST(list_sort(list(cum)) AS INTEGER[]) AS cal_cum, "
    "list_sort(list(day) FILTER (WHERE working)) AS cal_day FROM counted"
)
