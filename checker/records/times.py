"""Time semantics of the record format (spec: record-format.md, "Time").

Every timestamp becomes an aware datetime in UTC as soon as it is parsed, so
that subtraction is real elapsed time. Python subtracts two datetimes that
share a ``ZoneInfo`` by wall clock, which would make 00:30 GMT to 03:00 BST on
the last Sunday of March look like 2 h 30 min instead of 1 h 30 min.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

UTC = timezone.utc
DEFAULT_ZONE = "Europe/London"

# The years a date or timestamp may be written in. Every instant caselint
# reads lies between them, so adding any limit a rule may set (at most
# MAX_DURATION) or a day's worth of time zone never leaves the range that
# Python's datetime can hold: a value beyond them is unreadable, one
# data-quality finding, rather than an OverflowError somewhere in a rule.
FIRST_YEAR = 1000
LAST_YEAR = 8999
MAX_DURATION = timedelta(days=36525)  # 100 years
MAX_WORKING_DAYS = 26000  # about 100 years
# Timestamps are short; refusing long text before the regex and the cache
# keeps a megabyte of junk in a timestamp field from being held in memory.
LONGEST_TIMESTAMP = 64

# ASCII digits only ([0-9], not \d, which matches any script's digits), and
# every field in its range, as RFC 3339 writes it; the JSON Schema's patterns
# for timestamps and dates (standards/case-record.schema.json) say the same.
_YEAR = r"([0-9]{4})"
_MONTH = r"(0[1-9]|1[0-2])"
_DAY = r"(0[1-9]|[12][0-9]|3[01])"
_HOUR = r"([01][0-9]|2[0-3])"
_MINUTE = r"([0-5][0-9])"
DATE_SYNTAX = rf"{_YEAR}-{_MONTH}-{_DAY}"
_TIME_OF_DAY = (
    rf"[Tt ]{_HOUR}:{_MINUTE}(?::{_MINUTE}(?:\.([0-9]+))?)?(?:([Zz])|([+-]){_HOUR}(?::?{_MINUTE})?)?"
)
TIMESTAMP_SYNTAX = DATE_SYNTAX + _TIME_OF_DAY
# What a timestamp field holds from record format 1.1: a timestamp, or a date alone.
MOMENT_SYNTAX = rf"{DATE_SYNTAX}(?:{_TIME_OF_DAY})?"
_TIMESTAMP = re.compile(TIMESTAMP_SYNTAX)
_DATE = re.compile(DATE_SYNTAX)
_DURATION = re.compile(
    r"P(?!$)(?:([0-9]+)W)?(?:([0-9]+)D)?(?:T(?=[0-9])(?:([0-9]+)H)?(?:([0-9]+)M)?(?:([0-9]+(?:[.,][0-9]+)?)S)?)?"
)
_LONGEST_DURATION_NUMBER = 12  # digits; far beyond MAX_DURATION in any unit


class OutOfRange(ValueError):
    """A date or time that is well formed but outside the years caselint reads."""

    def __init__(self) -> None:
        super().__init__(f"outside the years {FIRST_YEAR} to {LAST_YEAR}")


@lru_cache(maxsize=8)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _fraction_to_micro(fraction: str | None) -> int:
    return int((fraction or "0")[:6].ljust(6, "0"))


def _past_the_microsecond(fraction: str | None) -> timedelta:
    """A microsecond more when the fraction goes on past it: caselint counts in microseconds, and
    an instant a fraction of one past a limit or the as-of instant is past it (read as the
    microsecond that follows, not the one before). Added to the instant, not the wall time: at
    the end of a repeated hour the wall time after is an hour later."""
    return _ONE_MICROSECOND if fraction and fraction[6:].strip("0") else timedelta(0)


_ONE_MICROSECOND = timedelta(microseconds=1)


def parse_timestamp(text: str, zone_name: str = DEFAULT_ZONE) -> datetime:
    """An ISO 8601 timestamp as an aware UTC datetime, a microsecond past what is written when
    its fraction goes on past the microsecond (``_past_the_microsecond``).

    Without an offset the time is local wall-clock time in ``zone_name``. A
    wall-clock time that occurs twice (the last Sunday of October) is read
    as the first of the two; one that does not exist (the hour skipped in
    March) is read with the offset in force just before the change. Both are
    PEP 495's ``fold=0``. Raises ValueError (``OutOfRange`` for a year
    outside FIRST_YEAR to LAST_YEAR), never anything else, for any text.
    """
    written, past = _read_timestamp(text, zone_name)
    return written + past


def _read_timestamp(text: str, zone_name: str) -> tuple[datetime, timedelta]:
    """The instant written, to the microsecond, and what the fraction goes on past it by."""
    if len(text) > LONGEST_TIMESTAMP:
        raise ValueError("not an ISO 8601 timestamp")
    return _parse_timestamp(text, zone_name)


@lru_cache(maxsize=1 << 16)
def _parse_timestamp(text: str, zone_name: str) -> tuple[datetime, timedelta]:
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        raise ValueError("not an ISO 8601 timestamp")
    year, month, day, hour, minute, second, fraction, z, sign, off_h, off_m = match.groups()
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise OutOfRange()
    if z:
        tz: timezone | ZoneInfo = UTC
    elif sign:
        offset = timedelta(hours=int(off_h), minutes=int(off_m or 0))
        tz = timezone(-offset if sign == "-" else offset)
    else:
        tz = zone(zone_name)
    local = datetime(
        int(year),
        int(month),
        int(day),
        int(hour),
        int(minute),
        int(second or 0),
        _fraction_to_micro(fraction),
        tzinfo=tz,
    )
    return local.astimezone(UTC), _past_the_microsecond(fraction)


def parse_date(text: str) -> date:
    """A ``YYYY-MM-DD`` date; ValueError (``OutOfRange`` beyond the years read) for any other text."""
    if len(text) > len("YYYY-MM-DD"):
        raise ValueError("not a date (YYYY-MM-DD)")
    return _parse_date(text)


@lru_cache(maxsize=1 << 14)
def _parse_date(text: str) -> date:
    match = _DATE.fullmatch(text)
    if match is None:
        raise ValueError("not a date (YYYY-MM-DD)")
    if not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
        raise OutOfRange()
    return date.fromisoformat(text)


@dataclass(frozen=True)
class Moment:
    """When something happened: an exact instant, or (format 1.1) a whole local day.

    ``lo`` and ``hi`` are the first and last instants the value allows, in
    UTC, to the microsecond; they are equal for a timestamp. ``day`` is the
    local date of a value written as a date alone. ``written_day`` is the
    local date of a timestamp whose fraction goes on past the microsecond:
    read as the microsecond after, 23:59:59.9999999 is still written on its
    own day, not the next one that its instant begins.
    """

    lo: datetime
    hi: datetime
    day: date | None = None
    written_day: date | None = None

    @property
    def exact(self) -> bool:
        return self.day is None

    def local_day(self, zone_name: str) -> date:
        if self.day is not None:
            return self.day
        if self.written_day is not None:
            return self.written_day
        return local_date(self.lo, zone_name)


def exact_moment(instant: datetime) -> Moment:
    return Moment(instant, instant)


@lru_cache(maxsize=1 << 16)
def parse_moment(text: str, zone_name: str = DEFAULT_ZONE) -> Moment:
    """A timestamp, or a date alone standing for the whole local day (record format 1.1)."""
    if _DATE.fullmatch(text) is not None:
        day = parse_date(text)
        start = start_of_local_day(day, zone_name)
        end = start_of_local_day(day + timedelta(days=1), zone_name) - timedelta(microseconds=1)
        return Moment(start, end, day)
    written, past = _read_timestamp(text, zone_name)
    if past:
        return Moment(written + past, written + past, written_day=local_date(written, zone_name))
    return exact_moment(written)


def export_instant(text: str, zone_name: str = DEFAULT_ZONE) -> datetime:
    """An envelope's ``exported_at`` as the instant a run is checked as of.

    A timestamp is that instant. A date alone (format 1.1) stands for its whole
    day, and an export dated so holds that day's records: its instant is the
    end of the day, the next local midnight, as for the census's reference
    date, so that no event of the day is after it.
    """
    try:
        return parse_timestamp(text, zone_name)
    except OutOfRange:
        raise
    except ValueError:
        return start_of_local_day(parse_date(text) + timedelta(days=1), zone_name)


def is_export_instant(value: object) -> bool:
    """Whether an envelope's ``exported_at`` can be read: a timestamp or a date alone."""
    if not isinstance(value, str):
        return False
    try:
        export_instant(value)
    except (ValueError, OverflowError):
        return False
    return True


def is_timestamp(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        parse_timestamp(value)
    except ValueError:
        return False
    return True


def is_moment(value: object) -> bool:
    """A timestamp, or (record format 1.1) a date alone standing for its whole local day."""
    return is_timestamp(value) or is_date(value)


def is_date(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        parse_date(value)
    except ValueError:
        return False
    return True


def parse_duration(text: str) -> timedelta:
    """An ISO 8601 duration of weeks, days, hours, minutes and seconds, at most MAX_DURATION.

    A day is 24 hours of elapsed time, like every other limit (the record
    format measures real elapsed time). Years and months have no fixed
    length, so they are refused rather than guessed.
    """
    shown = repr(text) if len(text) <= 40 else "the duration"
    match = _DURATION.fullmatch(text)
    if match is None:
        raise ValueError(
            f"{shown} is not an ISO 8601 duration of weeks, days, hours, minutes "
            "or seconds (for example PT1H, P3D, P365D; years and months are not allowed)"
        )
    if any(len(part) > _LONGEST_DURATION_NUMBER for part in match.groups() if part):
        # Past any limit allowed, and int() refuses numbers of thousands of digits.
        raise ValueError(f"{shown} is longer than the longest limit allowed, {iso_duration(MAX_DURATION)}")
    weeks, days, hours, minutes, seconds = match.groups()
    total_seconds = (
        int(weeks or 0) * 604800
        + int(days or 0) * 86400
        + int(hours or 0) * 3600
        + int(minutes or 0) * 60
        + float((seconds or "0").replace(",", "."))
    )
    # Compared as a number first: timedelta itself overflows a little past 2.7 million years.
    if total_seconds > MAX_DURATION.total_seconds():
        raise ValueError(f"{shown} is longer than the longest limit allowed, {iso_duration(MAX_DURATION)}")
    return timedelta(seconds=total_seconds)


def format_duration(span: timedelta) -> str:
    """A duration as a person reads it: ``3h 10m``, ``24h 20m``, ``5d 2h``, ``45m``.

    Hours up to three days (limits such as 24h and 72h are spoken of in
    hours), days beyond.
    """
    total = int(abs(span).total_seconds())
    sign = "-" if span < timedelta(0) else ""
    days, rest = divmod(total, 86400) if total > 72 * 3600 else (0, total)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [
        f"{value}{unit}"
        for value, unit in ((days, "d"), (hours, "h"), (minutes, "m"), (seconds, "s"))
        if value
    ]
    if not parts:
        # A fraction of a second (timestamps may carry them) is not nothing: "0m" read as none.
        return "under 1s" if span else "0m"
    return sign + " ".join(parts)


def iso_duration(span: timedelta) -> str:
    """The canonical ISO 8601 spelling of a duration, for reports and digests."""
    total = int(span.total_seconds())
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = "".join(
        f"{value}{unit}" for value, unit in ((hours, "H"), (minutes, "M"), (seconds, "S")) if value
    )
    out = "P" + (f"{days}D" if days else "") + (f"T{clock}" if clock else "")
    return out if out != "P" else "PT0S"


def local_date(instant: datetime, zone_name: str = DEFAULT_ZONE) -> date:
    return instant.astimezone(zone(zone_name)).date()


def format_local(instant: datetime, zone_name: str = DEFAULT_ZONE) -> str:
    """An instant as local wall-clock time with its offset, e.g. 2012-11-10 19:20 GMT."""
    local = instant.astimezone(zone(zone_name))
    return local.strftime("%Y-%m-%d %H:%M ") + (local.tzname() or local.strftime("%z"))


def start_of_local_day(day: date, zone_name: str = DEFAULT_ZONE) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone(zone_name)).astimezone(UTC)


def format_instant(instant: datetime) -> str:
    """An instant in the report's form: UTC with an explicit +00:00 offset."""
    return instant.astimezone(UTC).isoformat()


def eighteenth_birthday(born: date) -> date:
    """The day a person stops being a child.

    Someone born on 29 February comes of age on 1 March in a year without
    one (Family Law Reform Act 1969 s9: age is attained at the start of the
    anniversary, and the anniversary of 29 February is the day after 28th).
    """
    try:
        return born.replace(year=born.year + 18)
    except ValueError:
        return date(born.year + 18, 3, 1)
