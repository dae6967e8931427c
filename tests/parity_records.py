"""Boundary records for the engines' parity test: values on the edges the spec names.

Deterministic (seeded). Each record is drawn for one as-of instant from a
family of rules (custody, missing, referrals and discussions, medicals, plans
and exploitation), with its times built as instants around one anchor and
written at the end in one of the forms a timestamp may take: local wall time
(the hour skipped and the hour repeated at a clock change written as such),
``Z`` or an offset other than ``Z`` (in the forms the syntax allows), a
fraction, no seconds, or a date alone (record format 1.1). The edges:

- each limit a rule names (PT1H, PT2H, PT4H, PT6H, PT24H, PT72H, P3D, P7D,
  P365D and the medical ones) exactly, and a microsecond, a second and a
  minute either side;
- anchors on the nights the Europe/London clocks change (2013, 2016, 2021,
  2024, spring and autumn), at local midnight, and around bank holidays and
  weekends; working-day deadlines at the end of their day and just after;
- the day before, on and after the 18th birthday (29 February too), and
  ``age_years`` of every shape;
- deadlines of unmet obligations a second either side of the as-of instant,
  and at it; events at, just before and just after it;
- missing, null and wrong-typed values, unreadable timestamps and dates.

Nothing here decides an answer: the test asks both engines and compares.
"""

from __future__ import annotations

import json
import random
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import cache
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import holidays

from checker.records.times import (
    DEFAULT_ZONE,
    local_date,
    parse_moment,
    parse_timestamp,
    start_of_local_day,
)
from checker.records.workingdays import WorkingDays

T = TypeVar("T")
UTC = timezone.utc
MICRO, SECOND, MINUTE, HOUR, DAY = (
    timedelta(microseconds=1),
    timedelta(seconds=1),
    timedelta(minutes=1),
    timedelta(hours=1),
    timedelta(days=1),
)
CLOCK_YEARS = (2013, 2016, 2021, 2024)
# Local mean time to GMT, the first summer time, double summer time, British Standard Time.
HISTORIC_YEARS = (1847, 1916, 1941, 1947, 1968, 1971)
MEDICAL_LIMITS = {"physical_abuse": 24 * HOUR, "sexual_abuse": 72 * HOUR, "neglect": 7 * DAY}
CALENDAR = WorkingDays()

# Removed from the record when it is written: a key that is absent, not null.
OMIT = object()


def transitions(zone_name: str, year: int) -> list[tuple[datetime, timedelta, timedelta]]:
    """Each change of the zone's offset in a year: (UTC instant, offset before, offset after)."""
    zone = ZoneInfo(zone_name)
    found = []
    start = datetime(year, 1, 1, tzinfo=UTC)
    for day in range(366):
        low, high = start + day * DAY, start + (day + 1) * DAY
        before, after = low.astimezone(zone).utcoffset(), high.astimezone(zone).utcoffset()
        if before == after or before is None or after is None:
            continue
        while high - low > SECOND:
            middle = low + (high - low) / 2
            if middle.astimezone(zone).utcoffset() == before:
                low = middle
            else:
                high = middle
        found.append((high.replace(microsecond=0), before, after))
    return found


def transition_walls(zone_name: str, years: Iterable[int]) -> list[datetime]:
    """Local wall times (naive) at and around each clock change: the second before it, the first
    and last of the hour skipped or repeated, its middle, the second after, and the midnights."""
    walls: list[datetime] = []
    for year in years:
        for instant, before, after in transitions(zone_name, year):
            early, late = instant + min(before, after), instant + max(before, after)
            middle = early + (late - early) / 2
            for wall in (early - SECOND, early, early + SECOND, middle, late - SECOND, late, late + SECOND):
                walls.append(wall.replace(tzinfo=None))
            day = early.date()
            walls += [datetime.combine(day, time(0)), datetime.combine(day - DAY, time(23, 59, 59))]
            walls.append(datetime.combine(day, time(23, 59, 59)))
    return walls


def holiday_walls() -> list[datetime]:
    """Local wall times on the eve of, and on, bank holidays of England and Wales, and weekends."""
    walls: list[datetime] = []
    for day in sorted(holidays.country_holidays("GB", subdiv="ENG", years=range(2012, 2025))):
        for offset, clock in ((-1, time(16, 30)), (-1, time(23, 59, 59)), (0, time(0)), (0, time(12))):
            walls.append(datetime.combine(day + timedelta(days=offset), clock))
    for friday in (date(2013, 1, 4), date(2016, 7, 1), date(2021, 6, 4), date(2024, 2, 9)):
        walls += [datetime.combine(friday, time(17)), datetime.combine(friday, time(23, 59, 59))]
        walls.append(datetime.combine(friday + 2 * DAY, time(23, 59, 59)))
    for midnight in (
        "2016-06-30T23:59:59",
        "2016-07-01T00:00:00",
        "2021-01-31T23:59:59",
        "2024-02-29T00:00:00",
    ):
        walls.append(datetime.fromisoformat(midnight))
    return walls


# The first and last years read, and either side of the years a calendar might hold (the
# set-based engine builds its calendar and zone rows for the years the data needs).
FAR_WALLS = [
    datetime.fromisoformat(text)
    for text in (
        "1000-01-01T00:00:00",
        "1500-06-15T12:00:00",
        "1799-12-31T23:59:59",
        "1800-01-01T00:00:00",
        "2400-12-22T12:00:00",
        "2401-01-02T12:00:00",
        "8999-12-10T12:00:00",
        "8999-12-31T23:59:59",
    )
]


def read_wall(wall: datetime, zone_name: str = DEFAULT_ZONE) -> datetime:
    """A naive wall time as the record format reads it (PEP 495 fold=0)."""
    return parse_timestamp(wall.isoformat(), zone_name)


@cache
def change_walls(zone_name: str) -> list[tuple[datetime, datetime]]:
    """(instant, wall) of the wall times around the zone's clock changes, in time order."""
    walls = transition_walls(zone_name, CLOCK_YEARS + HISTORIC_YEARS)
    return sorted((read_wall(wall, zone_name), wall) for wall in walls)


@cache
def edge_walls(zone_name: str, far: bool) -> list[tuple[datetime, datetime]]:
    """(instant, wall) of every edge wall time in a zone (``far``: and in far years), in time order."""
    walls = transition_walls(zone_name, CLOCK_YEARS + HISTORIC_YEARS) + holiday_walls()
    walls += FAR_WALLS if far else []
    return sorted((read_wall(wall, zone_name), wall) for wall in walls)


@dataclass(frozen=True)
class Stamp:
    """A time to be written: its instant, the form to write it in, and literal wall text if any."""

    instant: datetime
    style: str
    wall: str | None = None


OFFSETS = ("+01:00", "-05:00", "+05:30", "+0100", "+01", "-00:00", "+14:00", "-11:30")


def render_stamp(stamp: Stamp, shift: timedelta, zone_name: str = DEFAULT_ZONE) -> str:
    if stamp.wall is not None and not shift:
        return stamp.wall
    instant = stamp.instant + shift
    local = instant.astimezone(ZoneInfo(zone_name)).replace(tzinfo=None)
    style = stamp.style
    if style == "date":
        return local.date().isoformat()
    if style == "Z":
        return instant.replace(tzinfo=None).isoformat() + "Z"
    if style.startswith(("+", "-")):
        sign = 1 if style[0] == "+" else -1
        hours, minutes = int(style[1:3]), int(style.replace(":", "")[3:5] or 0)
        offset = timedelta(hours=hours, minutes=minutes) * sign
        shown = instant.astimezone(timezone(offset)).replace(tzinfo=None)
        return shown.isoformat() + style
    if style == "lower":
        return instant.replace(tzinfo=None).isoformat(sep="t") + "z"
    if style == "space":
        return local.isoformat(sep=" ")
    if style == "fraction":
        fraction = f".{local.microsecond:06d}" if local.microsecond else ".0000009"
        return local.replace(microsecond=0).isoformat(timespec="seconds") + fraction
    if style == "minutes" and local.second == 0 and local.microsecond == 0:
        return local.isoformat(timespec="minutes")
    if style == "stale":
        # The wall clock of a system that changed its clock two hours late: near a change,
        # a time in the hour skipped or the first pass of the hour repeated.
        offset = (instant - 2 * HOUR).astimezone(ZoneInfo(zone_name)).utcoffset() or timedelta(0)
        return (instant + offset).replace(tzinfo=None).isoformat()
    return local.isoformat()


STYLES = ["local"] * 8 + ["stale"] * 2 + ["Z"] * 3 + ["date"] * 2 + list(OFFSETS)
STYLES += ["lower", "space", "fraction", "minutes"]


def render(value: Any, shift: timedelta, zone_name: str) -> Any:
    """The record as JSON data: stamps written, omitted keys dropped."""
    if isinstance(value, Stamp):
        return render_stamp(value, shift, zone_name)
    if isinstance(value, dict):
        return {key: render(item, shift, zone_name) for key, item in value.items() if item is not OMIT}
    if isinstance(value, list):
        return [render(item, shift, zone_name) for item in value if item is not OMIT]
    return value


@dataclass(frozen=True)
class Owed:
    """An obligation of the record: its deadline (or, for working days, its start and count),
    and where the value that meets it is, to be left out when it is made to fall due."""

    deadline: datetime
    holder: dict[str, Any]
    key: str
    working: tuple[datetime, int] | None = None
    applies: tuple[tuple[dict[str, Any], str, Any], ...] = ()  # values that put it in scope


@dataclass
class Draw:
    """One record being drawn for one as-of instant."""

    rng: random.Random
    as_of: datetime
    number: int
    zone: str = DEFAULT_ZONE
    far: bool = False  # anchors in the first and last years read, too
    owed: list[Owed] = field(default_factory=list)
    ids: int = 0

    def p(self, chance: float) -> bool:
        return self.rng.random() < chance

    def pick(self, choices: Iterable[T]) -> T:
        return self.rng.choice(list(choices))

    def id(self, prefix: str) -> str:
        if self.ids and self.p(0.03):
            return f"{prefix}-{self.ids}"  # the one before again: a duplicate when the prefix matches
        self.ids += 1
        return f"{prefix}-{self.ids}"

    def nudge(self) -> timedelta:
        return self.pick([timedelta(0)] * 4 + [-SECOND, SECOND, -MINUTE, MINUTE, MICRO, -MICRO])

    def near(self, limit: timedelta) -> timedelta:
        """Elapsed time on the edge of a limit, now and then well inside or well past it."""
        if self.p(0.15):
            return limit * self.pick([0, 0.5, 2, 3])
        return limit + self.nudge()

    def stamp(self, instant: datetime, style: str | None = None) -> Stamp:
        return Stamp(instant, style or self.pick(STYLES))

    def owe(
        self,
        deadline: datetime,
        holder: dict[str, Any],
        key: str,
        working: tuple[datetime, int] | None = None,
        applies: tuple[tuple[dict[str, Any], str, Any], ...] = (),
    ) -> None:
        self.owed.append(Owed(deadline, holder, key, working, applies))

    def due_at_as_of(self) -> timedelta:
        """Make one obligation unmet (mostly) and due a moment either side of the as-of instant:
        the shift that takes the record's times there."""
        owed = self.pick(self.owed)
        if self.p(0.8):
            owed.holder[owed.key] = self.pick([OMIT, None])
            for holder, key, value in owed.applies:
                holder[key] = value
        if owed.working is None:
            return (
                self.as_of - owed.deadline + self.pick([timedelta(0)] * 3 + [-SECOND, SECOND, -MICRO, MINUTE])
            )
        # Working days: its last day the last working day before the as-of instant's local
        # day (due), or the first from that day on (pending).
        start, count = owed.working
        today = local_date(self.as_of, self.zone)
        if self.p(0.5):
            last = next(today - n * DAY for n in range(1, 30) if CALENDAR.is_working_day(today - n * DAY))
        else:
            last = next(today + n * DAY for n in range(30) if CALENDAR.is_working_day(today + n * DAY))
        days = [last - n * DAY for n in range(1, 4 * count + 8)]
        starts = [day for day in days if CALENDAR.nth_after(day, count) == last]
        return timedelta(days=(self.pick(starts) - local_date(start, self.zone)).days)

    def maybe(self, instant: datetime, chance: float = 0.85) -> Any:
        """A stamp, or now and then a key absent or null."""
        if self.p(chance):
            return self.stamp(instant)
        return self.pick([OMIT, None])

    def anchor(self) -> Stamp:
        """The item's own time: on an edge wall before the as-of instant, mostly."""
        if self.p(0.12):
            return self.stamp(self.as_of + self.nudge())  # at the as-of instant
        walls = edge_walls(self.zone, self.far) if self.p(0.6) else change_walls(self.zone)
        earlier = walls[: bisect_left(walls, (self.as_of,))]
        if not earlier or self.p(0.1):
            return self.stamp(self.as_of - self.pick([HOUR, 5 * HOUR, 2 * DAY, 40 * DAY, 400 * DAY]))
        instant, wall = self.pick(earlier[-40:] if self.p(0.5) else earlier)
        if self.p(0.6):
            return Stamp(instant, "local", wall.isoformat(timespec="seconds"))
        return self.stamp(instant)


def child(draw: Draw, at: datetime) -> dict[str, Any]:
    """The child: of age near the item's local day, or of any shape an age takes."""
    day = local_date(at, draw.zone)
    found: dict[str, Any] = {"person_id": f"P-{draw.number}"}
    kind = draw.rng.random()
    if kind < 0.45:
        birthday = day + timedelta(days=draw.pick([-1, 0, 1]))  # the 18th birthday
        try:
            found["date_of_birth"] = birthday.replace(year=birthday.year - 18).isoformat()
        except ValueError:
            found["date_of_birth"] = f"{birthday.year - 18}-02-29"
        if draw.p(0.05):
            found["date_of_birth"] = draw.pick(["2000-02-29", "1996-02-29", "2004-02-29"])
    elif kind < 0.75:
        found["date_of_birth"] = (day - timedelta(days=draw.rng.randrange(365, 17 * 365))).isoformat()
    elif kind < 0.9:
        found["age_years"] = draw.pick([17, 18, 0, 19, 17.0, 18.0, -1, "17", True, None, 17.5])
    elif kind < 0.95:
        found["date_of_birth"] = draw.pick(
            ["2004-02-30", "2004-1-1", 20040101, "2004-05-01T00:00:00", "", None, "0999-01-01", "9000-01-01"]
        )
        if draw.p(0.3):  # an age beside a date of birth that may not be read
            found["age_years"] = draw.pick([17, 19, "17", 17.5])
    if draw.p(0.2):
        found["exploitation_risk"] = draw.pick(
            [["cse"], ["cce"], ["trafficking"], ["cse", "cce"], [], "cse", [5]]
        )
    return found


def custody(draw: Draw, arrived: Stamp) -> dict[str, Any]:
    start = arrived.instant
    authorised = start + draw.pick([timedelta(0), timedelta(0), 5 * MINUTE, 20 * MINUTE])
    requested = authorised + draw.near(HOUR)
    aa_arrived = requested + draw.near(4 * HOUR)
    episode: dict[str, Any] = {
        "id": draw.id("CUS"),
        "arrived_at": arrived if draw.p(0.95) else draw.pick([OMIT, None]),
        "detention_authorised_at": draw.maybe(authorised, 0.9),
    }
    adult: dict[str, Any] = {"requested_at": draw.maybe(requested), "arrived_at": draw.maybe(aa_arrived, 0.6)}
    episode["appropriate_adult"] = adult if draw.p(0.9) else draw.pick([OMIT, None, "yes"])
    episode["welfare_person_informed_at"] = draw.maybe(authorised + draw.near(2 * HOUR), 0.7)
    episode["reviews"] = [
        {"at": draw.stamp(authorised + draw.near(6 * HOUR))} for _ in range(draw.pick([0, 1, 1, 2]))
    ]
    draw.owe(authorised + HOUR, adult, "requested_at")
    draw.owe(requested + 4 * HOUR, adult, "arrived_at")
    draw.owe(authorised + 2 * HOUR, episode, "welfare_person_informed_at")
    draw.owe(authorised + 6 * HOUR, episode, "reviews")
    midnight = start_of_local_day(local_date(start, draw.zone) + DAY, draw.zone)
    leaves = draw.pick(
        [authorised + draw.near(6 * HOUR), requested + draw.near(4 * HOUR), midnight + draw.nudge(), None]
    )
    episode["released_at"] = draw.stamp(leaves) if leaves is not None else draw.pick([OMIT, None])
    if draw.p(0.4):
        charged = authorised + draw.pick([HOUR, 3 * HOUR])
        episode["charged_at"] = draw.stamp(charged)
        episode["bail_refused"] = draw.pick([True, True, False, None, "true"])
        outcome = draw.pick(["transferred", "refused_by_la", "no_bed", "not_requested", None, "lost"])
        accommodation: dict[str, Any] = {
            "requested_at": draw.maybe(charged + 10 * MINUTE, 0.8),
            "outcome": outcome,
        }
        if outcome == "transferred" or draw.p(0.2):
            accommodation["transferred_at"] = draw.stamp(
                draw.pick([midnight + draw.nudge(), requested + draw.near(4 * HOUR), charged + 5 * HOUR])
            )
        if draw.p(0.4):
            accommodation["certificate_reason"] = draw.pick(["no secure bed", "", "  ", None])
        episode["la_accommodation"] = accommodation if draw.p(0.9) else draw.pick([None, OMIT])
    if draw.p(0.5):
        episode["interviews"] = [
            {"started_at": draw.stamp(requested + draw.near(2 * HOUR)), "appropriate_adult_present": present}
            for present in draw.rng.sample([True, False, None, "yes", True], draw.pick([1, 2]))
        ]
    episode["overnight_reason"] = draw.pick([OMIT, OMIT, None, "awaiting interpreter", "", " "])
    return episode


def missing(draw: Draw, third: Stamp) -> dict[str, Any]:
    """Missing episodes (the last of three inside a window on the edge) and assessments."""
    window = draw.near(365 * DAY)
    first = third.instant - window
    times = [first, first + (third.instant - first) * draw.pick([0.1, 0.5, 0.99]), third.instant]
    if draw.p(0.3):
        times.append(third.instant + draw.pick([HOUR, 30 * DAY]))
    episodes: list[dict[str, Any]] = []
    for number, reported in enumerate(times):
        returned = reported + draw.pick([5 * HOUR, 20 * HOUR, 3 * DAY])
        episode: dict[str, Any] = {
            "id": draw.id("MIS"),
            "reported_at": third if number == 2 else draw.stamp(reported),
            "returned_at": draw.maybe(returned, 0.8),
            "category": draw.pick(["missing", "absent", None, "gone"]),
            "risk_grade": draw.pick(["high", "medium", "low", "no_apparent_risk", None, OMIT]),
            "la_notified_at": draw.maybe(reported + draw.near(24 * HOUR), 0.8),
            "prevention_interview_at": draw.maybe(returned + 2 * HOUR, 0.6),
            "return_interview": {
                "offered_at": draw.maybe(returned + draw.near(72 * HOUR), 0.8),
                "declined": draw.pick([False, True, None]),
            },
        }
        episodes.append(episode)
        draw.owe(reported + 24 * HOUR, episode, "la_notified_at")
        draw.owe(returned + 72 * HOUR, episode["return_interview"], "offered_at")
    if draw.p(0.2):
        draw.rng.shuffle(episodes)
    assessments = []
    for _ in range(draw.pick([0, 1, 1, 2])):
        completed = third.instant + draw.pick([draw.near(7 * DAY), draw.nudge(), -DAY])
        assessments.append(
            {
                "id": draw.id("ASM"),
                "type": draw.pick(["repeat_missing", "repeat_missing", "cse_risk", None]),
                "completed_at": draw.stamp(completed),
                "harm_reduction_plan": draw.pick([True, True, False, None, "true"]),
            }
        )
    found = {"missing_episodes": episodes, "assessments": assessments}
    draw.owe(third.instant + 7 * DAY, found, "assessments")
    return found


def working_deadline(draw: Draw, start: datetime, count: int) -> datetime:
    """An instant at the end of the ``count``-th working day after ``start``'s local day, or just past."""
    day = CALENDAR.nth_after(local_date(start, draw.zone), count)
    end = start_of_local_day(day + DAY, draw.zone)
    return end + draw.pick([-SECOND, -MICRO, timedelta(0), SECOND, -DAY, DAY, -12 * HOUR])


def referral_chain(draw: Draw, made: Stamp) -> dict[str, Any]:
    """An incident, its referral, a strategy discussion and a conference, timed on the edges."""
    incident_time = made.instant - draw.pick([HOUR, 10 * HOUR, DAY])
    present = draw.pick([True, True, False, None])
    incident = {
        "id": draw.id("INC"),
        "type": draw.pick(["domestic_abuse", "domestic_abuse", "neglect", "cse", None, "unknown"]),
        "reported_at": draw.stamp(incident_time),
        "child_present": present,
        "child_seen": draw.pick([True, False, None]),
        "demeanour": draw.pick(["quiet", "", None, OMIT]),
        "voice_of_child": draw.pick(["said little", "\u2003", None, OMIT]),
        "voice_not_obtained_reason": draw.pick([None, OMIT, "pre-verbal"]),
        "dash": draw.pick(
            [
                {"completed_at": draw.stamp(incident_time + HOUR), "risk_level": "high"},
                {"risk_level": "x"},
                None,
            ]
        ),
        "trafficking_indicators": draw.pick([False, True, None, OMIT]),
    }
    referral = {
        "id": draw.id("REF"),
        "incident_id": incident["id"] if draw.p(0.85) else draw.pick(["INC-404", None, 7]),
        "made_at": made,
        "to": draw.pick(["childrens_social_care", "childrens_social_care", "health", None]),
        "concern_level": draw.pick(
            ["significant_harm", "significant_harm", "child_in_need", "below_threshold"]
        ),
        "impact_on_child": draw.pick(["stopped school", "", None, OMIT]),
        "specialist_notified_at": draw.maybe(made.instant + HOUR, 0.7),
        "feedback_received_at": draw.maybe(working_deadline(draw, made.instant, 1), 0.8),
    }
    held = made.instant + draw.near(3 * DAY)
    discussion: dict[str, Any] = {
        "id": draw.id("SD"),
        "referral_id": referral["id"] if draw.p(0.85) else draw.pick(["REF-404", None]),
        "held_at": draw.stamp(held),
        "agencies": draw.pick(
            [["police", "childrens_social_care", "health"], ["police"], [], None, "police"]
        ),
        "section_47": draw.pick([True, True, False, None]),
        "decisions": draw.pick(["s47 to start", "", "   ", None, OMIT]),
        "actions": draw.pick(
            [
                [{"description": "visit", "owner": "DC 1", "due": local_date(held, draw.zone).isoformat()}],
                [{"description": "visit"}],
                [],
                None,
                [{"description": "", "owner": "DC 2", "due": "2013-02-30"}],
            ]
        ),
    }
    if draw.p(0.15):
        discussion["icpc_not_required"] = draw.pick([True, False, None, "yes"])
    conference = {
        "id": draw.id("CPC"),
        "type": draw.pick(["initial", "initial", "review", None]),
        "strategy_discussion_id": discussion["id"] if draw.p(0.9) else "SD-404",
        "held_at": draw.stamp(working_deadline(draw, held, 15)),
        "police_attended": draw.pick([True, False, None]),
        "police_report_submitted": draw.pick([True, False, None, OMIT]),
    }
    chain: dict[str, Any] = {
        "incidents": [incident],
        "referrals": [referral],
        "strategy_discussions": [discussion],
    }
    if draw.p(0.8):
        chain["child_protection_conferences"] = [conference]
    draw.owe(made.instant + 3 * DAY, chain, "strategy_discussions")
    to_care = ((referral, "to", "childrens_social_care"), (referral, "concern_level", "child_in_need"))
    draw.owe(made.instant, referral, "feedback_received_at", (made.instant, 1), to_care)
    section_47 = ((discussion, "section_47", True), (discussion, "icpc_not_required", OMIT))
    draw.owe(held, chain, "child_protection_conferences", (held, 15), section_47)
    return chain


def medical(draw: Draw, requested: Stamp) -> dict[str, Any]:
    kind = draw.pick([*MEDICAL_LIMITS, None])
    limit = MEDICAL_LIMITS[kind] if kind is not None else DAY
    examination = {
        "id": draw.id("MED"),
        "type": kind,
        "requested_at": requested,
        "examined_at": draw.maybe(requested.instant + draw.near(limit), 0.75),
    }
    draw.owe(requested.instant + limit, examination, "examined_at")
    return examination


def plans_and_exploitation(draw: Draw) -> dict[str, Any]:
    """Plans open on the edge of the as-of local day, markers, exploitation dates near the as-of instant."""
    today = local_date(draw.as_of, draw.zone)
    utc_day = draw.as_of.astimezone(UTC).date()

    def edge_day() -> Any:
        return draw.pick([today - DAY, today, today + DAY, utc_day, utc_day + DAY]).isoformat()

    plan = {
        "start_date": edge_day() if draw.p(0.9) else draw.pick([None, OMIT]),
        "end_date": draw.pick([None, OMIT, edge_day(), edge_day()]),
    }
    plans = draw.pick(
        [plan, plan, [plan], [plan, {"start_date": "2001-01-01", "end_date": "2001-06-01"}], [], "open", None]
    )
    markers = draw.pick(
        [
            ["child_protection_plan"],
            [],
            ["missing_risk"],
            ["Child_Protection_Plan"],
            None,
            "child_protection_plan",
        ]
    )
    near_now = draw.as_of + draw.pick([timedelta(0), SECOND, -SECOND, DAY, -DAY])
    return {
        "plans": plans,
        "markers": markers,
        "exploitation": draw.pick(
            [
                {
                    "nrm_referral_at": draw.stamp(near_now),
                    "mace_discussed_at": draw.maybe(near_now - HOUR, 0.5),
                },
                {"mace_discussed_at": draw.stamp(near_now)},
                {},
                None,
                OMIT,
            ]
        ),
    }


FAMILIES = ("custody", "missing", "referral", "medical", "mixed")


def draw_record(
    seed: str, number: int, as_of: datetime, record_id: str, zone_name: str = DEFAULT_ZONE, far: bool = False
) -> tuple[str, dict[str, Any]]:
    """One boundary record for this as-of instant (local times in this zone): its family and its data."""
    rng = random.Random(f"{seed}:{number}")
    draw = Draw(rng, as_of, number, zone_name, far=far)
    family = FAMILIES[number % len(FAMILIES)]
    anchor = draw.anchor()
    body: dict[str, Any] = {}
    if family in ("custody", "mixed"):
        body["custody_episodes"] = [custody(draw, anchor) for _ in range(draw.pick([1, 1, 2]))]
    if family in ("missing", "mixed"):
        body.update(missing(draw, anchor))
    if family in ("referral", "mixed"):
        body.update(referral_chain(draw, anchor))
    if family in ("medical", "mixed"):
        body["medical_examinations"] = [medical(draw, anchor)]
    if draw.p(0.03):
        record_id = "PB-TWICE"  # used again in this part and the others
    record: dict[str, Any] = {"record_id": record_id, "district": draw.pick(["Shropshire", None, OMIT])}
    record["child"] = child(draw, anchor.instant)
    if draw.p(0.35):
        extra = plans_and_exploitation(draw)
        record["child"]["child_protection_plan"] = extra["plans"]
        record["child"]["warning_markers"] = extra["markers"]
        record["exploitation"] = extra["exploitation"]
    record.update(body)
    if draw.p(0.3):
        storages = ["force_system", "force_system", "paper_only", "personal_drive", None, "cloud"]
        record["documents"] = [{"id": draw.id("DOC"), "kind": "log", "storage": draw.pick(storages)}]
    shift = timedelta(0)
    if draw.owed and draw.p(0.3):
        shift = draw.due_at_as_of()
        family += "/pending"
    try:
        data = render(record, shift, zone_name)
    except OverflowError:  # moved past the years datetime holds
        data = render(record, timedelta(0), zone_name)
    if draw.p(0.25):
        family += "/corrupted"
        for _ in range(draw.pick([1, 1, 2, 3])):
            corrupt(draw, data)
    return family, data


BAD_VALUES: list[Any] = [
    None,
    OMIT,
    0,
    1.5,
    True,
    "",
    " ",
    "garbage",
    [],
    {},
    "2013-02-29T10:00:00",
    "2013-13-01",
    "2013-03-31T24:00:00",
    "2013-03-31T23:60:00",
    "2013-03-31T23:59:60",
    "0999-12-31T23:59:59",
    "0001-01-01T00:00:00",
    "9000-01-01",
    "0999-02-30T10:00:00+01:00",
    "0999-02-30",
    "9000-01-01T24:00:00",
    "2013-01-01T10:00:00." + "0" * 44 + "1",
    "2013-01-01T10:00:00." + "0" * 45 + "1",
    "2013-01-01T10:00:00+24:00",
    "2013-01-01T10:00:00+23:59",
    "2013-01-01T10:00:00+01:60",
    "2013-01-01T10:00:00.1234567",
    "2013-01-01T10:00:00+01",
    "20130101T100000",
    "2013-01-01T10:00:00Z ",
    "2013-01-01T10",
    "\u0662\u0660\u0661\u0663-01-01",
    "2013-01-01T10:00:00" + "0" * 80,
    "null",
    "R-\ud800",
    "\udfff",
]


# Readable, but far off: the set-based engine's calendar then spans thousands of years.
FAR_VALUES = ["1000-01-01T00:00:00Z", "8999-12-31T23:59:59Z"]


def _slots(value: Any, pointer: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in the record a value sits (dict keys and list positions)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*pointer, key)
            yield from _slots(item, (*pointer, key))
    elif isinstance(value, list):
        for position, item in enumerate(value):
            yield (*pointer, position)
            yield from _slots(item, (*pointer, position))


def corrupt(draw: Draw, data: dict[str, Any]) -> None:
    """Put a wrong value (or nothing) in one place of the record."""
    slots = [slot for slot in _slots(data) if slot != ("record_id",) or draw.p(0.1)]
    if not slots:
        return
    slot = draw.pick(slots)
    holder: Any = data
    for token in slot[:-1]:
        holder = holder[token]
    bad = draw.pick(BAD_VALUES + (FAR_VALUES if draw.far else []))
    if bad is OMIT:
        del holder[slot[-1]]
    else:
        holder[slot[-1]] = bad


# --- records of an export, written on the edges -------------------------------------------


def _times(value: Any, pointer: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    for slot in _slots(value, pointer):
        holder = value
        for token in slot:
            holder = holder[token]
        if isinstance(holder, str) and len(holder) >= 16 and holder[4:5] == "-" and holder[10:11] in "T ":
            yield slot, holder


def restyled(rng: random.Random, data: dict[str, Any], shift: timedelta) -> dict[str, Any]:
    """An export's record with every timestamp moved by ``shift`` and written in a form drawn anew."""
    copy: dict[str, Any] = json.loads(json.dumps(data))
    for slot, text in list(_times(copy)):
        try:
            moment = parse_moment(text)
        except ValueError:
            continue
        holder: Any = copy
        for token in slot[:-1]:
            holder = holder[token]
        holder[slot[-1]] = render_stamp(Stamp(moment.lo, rng.choice(STYLES)), shift)
    return copy


def onto_clock_change(rng: random.Random, data: dict[str, Any]) -> timedelta:
    """A shift that puts the record's earliest timestamp on a clock-change wall time."""
    instants = []
    for _, text in _times(data):
        try:
            instants.append(parse_moment(text).lo)
        except ValueError:
            continue
    if not instants:
        return timedelta(0)
    target = read_wall(rng.choice(transition_walls(DEFAULT_ZONE, CLOCK_YEARS + HISTORIC_YEARS)))
    return target - min(instants)
