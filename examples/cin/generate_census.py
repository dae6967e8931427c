"""Write the bundled example CIN census file: a fictional authority's return for 2023-24.

Run from the repository root (standard library only):

    python examples/cin/generate_census.py

It overwrites ``examples/cin/census-999-2024.xml``: the children in need
census of authority 999 (which does not exist), reference date 31 March 2024,
in the DfE's element order (spec: cin-census.md). Every value is fictional:
UPNs have the right shape but belong to nobody, and there are no names.

Each child is one scenario, named in a comment beside it in the file: most
are routine (a conference in time, no conference needed, a plan that ended),
some are late or missing a conference, and a few carry the recording errors
the data-quality rules look for. The census records every event by day, so
every timestamp a record gets is a date alone. Output is deterministic.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

OUTPUT = Path(__file__).resolve().parent / "census-999-2024.xml"
LEA = "999"
REFERENCE_DATE = date(2024, 3, 31)
SEED = 2024

# England and Wales bank holidays in the census year and either side of it.
BANK_HOLIDAYS = {
    date(2022, 12, 26),
    date(2022, 12, 27),
    date(2023, 1, 2),
    date(2023, 4, 7),
    date(2023, 4, 10),
    date(2023, 5, 1),
    date(2023, 5, 8),
    date(2023, 5, 29),
    date(2023, 8, 28),
    date(2023, 12, 25),
    date(2023, 12, 26),
    date(2024, 1, 1),
    date(2024, 3, 29),
    date(2024, 4, 1),
    date(2024, 5, 6),
}


def working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in BANK_HOLIDAYS


def working_days_after(start: date, count: int) -> date:
    day = start
    while count:
        day += timedelta(days=1)
        count -= working_day(day)
    return day


def next_working_day(day: date) -> date:
    while not working_day(day):
        day += timedelta(days=1)
    return day


@dataclass
class Enquiry:
    start: date | str
    conference: date | None = None
    not_required: str = "false"  # as the authority wrote it


@dataclass
class Plan:
    start: date | str
    end: date | None = None
    reviews: list[date] = field(default_factory=list)


@dataclass
class Episode:
    referral: date
    enquiries: list[Enquiry] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    closed: date | None = None
    episode_conference: date | None = None  # recorded on the episode, not on an enquiry


@dataclass
class Child:
    scenario: str
    born: date | None
    episodes: list[Episode]
    child_id: str = ""


def _upn(number: int) -> str:
    return f"X{number:012d}"


def _date(value: date | str) -> str:
    return value if isinstance(value, str) else value.isoformat()


def _element(name: str, value: date | str | None) -> str:
    return "" if value is None else f"<{name}>{escape(_date(value))}</{name}>"


class Scenarios:
    """Each scenario makes one child from a start day; the comment in the file names it."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def _born(self) -> date:
        # Under 18 at every event of the census years, and born before the first of them.
        return date(2008, 1, 1) + timedelta(days=self.rng.randrange(0, 365 * 13))

    def _referral(self, earliest: date, latest: date) -> date:
        return next_working_day(earliest + timedelta(days=self.rng.randrange((latest - earliest).days)))

    def conference_in_time(self) -> Child:
        referral = self._referral(date(2023, 4, 3), date(2024, 1, 15))
        start = working_days_after(referral, 1)
        conference = working_days_after(start, self.rng.randrange(8, 16))
        reviews = [
            d
            for d in (conference + timedelta(days=91), conference + timedelta(days=273))
            if d <= REFERENCE_DATE
        ]
        plan = Plan(conference, reviews=reviews)
        return Child(
            "conference in time, plan with reviews",
            self._born(),
            [Episode(referral, [Enquiry(start, conference)], [plan])],
        )

    def no_conference_needed(self) -> Child:
        referral = self._referral(date(2023, 4, 3), date(2024, 3, 1))
        enquiry = Enquiry(
            working_days_after(referral, 2), not_required=self.rng.choice(["true", "1", " true "])
        )
        return Child(
            "section 47 found no conference needed",
            self._born(),
            [Episode(referral, [enquiry], closed=referral + timedelta(days=40))],
        )

    def late_conference(self) -> Child:
        referral = self._referral(date(2023, 4, 3), date(2023, 12, 1))
        start = working_days_after(referral, 1)
        conference = working_days_after(start, self.rng.randrange(17, 30))
        return Child(
            "conference after the 15th working day (SD006)",
            self._born(),
            [Episode(referral, [Enquiry(start, conference)], [Plan(conference)])],
        )

    def no_conference(self) -> Child:
        referral = self._referral(date(2023, 6, 1), date(2024, 2, 1))
        enquiry = Enquiry(working_days_after(referral, 1), not_required=self.rng.choice(["false", "0"]))
        return Child("no conference and none ruled out (SD006)", self._born(), [Episode(referral, [enquiry])])

    def pending(self) -> Child:
        referral = self._referral(date(2024, 3, 11), date(2024, 3, 25))
        enquiry = Enquiry(working_days_after(referral, 1))
        return Child(
            "enquiry started less than 15 working days before the year's end: pending",
            self._born(),
            [Episode(referral, [enquiry])],
        )

    def two_plans(self) -> Child:
        first = self._referral(date(2022, 5, 3), date(2022, 9, 1))
        start = working_days_after(first, 1)
        conference = working_days_after(start, 12)
        old_plan = Plan(
            conference, end=conference + timedelta(days=200), reviews=[conference + timedelta(days=91)]
        )
        second = self._referral(date(2023, 7, 3), date(2023, 11, 1))
        start2 = working_days_after(second, 2)
        conference2 = working_days_after(start2, 14)
        new_plan = Plan(conference2, reviews=[conference2 + timedelta(days=91)])
        episodes = [
            Episode(first, [Enquiry(start, conference)], [old_plan], closed=old_plan.end),
            Episode(second, [Enquiry(start2, conference2)], [new_plan]),
        ]
        return Child("two episodes, two plans: one ended, one open", self._born(), episodes)

    def conference_on_the_episode(self) -> Child:
        referral = self._referral(date(2023, 4, 3), date(2023, 12, 1))
        start = working_days_after(referral, 1)
        episode = Episode(referral, [Enquiry(start)], [Plan(working_days_after(start, 10))])
        episode.episode_conference = working_days_after(start, 10)
        return Child(
            "conference recorded on the episode, not the enquiry (SD006 sees none)", self._born(), [episode]
        )

    def unreadable_dates(self) -> Child:
        referral = self._referral(date(2023, 4, 3), date(2023, 12, 1))
        start = working_days_after(referral, 1)
        written = f"{start.day:02d}/{start.month:02d}/{start.year}"
        enquiry = Enquiry(written, not_required=self.rng.choice(["Y", "no"]))
        return Child(
            "dates and a boolean the census does not allow (DQ001)",
            self._born(),
            [Episode(referral, [enquiry])],
        )

    def out_of_order(self) -> Child:
        referral = self._referral(date(2023, 5, 2), date(2023, 12, 1))
        start = referral - timedelta(days=3)
        conference = start - timedelta(days=2)
        plan = Plan(conference, end=conference - timedelta(days=30))
        return Child(
            "enquiry before its referral, conference before it, plan ending before it starts (DQ002)",
            self._born(),
            [Episode(referral, [Enquiry(start, conference)], [plan], closed=referral + timedelta(days=60))],
        )

    def after_year_end(self) -> Child:
        referral = date(2024, 4, 8)
        return Child("a referral dated after the reference date (DQ003)", self._born(), [Episode(referral)])

    def turned_eighteen(self) -> Child:
        referral = self._referral(date(2023, 9, 1), date(2024, 2, 1))
        born = date(referral.year - 18, referral.month, 1) - timedelta(days=30)
        return Child(
            "referred after the 18th birthday (DQ006)",
            born,
            [Episode(referral, closed=referral + timedelta(days=20))],
        )

    def unborn(self) -> Child:
        referral = self._referral(date(2023, 10, 2), date(2024, 1, 15))
        start = working_days_after(referral, 1)
        conference = working_days_after(start, 9)
        return Child(
            "an unborn child: no birth date",
            None,
            [Episode(referral, [Enquiry(start, conference)], [Plan(conference)])],
        )


SCHEDULE: list[tuple[Callable[[Scenarios], Child], int]] = [
    (Scenarios.conference_in_time, 10),
    (Scenarios.no_conference_needed, 5),
    (Scenarios.late_conference, 4),
    (Scenarios.no_conference, 3),
    (Scenarios.pending, 3),
    (Scenarios.two_plans, 4),
    (Scenarios.conference_on_the_episode, 2),
    (Scenarios.unreadable_dates, 1),
    (Scenarios.out_of_order, 1),
    (Scenarios.after_year_end, 1),
    (Scenarios.turned_eighteen, 1),
    (Scenarios.unborn, 1),
]


def children() -> list[Child]:
    scenarios = Scenarios(random.Random(SEED))
    made = [make(scenarios) for make, count in SCHEDULE for _ in range(count)]
    random.Random(SEED).shuffle(made)
    for number, child in enumerate(made, start=1):
        child.child_id = f"CHD{number:05d}"
    # The authority's system sent one child twice (DQ005 reports the second).
    sent_twice = next(child for child in made if child.scenario.startswith("conference in time"))
    made.append(
        Child("the same LAchildID again (DQ005)", sent_twice.born, sent_twice.episodes, sent_twice.child_id)
    )
    return made


def _child_xml(child: Child, number: int) -> list[str]:
    identifiers = (
        f"<LAchildID>{child.child_id}</LAchildID><UPN>{_upn(number * 7919)}</UPN>"
        + _element("PersonBirthDate", child.born)
        + ("" if child.born else _element("ExpectedPersonBirthDate", date(2024, 6, 1)))
        + "<Sex>U</Sex>"
    )
    lines = [
        f"    <!-- {escape(child.scenario)} -->",
        "    <Child>",
        f"      <ChildIdentifiers>{identifiers}</ChildIdentifiers>",
        "      <ChildCharacteristics><Ethnicity>NOBT</Ethnicity></ChildCharacteristics>",
    ]
    for episode in child.episodes:
        lines.append("      <CINdetails>")
        lines.append(
            f"        {_element('CINreferralDate', episode.referral)}<ReferralSource>5A</ReferralSource>"
            "<PrimaryNeedCode>N1</PrimaryNeedCode>"
            + _element("CINclosureDate", episode.closed)
            + ("<ReasonForClosure>RC8</ReasonForClosure>" if episode.closed else "")
        )
        if episode.episode_conference is not None:
            lines.append(f"        {_element('DateOfInitialCPC', episode.episode_conference)}")
        for enquiry in episode.enquiries:
            target = working_days_after(enquiry.start, 15) if isinstance(enquiry.start, date) else None
            lines.append(
                "        <Section47>"
                + _element("S47ActualStartDate", enquiry.start)
                + _element("InitialCPCtarget", target)
                + _element("DateOfInitialCPC", enquiry.conference)
                + f"<ICPCnotRequired>{enquiry.not_required}</ICPCnotRequired></Section47>"
            )
        lines.append("        <ReferralNFA>false</ReferralNFA>")
        for plan in episode.plans:
            reviews = "".join(_element("CPPreviewDate", review) for review in plan.reviews)
            lines.append(
                "        <ChildProtectionPlans>"
                + _element("CPPstartDate", plan.start)
                + _element("CPPendDate", plan.end)
                + "<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>"
                + "<NumberOfPreviousCPP>0</NumberOfPreviousCPP>"
                + (f"<Reviews>{reviews}</Reviews>" if reviews else "")
                + "</ChildProtectionPlans>"
            )
        lines.append("      </CINdetails>")
    lines.append("    </Child>")
    return lines


def census_xml() -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<!-- A fictional children in need census return; authority 999 does not exist. -->",
        "<Message>",
        "  <Header>",
        "    <CollectionDetails><Collection>CIN</Collection><Year>2024</Year>"
        f"<ReferenceDate>{REFERENCE_DATE.isoformat()}</ReferenceDate></CollectionDetails>",
        f"    <Source><SourceLevel>L</SourceLevel><LEA>{LEA}</LEA><SoftwareCode>Example</SoftwareCode>"
        "<Release>1</Release><SerialNo>1</SerialNo><DateTime>2024-05-01T09:00:00</DateTime></Source>",
        "  </Header>",
        "  <Children>",
    ]
    for number, child in enumerate(children(), start=1):
        lines += _child_xml(child, number)
    lines += ["  </Children>", "</Message>"]
    return "\n".join(lines) + "\n"


def main() -> None:
    OUTPUT.write_text(census_xml(), encoding="utf-8")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
