"""What a compiled rule sees while it runs on one record.

Outcomes are four-valued. PASS and FAIL are the obvious two; PENDING is an
obligation whose deadline is after the as-of instant; UNKNOWN means the rule
needed a value that could not be read (already reported once by the
data-quality rule), so the item is neither passed nor failed nor counted.
``all`` and ``any`` combine them as Kleene logic does: a FAIL decides an
``all`` and a PASS decides an ``any`` whatever else is unknown.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from checker.records.pointer import escape
from checker.records.schema import Problem
from checker.records.times import (
    Moment,
    eighteenth_birthday,
    local_date,
    parse_date,
    parse_moment,
)
from checker.records.workingdays import WorkingDays


class Status(enum.Enum):
    PASS = "pass"
    FAIL = "fail"
    PENDING = "pending"
    UNKNOWN = "unknown"


@dataclass
class Outcome:
    status: Status
    pointer: str | None = None  # what is wrong, when it is narrower than the item
    kind: str | None = None  # which way it failed: missing, late, mismatch ...
    facts: dict[str, str] = field(default_factory=dict)
    more: list[Outcome] = field(default_factory=list)  # further findings of one check


PASS = Outcome(Status.PASS)
UNKNOWN = Outcome(Status.UNKNOWN)
PENDING = Outcome(Status.PENDING)


class Sentinel(enum.Enum):
    ABSENT = "absent"
    UNREADABLE = "unreadable"
    NOT_YET = "not yet"


ABSENT = Sentinel.ABSENT
UNREADABLE = Sentinel.UNREADABLE
# An event stamped after the as-of instant: for every rule but the data-quality
# ones it has not happened yet (record-format.md, Time).
NOT_YET = Sentinel.NOT_YET


@dataclass
class Item:
    """One thing a check iterates: the record, a custody episode, an interview ..."""

    pointer: str
    value: Any
    event_time_pointer: str | None = None
    facts: dict[str, str] = field(default_factory=dict)
    happens_pointer: str | None = None  # when a nested item happens (x-happens-at), if it says


@dataclass(frozen=True)
class CompiledPath:
    """A path a rule reads: relative to the item, or from the record's root."""

    tokens: tuple[str, ...]
    absolute: bool
    text: str

    @property
    def name(self) -> str:
        """The last field name, for messages (``decisions``, ``requested_at``)."""
        for token in reversed(self.tokens):
            if token != "*":
                return token
        return "record" if self.absolute else "item"


class RunRegistry:
    """Values that must be unique across a whole run, in the order inputs were given."""

    def __init__(self) -> None:
        self._first: dict[str, str] = {}

    def first_seen(self, key: str, where: str) -> str | None:
        """Where ``key`` was first seen, or None (and remember it) if this is the first."""
        earlier = self._first.get(key)
        if earlier is None:
            self._first[key] = where
        return earlier


class Context:
    """One record being checked as of one instant."""

    def __init__(
        self,
        record: dict[str, Any],
        as_of: datetime,
        zone_name: str,
        unreadable: set[str],
        calendar: WorkingDays,
        registry: RunRegistry,
        where: str,
        problems: list[Problem],
    ) -> None:
        self.record = record
        self.problems = problems  # what the record format says is wrong, per value
        self.as_of = as_of
        self.zone_name = zone_name
        self.unreadable = unreadable
        self.calendar = calendar
        self.registry = registry
        self.where = where  # "path:line" of the record, for run-wide duplicates
        self.scratch: dict[int, Any] = {}  # per-record memory of stateful predicates
        # Data-quality rules check values as recorded; every other rule sees the
        # record as it stood at the as-of instant. The engine sets this per rule.
        self.as_recorded = True
        self._adulthood: date | Sentinel | None = Sentinel.ABSENT
        self.adult_from_age: bool | None = None
        self.age_unknown = False  # a date of birth or an age is given, and none can be read

    # -- reading values -----------------------------------------------------

    def is_unreadable(self, pointer: str) -> bool:
        """Whether the value at ``pointer``, or one it lies within, cannot be read. Asked of the
        pointer and its ancestors, not of every value unreadable: a record of thousands of bad
        values took minutes."""
        unreadable = self.unreadable
        if not unreadable:
            return False
        if pointer in unreadable:
            return True
        cut = pointer.rfind("/")
        while cut >= 0:
            if pointer[:cut] in unreadable:
                return True
            cut = pointer.rfind("/", 0, cut)
        return False

    def pointer_of(self, item: Item, path: CompiledPath) -> str:
        base = "" if path.absolute else item.pointer
        return base + "".join("/" + escape(token) for token in path.tokens)

    def read(self, item: Item, path: CompiledPath) -> tuple[Any, str]:
        """The value at ``path`` (ABSENT for missing or null), and its pointer."""
        pointer = self.pointer_of(item, path)
        if self.is_unreadable(pointer):
            return UNREADABLE, pointer
        value: Any = self.record if path.absolute else item.value
        for token in path.tokens:
            if isinstance(value, dict):
                value = value.get(token)
            elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
                value = value[int(token)]
            else:
                return ABSENT, pointer
            if value is None:
                return ABSENT, pointer
        return value, pointer

    def read_at(self, pointer: str) -> Any:
        """The value at an absolute pointer (ABSENT or UNREADABLE when it has none)."""
        if self.is_unreadable(pointer):
            return UNREADABLE
        value: Any = self.record
        for token in pointer.split("/")[1:]:
            token = token.replace("~1", "/").replace("~0", "~")
            if isinstance(value, dict):
                value = value.get(token)
            elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
                value = value[int(token)]
            else:
                return ABSENT
            if value is None:
                return ABSENT
        return value

    def as_moment(self, value: Any) -> Moment | Sentinel:
        """A timestamp or date as the rule being run sees it.

        NOT_YET when the event is after the as-of instant and the rule sees the
        record as of then: an exact time after it, or a date whose whole day is
        (the day begins at or after it).
        """
        if value is ABSENT or value is UNREADABLE:
            return value
        try:
            moment = parse_moment(value, self.zone_name)
        except (TypeError, ValueError):
            return UNREADABLE
        if not self.as_recorded and self.is_after_as_of(moment):
            return NOT_YET
        return moment

    def is_after_as_of(self, moment: Moment) -> bool:
        return moment.lo >= self.as_of if not moment.exact else moment.lo > self.as_of

    def as_date(self, value: Any) -> date | Sentinel:
        if value is ABSENT or value is UNREADABLE:
            return value
        try:
            return parse_date(value)
        except (TypeError, ValueError):
            return UNREADABLE

    def local_date(self, instant: datetime) -> date:
        return local_date(instant, self.zone_name)

    # -- age ----------------------------------------------------------------

    def _adulthood_day(self) -> date | None:
        """The 18th birthday, or None when the record gives no date of birth."""
        if self._adulthood is Sentinel.ABSENT:
            born = self.as_date(self.read_at("/child/date_of_birth"))
            self._adulthood = eighteenth_birthday(born) if isinstance(born, date) else None
            if self._adulthood is None:
                age = self.read_at("/child/age_years")
                # A readable age is whole by the schema, and JSON Schema's integer takes 18.0
                # and 1.8e1 too: as numbers they are the same age.
                if isinstance(age, (int, float)) and not isinstance(age, bool):
                    self.adult_from_age = age >= 18
                else:
                    # Given but unreadable, the age is unknown, not absent: a record with neither
                    # field is a child's, but rules that need a value that cannot be read do not
                    # fire on it (record-format.md), and the rules about children need the age.
                    self.age_unknown = born is UNREADABLE or age is UNREADABLE
        return self._adulthood  # type: ignore[return-value]

    def is_adult_at(self, moment: Moment | None) -> bool | None:
        """Adult at an item's time (None: a time not known); None when the record does not say.

        ``age_years`` carries no date, so it is read as the age at every
        event of the record (the export's best knowledge), dated or not. With
        a date of birth, the event's local date is compared with the 18th
        birthday.
        """
        adulthood = self._adulthood_day()
        if adulthood is not None:
            return None if moment is None else moment.local_day(self.zone_name) >= adulthood
        return self.adult_from_age

    def event_time(self, item: Item) -> Moment | Sentinel:
        """The item's own time (its start), as the rule being run sees it."""
        if item.event_time_pointer is None:
            return ABSENT
        return self.as_moment(self.read_at(item.event_time_pointer))

    def is_not_yet(self, item: Item) -> bool:
        """An item whose own time is after the as-of instant is in no rule's scope yet, nor is
        an interview that starts after it (its time, for age, is its episode's)."""
        if self.as_recorded:
            return False
        if self.event_time(item) is NOT_YET:
            return True
        if item.happens_pointer is None:
            return False
        return self.as_moment(self.read_at(item.happens_pointer)) is NOT_YET

    def is_child_item(self, item: Item) -> bool:
        """Rules about children skip items whose time shows an adult, and every item of a record
        whose age is given but cannot be read (not known to be a child's, so neither passed nor
        failed).

        A record that does not give the age, or an item whose time is not
        recorded or unreadable, is treated as a child's: the record format
        says so for records, and a child-protection export is about children.
        """
        if self._adulthood_day() is None:
            # Only an age in years, or nothing: the item's time does not matter.
            return self.adult_from_age is not True and not self.age_unknown
        moment = self.event_time(item)
        if not isinstance(moment, Moment):
            return True
        return self.is_adult_at(moment) is not True


Predicate = Callable[[Context, Item], Outcome]
