"""Working days: Monday to Friday less the bank holidays of England and Wales.

The bank holidays come from ``holidays`` (its "ENG" subdivision of GB: the one
calendar the two nations share, one-off holidays included) and are kept
between runs (``kept.py``): importing its calendars takes some 0.4 s, most of
a small check.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date
from typing import TypeGuard

from checker.records.kept import keep, read_kept
from checker.records.times import OutOfRange


def bank_holidays(first_year: int, last_year: int) -> list[date]:
    """The bank holidays of England and Wales in these years, in order; kept between runs
    under the version of ``holidays`` that gave them."""
    from importlib import metadata  # some 40 ms to import: only a run that counts working days does

    try:
        key = f"{metadata.version('holidays')}:{first_year}:{last_year}"
    except metadata.PackageNotFoundError:  # not installed as a distribution: nothing to key on
        key = None
    found = read_kept("bank-holidays", key) if key is not None else None
    if _ordinals_in_order(found):
        return [date.fromordinal(ordinal) for ordinal in found]
    import holidays

    calendar = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    days = sorted(calendar)
    if key is not None:
        keep("bank-holidays", key, [day.toordinal() for day in days])
    return days


def _ordinals_in_order(found: object) -> TypeGuard[list[int]]:
    """Whether a kept value is days, as ordinals, each after the last (as counting needs)."""
    if not isinstance(found, list):
        return False
    last = 0
    for ordinal in found:
        if type(ordinal) is not int or not last < ordinal <= date.max.toordinal():
            return False
        last = ordinal
    return True


def _weekdays_through(ordinal: int) -> int:
    """How many Mondays to Fridays there are from 1 January of year 1 (a Monday) to ``ordinal``."""
    weeks, rest = divmod(ordinal, 7)
    return 5 * weeks + min(rest, 5)


class WorkingDays:
    """Monday to Friday less the bank holidays of England and Wales.

    Counted by arithmetic over weeks and a sorted list of the bank holidays
    that fall on weekdays, so that a span of centuries (a mistyped year) costs
    no more than a span of days.
    """

    _MARGIN_YEARS = 10  # loaded around each year asked about, so that nearby years need no reload

    def __init__(self) -> None:
        self._years: tuple[int, int] | None = None
        self._holidays: list[int] = []  # ordinals of bank holidays on weekdays, sorted
        self._holiday_set: frozenset[int] = frozenset()

    def _cover(self, first: date, last: date) -> None:
        if self._years is not None and self._years[0] <= first.year and last.year <= self._years[1]:
            return
        low = first.year - self._MARGIN_YEARS
        high = last.year + self._MARGIN_YEARS
        if self._years is not None:
            low, high = min(low, self._years[0]), max(high, self._years[1])
        low, high = max(low, date.min.year), min(high, date.max.year)
        self._holidays = [day.toordinal() for day in bank_holidays(low, high) if day.weekday() < 5]
        self._holiday_set = frozenset(self._holidays)
        self._years = (low, high)

    def is_working_day(self, day: date) -> bool:
        self._cover(day, day)
        return day.weekday() < 5 and day.toordinal() not in self._holiday_set

    def between(self, start: date, end: date) -> int:
        """How many working days after ``start`` the day ``end`` falls."""
        if end <= start:
            return 0
        self._cover(start, end)
        first, last = start.toordinal(), end.toordinal()
        weekdays = _weekdays_through(last) - _weekdays_through(first)
        holidays_between = bisect_right(self._holidays, last) - bisect_right(self._holidays, first)
        return weekdays - holidays_between

    def nth_after(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (``day`` itself when 0)."""
        if count <= 0:
            return day
        # Every week has at least two working days, even at Christmas and Easter,
        # so the answer is within 3.5 days per working day; search that span.
        low = day.toordinal()
        high = min(low + 4 * count + 7, date.max.toordinal())
        self._cover(day, date.fromordinal(high))
        if self.between(day, date.fromordinal(high)) < count:
            raise OutOfRange()
        while high - low > 1:
            middle = (low + high) // 2
            if self.between(day, date.fromordinal(middle)) >= count:
                high = middle
            else:
                low = middle
        return date.fromordinal(high)
