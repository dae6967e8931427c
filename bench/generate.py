"""Generate a realistic JSON Lines export with planted rule violations, and its truth file.

    python bench/generate.py N OUT.jsonl [--seed S] [--truth TRUTH.json] [--rate R]
                             [--as-of TS] [--format-version 1|1.1]

Writes N case records (record-format.md, version 1.1), one per line. Every
record is built to be compliant with all 39 rules of the catalogue as of the
as-of instant (default 2024-04-01T09:00:00Z), which the benchmark passes to
caselint as ``--as-of``. Every event lies at least 30 days before that instant,
away from the nights the clocks change and from local midnight, so nothing is
pending, in the future or on an edge, and every child is 0 to 17 at every
event.

Then every ``round(1 / rate)``-th record (default rate 0.05, one in twenty)
carries one planted violation: a clear-cut breach of exactly one rule that
yields exactly one finding, of that rule, at a known JSON pointer. The planted
rules cycle through all 39 in order, and each rule through its variants
(``VARIANTS``), so 39 / rate records cover every rule once. The truth file
lists, for each rule, the expected findings as ``[record_id, pointer]`` pairs,
their counts, and each plant's variant and line.

With ``--format-version 1.1`` (the default) some records use the shapes that
version 1.1 added: a child protection plan given as a list, a strategy
discussion with ``icpc_not_required``, and dates where timestamps are
expected, only where the answer stays decided. ``--format-version 1`` writes
version 1 records only.

Deterministic: the same arguments give the same bytes, with or without orjson
(standard library only otherwise). Each record has its own random stream, so
record i does not depend on the records before it.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

try:
    import orjson

    def dumps(value: Any) -> bytes:
        return orjson.dumps(value)

except ImportError:  # pragma: no cover - exercised only without orjson

    def dumps(value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


Json = dict[str, Any]

LONDON = ZoneInfo("Europe/London")
DEFAULT_AS_OF = "2024-04-01T09:00:00Z"
DEFAULT_RATE = 0.05
# Every event is at least this long before the as-of instant.
MARGIN = timedelta(days=32)
# A record's main events fall within this long before the as-of instant (earlier missing
# episodes may go further back).
HISTORY = timedelta(days=3 * 365)

FORCE = "West Mercia"
TEAMS = {
    "Herefordshire": ["PVP Hereford", "PVP Leominster"],
    "Worcestershire": ["PVP Worcester", "PVP Redditch", "PVP Kidderminster"],
    "Shropshire": ["PVP Shrewsbury", "PVP Oswestry"],
    "Telford and Wrekin": ["PVP Telford"],
}
DISTRICTS = list(TEAMS)
DISTRICT_WEIGHTS = [2, 4, 3, 2]


# Each rule's planted variants, cycled in this order. A variant names the one
# thing that is wrong; the record around it is compliant.
VARIANTS: dict[str, list[str]] = {
    "AA001": ["no_request", "no_request_object"],
    "AA002": ["late_request"],
    "AA003": ["late_arrival", "no_arrival"],
    "AA004": ["interview_without_aa", "presence_not_recorded"],
    "CU001": ["not_requested_with_certificate"],
    "CU002": ["kept_without_certificate"],
    "CU003": ["overnight_without_reason"],
    "CU004": ["late_welfare", "no_welfare"],
    "CU005": ["no_review", "late_review"],
    "DQ001": [
        "impossible_date",
        "flag_as_text",
        "looked_after_as_text",
        "kind_as_number",
        "outcome_as_number",
        "due_not_a_date",
    ],
    "DQ002": [
        "returned_before_reported",
        "released_before_arrival",
        "aa_arrived_before_request",
        "examined_before_request",
        "transferred_before_request",
        "plan_ends_before_start",
        "discussion_before_referral",
        "conference_before_discussion",
    ],
    "DQ003": ["return_interview_next_year", "mace_next_year", "dash_next_year"],
    "DQ004": [
        "referral_to_unknown_incident",
        "discussion_to_unknown_referral",
        "conference_to_unknown_discussion",
    ],
    "DQ005": ["repeated_record_id", "repeated_document_id", "repeated_missing_id"],
    "DQ006": ["assessment_after_18th_birthday", "incident_after_18th_birthday"],
    "EX001": ["trafficking_risk_no_nrm", "indicators_no_nrm"],
    "EX002": ["cse_no_mace", "cce_no_mace"],
    "ME001": ["late_examination", "never_examined"],
    "MI001": ["no_grade"],
    "MI002": ["late_notification", "never_notified"],
    "MI003": ["late_offer", "never_offered"],
    "MI004": ["no_prevention_interview"],
    "MI005": ["no_assessment", "assessment_without_plan"],
    "MI006": ["cse_absent", "cse_no_apparent_risk"],
    "RC001": ["paper_only", "personal_drive", "storage_not_recorded"],
    "RF001": ["no_impact", "blank_impact"],
    "RF002": ["late_feedback", "no_feedback"],
    "RF003": ["no_dash", "dash_not_graded"],
    "RF004": ["open_plan_no_marker", "plan_list_no_marker"],
    "SD001": ["no_discussion", "late_discussion"],
    "SD002": ["no_decisions", "blank_decisions"],
    "SD003": ["no_actions", "action_without_owner", "action_without_description"],
    "SD004": ["no_health"],
    "SD005": ["no_specialist"],
    "SD006": ["late_conference", "no_conference"],
    "SD007": ["police_absent", "flags_not_recorded"],
    "VC001": ["no_demeanour", "blank_demeanour"],
    "VC002": ["no_voice"],
    "VC003": ["not_seen", "seen_not_recorded"],
}
# The 39 rules of the catalogue (spec/rule-catalogue.md), in the order plants cycle through them.
RULES = sorted(VARIANTS)
# Variants that need version 1.1 shapes; skipped (the next variant is used) with --format-version 1.
V11_ONLY = {("RF004", "plan_list_no_marker")}

# --- free text ----------------------------------------------------------------
# People appear by role or collar number only; everything is fictional.

# Keyed by incident type; "other" serves the types without their own lines.
DEMEANOUR = {
    "domestic_abuse": [
        "Quiet and withdrawn, kept close to mother",
        "Tearful and clinging to mother; settled once officers knelt down to talk",
        "Found hiding in the bedroom wardrobe; very quiet and watchful",
        "Anxious, flinched when stepfather raised his voice in the hallway",
        "Awake and upset on the stairs, holding younger sibling's hand",
    ],
    "physical_abuse": [
        "Subdued; bruising to left cheek, would not make eye contact",
        "Guarded, pulled sleeves down over both arms when the marks were mentioned",
    ],
    "neglect": [
        "Hungry and asked officers for food; clothing soiled and too small",
        "Lethargic and grubby; no bedding and the floor covered in rubbish",
    ],
    "sexual_offence": [
        "Very distressed, would only speak to the female officer",
        "Flat and detached when describing events; very tired",
    ],
    "online": ["Worried about what friends at school would see; tearful"],
    "cse": [
        "Hostile to officers at first; smelt of alcohol",
        "Tired and evasive about whereabouts and who with",
    ],
    "cce": [
        "Defensive, claimed to be staying with friends; had two phones and cash",
        "Scared; asked repeatedly whether anyone would find out about speaking to police",
    ],
    "other": ["Calm and polite; answered questions readily", "Quiet but engaged once a teacher was present"],
}
VOICE = {
    "domestic_abuse": [
        "Said 'I was scared when dad shouted'",
        "Said 'I hide in my room when they fight'",
        "Said 'I want to stay at nan's tonight, not go home'",
        "Said 'mum cries a lot and I look after my little sister'",
    ],
    "physical_abuse": [
        "Said 'my stepdad hit me with his belt because I was late home'",
        "Said 'mum grabs my arm really hard when she is cross'",
    ],
    "neglect": [
        "Said 'there was no tea last night and mum was asleep all day'",
        "Said 'I get me and my brother ready for school'",
    ],
    "sexual_offence": ["Told the female officer what happened and asked 'am I in trouble?'"],
    "online": ["Said 'he told me he was 15 and asked for photos'"],
    "cse": ["Said 'they're my friends, they buy me things'", "Said 'nobody listens at the home'"],
    "cce": [
        "Said 'I owe them money so I have to do what they say'",
        "Said 'they brought me up on the train and told me to stay in the flat'",
    ],
    "other": ["Said 'I just want it to stop'"],
}
NO_VOICE = [
    "pre-verbal",
    "asleep throughout; not in the child's interest to wake",
    "too distressed to talk to officers; to be seen with the social worker tomorrow",
]
IMPACT = {
    "domestic_abuse": [
        "Child witnessed the assault and has stopped attending school",
        "Child woke to the shouting and saw mother injured; bedwetting again per mother",
        "Third incident witnessed this year; school report child withdrawn and tired",
        "Child tried to intervene and was pushed into the door frame",
    ],
    "physical_abuse": ["Visible injuries; child frightened to return home"],
    "neglect": ["Child's basic needs not met; hungry, unwashed and missing school"],
    "sexual_offence": ["Child disclosed serious sexual assault; very distressed and not sleeping"],
    "online": ["Child distressed and afraid images will be shared at school"],
    "cse": ["Child at risk of sexual exploitation; repeatedly missing overnight"],
    "cce": ["Child exploited to deal drugs; in debt to the group and frightened"],
    "other": ["Child upset; school to monitor attendance and wellbeing"],
}
DECISIONS = [
    "Section 47 enquiries to start; joint visit today",
    "Threshold met for section 47; joint investigation; medical to be arranged",
    "Section 47 enquiries; child to stay with maternal grandmother while enquiries continue",
    "No section 47; child in need assessment; police to continue criminal investigation",
]
ACTIONS = [
    ("Joint visit with social worker", "DC 4411"),
    ("Arrange child protection medical", "Social worker"),
    ("Check school attendance and speak to designated safeguarding lead", "Social worker"),
    ("Interview suspect under caution", "DC 2817"),
    ("ABE interview of the child", "DC 4411"),
    ("Share health visitor records", "Health visitor"),
    ("Safety plan agreed with mother; check suspect bail conditions", "DS 1290"),
    ("Research partner's previous convictions and intelligence", "DC 3962"),
]
OUTCOMES = ["strategy_discussion", "child_and_family_assessment", "early_help", "no_further_action"]
OVERNIGHT = [
    "Awaiting appropriate adult and interview; no earlier release safe",
    "Charged and refused bail; kept for the morning court",
    "Intoxicated on arrival; not fit for interview until morning",
]
CERTIFICATE = [
    "No local authority placement available before court",
    "Local authority could not provide accommodation overnight",
    "Risk of serious harm to the public; no secure accommodation available",
]
OFFENCES = ["robbery", "possession with intent to supply", "assault", "burglary", "criminal damage"]


# --- time ---------------------------------------------------------------------


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant with an offset (``Z`` accepted) as an aware datetime."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(f"the as-of instant needs an offset: {text}")
    return value


def clock_change_days(first_year: int, last_year: int) -> frozenset[date]:
    """The days either side of, and on, the last Sundays of March and October."""
    days: set[date] = set()
    for year in range(first_year, last_year + 1):
        for month in (3, 10):
            last = date(year, month, 31)
            sunday = last - timedelta(days=(last.weekday() + 1) % 7)
            days.update(sunday + timedelta(days=shift) for shift in (-1, 0, 1))
    return frozenset(days)


def minus_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


def minutes(value: int) -> timedelta:
    return timedelta(minutes=value)


def hours(value: float) -> timedelta:
    return timedelta(minutes=round(value * 60))


def days(value: float) -> timedelta:
    return timedelta(minutes=round(value * 1440))


def a_year_after(when: datetime, year: int) -> str:
    """``when`` retyped into ``year`` (a slip of the keyboard), as a local timestamp."""
    return when.replace(year=year, day=min(when.day, 28)).isoformat()


def next_weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


class Retry(Exception):
    """The drawn record strays onto an edge (clock change, midnight, age, as-of); draw again."""


# --- the record builder -------------------------------------------------------


@dataclass
class Plant:
    rule: str
    variant: str


@dataclass
class Builder:
    """One case record, built pattern by pattern, compliant except for its plant."""

    rng: random.Random
    cutoff: datetime  # latest allowed local wall-clock time of any event
    as_of_day: date  # local day of the as-of instant
    v11: bool
    plant: Plant | None
    style: str = "local"
    items: dict[str, list[Json]] = field(default_factory=dict)
    documents: list[Json] = field(default_factory=list)
    times: list[datetime] = field(default_factory=list)
    edges: list[datetime] = field(default_factory=list)  # must not be near local midnight
    expected: list[str] = field(default_factory=list)  # pointers of the plant's finding
    markers: list[str] = field(default_factory=list)
    risks: list[str] = field(default_factory=list)
    plans: list[Json] = field(default_factory=list)
    min_age: int = 0
    serial: dict[str, int] = field(default_factory=dict)
    exploitation: Json | None = None
    suppress_nrm: bool = False
    suppress_mace: bool = False
    missing_times: list[datetime] = field(default_factory=list)  # reported_at of each missing episode
    reversed_plan: Json | None = None  # DQ002's plan that ends before it starts
    active: bool = True  # plants go into the host pattern only, not into the extra one
    by_day: bool = False  # version 1.1: some follow-up events recorded by day, as CIN-fed systems do

    # -- helpers --

    def lapse(self, rule: str) -> str | None:
        """The variant to plant here, when this record's plant is of this rule."""
        if self.active and self.plant is not None and self.plant.rule == rule:
            return self.plant.variant
        return None

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def pick(self, pool: list[str]) -> str:
        return pool[self.rng.randrange(len(pool))]

    def ts(self, when: datetime) -> str:
        """A timestamp of an event, in this record's style; remembered for the checks."""
        self.times.append(when)
        if self.style == "local":
            return when.isoformat()
        aware = when.replace(tzinfo=LONDON)
        if self.style == "utc":
            return aware.astimezone(timezone.utc).replace(tzinfo=None).isoformat() + "Z"
        offset = aware.utcoffset()
        return when.isoformat() + ("Z" if not offset else "+01:00")

    def day_or_ts(self, when: datetime) -> str:
        """A date alone (version 1.1) where the rules reading it stay decided, in a record kept by day."""
        if self.by_day:
            self.times.append(when)
            return when.date().isoformat()
        return self.ts(when)

    def new_id(self, prefix: str) -> str:
        self.serial[prefix] = self.serial.get(prefix, 0) + 1
        return f"{prefix}-{self.serial[prefix]}"

    def add(self, collection: str, item: Json) -> int:
        bucket = self.items.setdefault(collection, [])
        bucket.append(item)
        return len(bucket) - 1

    def expect(self, pointer: str) -> None:
        self.expected.append(pointer)

    def document(self, kind: str, storage: str | None = "force_system") -> int:
        self.documents.append({"id": f"DOC-{len(self.documents) + 1}", "kind": kind, "storage": storage})
        return len(self.documents) - 1

    def random_day(self, earliest: date, latest: date) -> date:
        span = (latest - earliest).days
        return earliest + timedelta(days=self.rng.randint(0, max(0, span)))

    # -- incidents, referrals, strategy discussions, conferences, medicals --

    def protection(
        self,
        start: date,
        kind: str,
        *,
        concern: str = "significant_harm",
        s47: bool = True,
        medical: str | None = None,
        present: bool = True,
        to: str = "childrens_social_care",
        trafficking: bool = False,
    ) -> None:
        """An incident, its referral and, for significant harm, a discussion and conference."""
        evening = kind == "domestic_abuse" and self.chance(0.7)
        reported = at(
            start, self.rng.randint(17, 21) if evening else self.rng.randint(9, 16), self.rng.randrange(60)
        )
        incident_index = len(self.items.get("incidents", []))
        incident_id = self.new_id("INC")
        incident: Json = {"id": incident_id, "type": kind, "reported_at": self.ts(reported)}
        incident["child_present"] = present
        incident["child_seen"] = True if present else None
        incident["demeanour"] = self.pick(DEMEANOUR.get(kind, DEMEANOUR["other"])) if present else None
        if present and self.chance(0.15):
            incident["voice_of_child"] = None
            incident["voice_not_obtained_reason"] = self.pick(NO_VOICE)
        else:
            incident["voice_of_child"] = self.pick(VOICE.get(kind, VOICE["other"])) if present else None
            incident["voice_not_obtained_reason"] = None
        incident["dash"] = None
        if kind == "domestic_abuse":
            incident["dash"] = {
                "completed_at": self.ts(reported + minutes(self.rng.randint(40, 150))),
                "risk_level": self.pick(["standard", "medium", "high"]),
            }
        incident["trafficking_indicators"] = trafficking
        where = f"/incidents/{incident_index}"
        self.add("incidents", incident)

        lapse = self.lapse("VC001")
        if lapse:
            incident["demeanour"] = None if lapse == "no_demeanour" else "   "
            self.expect(f"{where}/demeanour")
        if self.lapse("VC002"):
            incident["voice_of_child"] = None
            incident["voice_not_obtained_reason"] = None
            self.expect(f"{where}/voice_of_child")
        lapse = self.lapse("VC003")
        if lapse:
            if lapse == "not_seen":
                incident["child_seen"] = False
            else:
                del incident["child_seen"]
            self.expect(f"{where}/child_seen")
        lapse = self.lapse("RF003")
        if lapse:
            if lapse == "no_dash":
                incident["dash"] = None
                self.expect(f"{where}/dash/completed_at")
            else:
                incident["dash"]["risk_level"] = None
                self.expect(f"{where}/dash/risk_level")
        if self.lapse("DQ003") == "dash_next_year":
            # Child not present, so RF003 does not read the DASH: only DQ003 sees the year.
            completed = reported + minutes(90)
            incident["dash"]["completed_at"] = a_year_after(completed, self.as_of_day.year + 1)
            self.expect(f"{where}/dash/completed_at")

        # The referral: same day, or next morning for an evening incident.
        if reported.hour >= 16:
            made = at(reported.date() + timedelta(days=1), 9, self.rng.randrange(0, 60, 5))
        else:
            made = reported + minutes(self.rng.randint(30, 120))
        referral_index = len(self.items.get("referrals", []))
        referral_id = self.new_id("REF")
        referral: Json = {
            "id": referral_id,
            "incident_id": incident_id,
            "made_at": self.ts(made),
            "to": to,
            "concern_level": concern,
            "impact_on_child": self.pick(IMPACT.get(kind, IMPACT["other"]))
            if present or kind == "domestic_abuse"
            else None,
            "specialist_notified_at": None,
            "feedback_received_at": None,
            "outcome": "strategy_discussion" if concern == "significant_harm" else self.pick(OUTCOMES[1:]),
        }
        if concern == "significant_harm":
            referral["specialist_notified_at"] = self.day_or_ts(made + minutes(self.rng.randint(10, 120)))
        if to == "childrens_social_care" and concern in ("child_in_need", "significant_harm"):
            # On the day, or the next calendar day, which is never after the next working day.
            if self.chance(0.6):
                feedback = made + minutes(self.rng.randint(60, 300))
            else:
                feedback = at(
                    made.date() + timedelta(days=1), self.rng.randint(9, 17), self.rng.randrange(60)
                )
            referral["feedback_received_at"] = self.day_or_ts(feedback)
        rwhere = f"/referrals/{referral_index}"
        self.add("referrals", referral)

        lapse = self.lapse("RF001")
        if lapse:
            referral["impact_on_child"] = None if lapse == "no_impact" else " "
            self.expect(f"{rwhere}/impact_on_child")
        lapse = self.lapse("RF002")
        if lapse:
            # Eight days on is past the end of the next working day after any day of the year.
            late = made + days(8)
            referral["feedback_received_at"] = self.ts(late) if lapse == "late_feedback" else None
            self.expect(f"{rwhere}/feedback_received_at")
        if self.lapse("SD005"):
            referral["specialist_notified_at"] = None
            self.expect(f"{rwhere}/specialist_notified_at")
        if self.lapse("DQ001") == "outcome_as_number":
            referral["outcome"] = 3
            self.expect(f"{rwhere}/outcome")
        if self.lapse("DQ004") == "referral_to_unknown_incident":
            referral["incident_id"] = "INC-9"
            self.expect(f"{rwhere}/incident_id")

        documents = ["investigation_log", "referral_form"]
        if kind == "domestic_abuse":
            documents.append("dash_form")

        if self.lapse("DQ002") == "discussion_before_referral":
            # A child-in-need referral recorded three hours after the discussion about it.
            self.discussion(made - hours(3), referral_id, s47=False, documents=documents)
            self.expect(f"/strategy_discussions/{len(self.items['strategy_discussions']) - 1}/held_at")
        if concern == "significant_harm":
            lapse = self.lapse("SD001")
            if lapse == "no_discussion":
                self.expect(rwhere)
            else:
                if lapse == "late_discussion":
                    held = made + days(4) + hours(2)
                elif made.hour < 13:
                    held = made + minutes(self.rng.randint(120, 300))
                else:
                    held = at(
                        made.date() + timedelta(days=1), self.rng.randint(10, 15), self.rng.randrange(60)
                    )
                self.discussion(held, referral_id, s47=s47, documents=documents)
                if lapse:
                    self.expect(
                        f"/strategy_discussions/{len(self.items['strategy_discussions']) - 1}/held_at"
                    )

        if medical is not None:
            requested = made + minutes(self.rng.randint(30, 150))
            limit = {"physical_abuse": (2.0, 12.0), "sexual_abuse": (6.0, 48.0), "neglect": (24.0, 120.0)}
            low, high = limit[medical]
            examined: datetime | None = requested + hours(self.rng.uniform(low, high))
            lapse = self.lapse("ME001")
            if lapse == "late_examination":
                over = {"physical_abuse": 30.0, "sexual_abuse": 80.0, "neglect": 200.0}[medical]
                examined = requested + hours(over)
            elif lapse == "never_examined":
                examined = None
            if self.lapse("DQ002") == "examined_before_request":
                examined = requested - hours(2)
            index = self.add(
                "medical_examinations",
                {
                    "id": self.new_id("MED"),
                    "type": medical,
                    "requested_at": self.ts(requested),
                    "examined_at": self.ts(examined) if examined else None,
                },
            )
            if lapse or self.lapse("DQ002") == "examined_before_request":
                self.expect(f"/medical_examinations/{index}/examined_at")
            documents.append("medical_report")
        for kind_name in documents:
            self.document(kind_name)

    def discussion(self, held: datetime, referral_id: str | None, *, s47: bool, documents: list[str]) -> None:
        index = len(self.items.get("strategy_discussions", []))
        where = f"/strategy_discussions/{index}"
        discussion_id = self.new_id("SD")
        agencies = ["police", "childrens_social_care", "health"]
        if self.chance(0.3):
            agencies.append(self.pick(["education", "probation", "youth_offending_service"]))
        self.rng.shuffle(agencies)
        chosen = self.rng.sample(ACTIONS, self.rng.randint(1, 3))
        actions: list[Json] = [
            {
                "description": text,
                "owner": owner,
                "due": (held.date() + timedelta(days=self.rng.randint(0, 7))).isoformat(),
            }
            for text, owner in chosen
        ]
        item: Json = {
            "id": discussion_id,
            "referral_id": referral_id,
            "held_at": self.ts(held),
            "agencies": agencies,
            "section_47": s47,
            "decisions": self.pick(DECISIONS[:3] if s47 else DECISIONS[3:]),
            "actions": actions,
        }
        self.add("strategy_discussions", item)
        documents.append("strategy_minutes")

        lapse = self.lapse("SD002")
        if lapse:
            item["decisions"] = None if lapse == "no_decisions" else "   "
            self.expect(f"{where}/decisions")
        lapse = self.lapse("SD003")
        if lapse == "no_actions":
            item["actions"] = []
            self.expect(f"{where}/actions")
        elif lapse:
            part = "owner" if lapse == "action_without_owner" else "description"
            if len(actions) == 1:
                actions.append({"description": "Speak to the school", "owner": "DC 3962", "due": None})
            actions[1][part] = None
            self.expect(f"{where}/actions/1/{part}")
        if self.lapse("SD004"):
            item["agencies"] = [agency for agency in agencies if agency != "health"]
            self.expect(f"{where}/agencies")
        if self.lapse("DQ001") == "due_not_a_date":
            actions[0]["due"] = "next week"
            self.expect(f"{where}/actions/0/due")

        if self.lapse("DQ002") == "conference_before_discussion":
            # Linked to a discussion that did not start section 47 enquiries (SD006 does not apply).
            self.conference(held - days(2), discussion_id, kind="review", documents=documents)
            self.expect(
                f"/child_protection_conferences/{len(self.items['child_protection_conferences']) - 1}/held_at"
            )
        if not s47:
            return
        lapse = self.lapse("SD006")
        if lapse == "no_conference":
            self.expect(where)
            return
        if self.v11 and lapse is None and self.chance(0.08):
            item["icpc_not_required"] = True  # CIN N00111: no initial conference needed
            return
        if lapse == "late_conference":
            # 40 days on is more than 15 working days after any day.
            first = at(next_weekday(held.date() + timedelta(days=40)), 10)
        else:
            first = at(next_weekday(held.date() + timedelta(days=self.rng.randint(7, 12))), self.pick_hour())
        conference_index = self.conference(first, discussion_id, kind="initial", documents=documents)
        if lapse:
            self.expect(f"/child_protection_conferences/{conference_index}/held_at")
        # The plan made at the initial conference; many have ended by now.
        end: date | None = None
        if self.chance(0.5):
            end = first.date() + timedelta(days=self.rng.randint(120, 500))
        plan: Json = {"start_date": first.date().isoformat(), "end_date": end.isoformat() if end else None}
        self.plans.append(plan)
        review = at(next_weekday(first.date() + timedelta(days=self.rng.randint(85, 100))), self.pick_hour())
        if review <= self.cutoff and self.chance(0.5) and (end is None or review.date() <= end):
            self.conference(review, discussion_id, kind="review", documents=documents)

    def pick_hour(self) -> int:
        return self.rng.choice([10, 11, 13, 14])

    def conference(
        self, held: datetime, discussion_id: str | None, *, kind: str, documents: list[str]
    ) -> int:
        index = len(self.items.get("child_protection_conferences", []))
        attended = self.chance(0.85)
        item: Json = {
            "id": self.new_id("CPC"),
            "type": kind,
            "strategy_discussion_id": discussion_id,
            "held_at": self.day_or_ts(held),
            "police_attended": attended,
            "police_report_submitted": True if not attended else self.chance(0.7),
        }
        self.add("child_protection_conferences", item)
        documents.append("conference_report")
        lapse = self.lapse("SD007")
        if lapse and kind == "initial":
            if lapse == "police_absent":
                item["police_attended"] = False
                item["police_report_submitted"] = False
            else:
                del item["police_attended"]
                del item["police_report_submitted"]
            self.expect(f"/child_protection_conferences/{index}/police_attended")
        return index

    # -- custody --

    def custody(self, day: date, kind: str) -> None:
        """A custody episode: daytime, overnight, charged and transferred or kept, or bailed."""
        self.min_age = max(self.min_age, 12)
        overnight = kind in ("overnight", "charged_kept")
        if kind in ("long_day", "daytime_long"):
            arrived = at(day, self.rng.randint(7, 9), self.rng.randrange(60))
        elif overnight:
            arrived = at(day, self.rng.randint(17, 21), self.rng.randrange(60))
        else:
            arrived = at(day, self.rng.randint(8, 13), self.rng.randrange(60))
        authorised = arrived + minutes(self.rng.randint(5, 20))
        welfare: datetime | None = authorised + minutes(self.rng.randint(10, 60))
        requested: datetime | None = authorised + minutes(self.rng.randint(5, 40))
        assert requested is not None
        aa_arrived: datetime | None = requested + minutes(self.rng.randint(40, 180))
        lapse_aa1 = self.lapse("AA001")
        lapse_aa3 = self.lapse("AA003")
        if self.lapse("AA002"):
            requested = authorised + minutes(self.rng.randint(100, 180))
            aa_arrived = requested + minutes(self.rng.randint(40, 120))
        if lapse_aa3 == "late_arrival":
            aa_arrived = requested + minutes(self.rng.randint(280, 360))
        if lapse_aa1 or lapse_aa3 == "no_arrival":
            aa_arrived = None
        if lapse_aa1:
            requested = None

        # Interviews once the appropriate adult is there.
        interviews: list[Json] = []
        clock = (aa_arrived or authorised) + minutes(self.rng.randint(15, 45))
        if aa_arrived is not None:
            for _ in range(self.rng.randint(1, 2)):
                interviews.append({"started_at": self.ts(clock), "appropriate_adult_present": True})
                clock += minutes(self.rng.randint(60, 100))
        lapse = self.lapse("AA004")
        if lapse:
            bad = len(interviews)
            entry: Json = {"started_at": self.ts(clock)}
            if lapse == "interview_without_aa":
                entry["appropriate_adult_present"] = False
            interviews.append(entry)
            clock += minutes(70)
            episode_index = len(self.items.get("custody_episodes", []))
            self.expect(f"/custody_episodes/{episode_index}/interviews/{bad}/appropriate_adult_present")

        charged: datetime | None = None
        bail_refused: bool | None = None
        la: Json | None = None
        released: datetime | None
        left: datetime  # when the child left police custody
        transferred: datetime | None = None
        if kind in ("charged_transferred", "charged_kept", "bailed"):
            charged = clock + minutes(self.rng.randint(30, 90))
            bail_refused = kind != "bailed"
        if kind == "bailed":
            assert charged is not None
            released = charged + minutes(self.rng.randint(20, 50))
            left = released
        elif kind == "charged_transferred":
            assert charged is not None
            la_requested = charged + minutes(self.rng.randint(10, 40))
            transferred = la_requested + minutes(self.rng.randint(60, 180))
            if self.lapse("DQ002") == "transferred_before_request":
                transferred = la_requested - minutes(30)
            la = {
                "requested_at": self.ts(la_requested),
                "outcome": "transferred",
                "transferred_at": self.ts(transferred),
                "certificate_reason": None,
            }
            released = None
            left = transferred
        elif kind == "charged_kept":
            assert charged is not None
            charged = max(charged, at(day, 20, 30))
            la_requested = charged + minutes(self.rng.randint(10, 30))
            la = {
                "requested_at": self.ts(la_requested),
                "outcome": self.pick(["refused_by_la", "no_bed"]),
                "transferred_at": None,
                "certificate_reason": self.pick(CERTIFICATE),
            }
            released = at(day + timedelta(days=1), 9, self.rng.randrange(0, 40))
            left = released
        elif overnight:
            released = at(day + timedelta(days=1), self.rng.randint(7, 10), self.rng.randrange(60))
            left = released
        else:
            released = clock + minutes(self.rng.randint(20, 90))
            if lapse_aa1:
                released = authorised + minutes(self.rng.randint(90, 240))
            if lapse_aa3 == "no_arrival":
                released = requested + minutes(self.rng.randint(270, 330)) if requested else released
            if kind == "daytime_long":
                released = max(released, authorised + minutes(self.rng.randint(400, 520)))
            left = released

        # PACE s40 reviews: the first within six hours of authorisation, then every nine.
        reviews: list[datetime] = []
        if left - authorised > hours(5):
            when = authorised + minutes(self.rng.randint(180, 345))
            while when < left:
                reviews.append(when)
                when += hours(9)
        lapse = self.lapse("CU005")
        index = len(self.items.get("custody_episodes", []))
        where = f"/custody_episodes/{index}"
        if lapse == "no_review":
            reviews = []
            self.expect(where)
        elif lapse == "late_review":
            reviews = [authorised + minutes(self.rng.randint(375, 395))]
            self.expect(f"{where}/reviews/0/at")

        lapse = self.lapse("CU004")
        if lapse:
            welfare = authorised + minutes(self.rng.randint(140, 240)) if lapse == "late_welfare" else None
            self.expect(f"{where}/welfare_person_informed_at")
        if self.lapse("DQ002") == "released_before_arrival":
            released = arrived - minutes(60)
            left = released
            self.expect(f"{where}/released_at")
        if self.lapse("DQ002") == "aa_arrived_before_request" and aa_arrived is not None:
            aa_arrived = requested - minutes(15) if requested else None
            self.expect(f"{where}/appropriate_adult/arrived_at")
        if lapse_aa1 or self.lapse("AA002"):
            self.expect(f"{where}/appropriate_adult/requested_at")
        if lapse_aa3:
            self.expect(f"{where}/appropriate_adult/arrived_at")

        spans_midnight = left.date() > arrived.date() and left.time() != time(0)
        episode: Json = {
            "id": self.new_id("CUS"),
            "arrived_at": self.ts(arrived),
            "detention_authorised_at": self.ts(authorised),
            "welfare_person_informed_at": self.ts(welfare) if welfare else None,
            "appropriate_adult": {
                "requested_at": self.ts(requested) if requested else None,
                "arrived_at": self.ts(aa_arrived) if aa_arrived else None,
            },
            "interviews": interviews,
            "reviews": [{"at": self.ts(when)} for when in reviews],
            "offence": self.pick(OFFENCES),
            "charged_at": self.ts(charged) if charged else None,
            "bail_refused": bail_refused,
            "la_accommodation": la,
            "released_at": self.ts(released) if released else None,
            "overnight_reason": self.pick(OVERNIGHT) if spans_midnight else None,
        }
        if lapse_aa1 == "no_request_object":
            del episode["appropriate_adult"]
        lapse = self.lapse("CU001")
        if lapse and la is not None:
            la["requested_at"] = None
            la["outcome"] = "not_requested"
            self.expect(f"{where}/la_accommodation/requested_at")
        if self.lapse("CU002") and la is not None:
            la["certificate_reason"] = None
            self.expect(f"{where}/la_accommodation/certificate_reason")
        if self.lapse("CU003") and spans_midnight:
            episode["overnight_reason"] = None
            self.expect(f"{where}/overnight_reason")
        if self.lapse("DQ002") == "transferred_before_request":
            self.expect(f"{where}/la_accommodation/transferred_at")
        self.add("custody_episodes", episode)
        self.edges.extend([arrived, left])
        self.document("custody_record")

    # -- missing episodes --

    def missing(self, last: date, count: int, *, cse: bool, repeat: bool = False) -> None:
        """Missing episodes ending on ``last``; ``repeat`` keeps three of them inside a year."""
        self.min_age = max(self.min_age, 8)
        if cse and "cse" not in self.risks:
            self.risks = sorted({*self.risks, "cse"})
            self.markers.append("cse_risk")
        reports: list[datetime] = []
        day = last
        for _ in range(count):
            reports.append(at(day, self.rng.randint(16, 22), self.rng.randrange(60)))
            day -= timedelta(days=self.rng.randint(20, 110) if repeat else self.rng.randint(20, 260))
        reports.reverse()
        start = len(self.items.get("missing_episodes", []))
        chosen = self.rng.randrange(count)  # the episode that carries a lapse
        for number, reported in enumerate(reports):
            self._missing_episode(
                reported, cse=cse, lapse_here=self.active and number == chosen, index=start + number
            )
        if count >= 2:
            self.markers.append("missing_risk")
        self.document("missing_person_report")

    def _missing_episode(self, reported: datetime, *, cse: bool, lapse_here: bool, index: int) -> None:
        where = f"/missing_episodes/{index}"
        returned = reported + minutes(self.rng.randint(120, 1800))
        category = "absent" if not cse and self.chance(0.12) else "missing"
        grades = ["high", "medium", "medium", "low", "very_low"]
        grade: str | None = self.pick(grades)
        if category == "absent":
            grade = self.pick(["low", "very_low", "no_apparent_risk"])
        notified = reported + minutes(self.rng.randint(20, 480))
        offered = returned + minutes(self.rng.randint(360, 3600))
        prevention: datetime | None = returned + minutes(self.rng.randint(60, 1200))
        declined = self.chance(0.15)
        completed: datetime | None = None if declined else offered + days(1)
        self.missing_times.append(reported)
        episode: Json = {
            "id": self.new_id("MIS"),
            "reported_at": self.ts(reported),
            "returned_at": None,
            "category": category,
            "risk_grade": grade,
            "la_notified_at": None,
            "prevention_interview_at": None,
            "return_interview": None,
        }
        if not lapse_here or self.plant is None:
            episode["returned_at"] = self.ts(returned)
            episode["la_notified_at"] = self.ts(notified)
            episode["prevention_interview_at"] = self.day_or_ts(prevention) if prevention else None
            episode["return_interview"] = {
                "offered_at": self.ts(offered),
                "completed_at": self.day_or_ts(completed) if completed else None,
                "declined": declined,
            }
            self.add("missing_episodes", episode)
            return
        plant = self.plant
        variant = plant.variant
        rule = plant.rule
        if rule == "MI001":
            episode["risk_grade"] = None
            self.expect(f"{where}/risk_grade")
        elif rule == "MI002":
            notified = reported + hours(30)
            self.expect(f"{where}/la_notified_at")
        elif rule == "MI003":
            offered = returned + days(5)
            completed = None if declined else offered + days(1)
            self.expect(f"{where}/return_interview/offered_at")
        elif rule == "MI004":
            prevention = None
            self.expect(f"{where}/prevention_interview_at")
        elif rule == "MI006":
            if variant == "cse_absent":
                episode["category"] = "absent"
                self.expect(f"{where}/category")
            else:
                episode["risk_grade"] = "no_apparent_risk"
                self.expect(f"{where}/risk_grade")
        elif rule == "DQ002" and variant == "returned_before_reported":
            returned = reported - minutes(180)
            offered = reported + minutes(self.rng.randint(600, 1800))
            completed = None if declined else offered + days(1)
            prevention = reported + minutes(360)
            self.expect(f"{where}/returned_at")
        episode["returned_at"] = self.ts(returned)
        episode["la_notified_at"] = (
            self.ts(notified) if not (rule == "MI002" and variant == "never_notified") else None
        )
        episode["prevention_interview_at"] = self.ts(prevention) if prevention else None
        interview: Json = {
            "offered_at": self.ts(offered) if not (rule == "MI003" and variant == "never_offered") else None,
            "completed_at": self.ts(completed) if completed else None,
            "declined": declined,
        }
        if rule == "MI003" and variant == "never_offered":
            interview["completed_at"] = None
        if rule == "DQ001" and variant == "impossible_date":
            interview["completed_at"] = "2023-02-30T11:00:00"
            self.expect(f"{where}/return_interview/completed_at")
        elif rule == "DQ001" and variant == "flag_as_text":
            interview["declined"] = "no" if not declined else "yes"
            self.expect(f"{where}/return_interview/declined")
        elif rule == "DQ003" and variant == "return_interview_next_year":
            base = offered + days(1)
            interview["completed_at"] = a_year_after(base, self.as_of_day.year + 1)
            interview["declined"] = False
            self.expect(f"{where}/return_interview/completed_at")
        episode["return_interview"] = interview
        self.add("missing_episodes", episode)

    # -- record-level --

    def finish_missing(self) -> None:
        """MI005: a repeat-missing assessment after the episode that first makes three in a year."""
        episodes = self.items.get("missing_episodes", [])
        assert len(episodes) == len(self.missing_times)
        times = sorted((when, number) for number, when in enumerate(self.missing_times))
        year = timedelta(days=365)
        if any(
            abs((later - earlier) - year) < timedelta(days=2) for earlier, _ in times for later, _ in times
        ):
            raise Retry  # two episodes a year apart, give or take a clock change: no edge cases
        trigger: tuple[datetime, int] | None = None
        for position, (when, number) in enumerate(times):
            inside = [other for other, _ in times[: position + 1] if when - other <= timedelta(days=365)]
            if len(inside) >= 3:
                trigger = (when, number)
                break
        if trigger is None:
            return
        when, number = trigger
        lapse = self.lapse("MI005")
        if lapse == "no_assessment":
            self.expect(f"/missing_episodes/{number}")
            return
        completed = at(when.date() + timedelta(days=self.rng.randint(1, 5)), self.rng.randint(10, 15))
        self.add(
            "assessments",
            {
                "id": self.new_id("ASM"),
                "type": "repeat_missing",
                "completed_at": self.day_or_ts(completed),
                "harm_reduction_plan": lapse is None,
            },
        )
        if lapse:
            self.expect(f"/missing_episodes/{number}")


# --- patterns -------------------------------------------------------------------
# One record holds one or two of these, as a real case file does.


def pattern_protection(builder: Builder, day: date) -> None:
    rng = builder.rng
    choice = rng.random()
    if choice < 0.30:
        builder.protection(day, "domestic_abuse", concern="significant_harm", s47=rng.random() < 0.8)
    elif choice < 0.55:
        builder.protection(day, "domestic_abuse", concern="child_in_need", present=rng.random() < 0.85)
    elif choice < 0.67:
        builder.protection(day, "physical_abuse", medical="physical_abuse")
    elif choice < 0.76:
        builder.min_age = max(builder.min_age, 3)
        builder.protection(day, "sexual_offence", medical="sexual_abuse")
    elif choice < 0.86:
        builder.protection(
            day, "neglect", concern="child_in_need", medical="neglect" if rng.random() < 0.3 else None
        )
    elif choice < 0.93:
        builder.min_age = max(builder.min_age, 9)
        builder.protection(day, "online", s47=False)
    else:
        builder.protection(
            day,
            "other",
            concern="below_threshold",
            to=builder.pick(["education", "health", "other"]),
            present=rng.random() < 0.5,
        )


def pattern_missing(builder: Builder, day: date) -> None:
    count = builder.rng.choice([1, 1, 1, 2, 2, 3, 4])
    builder.missing(day, count, cse=False)


def pattern_custody(builder: Builder, day: date) -> None:
    kind = builder.pick(
        [
            "daytime",
            "daytime",
            "daytime",
            "daytime_long",
            "overnight",
            "bailed",
            "charged_transferred",
            "charged_kept",
        ]
    )
    builder.custody(day, kind)


def pattern_exploitation(builder: Builder, day: date) -> None:
    rng = builder.rng
    builder.min_age = max(builder.min_age, 11)
    risks = rng.choice([["cse"], ["cce"], ["cse", "cce"], ["cce", "trafficking"], ["cse"], ["cce"]])
    builder.risks = sorted(set(builder.risks) | set(risks))
    kind = "cse" if "cse" in risks else "cce"
    builder.protection(day, kind, trafficking=kind == "cce" and rng.random() < 0.2)
    builder.markers.append(f"{kind}_risk")
    if rng.random() < 0.6:
        builder.missing(
            day - timedelta(days=rng.randint(5, 30)), rng.choice([1, 2, 3]), cse="cse" in builder.risks
        )
    assessed = at(day + timedelta(days=rng.randint(2, 10)), rng.randint(10, 15))
    builder.add(
        "assessments",
        {
            "id": builder.new_id("ASM"),
            "type": f"{kind}_risk",
            "completed_at": builder.ts(assessed),
            "harm_reduction_plan": rng.random() < 0.7,
        },
    )
    builder.document("exploitation_screening")


def pattern_trafficking(builder: Builder, day: date) -> None:
    builder.min_age = max(builder.min_age, 12)
    builder.risks = sorted(set(builder.risks) | {"trafficking"})
    builder.protection(day, "cce", trafficking=True)


PATTERNS: list[tuple[Callable[[Builder, date], None], float]] = [
    (pattern_protection, 0.52),
    (pattern_missing, 0.2),
    (pattern_custody, 0.15),
    (pattern_exploitation, 0.1),
    (pattern_trafficking, 0.03),
]

PATTERN_FUNCTIONS = [function for function, _ in PATTERNS]
PATTERN_WEIGHTS = [weight for _, weight in PATTERNS]

# The pattern a plant of each rule (or rule and variant) needs, as a builder call.
Host = Callable[[Builder, date], None]


def host_for(plant: Plant) -> Host | None:
    rule, variant = plant.rule, plant.variant

    def protection(kind: str = "domestic_abuse", **options: Any) -> Host:
        def build(builder: Builder, day: date) -> None:
            builder.protection(day, kind, **options)

        return build

    def custody(kind: str) -> Host:
        return lambda builder, day: builder.custody(day, kind)

    def missing(count: int = 2, *, cse: bool = False, repeat: bool = False) -> Host:
        return lambda builder, day: builder.missing(day, count, cse=cse, repeat=repeat)

    hosts: dict[str, Host] = {
        "VC001": protection(kind="physical_abuse", medical="physical_abuse"),
        "VC002": protection(concern="child_in_need"),
        "VC003": protection(kind="neglect", concern="child_in_need"),
        "RF001": protection(concern="child_in_need"),
        "RF002": protection(concern="child_in_need"),
        "RF003": protection(concern="significant_harm"),
        "SD001": protection(kind="physical_abuse", s47=False),
        "SD002": protection(s47=False),
        "SD003": protection(s47=False),
        "SD004": protection(s47=False),
        "SD005": protection(kind="sexual_offence", medical="sexual_abuse"),
        "SD006": protection(s47=True),
        "SD007": protection(s47=True),
        "ME001": protection(kind="physical_abuse", medical="physical_abuse"),
        "AA001": custody("daytime"),
        "AA002": custody("daytime"),
        "AA003": custody("daytime"),
        "AA004": custody("daytime"),
        "CU001": custody("charged_kept"),
        "CU002": custody("charged_kept"),
        "CU003": custody("overnight"),
        "CU004": custody("daytime"),
        "CU005": custody("daytime_long"),
        "MI001": missing(),
        "MI002": missing(),
        "MI003": missing(),
        "MI004": missing(),
        "MI005": missing(3, repeat=True),
        "MI006": missing(2, cse=True),
        "DQ004": protection(concern="child_in_need"),
        "EX001": protection(kind="cce", concern="child_in_need"),
    }
    if rule == "ME001" and variant == "never_examined":
        return protection(kind="sexual_offence", medical="sexual_abuse")
    if rule == "DQ001":
        return {
            "impossible_date": missing(),
            "flag_as_text": missing(),
            "outcome_as_number": protection(concern="child_in_need"),
            "due_not_a_date": protection(s47=False),
        }.get(variant)
    if rule == "DQ002":
        return {
            "returned_before_reported": missing(1),
            "released_before_arrival": custody("daytime"),
            "aa_arrived_before_request": custody("daytime"),
            "examined_before_request": protection(kind="physical_abuse", medical="physical_abuse"),
            "transferred_before_request": custody("charged_transferred"),
            "discussion_before_referral": protection(kind="neglect", concern="child_in_need"),
            "conference_before_discussion": protection(s47=False),
        }.get(variant)
    if rule == "DQ003":
        return {
            "return_interview_next_year": missing(1),
            "dash_next_year": protection(concern="child_in_need", present=False),
        }.get(variant)
    if rule == "DQ005" and variant == "repeated_missing_id":
        return missing(2)
    return hosts.get(rule)


# --- one record -------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    as_of: datetime
    seed: int
    rate: float
    v11: bool

    @property
    def as_of_local(self) -> datetime:
        return self.as_of.astimezone(LONDON).replace(tzinfo=None)

    @property
    def stride(self) -> int:
        return max(1, round(1 / self.rate)) if self.rate > 0 else 0


def plant_for(number: int, settings: Settings) -> Plant | None:
    """The plant of record ``number``: every stride-th record, rules and variants in turn."""
    stride = settings.stride
    if stride == 0 or number % stride != stride // 2:
        return None
    sequence = number // stride
    rule = RULES[sequence % len(RULES)]
    variants = [v for v in VARIANTS[rule] if settings.v11 or (rule, v) not in V11_ONLY]
    variant = variants[(sequence // len(RULES)) % len(variants)]
    if rule == "DQ005" and variant == "repeated_record_id" and number == 0:
        variant = "repeated_document_id"
    return Plant(rule, variant)


def record_id(number: int, year: int) -> str:
    return f"WM-{year}-{number + 1:07d}"


def build_record(
    number: int, settings: Settings, avoid: frozenset[date]
) -> tuple[Json, list[str], Plant | None]:
    """Record ``number``: its content, the pointers of its planted finding, and the plant."""
    plant = plant_for(number, settings)
    rng = random.Random(f"caselint-bench:{settings.seed}:{number}")
    for _ in range(200):
        try:
            record, pointers = _draw(rng, number, settings, avoid, plant)
        except Retry:
            continue
        return record, pointers, plant
    raise RuntimeError(f"record {number}: no draw stayed clear of the edges")  # pragma: no cover


def _draw(
    rng: random.Random, number: int, settings: Settings, avoid: frozenset[date], plant: Plant | None
) -> tuple[Json, list[str]]:
    as_of_local = settings.as_of_local
    cutoff = as_of_local - MARGIN
    builder = Builder(rng, cutoff, as_of_local.date(), settings.v11, plant)
    style = rng.random()
    builder.style = "local" if style < 0.88 else "offset" if style < 0.96 else "utc"
    builder.by_day = settings.v11 and rng.random() < 0.12
    earliest = (as_of_local - HISTORY).date()
    latest = (cutoff - timedelta(days=60)).date()

    host = host_for(plant) if plant else None
    patterns: list[Host] = []
    if host is not None:
        patterns.append(host)
    else:
        patterns.append(rng.choices(PATTERN_FUNCTIONS, PATTERN_WEIGHTS)[0])
    if rng.random() < 0.3:
        patterns.append(rng.choices(PATTERN_FUNCTIONS, PATTERN_WEIGHTS)[0])
    anchor = builder.random_day(earliest + timedelta(days=400), latest)
    for offset, build in enumerate(patterns):
        builder.active = offset == 0
        build(builder, anchor - timedelta(days=offset * rng.randint(20, 120)))
    builder.active = True

    if plant is not None:
        _record_level_plant(builder, plant)
    builder.finish_missing()
    _finish_exploitation(builder)
    child = _child(builder)
    if plant is not None and plant.rule == "DQ006":
        _adult_event(builder, child)

    for when in builder.times:
        if when > cutoff or when.date() in avoid:
            raise Retry
    for when in builder.edges:
        if when.time() >= time(23, 15) or when.time() <= time(0, 45):
            raise Retry
    if "cse" in builder.risks:
        # MI006: every missing episode of a child at risk of CSE is graded and categorised as such.
        for position, episode in enumerate(builder.items.get("missing_episodes", [])):
            understated = episode["category"] == "absent" or episode["risk_grade"] == "no_apparent_risk"
            planted = plant is not None and plant.rule == "MI006"
            if understated and not (
                planted and any(p.startswith(f"/missing_episodes/{position}/") for p in builder.expected)
            ):
                raise Retry

    district = rng.choices(DISTRICTS, DISTRICT_WEIGHTS)[0]
    first = min(builder.times)
    record: Json = {
        "record_id": record_id(number, first.year),
        "force": FORCE,
        "district": district,
        "team": rng.choice(TEAMS[district]),
        "child": child,
    }
    for name in (
        "incidents",
        "referrals",
        "strategy_discussions",
        "child_protection_conferences",
        "custody_episodes",
        "missing_episodes",
        "assessments",
        "medical_examinations",
    ):
        if builder.items.get(name):
            record[name] = builder.items[name]
    if builder.exploitation is not None:
        record["exploitation"] = builder.exploitation
    if builder.documents:
        record["documents"] = builder.documents

    if plant is not None:
        _late_plant(builder, plant, record)
    if plant is not None and not builder.expected and plant.variant != "repeated_record_id":
        raise Retry  # the host drew a shape where the variant does not fit; draw again
    if len(builder.expected) > 1:  # a plant is one finding; more means a bug here
        raise AssertionError(f"record {number}: {plant} planted {builder.expected}")
    return record, builder.expected


def _record_level_plant(builder: Builder, plant: Plant) -> None:
    """Plants that are about the whole record rather than one pattern's items."""
    rule, variant = plant.rule, plant.variant
    rng = builder.rng
    if rule == "RF004":
        start = builder.random_day(
            builder.as_of_day - timedelta(days=700), builder.as_of_day - timedelta(days=60)
        )
        builder.plans.append({"start_date": start.isoformat(), "end_date": None})
        if variant == "plan_list_no_marker":
            builder.plans.insert(
                0,
                {
                    "start_date": (start - timedelta(days=rng.randint(500, 700))).isoformat(),
                    "end_date": (start - timedelta(days=rng.randint(60, 300))).isoformat(),
                },
            )
        builder.expect("/child/warning_markers")
    elif rule == "EX001":
        builder.suppress_nrm = True
        if variant == "trafficking_risk_no_nrm":
            builder.risks = sorted(set(builder.risks) | {"trafficking"})
        else:
            incidents = builder.items.get("incidents")
            if not incidents:
                raise Retry
            incidents[0]["trafficking_indicators"] = True
        builder.expect("/exploitation/nrm_referral_at")
    elif rule == "EX002":
        builder.suppress_mace = True
        builder.risks = sorted(set(builder.risks) | {"cse" if variant == "cse_no_mace" else "cce"})
        if "cse" in builder.risks:
            for episode in builder.items.get("missing_episodes", []):
                if episode["category"] == "absent" or episode["risk_grade"] == "no_apparent_risk":
                    raise Retry
        builder.expect("/exploitation/mace_discussed_at")
    elif rule == "RC001":
        index = (
            builder.rng.randrange(len(builder.documents))
            if builder.documents
            else builder.document("case_file")
        )
        builder.documents[index]["storage"] = {
            "paper_only": "paper_only",
            "personal_drive": "personal_drive",
        }.get(variant)
        builder.expect(f"/documents/{index}/storage")
    elif rule == "DQ001" and variant in ("kind_as_number", "looked_after_as_text"):
        if variant == "kind_as_number":
            index = builder.document("case_file")
            builder.documents[index]["kind"] = 12
            builder.expect(f"/documents/{index}/kind")
        else:
            builder.expect("/child/looked_after")
    elif rule == "DQ002" and variant == "plan_ends_before_start":
        start = builder.random_day(
            builder.as_of_day - timedelta(days=900), builder.as_of_day - timedelta(days=200)
        )
        builder.reversed_plan = {
            "start_date": start.isoformat(),
            "end_date": (start - timedelta(days=rng.randint(30, 120))).isoformat(),
        }
        builder.plans.append(builder.reversed_plan)  # its pointer is known once the plans are written
    elif rule == "DQ003" and variant == "mace_next_year":
        if any(risk in builder.risks for risk in ("cse", "cce")):
            raise Retry
        builder.suppress_mace = True
        first = min(builder.times)
        mace = first + days(rng.randint(3, 20))
        builder.exploitation = {"nrm_referral_at": None, "mace_discussed_at": None}
        builder.exploitation["mace_discussed_at"] = a_year_after(mace, builder.as_of_day.year + 1)
        builder.expect("/exploitation/mace_discussed_at")
    elif rule == "DQ004" and variant == "discussion_to_unknown_referral":
        documents: list[str] = []
        first = min(builder.times)
        builder.discussion(at(first.date() + timedelta(days=2), 11), "REF-9", s47=False, documents=documents)
        for kind in documents:
            builder.document(kind)
        builder.expect(f"/strategy_discussions/{len(builder.items['strategy_discussions']) - 1}/referral_id")
    elif rule == "DQ004" and variant == "conference_to_unknown_discussion":
        documents = []
        first = min(builder.times)
        index = builder.conference(
            at(next_weekday(first.date() + timedelta(days=9)), 10), "SD-9", kind="review", documents=documents
        )
        builder.items["child_protection_conferences"][index]["police_attended"] = True
        builder.expect(f"/child_protection_conferences/{index}/strategy_discussion_id")


def _finish_exploitation(builder: Builder) -> None:
    """EX001 and EX002: an NRM referral and a MACE discussion where the child's risks call for them."""
    indicators = any(
        item.get("trafficking_indicators") is True for item in builder.items.get("incidents", [])
    )
    need_nrm = ("trafficking" in builder.risks or indicators) and not builder.suppress_nrm
    need_mace = any(risk in builder.risks for risk in ("cse", "cce")) and not builder.suppress_mace
    planted = builder.plant is not None and builder.plant.rule in ("EX001", "EX002")
    if not (need_nrm or need_mace or builder.risks or planted):
        return
    if builder.exploitation is None:
        builder.exploitation = {"nrm_referral_at": None, "mace_discussed_at": None}
    first = min(builder.times)
    if need_nrm:
        builder.exploitation["nrm_referral_at"] = builder.day_or_ts(
            first + days(builder.rng.randint(1, 6)) + hours(2)
        )
    if need_mace:
        mace = at(next_weekday(first.date() + timedelta(days=builder.rng.randint(5, 25))), 10)
        builder.exploitation["mace_discussed_at"] = builder.day_or_ts(mace)


def _child(builder: Builder) -> Json:
    rng = builder.rng
    first = min(builder.times).date()
    last = max(builder.times).date()
    for each in builder.plans:
        first = min(first, date.fromisoformat(each["start_date"]))
    youngest = minus_years(first, builder.min_age) - timedelta(days=30)  # latest date of birth
    # Turns 18 at least ten days after the last event.
    oldest = minus_years(last + timedelta(days=10), 18) + timedelta(days=1)
    if oldest > youngest:
        raise Retry
    born = builder.random_day(oldest, youngest)
    if born.month == 2 and born.day == 29:
        born = born + timedelta(days=1)
        if born > youngest:
            raise Retry
    child: Json = {"person_id": f"P-{rng.randrange(100000, 999999)}"}
    which = rng.random()
    dq006 = builder.plant is not None and builder.plant.rule == "DQ006"
    if which < 0.95 or dq006:
        child["date_of_birth"] = born.isoformat()
    elif which < 0.99:
        # Only an assessed age exported: the age at every event, so the age at the last one.
        age = last.year - born.year - ((last.month, last.day) < (born.month, born.day))
        child["age_years"] = max(age, 0)
    markers = list(dict.fromkeys(builder.markers))
    plan: Json | list[Json] | None = None
    if builder.plans:
        # Version 1 holds one plan (the latest); 1.1 may hold a list (RF004: any of them).
        if len(builder.plans) == 1 and not (builder.v11 and rng.random() < 0.1):
            written = builder.plans[:1]
            plan = written[0]
        elif builder.v11:
            written = list(builder.plans)
            plan = written
        else:
            written = builder.plans[-1:]
            plan = written[0]
        open_now = any(
            date.fromisoformat(p["start_date"]) <= builder.as_of_day
            and (p["end_date"] is None or builder.as_of_day <= date.fromisoformat(p["end_date"]))
            for p in written
        )
        if open_now and not builder.lapse("RF004"):
            markers.insert(0, "child_protection_plan")
        if builder.reversed_plan is not None:
            if not any(p is builder.reversed_plan for p in written):
                raise Retry
            where = (
                ""
                if isinstance(plan, dict)
                else f"/{next(i for i, p in enumerate(written) if p is builder.reversed_plan)}"
            )
            builder.expect(f"/child/child_protection_plan{where}/end_date")
    child["warning_markers"] = markers
    child["child_protection_plan"] = plan
    child["looked_after"] = rng.random() < 0.12
    child["exploitation_risk"] = list(builder.risks)
    if builder.lapse("DQ001") == "looked_after_as_text":
        child["looked_after"] = "yes"
    return child


def _adult_event(builder: Builder, child: Json) -> None:
    """DQ006: one more event, dated after the 18th birthday; everything else before it."""
    rng = builder.rng
    last = max(builder.times).date()
    birthday = last + timedelta(days=10)
    if birthday.month == 2 and birthday.day == 29:
        birthday += timedelta(days=1)
    born = minus_years(birthday, 18)
    first = min(builder.times).date()
    if minus_years(first, builder.min_age) < born:
        raise Retry
    child["date_of_birth"] = born.isoformat()
    when = at(birthday + timedelta(days=rng.randint(10, 25)), rng.randint(10, 15), rng.randrange(60))
    if builder.plant is not None and builder.plant.variant == "assessment_after_18th_birthday":
        index = builder.add(
            "assessments",
            {
                "id": builder.new_id("ASM"),
                "type": "other",
                "completed_at": builder.ts(when),
                "harm_reduction_plan": False,
            },
        )
        builder.expect(f"/assessments/{index}/completed_at")
    else:
        index = builder.add(
            "incidents",
            {
                "id": builder.new_id("INC"),
                "type": "other",
                "reported_at": builder.ts(when),
                "child_present": False,
                "trafficking_indicators": False,
            },
        )
        builder.expect(f"/incidents/{index}/reported_at")


def _late_plant(builder: Builder, plant: Plant, record: Json) -> None:
    """Plants made on the finished record (ids)."""
    if plant.rule != "DQ005":
        return
    if plant.variant == "repeated_document_id":
        documents = record.setdefault("documents", builder.documents)
        if not documents:
            documents.append({"id": "DOC-1", "kind": "case_file", "storage": "force_system"})
        documents.append({"id": documents[0]["id"], "kind": "case_file", "storage": "force_system"})
        builder.expect(f"/documents/{len(documents) - 1}/id")
    elif plant.variant == "repeated_missing_id":
        episodes = record.get("missing_episodes", [])
        if len(episodes) < 2:
            raise Retry
        episodes[1]["id"] = episodes[0]["id"]
        builder.expect("/missing_episodes/1/id")
    # repeated_record_id is made by the writer, which knows the earlier record's id.


# --- the export -------------------------------------------------------------------


@dataclass
class Truth:
    settings: Settings
    records: int = 0
    expected: dict[str, list[list[str]]] = field(default_factory=lambda: {rule: [] for rule in RULES})
    planted: list[Json] = field(default_factory=list)

    def to_json(self) -> Json:
        return {
            "generator": "bench/generate.py",
            "seed": self.settings.seed,
            "rate": self.settings.rate,
            "format_version": "1.1" if self.settings.v11 else "1",
            "as_of": self.settings.as_of.isoformat().replace("+00:00", "Z"),
            "records": self.records,
            "counts": {rule: len(pairs) for rule, pairs in self.expected.items()},
            "total": sum(len(pairs) for pairs in self.expected.values()),
            "expected": self.expected,
            "planted": self.planted,
        }


def generate(count: int, settings: Settings) -> Iterator[tuple[bytes, Json, list[str], Plant | None]]:
    """The lines of the export, each with its record, planted pointers and plant."""
    year = settings.as_of_local.year
    avoid = clock_change_days(year - 5, year + 1)
    previous_id: str | None = None
    for number in range(count):
        record, pointers, plant = build_record(number, settings, avoid)
        if plant is not None and plant.variant == "repeated_record_id" and previous_id is not None:
            record["record_id"] = previous_id
            pointers = ["/record_id"]
        previous_id = str(record["record_id"])
        yield dumps(record) + b"\n", record, pointers, plant


def write_export(count: int, out: Path, settings: Settings, truth_path: Path | None) -> Truth:
    truth = Truth(settings)
    with out.open("wb") as stream:
        for line_number, (line, record, pointers, plant) in enumerate(generate(count, settings), start=1):
            stream.write(line)
            truth.records += 1
            if plant is None:
                continue
            rid = str(record["record_id"])
            for pointer in pointers:
                truth.expected[plant.rule].append([rid, pointer])
            truth.planted.append(
                {
                    "line": line_number,
                    "record_id": rid,
                    "rule": plant.rule,
                    "variant": plant.variant,
                    "pointers": pointers,
                }
            )
    if truth_path is not None:
        truth_path.write_text(json.dumps(truth.to_json(), indent=1) + "\n", encoding="utf-8")
    return truth


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("count", type=int, help="number of case records")
    parser.add_argument("out", type=Path, help="the JSON Lines export to write")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--truth", type=Path, help="write the expected findings here (JSON)")
    parser.add_argument(
        "--rate",
        type=float,
        default=DEFAULT_RATE,
        help="share of records with a planted violation (default 0.05)",
    )
    parser.add_argument("--as-of", default=DEFAULT_AS_OF, help=f"the as-of instant (default {DEFAULT_AS_OF})")
    parser.add_argument(
        "--format-version", choices=["1", "1.1"], default="1.1", help="record format (default 1.1)"
    )
    options = parser.parse_args(argv)
    if options.count < 0 or not 0 <= options.rate <= 1:
        parser.error("count must be 0 or more and rate between 0 and 1")
    settings = Settings(
        parse_instant(options.as_of), options.seed, options.rate, options.format_version == "1.1"
    )
    truth = write_export(options.count, options.out, settings, options.truth)
    total = sum(len(pairs) for pairs in truth.expected.values())
    print(f"wrote {truth.records} records to {options.out} ({total} planted findings)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
