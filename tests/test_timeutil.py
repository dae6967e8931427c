"""Time semantics of the record format: offsets, local time, clock changes, working days, age."""

from __future__ import annotations

import random
import re
import time
from datetime import date, timedelta

import pytest

from checker.engine.per_record import item_month
from checker.records.schema import record_schema
from checker.records.times import (
    DATE_SYNTAX,
    MAX_DURATION,
    MAX_WORKING_DAYS,
    MOMENT_SYNTAX,
    TIMESTAMP_SYNTAX,
    OutOfRange,
    eighteenth_birthday,
    format_duration,
    iso_duration,
    parse_date,
    parse_duration,
    parse_moment,
    parse_timestamp,
)
from checker.records.workingdays import WorkingDays


def test_local_time_without_offset_is_london_time() -> None:
    assert parse_timestamp("2012-07-01T12:00:00").isoformat() == "2012-07-01T11:00:00+00:00"  # BST
    assert parse_timestamp("2012-12-01T12:00:00").isoformat() == "2012-12-01T12:00:00+00:00"  # GMT


def test_offsets_are_exact() -> None:
    assert parse_timestamp("2012-07-01T12:00:00Z").isoformat() == "2012-07-01T12:00:00+00:00"
    assert parse_timestamp("2012-07-01T12:00:00+01:00").isoformat() == "2012-07-01T11:00:00+00:00"
    assert parse_timestamp("2012-07-01T12:00:00-0530").isoformat() == "2012-07-01T17:30:00+00:00"


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("2012-07-01T12:00:00.123456Z", "2012-07-01T12:00:00.123456+00:00"),
        ("2012-07-01T12:00:00.1234560000Z", "2012-07-01T12:00:00.123456+00:00"),  # zeros say nothing more
        ("2012-07-01T12:00:00.0000001Z", "2012-07-01T12:00:00.000001+00:00"),  # past the microsecond
        ("2012-12-31T23:59:59.9999999Z", "2013-01-01T00:00:00+00:00"),
        ("2012-10-28T01:59:59.99999999", "2012-10-28T01:00:00+00:00"),  # the end of the first 01:xx
    ],
)
def test_a_fraction_past_the_microsecond_is_the_next_microsecond(written: str, read: str) -> None:
    assert parse_timestamp(written).isoformat() == read


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("2012-12-31T23:59:59.9999999Z", date(2012, 12, 31)),  # GMT: London's day too
        ("2012-07-01T23:59:59.9999999", date(2012, 7, 1)),  # local, in summer time
        ("2012-07-01T23:59:59.9999999+01:00", date(2012, 7, 1)),
        ("2012-07-01T22:59:59.9999999Z", date(2012, 7, 1)),  # 23:59 BST
        ("2012-07-01T23:59:59.999999", date(2012, 7, 1)),  # no more than a microsecond: as written
    ],
)
def test_a_time_a_fraction_before_midnight_stays_on_its_day(written: str, day: date) -> None:
    moment = parse_moment(written)
    assert moment.local_day("Europe/London") == day
    assert moment.lo == moment.hi == parse_timestamp(written)  # its instant is still the later one


def test_a_time_a_fraction_before_midnight_is_counted_in_its_month() -> None:
    assert item_month({"at": "2013-01-31T23:59:59.9999999"}, "/at", "Europe/London") == "2013-01"
    assert item_month({"at": "2013-01-31"}, "/at", "Europe/London") == "2013-01"
    assert item_month({"at": "2013-01-32"}, "/at", "Europe/London") is None


def test_spring_clock_change_is_real_elapsed_time() -> None:
    # The record format's own example: 00:30 GMT to 03:00 BST is 1 h 30 min.
    start = parse_timestamp("2013-03-31T00:30:00")
    end = parse_timestamp("2013-03-31T03:00:00")
    assert end - start == timedelta(hours=1, minutes=30)


def test_autumn_clock_change_is_real_elapsed_time() -> None:
    # 00:30 BST to 03:00 GMT on 28 October 2012 is 3 h 30 min.
    start = parse_timestamp("2012-10-28T00:30:00")
    end = parse_timestamp("2012-10-28T03:00:00")
    assert end - start == timedelta(hours=3, minutes=30)


def test_ambiguous_and_missing_wall_clock_times_use_the_earlier_offset() -> None:
    assert parse_timestamp("2012-10-28T01:30:00").isoformat() == "2012-10-28T00:30:00+00:00"  # BST
    assert parse_timestamp("2013-03-31T01:30:00").isoformat() == "2013-03-31T01:30:00+00:00"  # GMT


@pytest.mark.parametrize(
    "text",
    [
        "2012-02-30T10:00:00",
        "2012-11-02",
        "20121102T221000",
        "2012-11-02T25:00:00",
        "yesterday",
        "2012-11-02T22:10:00+24:00",
    ],
)
def test_invalid_timestamps_are_rejected(text: str) -> None:
    with pytest.raises(ValueError):
        parse_timestamp(text)


def test_timestamps_accept_seconds_optional_fraction_and_space() -> None:
    assert parse_timestamp("2012-11-02T22:10").isoformat() == "2012-11-02T22:10:00+00:00"
    assert parse_timestamp("2012-11-02 22:10:00.5Z").isoformat() == "2012-11-02T22:10:00.500000+00:00"


def test_durations() -> None:
    assert parse_duration("PT1H") == timedelta(hours=1)
    assert parse_duration("P365D") == timedelta(days=365)
    assert parse_duration("P1DT2H30M") == timedelta(days=1, hours=2, minutes=30)
    assert parse_duration("P2W") == timedelta(days=14)
    assert iso_duration(timedelta(days=7)) == "P7D"
    assert iso_duration(timedelta(hours=1, minutes=30)) == "PT1H30M"
    assert format_duration(timedelta(hours=3, minutes=10)) == "3h 10m"
    assert format_duration(timedelta(days=2, hours=4)) == "52h"  # hours up to three days
    assert format_duration(timedelta(hours=24, minutes=20)) == "24h 20m"
    assert format_duration(timedelta(days=5, hours=2)) == "5d 2h"
    assert format_duration(timedelta(hours=1, seconds=1)) == "1h 1s"  # a second over a limit of 1h shows
    assert format_duration(timedelta(milliseconds=1)) == "under 1s"  # not "0m", which reads as none
    assert format_duration(timedelta(0)) == "0m"


@pytest.mark.parametrize("text", ["P1Y", "P1M", "PT", "P", "1H", "PT1.5H"])
def test_ambiguous_or_malformed_durations_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_working_days_skip_weekends_and_bank_holidays() -> None:
    calendar = WorkingDays()
    # Friday 21 December 2012: Christmas Day and Boxing Day are bank holidays.
    assert calendar.nth_after(date(2012, 12, 21), 1) == date(2012, 12, 24)
    assert calendar.nth_after(date(2012, 12, 24), 1) == date(2012, 12, 27)
    # Diamond Jubilee: Monday 4 and Tuesday 5 June 2012.
    assert calendar.nth_after(date(2012, 6, 1), 1) == date(2012, 6, 6)
    # Late summer bank holiday, Monday 27 August 2012.
    assert calendar.nth_after(date(2012, 8, 24), 1) == date(2012, 8, 28)
    # State funeral of Queen Elizabeth II, Monday 19 September 2022.
    assert calendar.nth_after(date(2022, 9, 16), 1) == date(2022, 9, 20)
    assert calendar.between(date(2012, 12, 21), date(2012, 12, 27)) == 2


def test_fifteen_working_days_over_christmas() -> None:
    # From Monday 17 December 2012: 18-21 (4), 24, 27, 28, 31 (8), then 1 January is a
    # bank holiday, so 2, 3, 4, 7, 8, 9, 10 January make 15.
    assert WorkingDays().nth_after(date(2012, 12, 17), 15) == date(2013, 1, 10)


def test_eighteenth_birthday() -> None:
    assert eighteenth_birthday(date(1994, 11, 10)) == date(2012, 11, 10)
    # A leap-day child comes of age on 1 March in a common year.
    assert eighteenth_birthday(date(1996, 2, 29)) == date(2014, 3, 1)
    assert eighteenth_birthday(date(1994, 2, 28)) == date(2012, 2, 28)


@pytest.mark.parametrize(
    "text",
    [
        "2012-11-02T10:00:00+05:99",  # offset minutes out of range
        "2012-11-02T10:00:00+24:00",
        "\u0662\u0660\u0661\u0662-\u0661\u0661-\u0660\u0662T10:00:00Z",  # Arabic-Indic digits
        "\uff12\uff10\uff11\uff12-11-02T10:00:00Z",  # fullwidth digits
        "2012-11-02T10:00:00.\uff15Z",
        "2012-13-02T10:00:00Z",
        "2012-11-02T10:60:00Z",
        "2012-11-02T10:00:00" + "0" * 100,  # long text is refused before the pattern
    ],
)
def test_timestamp_syntax_is_ascii_digits_with_fields_in_range(text: str) -> None:
    with pytest.raises(ValueError, match="not an ISO 8601 timestamp"):
        parse_timestamp(text)


@pytest.mark.parametrize(
    "text",
    [
        "9999-12-31T23:59:59-14:00",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59",
        "0999-12-31T23:59:59Z",
        "9000-01-01T00:00:00Z",
    ],
)
def test_timestamps_beyond_the_years_read_are_out_of_range_not_overflow(text: str) -> None:
    with pytest.raises(OutOfRange):
        parse_timestamp(text)


@pytest.mark.parametrize("text", ["9999-12-31", "0001-01-01", "0999-12-31", "9000-01-01"])
def test_dates_beyond_the_years_read_are_out_of_range(text: str) -> None:
    with pytest.raises(OutOfRange):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("8999-12-31T23:59:59-23:59", "9000-01-01T23:58:59+00:00"),
        ("1000-01-01T00:00:00+23:59", "0999-12-31T00:01:00+00:00"),
    ],
)
def test_the_edges_of_the_years_read_give_instants_with_room_to_spare(text: str, utc: str) -> None:
    instant = parse_timestamp(text)
    assert instant.isoformat() == utc
    assert (instant + MAX_DURATION) > instant > (instant - MAX_DURATION)  # no OverflowError


def test_an_age_at_the_last_date_read_does_not_overflow() -> None:
    assert eighteenth_birthday(parse_date("8999-12-31")) == date(9017, 12, 31)


def test_schema_patterns_are_the_syntax_the_parser_reads() -> None:
    definitions = record_schema()["$defs"]
    assert definitions["timestamp"]["pattern"] == f"^{MOMENT_SYNTAX}$"  # a date alone too, from 1.1
    assert re.fullmatch(MOMENT_SYNTAX, "2013-01-07") and re.fullmatch(TIMESTAMP_SYNTAX, "2013-01-07T09:00Z")
    assert definitions["date"]["pattern"] == f"^{DATE_SYNTAX}$"


@pytest.mark.parametrize(
    "text", ["P99999999999999D", "P36526D", "PT99999999999999999999S", "P" + "9" * 5000 + "W", "P5300W"]
)
def test_durations_longer_than_a_century_are_refused_in_words(text: str) -> None:
    with pytest.raises(ValueError, match="longer than the longest limit allowed, P36525D"):
        parse_duration(text)


def test_the_longest_duration_allowed() -> None:
    assert parse_duration("P36525D") == MAX_DURATION


def _counted_one_day_at_a_time(calendar: WorkingDays, start: date, end: date) -> int:
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if calendar.is_working_day(start + timedelta(days=offset))
    )


@pytest.mark.parametrize("seed", range(5))
def test_working_days_by_arithmetic_agree_with_counting_day_by_day(seed: int) -> None:
    calendar = WorkingDays()
    chooser = random.Random(seed)
    for _ in range(200):
        start = date(2005, 1, 1) + timedelta(days=chooser.randrange(8000))
        end = start + timedelta(days=chooser.randrange(-5, 400))
        expected = _counted_one_day_at_a_time(calendar, start, end) if end > start else 0
        assert calendar.between(start, end) == expected
        count = chooser.randrange(0, 60)
        found = calendar.nth_after(start, count)
        assert calendar.between(start, found) == count
        assert count == 0 or calendar.is_working_day(found)


def test_working_days_across_centuries_take_no_time() -> None:
    calendar = WorkingDays()
    started = time.perf_counter()
    assert calendar.between(date(1000, 1, 1), date(8999, 12, 31)) > 2_000_000
    assert 2100 < calendar.nth_after(date(2012, 1, 2), MAX_WORKING_DAYS).year < 2120  # about a century
    assert time.perf_counter() - started < 10
