"""One census ``Child`` into one case record, with the line of the element each value came from.

The reader hands this builder the elements it maps (their path below
``Child``, their text and position) in document order; everything else never
reaches it, so a UPN or a name cannot end up in a record. Mapping and ids as
in cin-census.md, "Mapping to a case record".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from checker.inputs.events import Record, Rejected
from checker.inputs.sourcemap import Position, PositionTable
from checker.records.times import is_date, is_moment

Path = tuple[str, ...]  # element names below Child

# The elements whose text a record takes, by their path below Child.
LA_CHILD_ID = ("ChildIdentifiers", "LAchildID")
BIRTH_DATE = ("ChildIdentifiers", "PersonBirthDate")
EPISODE = ("CINdetails",)
REFERRAL_DATE = ("CINdetails", "CINreferralDate")
EPISODE_CONFERENCE = ("CINdetails", "DateOfInitialCPC")
ENQUIRY = ("CINdetails", "Section47")
ENQUIRY_START = ("CINdetails", "Section47", "S47ActualStartDate")
ENQUIRY_CONFERENCE = ("CINdetails", "Section47", "DateOfInitialCPC")
NOT_REQUIRED = ("CINdetails", "Section47", "ICPCnotRequired")
PLAN = ("CINdetails", "ChildProtectionPlans")
PLAN_START = ("CINdetails", "ChildProtectionPlans", "CPPstartDate")
PLAN_END = ("CINdetails", "ChildProtectionPlans", "CPPendDate")
REVIEW = ("CINdetails", "ChildProtectionPlans", "Reviews", "CPPreviewDate")

VALUES = frozenset(
    {
        LA_CHILD_ID,
        BIRTH_DATE,
        REFERRAL_DATE,
        EPISODE_CONFERENCE,
        ENQUIRY_START,
        ENQUIRY_CONFERENCE,
        NOT_REQUIRED,
        PLAN_START,
        PLAN_END,
        REVIEW,
    }
)
ITEMS = frozenset({EPISODE, ENQUIRY, PLAN})  # elements that open an item of the record

_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
# XML's white space, the only kind xs:date and xs:boolean ignore: str.strip() would also take a
# no-break space off a date, and read a value the DfE schema refuses as a valid one.
XML_SPACE = " \t\r\n"


def census_boolean(text: str) -> bool | str:
    """xs:boolean, spaces around it ignored; anything else stays the text it was, for the schema check."""
    stripped = text.strip(XML_SPACE)
    return _BOOLEANS.get(stripped, stripped)


@dataclass
class _Value:
    text: str
    at: Position


@dataclass
class _Item:
    """An episode, enquiry or plan being read: its values by element path, first one kept."""

    at: Position
    values: dict[Path, _Value] = field(default_factory=dict)

    def take(self, path: Path, value: _Value) -> None:
        self.values.setdefault(path, value)  # a repeat the DfE schema forbids: the first counts


@dataclass
class ChildBuilder:
    at: Position  # of the Child element
    lea: str | None
    exported_at: str | None
    identifiers: dict[Path, _Value] = field(default_factory=dict)
    referrals: list[dict[str, Any]] = field(default_factory=list)
    discussions: list[dict[str, Any]] = field(default_factory=list)
    conferences: list[dict[str, Any]] = field(default_factory=list)
    plans: list[dict[str, Any]] = field(default_factory=list)
    positions: dict[str, Position] = field(default_factory=dict)
    # Census dates in timestamp fields that carry a time of day (``Record.dates_alone``).
    timed: set[str] = field(default_factory=set)
    _episode: _Item | None = None
    _enquiry: _Item | None = None
    _plan: _Item | None = None
    _enquiries_in_episode: int = 0
    _plans_in_episode: int = 0
    _reviews_in_plan: int = 0

    # -- what the reader calls -------------------------------------------------

    def open_item(self, path: Path, at: Position) -> None:
        if path == EPISODE:
            self._episode = _Item(at)
            self._enquiries_in_episode = self._plans_in_episode = 0
            self.referrals.append({})  # its place, so that ids follow document order
            self.positions[f"/referrals/{len(self.referrals) - 1}"] = at
        elif path == ENQUIRY and self._episode is not None:
            self._enquiry = _Item(at)
            self._enquiries_in_episode += 1
        elif path == PLAN and self._episode is not None:
            self._plan = _Item(at)
            self._plans_in_episode += 1
            self._reviews_in_plan = 0

    def close_item(self, path: Path) -> None:
        if path == EPISODE and self._episode is not None:
            self._close_episode(self._episode)
            self._episode = None
        elif path == ENQUIRY and self._enquiry is not None:
            self._close_enquiry(self._enquiry)
            self._enquiry = None
        elif path == PLAN and self._plan is not None:
            self._close_plan(self._plan)
            self._plan = None

    def value(self, path: Path, text: str, at: Position) -> None:
        # An id is only a name: one of invisible spaces alone names no child.
        value = _Value(text.strip() if path == LA_CHILD_ID else text.strip(XML_SPACE), at)
        if path in (LA_CHILD_ID, BIRTH_DATE):
            self.identifiers.setdefault(path, value)
        elif path == EPISODE_CONFERENCE and self._episode is not None:
            if EPISODE_CONFERENCE not in self._episode.values:
                self._conference(f"{self._episode_id}-ICPC", "initial", value, None)
            self._episode.take(path, value)
        elif path == REFERRAL_DATE and self._episode is not None:
            self._episode.take(path, value)
        elif path in (ENQUIRY_START, ENQUIRY_CONFERENCE, NOT_REQUIRED) and self._enquiry is not None:
            self._enquiry.take(path, value)
        elif path in (PLAN_START, PLAN_END) and self._plan is not None:
            self._plan.take(path, value)
        elif path == REVIEW and self._plan is not None:
            self._reviews_in_plan += 1
            self._conference(f"{self._plan_id}-R{self._reviews_in_plan}", "review", value, None)

    def finish(self) -> Record | Rejected:
        child_id = self.identifiers.get(LA_CHILD_ID)
        if child_id is None or not child_id.text:
            return Rejected(
                self.at[0], "a Child without a LAchildID cannot be named in a report; it was not checked"
            )
        record_id = f"{self.lea}-{child_id.text}" if self.lea else child_id.text
        child: dict[str, Any] = {"person_id": child_id.text}
        self.positions["/record_id"] = self.positions["/child/person_id"] = child_id.at
        birth = self.identifiers.get(BIRTH_DATE)
        if birth is not None:
            child["date_of_birth"] = birth.text
            self.positions["/child/date_of_birth"] = birth.at
        child["child_protection_plan"] = self.plans
        data: dict[str, Any] = {
            "record_id": record_id,
            "child": child,
            "referrals": self.referrals,
            "strategy_discussions": self.discussions,
            "child_protection_conferences": self.conferences,
        }
        self.positions[""] = self.at
        return Record(
            data,
            PositionTable(self.positions),
            self.at[0],
            self.exported_at,
            dates_alone=frozenset(self.timed),
        )

    # -- items -------------------------------------------------------------------

    @property
    def _episode_id(self) -> str:
        return f"CIN{len(self.referrals)}"

    @property
    def _plan_id(self) -> str:
        return f"{self._episode_id}-CPP{self._plans_in_episode}"

    def _close_episode(self, episode: _Item) -> None:
        referral: dict[str, Any] = {"id": self._episode_id}
        made = episode.values.get(REFERRAL_DATE)
        if made is not None:
            self._moment(f"/referrals/{len(self.referrals) - 1}/made_at", made, referral, "made_at")
        referral["to"] = "childrens_social_care"
        self.referrals[-1] = referral

    def _close_enquiry(self, enquiry: _Item) -> None:
        discussion_id = f"{self._episode_id}-S47-{self._enquiries_in_episode}"
        pointer = f"/strategy_discussions/{len(self.discussions)}"
        discussion: dict[str, Any] = {"id": discussion_id, "referral_id": self._episode_id}
        self.positions[pointer] = enquiry.at
        start = enquiry.values.get(ENQUIRY_START)
        if start is not None:
            self._moment(f"{pointer}/held_at", start, discussion, "held_at")
        discussion["section_47"] = True
        not_required = enquiry.values.get(NOT_REQUIRED)
        if not_required is not None:
            discussion["icpc_not_required"] = census_boolean(not_required.text)
            self.positions[f"{pointer}/icpc_not_required"] = not_required.at
        self.discussions.append(discussion)
        conference = enquiry.values.get(ENQUIRY_CONFERENCE)
        if conference is not None:
            self._conference(f"{discussion_id}-ICPC", "initial", conference, discussion_id)

    def _close_plan(self, plan: _Item) -> None:
        pointer = f"/child/child_protection_plan/{len(self.plans)}"
        self.positions[pointer] = plan.at
        entry: dict[str, Any] = {}
        start = plan.values.get(PLAN_START)
        if start is not None:
            entry["start_date"] = start.text
            self.positions[f"{pointer}/start_date"] = start.at
        end = plan.values.get(PLAN_END)
        entry["end_date"] = end.text if end is not None else None
        if end is not None:
            self.positions[f"{pointer}/end_date"] = end.at
        self.plans.append(entry)

    def _conference(self, conference_id: str, kind: str, held: _Value, discussion_id: str | None) -> None:
        pointer = f"/child_protection_conferences/{len(self.conferences)}"
        conference: dict[str, Any] = {"id": conference_id, "type": kind}
        if discussion_id is not None:
            conference["strategy_discussion_id"] = discussion_id
        self._moment(f"{pointer}/held_at", held, conference, "held_at")
        self.conferences.append(conference)
        self.positions[pointer] = held.at

    def _moment(self, pointer: str, value: _Value, item: dict[str, Any], name: str) -> None:
        """A census date put where the record format takes a timestamp: a time of day there is
        no ``xs:date``, kept as written for the schema check to report, never read as the time it says."""
        item[name] = value.text
        self.positions[pointer] = value.at
        if is_moment(value.text) and not is_date(value.text):
            self.timed.add(pointer)
