"""Write the bundled example export: West Mercia case records as of 7 January 2013.

Run from the repository root (standard library only):

    python examples/generate_export.py

It overwrites

* ``examples/exports/west-mercia-2013-01.json``: an export envelope of case
  records from four West Mercia districts, exported 2013-01-07T09:00:00Z;
* ``examples/exports/single-record.yaml``: the first of those records as one
  YAML mapping, with YAML's own (unquoted) timestamps and dates.

Everything is fictional. Children are pseudonymised ids; free text names
people only by role ("mother", "DC 4411", "social worker"), never by name.

Most records are routine case files, mostly compliant with a few lapses each,
like a real export. The rest are scenarios, each exercising one edge of a rule
of the rule catalogue (spec: rule-catalogue.md); the comment on each says
which. Apart from its stated purpose a scenario is meant to be compliant, so a
finding that no comment explains is a bug here or in caselint. Output is
deterministic: free text is drawn from fixed pools with a fixed seed.
"""

from __future__ import annotations

import enum
import json
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

Json = dict[str, Any]
T = TypeVar("T")

EXPORTS = Path(__file__).resolve().parent / "exports"
EXPORT_FILE = EXPORTS / "west-mercia-2013-01.json"
YAML_FILE = EXPORTS / "single-record.yaml"

LONDON = ZoneInfo("Europe/London")
EXPORT = {
    "system": "Niche RMS",
    "force": "West Mercia",
    "exported_at": "2013-01-07T09:00:00Z",
    "schema_version": "1",
}
# The export's as-of instant as local wall-clock time (GMT in January, so the same).
AS_OF = datetime(2013, 1, 7, 9, 0)

HEREFORDSHIRE = "Herefordshire"
WORCESTERSHIRE = "Worcestershire"
SHROPSHIRE = "Shropshire"
TELFORD = "Telford and Wrekin"
TEAMS = {
    HEREFORDSHIRE: "PVP Hereford",
    WORCESTERSHIRE: "PVP Worcester",
    SHROPSHIRE: "PVP Shrewsbury",
    TELFORD: "PVP Telford",
}

RNG = random.Random(20130107)

# --- free text ----------------------------------------------------------------
# What an officer writes. People appear by role or collar number only.

# The child's own words are quoted in the first person, as officers are taught to.
DEMEANOUR = {
    "domestic_abuse": [
        "Quiet and withdrawn, kept close to mother",
        "Tearful and clinging to mother; settled once officers knelt down to talk",
        "Found hiding in the bedroom wardrobe; very quiet and watchful",
        "Anxious, flinched when stepfather raised his voice in the hallway",
        "Chatty with officers but kept looking towards the kitchen door",
        "Awake and upset on the stairs, holding younger sibling's hand",
        "Calm on the surface but picking at the skin on both hands throughout",
    ],
    "physical_abuse": [
        "Subdued; bruising to left cheek, would not make eye contact",
        "Guarded, pulled sleeves down over both arms when the marks were mentioned",
        "Flinched when the teacher reached across the desk; otherwise polite and quiet",
    ],
    "neglect": [
        "Hungry and asked officers for food; clothing soiled and too small",
        "Lethargic and grubby; bedroom had no bedding and the floor was covered in rubbish",
        "Unkempt and cold; no heating in the house and little food",
    ],
    "sexual_offence": [
        "Very distressed, would only speak to the female officer",
        "Embarrassed and quiet; kept asking for it all to stop",
        "Flat and detached when describing events; very tired",
    ],
    "online": [
        "Worried about what friends at school would see; tearful",
        "Angry and ashamed; had trusted the person met online",
    ],
    "cse": [
        "Hostile to officers at first; smelt of alcohol",
        "Tired and evasive about whereabouts and who with",
    ],
    "cce": [
        "Defensive, claimed to be staying with friends; had two phones and cash",
        "Scared; asked repeatedly whether anyone would find out about speaking to police",
    ],
}
VOICE = {
    "domestic_abuse": [
        "Said 'I was scared when dad shouted'",
        "Said 'I hide in my room when they fight'",
        "Said 'I want to stay at nan's tonight, not go home'",
        "Said 'I don't feel safe when mum's boyfriend has been drinking'",
        "Said 'mum cries a lot and I look after my little sister'",
        "Said 'the shouting woke me up and mum told me to ring 999'",
    ],
    "physical_abuse": [
        "Said 'my stepdad hit me with his belt because I was late home'",
        "Said 'I fell off my bike', then would not say any more",
        "Said 'mum grabs my arm really hard when she is cross'",
    ],
    "neglect": [
        "Said 'there was no tea last night and mum was asleep all day'",
        "Said 'I get me and my brother ready for school'",
    ],
    "sexual_offence": [
        "Told the female officer what happened and asked 'am I in trouble?'",
        "Said 'it happened more than once at my uncle's house'",
    ],
    "online": [
        "Said 'he told me he was 15 and asked for photos'",
        "Said 'he said he would put the pictures online if I didn't send more'",
    ],
    "cse": [
        "Said 'they're my friends, they buy me things'",
        "Said 'I don't want to go back to the home, nobody listens'",
    ],
    "cce": [
        "Said 'I owe them money so I have to do what they say'",
        "Said 'they brought me up on the train and told me to stay in the flat'",
    ],
}
IMPACT = {
    "domestic_abuse": [
        "Child witnessed the assault and has stopped attending school",
        "Child woke to the shouting and saw mother injured; bedwetting again per mother",
        "Third incident witnessed this year; school report child withdrawn and tired",
        "Child was in the room when the window was smashed and has cuts to both feet",
        "Child tried to intervene and was pushed into the door frame",
    ],
    "physical_abuse": [
        "Visible injuries; child frightened to return home",
        "Injuries consistent with being struck; child anxious about going home",
    ],
    "neglect": [
        "Child's basic needs not met; hungry, unwashed and missing school",
        "Child not thriving; missed health appointments",
    ],
    "sexual_offence": [
        "Child disclosed serious sexual assault; very distressed and not sleeping",
        "Child at risk of further abuse while suspect has access",
    ],
    "online": [
        "Child distressed and afraid images will be shared at school",
        "Child self-harming since the images were sent",
    ],
    "cse": ["Child at risk of sexual exploitation; repeatedly missing overnight"],
    "cce": ["Child exploited to deal drugs; in debt to the group and frightened"],
}
# Reasons that fit a child of any age (age-specific ones are written in the scenario).
NO_VOICE_REASONS = [
    "asleep throughout; not in the child's interest to wake",
    "too distressed to talk to officers; to be seen with the social worker tomorrow",
    "non-verbal (autism); visit with school speech and language support arranged",
]
DECISIONS_S47 = [
    "Section 47 enquiries to start; joint visit today",
    "Threshold met for section 47; joint investigation; medical to be arranged",
    "Section 47 enquiries; child to stay with maternal grandmother while enquiries continue",
    "Section 47; joint visit and ABE interview; initial conference to be convened",
]
DECISIONS_NO_S47 = [
    "Threshold for section 47 not met; single agency police investigation; CSC to "
    "complete child and family assessment",
    "No section 47; child in need assessment; police to continue criminal investigation",
]
ACTIONS = [
    ("Joint visit with social worker", "DC 4411"),
    ("Arrange child protection medical", "Social worker"),
    ("Check school attendance and speak to designated safeguarding lead", "Social worker"),
    ("Interview suspect under caution", "DC 2817"),
    ("ABE interview of the child", "DC 4411"),
    ("Share health visitor records", "Health visitor"),
    ("Obtain GP records", "Named nurse"),
    ("Safety plan agreed with mother; check suspect bail conditions", "DS 1290"),
    ("Research partner's previous convictions and intelligence", "DC 3962"),
]
OWNERLESS_ACTION = "Speak to the school"


# --- small helpers --------------------------------------------------------------


class _Auto(enum.Enum):
    """Sentinel: let the builder fill in a compliant, realistic value."""

    AUTO = "auto"


AUTO = _Auto.AUTO


def t(text: str) -> datetime:
    """A local wall-clock time, ``YYYY-MM-DD HH:MM``."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M")


def d(text: str) -> date:
    return date.fromisoformat(text)


def span(days: int = 0, hours: int = 0, minutes: int = 0) -> timedelta:
    return timedelta(days=days, hours=hours, minutes=minutes)


def pick(pool: list[str]) -> str:
    return RNG.choice(pool)


def chosen(value: T | _Auto, default: T) -> T:
    return default if isinstance(value, _Auto) else value


def happened(when: datetime) -> datetime | None:
    """A follow-up that would fall after the export has not happened yet."""
    return when if when <= AS_OF else None


_person_ids: set[str] = set()


def new_person_id() -> str:
    while True:
        candidate = f"P-{RNG.randrange(40000, 49999)}"
        if candidate not in _person_ids:
            _person_ids.add(candidate)
            return candidate


def child(
    born: date | None,
    *,
    person_id: str | _Auto | None = AUTO,
    age_years: int | None = None,
    markers: Iterable[str] = (),
    plan: tuple[date, date | None] | None = None,
    looked_after: bool = False,
    risk: Iterable[str] = (),
) -> Json:
    out: Json = {}
    pid = chosen(person_id, new_person_id())
    if pid is not None:
        out["person_id"] = pid
    if born is not None:
        out["date_of_birth"] = born
    if age_years is not None:
        out["age_years"] = age_years
    out["warning_markers"] = list(markers)
    out["child_protection_plan"] = {"start_date": plan[0], "end_date": plan[1]} if plan is not None else None
    out["looked_after"] = looked_after
    out["exploitation_risk"] = list(risk)
    return out


def la_accommodation(
    requested: datetime | None,
    outcome: str,
    *,
    transferred: datetime | None = None,
    certificate: str | None = None,
) -> Json:
    return {
        "requested_at": requested,
        "outcome": outcome,
        "transferred_at": transferred,
        "certificate_reason": certificate,
    }


# --- one case record, built collection by collection ----------------------------

COLLECTIONS = (
    "incidents",
    "referrals",
    "strategy_discussions",
    "child_protection_conferences",
    "custody_episodes",
    "missing_episodes",
    "assessments",
    "medical_examinations",
)


@dataclass
class Case:
    record_id: str
    district: str
    child: Json
    offsets: bool = False  # write every timestamp with an explicit offset (Z or +01:00)
    items: dict[str, list[Json]] = field(default_factory=dict)
    exploitation: Json | None = None
    documents: list[Json] = field(default_factory=list)
    _serial: dict[str, int] = field(default_factory=dict)

    def _add(self, collection: str, prefix: str, item: Json, item_id: str | None) -> str:
        self._serial[prefix] = self._serial.get(prefix, 0) + 1
        ident = item_id or f"{prefix}-{self._serial[prefix]}"
        self.items.setdefault(collection, []).append({"id": ident, **item})
        return ident

    def _kind_of(self, incident_id: str | None) -> str:
        for item in self.items.get("incidents", []):
            if item["id"] == incident_id and item["type"] in IMPACT:
                return str(item["type"])
        return "domestic_abuse"

    def incident(
        self,
        kind: str,
        at: datetime,
        *,
        present: bool | str = True,
        seen: bool | None = True,
        demeanour: str | _Auto | None = AUTO,
        voice: str | _Auto | None = AUTO,
        no_voice_reason: str | None = None,
        dash: str | _Auto | None = AUTO,
        dash_at: datetime | _Auto = AUTO,
        trafficking: bool = False,
        item_id: str | None = None,
    ) -> str:
        pool = kind if kind in DEMEANOUR else "domestic_abuse"
        level = chosen(dash, RNG.choice(["standard", "medium", "high"]))
        has_dash = kind == "domestic_abuse" and level is not None
        return self._add(
            "incidents",
            "INC",
            {
                "type": kind,
                "reported_at": at,
                "child_present": present,
                "child_seen": seen if present is not False else False,
                "demeanour": chosen(demeanour, pick(DEMEANOUR[pool])) if present else None,
                "voice_of_child": (
                    chosen(voice, None if no_voice_reason else pick(VOICE[pool])) if present else None
                ),
                "voice_not_obtained_reason": no_voice_reason,
                "dash": (
                    {
                        "completed_at": chosen(dash_at, at + span(hours=1, minutes=25)),
                        "risk_level": level,
                    }
                    if has_dash
                    else None
                ),
                "trafficking_indicators": trafficking,
            },
            item_id,
        )

    def referral(
        self,
        incident_id: str | None,
        made: datetime,
        concern: str,
        *,
        to: str = "childrens_social_care",
        impact: str | _Auto | None = AUTO,
        specialist: datetime | _Auto | None = AUTO,
        feedback: datetime | _Auto | None = AUTO,
        outcome: str | _Auto | None = AUTO,
    ) -> str:
        harm = concern == "significant_harm"
        default_outcome = {
            "significant_harm": "strategy_discussion",
            "child_in_need": "child_and_family_assessment",
        }.get(concern, "no_further_action")
        return self._add(
            "referrals",
            "REF",
            {
                "incident_id": incident_id,
                "made_at": made,
                "to": to,
                "concern_level": concern,
                "impact_on_child": chosen(impact, pick(IMPACT[self._kind_of(incident_id)])),
                "specialist_notified_at": chosen(specialist, made + span(minutes=40) if harm else None),
                "feedback_received_at": chosen(feedback, happened(made + span(hours=5, minutes=10))),
                "outcome": chosen(outcome, default_outcome),
            },
            None,
        )

    def strategy(
        self,
        referral_id: str | None,
        held: datetime,
        *,
        s47: bool = True,
        agencies: list[str] | _Auto | None = AUTO,
        decisions: str | _Auto | None = AUTO,
        actions: list[Json] | _Auto | None = AUTO,
    ) -> str:
        if isinstance(actions, _Auto):
            first, second = RNG.sample(ACTIONS, 2)
            actions = [
                {"description": first[0], "owner": first[1], "due": held.date()},
                {"description": second[0], "owner": second[1], "due": held.date() + span(days=3)},
            ]
        return self._add(
            "strategy_discussions",
            "SD",
            {
                "referral_id": referral_id,
                "held_at": held,
                "agencies": chosen(agencies, ["police", "childrens_social_care", "health"]),
                "section_47": s47,
                "decisions": chosen(decisions, pick(DECISIONS_S47 if s47 else DECISIONS_NO_S47)),
                "actions": actions,
            },
            None,
        )

    def conference(
        self,
        strategy_id: str | None,
        held: datetime,
        *,
        kind: str = "initial",
        attended: bool = True,
        report: bool = True,
    ) -> str:
        return self._add(
            "child_protection_conferences",
            "CPC",
            {
                "type": kind,
                "strategy_discussion_id": strategy_id,
                "held_at": held,
                "police_attended": attended,
                "police_report_submitted": report,
            },
            None,
        )

    def custody(
        self,
        arrived: datetime,
        released: datetime | None,
        *,
        authorised: datetime | _Auto = AUTO,
        welfare: datetime | _Auto | None = AUTO,
        aa_requested: datetime | _Auto | None = AUTO,
        aa_arrived: datetime | _Auto | None = AUTO,
        interviews: list[Json] | _Auto = AUTO,
        reviews: list[datetime] | _Auto = AUTO,
        charged: datetime | None = None,
        bail_refused: bool | None = None,
        la: Json | None = None,
        overnight: str | None = None,
    ) -> str:
        auth = chosen(authorised, arrived + span(minutes=15))
        requested = chosen(aa_requested, auth + span(minutes=20))
        attended = chosen(aa_arrived, happened(requested + span(hours=1, minutes=30)) if requested else None)
        if isinstance(interviews, _Auto):
            interviews = []
            if attended is not None and (released is None or attended + span(minutes=45) < released):
                interviews = [{"started_at": attended + span(minutes=25), "appropriate_adult_present": True}]
        if isinstance(reviews, _Auto):
            # PACE s40: first review within six hours of authorisation, then every nine.
            left = released or (la or {}).get("transferred_at") or AS_OF
            reviews = []
            when = auth + span(hours=5, minutes=30)
            while when < left:
                reviews.append(when)
                when += span(hours=9)
        return self._add(
            "custody_episodes",
            "CUS",
            {
                "arrived_at": arrived,
                "detention_authorised_at": auth,
                "welfare_person_informed_at": chosen(welfare, auth + span(minutes=25)),
                "appropriate_adult": {"requested_at": requested, "arrived_at": attended},
                "interviews": interviews,
                "reviews": [{"at": when} for when in reviews],
                "charged_at": charged,
                "bail_refused": bail_refused,
                "la_accommodation": la,
                "released_at": released,
                "overnight_reason": overnight,
            },
            None,
        )

    def missing(
        self,
        reported: datetime,
        returned: datetime | str | None,
        *,
        category: str = "missing",
        grade: str | None = "medium",
        la_notified: datetime | str | _Auto | None = AUTO,
        prevention: datetime | _Auto | None = AUTO,
        offered: datetime | _Auto | None = AUTO,
        completed: datetime | str | _Auto | None = AUTO,
        declined: bool = False,
    ) -> str:
        back = returned if isinstance(returned, datetime) else None
        offer = chosen(offered, happened(back + span(hours=22)) if back else None)
        done = chosen(
            completed,
            happened(offer + span(days=1, hours=2)) if offer and not declined else None,
        )
        return self._add(
            "missing_episodes",
            "MIS",
            {
                "reported_at": reported,
                "returned_at": returned,
                "category": category,
                "risk_grade": grade,
                "la_notified_at": chosen(la_notified, reported + span(hours=1, minutes=5)),
                "prevention_interview_at": chosen(
                    prevention, happened(back + span(hours=4)) if back else None
                ),
                "return_interview": {
                    "offered_at": offer,
                    "completed_at": done,
                    "declined": declined,
                },
            },
            None,
        )

    def assessment(self, kind: str, completed: datetime, *, plan: bool = True) -> str:
        return self._add(
            "assessments",
            "ASM",
            {"type": kind, "completed_at": completed, "harm_reduction_plan": plan},
            None,
        )

    def medical(self, kind: str, requested: datetime, examined: datetime | None) -> str:
        return self._add(
            "medical_examinations",
            "MED",
            {"type": kind, "requested_at": requested, "examined_at": examined},
            None,
        )

    def meetings(self, *, nrm: datetime | str | None = None, mace: datetime | str | None = None) -> None:
        self.exploitation = {"nrm_referral_at": nrm, "mace_discussed_at": mace}

    def document(self, kind: str, storage: str = "force_system", item_id: str | None = None) -> None:
        ident = item_id or f"DOC-{len(self.documents) + 1}"
        self.documents.append({"id": ident, "kind": kind, "storage": storage})

    def build(self) -> Json:
        record: Json = {
            "record_id": self.record_id,
            "force": "West Mercia",
            "district": self.district,
            "team": TEAMS[self.district],
            "child": self.child,
        }
        for name in COLLECTIONS:
            if self.items.get(name):
                record[name] = self.items[name]
        if self.exploitation is not None:
            record["exploitation"] = self.exploitation
        if self.documents:
            record["documents"] = self.documents
        return record


# --- routine case files, with optional lapses -------------------------------------
# A lapse names one thing the officer did not do; each maps to one catalogue rule.

LAPSES = {
    "no_demeanour": "VC001",
    "no_voice": "VC002",
    "not_seen": "VC003",
    "no_impact": "RF001",
    "late_feedback": "RF002",
    "no_dash": "RF003",
    "no_cpp_marker": "RF004",
    "no_sd": "SD001",
    "late_sd": "SD001",
    "sd_no_decisions": "SD002",
    "sd_no_actions": "SD003",
    "sd_no_owner": "SD003",
    "sd_no_health": "SD004",
    "no_specialist": "SD005",
    "late_icpc": "SD006",
    "police_absent": "SD007",
    "no_aa": "AA001",
    "aa_absent_interview": "AA004",
    "late_welfare": "CU004",
    "no_review": "CU005",
    "no_grade": "MI001",
    "late_la": "MI002",
    "no_return_offer": "MI003",
    "no_prevention": "MI004",
    "paper_file": "RC001",
    "personal_drive": "RC001",
}
# Not lapses: recorded differently, still compliant.
VARIATIONS = {
    "voice_reason_only": "VC002 met by voice_not_obtained_reason instead of the child's words",
}


def weekday_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += span(days=1)
    return day


def at_ten(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time()) + span(hours=10)


def referral_time(incident_at: datetime) -> datetime:
    """Referrals went in the same day, or at 09:20 next morning for night incidents."""
    if incident_at.hour >= 18 or incident_at.hour < 7:
        day = incident_at.date() + span(days=1 if incident_at.hour >= 18 else 0)
        return datetime.combine(day, datetime.min.time()) + span(hours=9, minutes=20)
    return incident_at + span(hours=1, minutes=40)


def file_documents(case: Case, kinds: list[str], lapses: frozenset[str]) -> None:
    for index, kind in enumerate(kinds):
        storage = "force_system"
        if index == len(kinds) - 1 and "paper_file" in lapses:
            storage = "paper_only"
        if index == 0 and "personal_drive" in lapses:
            storage = "personal_drive"
        case.document(kind, storage)


def protection_case(
    case: Case,
    kind: str,
    at: datetime,
    *,
    concern: str = "significant_harm",
    s47: bool = True,
    conference: bool = True,
    medical: str | None = None,
    lapses: frozenset[str] = frozenset(),
) -> None:
    """Incident, referral and, for significant harm, strategy discussion and conference."""
    reason = pick(NO_VOICE_REASONS) if "voice_reason_only" in lapses else None
    incident = case.incident(
        kind,
        at,
        seen=("not_seen" not in lapses),
        demeanour=None if "no_demeanour" in lapses else AUTO,
        voice=None if "no_voice" in lapses else AUTO,
        no_voice_reason=reason,
        dash=None if "no_dash" in lapses else AUTO,
    )
    made = referral_time(at)
    referral = case.referral(
        incident,
        made,
        concern,
        impact=None if "no_impact" in lapses else AUTO,
        specialist=None if "no_specialist" in lapses else AUTO,
        feedback=made + span(days=5) if "late_feedback" in lapses else AUTO,
    )
    kinds = ["investigation_log"] + (["dash_form"] if kind == "domestic_abuse" else [])
    if concern == "significant_harm" and "no_sd" not in lapses:
        held = made + (span(days=5, hours=2) if "late_sd" in lapses else span(hours=3))
        actions: list[Json] | _Auto | None = AUTO
        if "sd_no_actions" in lapses:
            actions = []
        elif "sd_no_owner" in lapses:
            owned = RNG.choice(ACTIONS)
            actions = [
                {"description": owned[0], "owner": owned[1], "due": held.date()},
                {"description": OWNERLESS_ACTION, "owner": None, "due": None},
            ]
        agencies = ["police", "childrens_social_care"] if "sd_no_health" in lapses else AUTO
        strategy = case.strategy(
            referral,
            held,
            s47=s47,
            agencies=agencies,
            decisions=None if "sd_no_decisions" in lapses else AUTO,
            actions=actions,
        )
        kinds.append("strategy_minutes")
        if s47 and conference:
            # Two weeks on (well inside 15 working days), or four weeks for the lapse.
            delay = span(days=27) if "late_icpc" in lapses else span(days=14)
            held_on = at_ten(weekday_on_or_after(held.date() + delay))
            case.conference(
                strategy,
                held_on,
                attended="police_absent" not in lapses,
                report="police_absent" not in lapses,
            )
            case.child["child_protection_plan"] = {"start_date": held_on.date(), "end_date": None}
            if "no_cpp_marker" not in lapses:
                case.child["warning_markers"].append("child_protection_plan")
            kinds.append("conference_report")
    if medical is not None:
        wait = {"physical_abuse": span(hours=6), "sexual_abuse": span(hours=30)}
        requested = made + span(minutes=50)
        case.medical(medical, requested, requested + wait.get(medical, span(days=3)))
    file_documents(case, kinds, lapses)


def missing_case(case: Case, reports: list[datetime], *, away: timedelta, lapses: frozenset[str]) -> None:
    """Missing episodes; the lapses apply to the last one."""
    for index, reported in enumerate(reports):
        last = index == len(reports) - 1
        returned = reported + away
        case.missing(
            reported,
            returned,
            grade=None if last and "no_grade" in lapses else RNG.choice(["medium", "low", "high"]),
            la_notified=reported + span(days=2) if last and "late_la" in lapses else AUTO,
            prevention=None if last and "no_prevention" in lapses else AUTO,
            offered=None if last and "no_return_offer" in lapses else AUTO,
        )
    file_documents(case, ["missing_person_report"], lapses)


def custody_case(case: Case, arrived: datetime, *, hours: int, lapses: frozenset[str]) -> None:
    """A daytime arrest: appropriate adult, interview, released on bail or NFA."""
    released = arrived + span(hours=hours)
    authorised = arrived + span(minutes=15)
    requested: datetime | _Auto | None = None if "no_aa" in lapses else AUTO
    interviews: list[Json] | _Auto = AUTO
    if "no_aa" in lapses or "aa_absent_interview" in lapses:
        interviews = [{"started_at": arrived + span(hours=2), "appropriate_adult_present": False}]
    case.custody(
        arrived,
        released,
        authorised=authorised,
        welfare=authorised + span(hours=3) if "late_welfare" in lapses else AUTO,
        aa_requested=requested,
        aa_arrived=None if "no_aa" in lapses else AUTO,
        interviews=interviews,
        reviews=[] if "no_review" in lapses else AUTO,
    )
    file_documents(case, ["custody_record"], lapses)


@dataclass(frozen=True)
class Routine:
    """One routine case file: who, what pattern of events, when, and what was missed."""

    number: int  # the record id is WM-2012-000<number>
    pattern: str
    start: str  # first event, "YYYY-MM-DD HH:MM" local time
    born: str
    missed: str = ""  # space-separated lapse names (keys of LAPSES)

    @property
    def lapses(self) -> frozenset[str]:
        names = frozenset(self.missed.split())
        unknown = names - set(LAPSES) - set(VARIATIONS)
        if unknown:
            raise ValueError(f"unknown lapse {sorted(unknown)}")
        return names


def build_routine(district: str, row: Routine) -> Case:
    start = t(row.start)
    case = Case(f"WM-2012-{row.number:06d}", district, child(d(row.born)))
    pattern = row.pattern
    if pattern == "da_s47":
        protection_case(case, "domestic_abuse", start, lapses=row.lapses)
    elif pattern == "da_cin":
        protection_case(case, "domestic_abuse", start, concern="child_in_need", lapses=row.lapses)
    elif pattern == "physical":
        protection_case(case, "physical_abuse", start, medical="physical_abuse", lapses=row.lapses)
    elif pattern == "sexual":
        protection_case(case, "sexual_offence", start, medical="sexual_abuse", lapses=row.lapses)
    elif pattern == "online_no_s47":
        protection_case(case, "online", start, s47=False, lapses=row.lapses)
    elif pattern == "neglect_cin":
        protection_case(case, "neglect", start, concern="child_in_need", lapses=row.lapses)
    elif pattern == "missing_twice":
        missing_case(case, [start, start + span(days=61, hours=2)], away=span(hours=14), lapses=row.lapses)
    elif pattern == "missing_three":
        # Three episodes in a year, assessed three days after the third: MI005 passes.
        reports = [start, start + span(days=40, hours=3), start + span(days=95, hours=-1)]
        missing_case(case, reports, away=span(hours=9), lapses=row.lapses)
        case.assessment("repeat_missing", reports[-1] + span(days=3))
        case.child["warning_markers"].append("missing_risk")
    elif pattern == "custody_day":
        custody_case(case, start, hours=4, lapses=row.lapses)
    elif pattern == "custody_long":
        custody_case(case, start, hours=7, lapses=row.lapses)
    else:
        raise ValueError(f"unknown pattern {pattern}")
    return case


# Rows without lapses are clean case files; each lapse breaks the rule LAPSES names.
ROUTINE = {
    HEREFORDSHIRE: [
        Routine(166, "neglect_cin", "2012-01-24 11:20", "2009-06-02"),
        Routine(171, "da_cin", "2012-03-16 21:40", "2006-10-11", "no_impact"),
        Routine(175, "custody_day", "2012-07-06 13:10", "1996-04-23"),
        Routine(180, "online_no_s47", "2012-05-09 16:30", "1998-12-19", "paper_file sd_no_decisions"),
        Routine(184, "da_s47", "2012-09-21 20:15", "2003-02-07", "police_absent sd_no_owner"),
        Routine(190, "da_s47", "2012-06-26 20:40", "2001-09-15", "voice_reason_only"),
    ],
    WORCESTERSHIRE: [
        Routine(270, "da_s47", "2012-01-17 19:50", "2007-08-30"),
        Routine(275, "physical", "2012-06-12 10:05", "2005-01-14", "sd_no_health no_specialist"),
        Routine(279, "missing_twice", "2012-04-13 22:30", "1997-10-03", "no_grade"),
        Routine(284, "custody_long", "2012-10-09 11:00", "1996-09-17", "no_aa no_review"),
        Routine(288, "da_cin", "2012-07-28 23:05", "2008-03-22", "late_feedback no_voice"),
        Routine(293, "sexual", "2012-02-07 16:45", "1998-06-04", "sd_no_actions sd_no_decisions"),
    ],
    SHROPSHIRE: [
        Routine(369, "da_s47", "2012-03-27 18:45", "2002-11-29"),
        Routine(
            374,
            "missing_twice",
            "2012-06-19 20:20",
            "1998-01-30",
            "no_prevention no_grade no_return_offer",
        ),
        Routine(378, "custody_day", "2012-09-08 15:30", "1997-05-05"),
        Routine(383, "online_no_s47", "2012-10-16 17:10", "1999-07-12", "no_sd"),
        Routine(387, "da_cin", "2012-11-14 19:35", "2004-04-16", "no_dash personal_drive"),
        Routine(392, "physical", "2012-05-15 12:30", "2004-10-20", "not_seen no_specialist sd_no_health"),
    ],
    TELFORD: [
        Routine(463, "da_s47", "2012-02-21 22:25", "2005-05-27", "police_absent"),
        Routine(468, "sexual", "2012-07-10 15:15", "1999-03-08"),
        Routine(472, "missing_three", "2012-03-10 21:10", "1998-08-14"),
        Routine(477, "neglect_cin", "2012-09-25 09:40", "2006-12-01", "no_demeanour no_voice not_seen"),
        Routine(481, "da_s47", "2012-04-24 21:50", "2004-09-09", "late_sd late_icpc no_cpp_marker"),
        Routine(486, "custody_day", "2012-08-14 14:20", "1995-11-30", "late_welfare aa_absent_interview"),
        Routine(490, "da_cin", "2012-10-30 22:05", "2003-12-12", "no_impact no_dash paper_file"),
    ],
}


# --- scenarios: one edge of one rule each -----------------------------------------

SCENARIOS: list[Callable[[], Case]] = []


def scenario(build: Callable[[], Case]) -> Callable[[], Case]:
    SCENARIOS.append(build)
    return build


@scenario
def h_fully_recorded_s47() -> Case:
    # A complete domestic abuse case file: every rule that applies passes. This is
    # the record also written as single-record.yaml.
    case = Case(
        "WM-2012-000101",
        HEREFORDSHIRE,
        child(d("2004-05-01"), markers=["child_protection_plan"], plan=(d("2012-11-20"), None)),
    )
    inc = case.incident(
        "domestic_abuse",
        t("2012-11-02 22:10"),
        demeanour="Quiet and withdrawn, kept close to mother",
        voice="Said she was scared when dad shouted",
        dash="high",
        dash_at=t("2012-11-02 23:40"),
    )
    ref = case.referral(
        inc,
        t("2012-11-03 09:15"),
        "significant_harm",
        impact="Child witnessed the assault and has stopped attending school",
        specialist=t("2012-11-03 10:00"),
        feedback=t("2012-11-04 16:00"),
    )
    sd = case.strategy(
        ref,
        t("2012-11-03 14:00"),
        decisions="Section 47 enquiries to start; joint visit today",
        actions=[
            {
                "description": "Joint visit with social worker",
                "owner": "DC 4411",
                "due": d("2012-11-03"),
            },
            {
                "description": "Health visitor to share records",
                "owner": "Health visitor",
                "due": d("2012-11-06"),
            },
        ],
    )
    case.conference(sd, t("2012-11-20 10:00"))
    file_documents(case, ["investigation_log", "dash_form", "strategy_minutes"], frozenset())
    return case


@scenario
def h_missing_over_clock_change() -> Case:
    # MI002 across the end of BST: reported 00:30 BST on 28 Oct 2012, back 03:00 GMT
    # (3h30 real time). The local authority was told at 23:50 GMT the same day: 23h20 on
    # the wall clock but 24h20 of real time, so MI002 fails.
    case = Case(
        "WM-2012-000104",
        HEREFORDSHIRE,
        child(d("1998-03-14"), markers=["missing_risk"], looked_after=True),
    )
    case.missing(t("2012-07-14 21:30"), t("2012-07-15 09:10"), grade="medium")
    case.missing(
        t("2012-10-28 00:30"),
        t("2012-10-28 03:00"),
        grade="medium",
        la_notified=t("2012-10-28 23:50"),
        prevention=t("2012-10-28 11:00"),
        offered=t("2012-10-29 10:00"),
        completed=t("2012-10-30 16:00"),
    )
    case.document("missing_person_report")
    return case


@scenario
def h_repeat_missing_exactly_365_days() -> Case:
    # MI005: three episodes with the first and third exactly 365 days apart (both
    # 19:00 GMT): the window is inclusive, so they count. Assessed with a harm
    # reduction plan on 4 Jan, two days after the third: passes.
    case = Case("WM-2012-000109", HEREFORDSHIRE, child(d("2000-08-21"), markers=["missing_risk"]))
    case.missing(t("2012-01-03 19:00"), t("2012-01-04 07:45"), grade="medium")
    case.missing(t("2012-06-16 22:15"), t("2012-06-17 10:00"), grade="high")
    case.missing(
        t("2013-01-02 19:00"),
        t("2013-01-03 10:30"),
        grade="medium",
        prevention=t("2013-01-03 14:00"),
        offered=t("2013-01-04 11:00"),
        completed=None,
    )
    case.assessment("repeat_missing", t("2013-01-04 15:00"))
    case.document("missing_person_report")
    return case


@scenario
def h_three_missing_over_366_days() -> Case:
    # MI005 does not apply: three episodes, but the first and third are 366 days
    # apart (2012 is a leap year), so no 365-day window holds all three.
    case = Case("WM-2012-000113", HEREFORDSHIRE, child(d("1999-11-05")))
    case.missing(t("2012-01-02 18:00"), t("2012-01-02 23:30"), grade="low")
    case.missing(t("2012-07-20 23:00"), t("2012-07-21 08:15"), grade="medium")
    case.missing(
        t("2013-01-02 18:00"),
        t("2013-01-02 22:40"),
        grade="low",
        prevention=t("2013-01-03 09:00"),
        offered=t("2013-01-03 09:30"),
        completed=t("2013-01-04 16:00"),
    )
    case.document("missing_person_report")
    return case


@scenario
def h_feedback_over_christmas() -> Case:
    # RF002 across the Christmas bank holidays: made Monday 24 Dec 16:40; 25 and 26
    # Dec are bank holidays, so the first working day after is Thursday 27 Dec and
    # feedback at 11:30 that day passes. SD006 is pending: the initial conference
    # is due by the end of the 15th working day after 24 Dec (Thursday 17 Jan 2013).
    case = Case("WM-2012-000118", HEREFORDSHIRE, child(d("2007-02-25")))
    inc = case.incident("domestic_abuse", t("2012-12-24 14:05"), dash="high")
    ref = case.referral(inc, t("2012-12-24 16:40"), "significant_harm", feedback=t("2012-12-27 11:30"))
    case.strategy(ref, t("2012-12-24 18:30"))
    file_documents(case, ["investigation_log", "dash_form", "strategy_minutes"], frozenset())
    return case


@scenario
def h_charged_and_transferred() -> Case:
    # CU001 passes (LA accommodation requested after bail was refused) and CU002
    # does not apply (the child was transferred). Held over midnight with a reason
    # (CU003 passes); a review at 5h35 (CU005 passes).
    case = Case("WM-2012-000122", HEREFORDSHIRE, child(d("1996-11-02")))
    case.custody(
        t("2012-03-09 16:40"),
        None,
        authorised=t("2012-03-09 16:55"),
        welfare=t("2012-03-09 17:20"),
        aa_requested=t("2012-03-09 17:05"),
        aa_arrived=t("2012-03-09 18:30"),
        reviews=[t("2012-03-09 22:30")],
        charged=t("2012-03-09 23:10"),
        bail_refused=True,
        la=la_accommodation(t("2012-03-09 23:20"), "transferred", transferred=t("2012-03-10 02:45")),
        overnight="Charged late evening with robbery and refused bail; held until the "
        "local authority placement was ready",
    )
    case.document("custody_record")
    return case


@scenario
def h_aa_requested_at_exactly_one_hour() -> Case:
    # AA002 at its limit: requested exactly one hour after detention was authorised
    # (limits are inclusive), so it passes. Written by the custody system with
    # explicit +01:00 offsets (BST).
    case = Case("WM-2012-000127", HEREFORDSHIRE, child(d("1997-01-26")), offsets=True)
    case.custody(
        t("2012-05-19 14:05"),
        t("2012-05-19 18:45"),
        authorised=t("2012-05-19 14:20"),
        welfare=t("2012-05-19 14:50"),
        aa_requested=t("2012-05-19 15:20"),
        aa_arrived=t("2012-05-19 16:35"),
    )
    case.document("custody_record")
    return case


@scenario
def h_physical_medical_just_inside() -> Case:
    # ME001 physical_abuse: examined 23h50 after the request, inside 24 hours. The
    # child protection plan has ended, so RF004 does not apply.
    case = Case(
        "WM-2012-000131",
        HEREFORDSHIRE,
        child(d("2006-07-19"), plan=(d("2012-02-27"), d("2012-09-17"))),
    )
    inc = case.incident("physical_abuse", t("2012-02-13 15:30"))
    ref = case.referral(inc, t("2012-02-13 16:10"), "significant_harm")
    sd = case.strategy(ref, t("2012-02-13 18:00"))
    case.conference(sd, t("2012-02-27 10:00"))
    case.medical("physical_abuse", t("2012-02-13 17:00"), t("2012-02-14 16:50"))
    file_documents(case, ["investigation_log", "strategy_minutes", "conference_report"], frozenset())
    return case


@scenario
def h_physical_medical_just_outside() -> Case:
    # ME001 physical_abuse: examined 24h10 after the request, just outside 24 hours.
    case = Case("WM-2012-000136", HEREFORDSHIRE, child(d("2008-01-08")))
    inc = case.incident("physical_abuse", t("2012-04-17 09:50"))
    ref = case.referral(inc, t("2012-04-17 11:30"), "significant_harm")
    case.strategy(ref, t("2012-04-17 14:00"), s47=False)
    case.medical("physical_abuse", t("2012-04-17 19:00"), t("2012-04-18 19:10"))
    file_documents(case, ["investigation_log", "strategy_minutes"], frozenset())
    return case


@scenario
def h_cse_graded_properly() -> Case:
    # MI006 passes: a child at risk of CSE, each episode graded 'missing' with a real
    # risk grade. EX002 passes: discussed at MACE.
    case = Case(
        "WM-2012-000140",
        HEREFORDSHIRE,
        child(d("1997-06-30"), markers=["cse_risk", "missing_risk"], risk=["cse"]),
    )
    case.missing(t("2012-05-04 23:30"), t("2012-05-05 14:10"), grade="high")
    case.missing(t("2012-08-11 22:00"), t("2012-08-12 11:40"), grade="high")
    case.assessment("cse_risk", t("2012-05-08 12:00"))
    case.meetings(mace=t("2012-05-23 10:00"))
    case.document("missing_person_report")
    case.document("cse_risk_assessment")
    return case


@scenario
def h_impossible_date() -> Case:
    # DQ001: la_notified_at typed as 30 February (the episode began on leap day,
    # 29 Feb 2012). MI002 cannot read the value and does not count the episode.
    case = Case("WM-2012-000144", HEREFORDSHIRE, child(d("2001-01-19")))
    case.missing(t("2012-02-29 21:40"), t("2012-03-01 07:20"), grade="low", la_notified="2012-02-30T10:00:00")
    case.document("missing_person_report")
    return case


@scenario
def h_referral_to_unknown_incident() -> Case:
    # DQ004: the referral's incident_id names an incident not in the record (a typo for
    # INC-1), so RF001 cannot follow the link either.
    case = Case("WM-2012-000149", HEREFORDSHIRE, child(d("2010-03-03")))
    case.incident("neglect", t("2012-06-20 10:15"), no_voice_reason="pre-verbal (2 years)")
    case.referral(
        "INC-2",
        t("2012-06-20 12:00"),
        "child_in_need",
        impact="Toddler found alone in the flat; home conditions very poor",
    )
    case.document("investigation_log")
    return case


@scenario
def h_plan_without_marker() -> Case:
    # RF004 fails: the child has been on a child protection plan since September but
    # frontline officers see no child_protection_plan marker.
    case = Case(
        "WM-2012-000153",
        HEREFORDSHIRE,
        child(d("2005-09-28"), markers=["domestic_abuse_history"], plan=(d("2012-09-03"), None)),
    )
    inc = case.incident("domestic_abuse", t("2012-12-01 19:45"))
    case.referral(inc, t("2012-12-02 09:20"), "child_in_need")
    file_documents(case, ["investigation_log", "dash_form"], frozenset())
    return case


@scenario
def h_child_not_seen_no_demeanour() -> Case:
    # VC001 and VC003 fail: the child was in the house but officers did not go up to
    # see her; the reason recorded for her voice means VC002 passes.
    case = Case("WM-2012-000158", HEREFORDSHIRE, child(d("2009-12-04")))
    inc = case.incident(
        "domestic_abuse",
        t("2012-09-15 23:20"),
        seen=False,
        demeanour=None,
        no_voice_reason="asleep upstairs according to mother; officers did not go up",
    )
    case.referral(inc, t("2012-09-16 09:20"), "child_in_need")
    file_documents(case, ["investigation_log", "dash_form"], frozenset())
    return case


@scenario
def h_custody_over_midnight_no_reason() -> Case:
    # CU003 fails: arrived 23:10, released 01:30 the next day (spans midnight) with no
    # overnight_reason recorded.
    case = Case("WM-2012-000162", HEREFORDSHIRE, child(d("1997-08-11")))
    case.custody(
        t("2012-11-23 23:10"),
        t("2012-11-24 01:30"),
        authorised=t("2012-11-23 23:25"),
        welfare=t("2012-11-23 23:50"),
        aa_requested=t("2012-11-23 23:40"),
        aa_arrived=t("2012-11-24 00:35"),
    )
    case.document("custody_record")
    return case


@scenario
def w_custody_over_clock_change() -> Case:
    # CU004 across the end of BST: detention authorised 00:45 BST on 28 Oct, welfare
    # person told at 02:30 GMT: 1h45 on the wall clock, 2h45 of real time, so CU004
    # fails. Arrived 00:30, released 03:00 (3h30 real time). The appropriate adult
    # was requested after 10 minutes and arrived 2h45 later: AA001-AA003 pass.
    case = Case("WM-2012-000203", WORCESTERSHIRE, child(d("1996-07-09")))
    case.custody(
        t("2012-10-28 00:30"),
        t("2012-10-28 03:00"),
        authorised=t("2012-10-28 00:45"),
        welfare=t("2012-10-28 02:30"),
        aa_requested=t("2012-10-28 00:55"),
        aa_arrived=t("2012-10-28 02:40"),
        interviews=[],
    )
    case.document("custody_record")
    return case


@scenario
def w_conference_over_christmas() -> Case:
    # SD006 across Christmas: section 47 agreed Monday 10 Dec; with 25 and 26 Dec and
    # 1 Jan as bank holidays the 15th working day is Thursday 3 Jan 2013, when the
    # initial conference was held: passes. Written with explicit Z offsets (GMT).
    case = Case(
        "WM-2012-000207",
        WORCESTERSHIRE,
        child(d("2008-05-16"), markers=["child_protection_plan"], plan=(d("2013-01-03"), None)),
        offsets=True,
    )
    inc = case.incident("physical_abuse", t("2012-12-07 15:45"))
    ref = case.referral(inc, t("2012-12-07 17:00"), "significant_harm", feedback=t("2012-12-10 09:40"))
    sd = case.strategy(ref, t("2012-12-10 10:30"))
    case.conference(sd, t("2013-01-03 10:00"))
    case.medical("physical_abuse", t("2012-12-07 17:30"), t("2012-12-08 11:00"))
    file_documents(case, ["investigation_log", "strategy_minutes", "conference_report"], frozenset())
    return case


@scenario
def w_conference_pending() -> Case:
    # SD006 pending: section 47 agreed 20 Dec; the initial conference is not due until
    # the end of 15 working days (after the export).
    case = Case("WM-2012-000212", WORCESTERSHIRE, child(d("2000-10-02")))
    inc = case.incident("sexual_offence", t("2012-12-19 16:20"))
    ref = case.referral(inc, t("2012-12-19 17:05"), "significant_harm")
    case.strategy(ref, t("2012-12-20 11:00"))
    case.medical("sexual_abuse", t("2012-12-20 12:00"), t("2012-12-21 10:00"))
    file_documents(case, ["investigation_log", "strategy_minutes"], frozenset())
    return case


@scenario
def w_referral_pending() -> Case:
    # SD001 and RF002 pending: referral made Saturday 5 Jan 2013. The strategy
    # discussion is due within three days (8 Jan) and feedback by the end of the
    # first working day after (Monday 7 Jan); neither has happened by 09:00 on 7 Jan.
    case = Case("WM-2012-000216", WORCESTERSHIRE, child(d("2006-03-31")))
    inc = case.incident("domestic_abuse", t("2013-01-04 23:40"), dash="high")
    case.referral(
        inc,
        t("2013-01-05 10:20"),
        "significant_harm",
        specialist=t("2013-01-05 11:00"),
        feedback=None,
    )
    file_documents(case, ["investigation_log", "dash_form"], frozenset())
    return case


@scenario
def w_turns_eighteen() -> Case:
    # DQ006: the young person turned 18 on 20 Nov 2012. The October incident and
    # referral are a child's; the December custody episode and missing episode are an
    # adult's, so DQ006 reports each and the children-only rules (AA001, CU004, MI002
    # ...) skip them even though nothing was requested or notified.
    case = Case("WM-2012-000221", WORCESTERSHIRE, child(d("1994-11-20")))
    inc = case.incident(
        "domestic_abuse",
        t("2012-10-15 21:00"),
        demeanour="Angry and protective of mother; calmed down once stepfather was removed",
        voice="Said 'I'm sick of it, I'm moving out as soon as I can'",
        dash="medium",
    )
    case.referral(inc, t("2012-10-16 09:30"), "child_in_need")
    case.custody(
        t("2012-12-02 22:40"),
        t("2012-12-03 08:15"),
        authorised=t("2012-12-02 22:55"),
        welfare=None,
        aa_requested=None,
        aa_arrived=None,
        interviews=[{"started_at": t("2012-12-03 07:10"), "appropriate_adult_present": False}],
        reviews=[t("2012-12-03 04:30")],
    )
    case.missing(
        t("2012-12-20 19:00"),
        t("2012-12-21 13:00"),
        grade="low",
        la_notified=None,
        prevention=None,
        offered=None,
    )
    file_documents(case, ["investigation_log", "custody_record"], frozenset())
    return case


@scenario
def w_sexual_medical_just_inside() -> Case:
    # ME001 sexual_abuse: examined 71h45 after the request, inside 72 hours.
    case = Case("WM-2012-000225", WORCESTERSHIRE, child(d("2001-04-12")))
    inc = case.incident("sexual_offence", t("2012-03-02 20:30"))
    ref = case.referral(inc, t("2012-03-02 21:15"), "significant_harm")
    sd = case.strategy(ref, t("2012-03-03 11:00"))
    case.conference(sd, t("2012-03-19 10:00"))
    case.child["child_protection_plan"] = {
        "start_date": d("2012-03-19"),
        "end_date": d("2012-11-26"),
    }
    case.medical("sexual_abuse", t("2012-03-02 22:00"), t("2012-03-05 21:45"))
    file_documents(case, ["investigation_log", "strategy_minutes", "abe_interview"], frozenset())
    return case


@scenario
def w_sexual_medical_just_outside() -> Case:
    # ME001 sexual_abuse: examined 72h30 after the request, just outside 72 hours.
    case = Case(
        "WM-2012-000230",
        WORCESTERSHIRE,
        child(d("1999-09-23"), markers=["child_protection_plan"], plan=(d("2012-07-09"), None)),
    )
    inc = case.incident("sexual_offence", t("2012-06-22 18:10"))
    ref = case.referral(inc, t("2012-06-22 19:00"), "significant_harm")
    sd = case.strategy(ref, t("2012-06-23 10:30"))
    case.conference(sd, t("2012-07-09 10:00"))
    case.medical("sexual_abuse", t("2012-06-22 19:30"), t("2012-06-25 20:00"))
    file_documents(case, ["investigation_log", "strategy_minutes", "abe_interview"], frozenset())
    return case


@scenario
def w_county_lines_with_nrm() -> Case:
    # EX001 passes on both triggers (trafficking risk, and an incident with trafficking
    # indicators): NRM referral made. EX002 passes: cce, discussed at MACE.
    case = Case(
        "WM-2012-000234",
        WORCESTERSHIRE,
        child(d("1996-01-12"), markers=["missing_risk"], risk=["cce", "trafficking"]),
    )
    case.missing(t("2012-09-16 20:00"), t("2012-09-18 11:30"), grade="high")
    inc = case.incident("cce", t("2012-09-18 11:30"), trafficking=True)
    ref = case.referral(inc, t("2012-09-18 13:10"), "significant_harm")
    case.strategy(ref, t("2012-09-18 16:00"), s47=False)
    case.meetings(nrm=t("2012-09-20 15:00"), mace=t("2012-10-03 10:00"))
    file_documents(case, ["investigation_log", "nrm_referral"], frozenset())
    return case


@scenario
def w_trafficking_indicators_no_nrm() -> Case:
    # EX001 fails: an incident with trafficking indicators and no NRM referral.
    # EX002 passes (cce, discussed at MACE).
    case = Case("WM-2012-000239", WORCESTERSHIRE, child(d("1997-12-03"), risk=["cce"]))
    inc = case.incident("cce", t("2012-11-12 15:40"), trafficking=True)
    ref = case.referral(inc, t("2012-11-12 17:20"), "significant_harm")
    case.strategy(ref, t("2012-11-13 10:00"), s47=False)
    case.meetings(mace=t("2012-11-28 10:00"))
    file_documents(case, ["investigation_log", "strategy_minutes"], frozenset())
    return case


@scenario
def w_flag_written_as_yes() -> Case:
    # DQ001: child_present exported as the text "yes", not true. VC001-VC003 and RF003
    # cannot read it and do not count the incident.
    case = Case("WM-2012-000243", WORCESTERSHIRE, child(d("2007-11-21")))
    inc = case.incident("domestic_abuse", t("2012-04-26 20:10"), present="yes", dash="standard")
    case.referral(inc, t("2012-04-27 09:20"), "child_in_need")
    file_documents(case, ["investigation_log", "dash_form"], frozenset())
    return case


@scenario
def w_returned_before_reported() -> Case:
    # DQ002: returned_at typed as 08:00 on the day the child was reported missing at
    # 21:00 (meant the next morning).
    case = Case("WM-2012-000248", WORCESTERSHIRE, child(d("1998-02-17")))
    case.missing(
        t("2012-09-01 21:00"),
        t("2012-09-01 08:00"),
        grade="medium",
        prevention=t("2012-09-02 12:00"),
        offered=t("2012-09-02 14:00"),
        completed=t("2012-09-03 11:00"),
    )
    case.document("missing_person_report")
    return case


@scenario
def w_duplicate_item_ids() -> Case:
    # DQ005: two documents share the id DOC-1 (a migration fault).
    case = Case("WM-2012-000252", WORCESTERSHIRE, child(d("2003-06-06")))
    inc = case.incident("domestic_abuse", t("2012-02-10 19:25"), dash="medium")
    case.referral(inc, t("2012-02-11 09:20"), "child_in_need")
    case.document("investigation_log")
    case.document("dash_form", item_id="DOC-1")
    return case


@scenario
def w_la_refused_no_certificate() -> Case:
    # CU002 fails: bail refused after charge, the local authority refused to
    # accommodate, and no s38(6) certificate reason is recorded. CU001 passes.
    case = Case("WM-2012-000257", WORCESTERSHIRE, child(d("1996-05-29")))
    case.custody(
        t("2012-08-03 13:20"),
        t("2012-08-04 09:30"),
        authorised=t("2012-08-03 13:35"),
        welfare=t("2012-08-03 14:00"),
        aa_requested=t("2012-08-03 13:50"),
        aa_arrived=t("2012-08-03 15:30"),
        reviews=[t("2012-08-03 19:10"), t("2012-08-04 04:00")],
        charged=t("2012-08-03 21:40"),
        bail_refused=True,
        la=la_accommodation(t("2012-08-03 21:55"), "refused_by_la"),
        overnight="Charged with burglary and refused bail; LA declined to accommodate; "
        "kept for the morning court",
    )
    case.document("custody_record")
    return case


@scenario
def w_aa_late() -> Case:
    # AA003 fails: the appropriate adult arrived 6h10 after being asked (limit 4h).
    case = Case("WM-2012-000261", WORCESTERSHIRE, child(d("1998-04-01")))
    case.custody(
        t("2012-02-18 10:15"),
        t("2012-02-18 19:00"),
        authorised=t("2012-02-18 10:30"),
        welfare=t("2012-02-18 11:05"),
        aa_requested=t("2012-02-18 10:50"),
        aa_arrived=t("2012-02-18 17:00"),
        reviews=[t("2012-02-18 16:10")],
    )
    case.document("custody_record")
    return case


@scenario
def w_cse_graded_absent() -> Case:
    # MI006: a child at risk of CSE. The October episode was put in the 'absent'
    # category (fails); the November one was graded as missing, high (passes).
    case = Case(
        "WM-2012-000266",
        WORCESTERSHIRE,
        child(d("1997-02-11"), markers=["cse_risk"], risk=["cse"], looked_after=True),
    )
    case.missing(t("2012-10-05 22:40"), t("2012-10-06 06:30"), category="absent", grade="low")
    case.missing(t("2012-11-09 21:15"), t("2012-11-10 16:00"), grade="high")
    case.meetings(mace=t("2012-10-17 10:00"))
    case.document("missing_person_report")
    return case


@scenario
def s_born_on_leap_day() -> Case:
    # Born 29 Feb 1996: turns 18 on 1 Mar 2014, so a child throughout. At risk of CSE;
    # both episodes graded properly (MI006 passes); MACE held (EX002 passes).
    case = Case(
        "WM-2012-000302",
        SHROPSHIRE,
        child(d("1996-02-29"), markers=["cse_risk"], risk=["cse"]),
    )
    case.missing(t("2012-07-21 23:10"), t("2012-07-22 12:45"), grade="high")
    case.missing(t("2012-09-29 20:30"), t("2012-09-30 09:05"), grade="medium")
    case.assessment("cse_risk", t("2012-07-25 14:00"))
    case.meetings(mace=t("2012-08-08 10:00"))
    case.document("missing_person_report")
    return case


@scenario
def s_conference_over_august_bank_holiday() -> Case:
    # SD006 across the August bank holiday: section 47 agreed Wed 15 Aug; with Mon 27
    # Aug a holiday the 15th working day is Thu 6 Sep, when the conference was held:
    # passes.
    case = Case(
        "WM-2012-000306",
        SHROPSHIRE,
        child(d("2009-01-17"), markers=["child_protection_plan"], plan=(d("2012-09-06"), None)),
    )
    inc = case.incident(
        "neglect", t("2012-08-14 11:30"), no_voice_reason="pre-verbal (3 years, speech delay)"
    )
    ref = case.referral(inc, t("2012-08-14 13:00"), "significant_harm")
    sd = case.strategy(ref, t("2012-08-15 10:00"))
    case.conference(sd, t("2012-09-06 10:00"))
    file_documents(case, ["investigation_log", "strategy_minutes", "conference_report"], frozenset())
    return case


@scenario
def s_feedback_over_august_bank_holiday() -> Case:
    # RF002 across the August bank holiday: made Fri 24 Aug; Mon 27 Aug is a holiday,
    # so feedback on Tue 28 Aug is on the first working day after: passes.
    case = Case("WM-2012-000311", SHROPSHIRE, child(d("2005-07-07")))
    inc = case.incident("domestic_abuse", t("2012-08-23 23:15"), dash="medium")
    case.referral(inc, t("2012-08-24 15:00"), "child_in_need", feedback=t("2012-08-28 14:00"))
    file_documents(case, ["investigation_log", "dash_form"], frozenset())
    return case


@scenario
def s_custody_from_midnight() -> Case:
    # CU003 does not apply: arrived at exactly 00:00 and released 07:30 the same day,
    # so the episode does not span midnight. Over six hours with a review at 5h20:
    # CU005 passes.
    case = Case("WM-2012-000315", SHROPSHIRE, child(d("1996-10-14")))
    case.custody(
        t("2012-06-09 00:00"),
        t("2012-06-09 07:30"),
        authorised=t("2012-06-09 00:20"),
        welfare=t("2012-06-09 01:05"),
        aa_requested=t("2012-06-09 00:40"),
        aa_arrived=t("2012-06-09 03:10"),
        interviews=[{"started_at": t("2012-06-09 06:20"), "appropriate_adult_present": True}],
        reviews=[t("2012-06-09 05:40")],
    )
    case.document("custody_record")
    return case


@scenario
def s_no_bed_with_certificate() -> Case:
    # CU002 passes: no LA bed, and the s38(6) certificate's reason is recorded.
    # AA002 fails: the appropriate adult was asked for 1h25 after authorisation.
    case = Case("WM-2012-000320", SHROPSHIRE, child(d("1996-12-08")))
    case.custody(
        t("2012-11-16 15:10"),
        t("2012-11-17 09:15"),
        authorised=t("2012-11-16 15:25"),
        welfare=t("2012-11-16 16:00"),
        aa_requested=t("2012-11-16 16:50"),
        aa_arrived=t("2012-11-16 18:20"),
        reviews=[t("2012-11-16 20:50"), t("2012-11-17 05:45")],
        charged=t("2012-11-16 22:30"),
        bail_refused=True,
        la=la_accommodation(
            t("2012-11-16 22:45"),
            "no_bed",
            certificate="Impracticable: no local authority bed available; EDT confirmed none "
            "in the region at 23:30",
        ),
        overnight="Charged and refused bail; no LA accommodation; produced at court in the morning",
    )
    case.document("custody_record")
    return case


@scenario
def s_repeat_missing_never_assessed() -> Case:
    # MI005 fails: four episodes in 2012 and no repeat-missing assessment. The third
    # episode's LA notification came two days late (MI002 fails).
    case = Case(
        "WM-2012-000324",
        SHROPSHIRE,
        child(d("1999-05-25"), markers=["missing_risk"], looked_after=True),
    )
    case.missing(t("2012-02-11 22:00"), t("2012-02-12 10:30"), grade="medium")
    case.missing(t("2012-04-27 20:45"), t("2012-04-28 08:00"), grade="medium")
    case.missing(
        t("2012-06-30 23:30"),
        t("2012-07-01 15:10"),
        grade="high",
        la_notified=t("2012-07-02 09:30"),
    )
    case.missing(t("2012-10-06 19:50"), t("2012-10-07 09:40"), grade="medium")
    case.document("missing_person_report")
    return case


@scenario
def s_repeat_missing_pending() -> Case:
    # MI005 pending: the third episode in a year was reported on 3 Jan 2013; the
    # assessment is not due until 10 Jan.
    case = Case("WM-2012-000329", SHROPSHIRE, child(d("2000-02-04")))
    case.missing(t("2012-05-12 21:30"), t("2012-05-13 09:00"), grade="medium")
    case.missing(t("2012-11-17 20:10"), t("2012-11-18 07:35"), grade="medium")
    case.missing(
        t("2013-01-03 20:10"),
        t("2013-01-04 02:30"),
        grade="high",
        prevention=t("2013-01-04 10:00"),
        offered=t("2013-01-05 11:00"),
        completed=None,
    )
    case.document("missing_person_report")
    return case


@scenario
def s_neglect_medical_just_inside() -> Case:
    # ME001 neglect: examined 6 days 23 hours after the request, inside 7 days.
    case = Case("WM-2012-000333", SHROPSHIRE, child(d("2010-09-30")))
    inc = case.incident("neglect", t("2012-10-01 10:30"), no_voice_reason="pre-verbal (2 years)")
    ref = case.referral(inc, t("2012-10-01 12:10"), "significant_harm")
    case.strategy(ref, t("2012-10-01 15:00"), s47=False)
    case.medical("neglect", t("2012-10-01 14:00"), t("2012-10-08 13:00"))
    file_documents(case, ["investigation_log", "strategy_minutes"], frozenset())
    return case


@scenario
def s_neglect_medical_just_outside() -> Case:
    # ME001 neglect: examined 7 days 2 hours after the request, just outside 7 days.
    case = Case("WM-2012-000338", SHROPSHIRE, child(d("2011-02-15")))
    inc = case.incident("neglect", t("2012-11-05 09:15"), no_voice_reason="pre-verbal (21 months)")
    ref = case.referral(inc, t("2012-11-05 10:30"), "significant_harm")
    case.strategy(ref, t("2012-11-05 14:30"), s47=False)
    case.medical("neglect", t("2012-11-05 11:00"), t("2012-11-12 13:00"))
    file_documents(case, ["investigation_log", "strategy_minutes"], frozenset())
    return case


@scenario
def s_unknown_incident_type() -> Case:
    # DQ001: the incident type 'domestic' is not in the list (a legacy code). RF001 and
    # RF003 cannot read it and do not count this incident's referral or DASH.
    case = Case("WM-2012-000342", SHROPSHIRE, child(d("2006-01-29")))
    inc = case.incident("domestic", t("2012-03-20 21:10"), dash=None)
    case.referral(inc, t("2012-03-21 09:20"), "child_in_need")
    file_documents(case, ["investigation_log"], frozenset())
    return case


@scenario
def s_meeting_in_the_future() -> Case:
    # DQ003: the MACE date typed as 5 Mar 2013, after the export (the booked date
    # recorded as if held). EX002 sees the record as it stood at the export, when
    # the meeting had not happened yet, so it fails.
    case = Case("WM-2012-000347", SHROPSHIRE, child(d("1998-11-11"), risk=["cse"], markers=["cse_risk"]))
    case.missing(t("2012-12-08 21:00"), t("2012-12-09 11:20"), grade="high")
    case.assessment("cse_risk", t("2012-12-12 10:00"))
    case.meetings(mace="2013-03-05T10:00:00")
    case.document("missing_person_report")
    return case


@scenario
def s_arrested_on_eighteenth_birthday() -> Case:
    # DQ006: arrested on the 18th birthday, when a person is no longer a child; the
    # April incident is a child's. No appropriate adult was needed (AA001 skips it).
    case = Case("WM-2012-000351", SHROPSHIRE, child(d("1994-12-14")))
    inc = case.incident(
        "domestic_abuse",
        t("2012-04-10 20:30"),
        demeanour="Shaken, knuckles grazed; had stepped between mother and her partner",
        voice="Said 'I stepped in because he was hurting mum'",
        dash="standard",
    )
    case.referral(inc, t("2012-04-11 09:20"), "child_in_need")
    case.custody(
        t("2012-12-14 19:30"),
        t("2012-12-14 23:15"),
        authorised=t("2012-12-14 19:45"),
        welfare=None,
        aa_requested=None,
        aa_arrived=None,
        interviews=[{"started_at": t("2012-12-14 21:00"), "appropriate_adult_present": False}],
    )
    file_documents(case, ["investigation_log", "custody_record"], frozenset())
    return case


@scenario
def s_still_waiting_for_aa() -> Case:
    # AA003 pending: still in custody at the export; the appropriate adult was asked
    # for at 06:50 and the four hours run to 10:50.
    case = Case("WM-2012-000356", SHROPSHIRE, child(d("1996-06-21")))
    case.custody(
        t("2013-01-07 06:10"),
        None,
        authorised=t("2013-01-07 06:25"),
        welfare=t("2013-01-07 07:05"),
        aa_requested=t("2013-01-07 06:50"),
        aa_arrived=None,
        interviews=[],
    )
    case.document("custody_record")
    return case


@scenario
def s_cse_no_apparent_risk() -> Case:
    # MI006 fails twice: a child at risk of CSE graded 'no apparent risk' in June and
    # put in the 'absent' category in August. EX002 fails: never discussed at MACE.
    case = Case("WM-2012-000360", SHROPSHIRE, child(d("1997-09-09"), risk=["cse"]))
    case.missing(t("2012-06-02 22:20"), t("2012-06-03 10:00"), grade="no_apparent_risk")
    case.missing(t("2012-08-25 21:00"), t("2012-08-26 04:30"), category="absent", grade="low")
    case.document("missing_person_report")
    return case


@scenario
def s_feedback_late_over_christmas() -> Case:
    # RF002 fails: made Friday 21 Dec, so feedback was due by the end of Monday 24 Dec;
    # it came on Thursday 27 Dec.
    case = Case("WM-2012-000365", SHROPSHIRE, child(d("2004-08-03")))
    inc = case.incident("domestic_abuse", t("2012-12-20 22:30"), dash="medium")
    case.referral(inc, t("2012-12-21 10:00"), "child_in_need", feedback=t("2012-12-27 10:15"))
    file_documents(case, ["investigation_log", "dash_form"], frozenset())
    return case


@scenario
def t_bail_refused_no_la_request() -> Case:
    # CU001 and CU002 fail: bail refused after charge, no LA accommodation requested
    # and no certificate. AA003 fails too: the appropriate adult came after 5 hours.
    case = Case("WM-2012-000401", TELFORD, child(d("1996-03-18")))
    case.custody(
        t("2012-07-27 17:05"),
        t("2012-07-28 09:40"),
        authorised=t("2012-07-27 17:20"),
        welfare=t("2012-07-27 17:45"),
        aa_requested=t("2012-07-27 17:35"),
        aa_arrived=t("2012-07-27 22:35"),
        reviews=[t("2012-07-27 23:00"), t("2012-07-28 08:00")],
        charged=t("2012-07-28 00:20"),
        bail_refused=True,
        overnight="Charged after midnight with wounding and refused bail; kept for court",
    )
    case.document("custody_record")
    return case


@scenario
def t_certificate_without_request() -> Case:
    # CU001 fails (no LA accommodation requested) while CU002 passes (a certificate
    # reason is recorded for keeping the child).
    case = Case("WM-2012-000405", TELFORD, child(d("1995-08-25")))
    case.custody(
        t("2012-10-12 14:30"),
        t("2012-10-13 09:45"),
        authorised=t("2012-10-12 14:45"),
        welfare=t("2012-10-12 15:10"),
        aa_requested=t("2012-10-12 15:00"),
        aa_arrived=t("2012-10-12 16:40"),
        reviews=[t("2012-10-12 20:20"), t("2012-10-13 05:15")],
        charged=t("2012-10-12 21:05"),
        bail_refused=True,
        la=la_accommodation(
            None,
            "not_requested",
            certificate="Risk of serious harm to the public; only secure accommodation would "
            "do and none was available",
        ),
        overnight="Charged with robbery and refused bail; kept for the morning court",
    )
    case.document("custody_record")
    return case


@scenario
def t_charged_and_transferred() -> Case:
    # CU001 passes and CU002 does not apply: transferred to LA accommodation. Written
    # with explicit Z offsets (GMT).
    case = Case("WM-2012-000410", TELFORD, child(d("1997-03-30")), offsets=True)
    case.custody(
        t("2012-12-15 12:40"),
        None,
        authorised=t("2012-12-15 12:55"),
        welfare=t("2012-12-15 13:15"),
        aa_requested=t("2012-12-15 13:05"),
        aa_arrived=t("2012-12-15 14:30"),
        reviews=[t("2012-12-15 18:20")],
        charged=t("2012-12-15 19:10"),
        bail_refused=True,
        la=la_accommodation(t("2012-12-15 19:20"), "transferred", transferred=t("2012-12-15 22:05")),
    )
    case.document("custody_record")
    return case


@scenario
def t_seventeen_treated_as_adult() -> Case:
    # AA001 and AA004 fail: a 17-year-old detained and interviewed without an
    # appropriate adult. CU003 fails: held past midnight with no reason recorded.
    case = Case("WM-2012-000414", TELFORD, child(d("1995-03-02")))
    case.custody(
        t("2012-05-26 20:10"),
        t("2012-05-27 00:40"),
        authorised=t("2012-05-26 20:25"),
        welfare=t("2012-05-26 21:00"),
        aa_requested=None,
        aa_arrived=None,
        interviews=[{"started_at": t("2012-05-26 22:15"), "appropriate_adult_present": False}],
    )
    case.document("custody_record")
    return case


@scenario
def t_missing_person_id() -> Case:
    # DQ001: child.person_id missing from the export (the only required child field).
    case = Case("WM-2012-000419", TELFORD, child(d("2003-09-12"), person_id=None))
    inc = case.incident("domestic_abuse", t("2012-06-05 19:40"), dash="medium")
    case.referral(inc, t("2012-06-06 09:20"), "child_in_need")
    file_documents(case, ["investigation_log", "dash_form"], frozenset())
    return case


@scenario
def t_aa_arrived_before_request() -> Case:
    # DQ002: the appropriate adult's arrival (20:10) is before the request (20:25).
    case = Case("WM-2012-000423", TELFORD, child(d("1997-07-04")))
    case.custody(
        t("2012-11-10 18:05"),
        t("2012-11-10 22:40"),
        authorised=t("2012-11-10 18:20"),
        welfare=t("2012-11-10 18:40"),
        aa_requested=t("2012-11-10 19:15"),
        aa_arrived=t("2012-11-10 19:05"),
    )
    case.document("custody_record")
    return case


@scenario
def t_same_record_id_again() -> Case:
    # DQ005: this record reuses WM-2012-000101 (a Herefordshire record earlier in the
    # export); the second occurrence is the finding. Otherwise a clean missing case. No
    # date of birth or age was exported, so the person is treated as a child.
    case = Case("WM-2012-000101", TELFORD, child(None))
    case.missing(t("2012-04-03 22:00"), t("2012-04-04 06:30"), grade="low")
    case.document("missing_person_report")
    return case


@scenario
def t_conference_linked_to_unknown_discussion() -> Case:
    # DQ004: the conference names SD-2, which does not exist (the discussion is SD-1),
    # so SD006 finds no conference for SD-1 and fails. The minutes are paper only
    # (RC001 fails).
    case = Case("WM-2012-000428", TELFORD, child(d("2007-10-10")))
    inc = case.incident("physical_abuse", t("2012-05-08 13:20"))
    ref = case.referral(inc, t("2012-05-08 15:00"), "significant_harm")
    case.strategy(ref, t("2012-05-09 10:00"))
    case.conference("SD-2", t("2012-05-24 10:00"))
    case.document("investigation_log")
    case.document("strategy_minutes", "paper_only")
    return case


@scenario
def t_return_interview_in_the_future() -> Case:
    # DQ003: the return interview's completion typed as 2013-11-14 (meant 2012).
    case = Case("WM-2012-000432", TELFORD, child(d("1998-10-27")))
    case.missing(
        t("2012-11-12 16:30"),
        t("2012-11-13 09:45"),
        grade="medium",
        prevention=t("2012-11-13 13:00"),
        offered=t("2012-11-13 15:00"),
        completed="2013-11-14T15:00:00",
    )
    case.document("missing_person_report")
    return case


@scenario
def t_repeat_missing_no_plan() -> Case:
    # MI005 fails: a repeat-missing assessment was done but with no harm reduction
    # plan. The third episode's return interview was offered after five days (MI003
    # fails) and there was no prevention interview (MI004 fails).
    case = Case("WM-2012-000437", TELFORD, child(d("1999-01-06")))
    case.missing(t("2012-03-03 21:00"), t("2012-03-04 08:30"), grade="medium")
    case.missing(t("2012-05-19 22:30"), t("2012-05-20 12:15"), grade="medium")
    case.missing(
        t("2012-08-04 20:40"),
        t("2012-08-05 10:00"),
        grade="high",
        prevention=None,
        offered=t("2012-08-10 10:00"),
    )
    case.assessment("repeat_missing", t("2012-08-07 12:00"), plan=False)
    case.document("missing_person_report")
    return case


@scenario
def t_missing_now() -> Case:
    # MI003 pending: back on 5 Jan, return interview not yet offered (due by 8 Jan).
    # MI002 pending: missing again since 21:30 on 6 Jan, LA not yet told (due 21:30 on
    # 7 Jan).
    case = Case("WM-2012-000441", TELFORD, child(d("1998-07-19"), markers=["missing_risk"]))
    case.missing(
        t("2013-01-04 19:00"),
        t("2013-01-05 11:20"),
        grade="medium",
        prevention=t("2013-01-05 15:00"),
        offered=None,
    )
    case.missing(t("2013-01-06 21:30"), None, grade="high", la_notified=None)
    case.document("missing_person_report")
    return case


@scenario
def t_medical_pending() -> Case:
    # ME001 pending: sexual abuse medical requested 5 Jan 11:00, not due until 8 Jan.
    # SD006 pending: section 47 agreed the same day.
    case = Case("WM-2012-000446", TELFORD, child(d("2002-12-28")))
    inc = case.incident("sexual_offence", t("2013-01-05 09:40"))
    ref = case.referral(inc, t("2013-01-05 10:30"), "significant_harm", feedback=t("2013-01-05 16:00"))
    case.strategy(ref, t("2013-01-05 14:00"))
    case.medical("sexual_abuse", t("2013-01-05 11:00"), None)
    file_documents(case, ["investigation_log", "strategy_minutes"], frozenset())
    return case


@scenario
def t_indicators_with_nrm_no_mace() -> Case:
    # EX001 passes through an incident's trafficking indicators (NRM made); EX002
    # fails: at risk of criminal exploitation but never discussed at MACE.
    case = Case("WM-2012-000450", TELFORD, child(d("1996-08-15"), risk=["cce"]))
    inc = case.incident("cce", t("2012-10-20 14:50"), trafficking=True)
    ref = case.referral(inc, t("2012-10-20 16:30"), "significant_harm")
    case.strategy(ref, t("2012-10-21 11:00"), s47=False)
    case.meetings(nrm=t("2012-10-23 12:00"))
    file_documents(case, ["investigation_log", "nrm_referral"], frozenset())
    return case


@scenario
def t_trafficking_risk_no_nrm() -> Case:
    # EX001 fails: an unaccompanied child flagged at risk of trafficking, no NRM. Only
    # an assessed age is exported (age_years), no date of birth.
    case = Case(
        "WM-2012-000455",
        TELFORD,
        child(None, age_years=15, risk=["trafficking"], looked_after=True),
    )
    case.missing(t("2012-11-02 18:30"), t("2012-11-03 12:00"), grade="high")
    case.document("missing_person_report")
    return case


@scenario
def t_aa_late_request_no_review() -> Case:
    # AA002 fails: appropriate adult requested 3h10 after authorisation. CU005 fails:
    # 7h50 in custody with no review. CU004 fails: no welfare person recorded.
    case = Case("WM-2012-000459", TELFORD, child(d("1998-05-23")))
    case.custody(
        t("2012-01-28 09:40"),
        t("2012-01-28 17:30"),
        authorised=t("2012-01-28 09:55"),
        welfare=None,
        aa_requested=t("2012-01-28 13:05"),
        aa_arrived=t("2012-01-28 14:20"),
        reviews=[],
    )
    case.document("custody_record")
    return case


# --- output ---------------------------------------------------------------------


def stamp(when: datetime, offset: bool) -> str:
    text = when.strftime("%Y-%m-%dT%H:%M:%S")
    if not offset:
        return text
    delta = when.replace(tzinfo=LONDON).utcoffset()
    return text + ("Z" if not delta else "+01:00")


def to_json(value: Any, offsets: bool) -> Any:
    if isinstance(value, datetime):
        return stamp(value, offsets)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: to_json(item, offsets) for key, item in value.items()}
    if isinstance(value, list):
        return [to_json(item, offsets) for item in value]
    return value


_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_YAML_WORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}


def yaml_scalar(value: Any, offsets: bool) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return stamp(value, offsets)  # unquoted: a YAML timestamp
    if isinstance(value, date):
        return value.isoformat()  # unquoted: a YAML date
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text)


def yaml_lines(value: Any, indent: int, offsets: bool) -> list[str]:
    """A mapping as block YAML; lists of scalars in flow style."""
    pad = " " * indent
    lines: list[str] = []
    for key, item in value.items():
        if isinstance(item, dict):
            lines.append(f"{pad}{key}:" if item else f"{pad}{key}: {{}}")
            lines.extend(yaml_lines(item, indent + 2, offsets))
        elif isinstance(item, list) and item and isinstance(item[0], dict):
            lines.append(f"{pad}{key}:")
            for element in item:
                inner = yaml_lines(element, indent + 4, offsets)
                lines.append(f"{pad}  - {inner[0].lstrip()}")
                lines.extend(inner[1:])
        elif isinstance(item, list):
            flow = ", ".join(yaml_scalar(element, offsets) for element in item)
            lines.append(f"{pad}{key}: [{flow}]")
        else:
            lines.append(f"{pad}{key}: {yaml_scalar(item, offsets)}")
    return lines


def all_cases() -> list[Case]:
    cases = [build() for build in SCENARIOS] + [
        build_routine(district, row) for district, rows in ROUTINE.items() for row in rows
    ]
    order = [HEREFORDSHIRE, WORCESTERSHIRE, SHROPSHIRE, TELFORD]
    # By district, then record id. The reused WM-2012-000101 is in Telford and Wrekin,
    # so it comes after its Herefordshire original and is the one DQ005 reports.
    return sorted(cases, key=lambda case: (order.index(case.district), case.record_id))


def render_export(cases: list[Case]) -> str:
    export = {"export": EXPORT, "cases": [to_json(case.build(), case.offsets) for case in cases]}
    return json.dumps(export, indent=2) + "\n"


def render_single_record(cases: list[Case]) -> str:
    first = cases[0]  # h_fully_recorded_s47, the complete Herefordshire case file
    header = [
        "# One case record of the West Mercia example export (WM-2012-000101), as YAML.",
        "# Written by examples/generate_export.py; timestamps and dates are YAML's own.",
    ]
    return "\n".join(header + yaml_lines(first.build(), 0, first.offsets)) + "\n"


def main() -> None:
    cases = all_cases()
    EXPORTS.mkdir(parents=True, exist_ok=True)
    EXPORT_FILE.write_text(render_export(cases), encoding="utf-8")
    YAML_FILE.write_text(render_single_record(cases), encoding="utf-8")
    print(f"wrote {len(cases)} records to {EXPORT_FILE} and one to {YAML_FILE}")


if __name__ == "__main__":
    main()
