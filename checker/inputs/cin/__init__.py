"""The DfE children in need (CIN) census: one XML file per authority, one case record per ``Child``.

Spec: cin-census.md. ``reader.py`` parses the file (defused, streamed) and
``child.py`` maps each child. Only the elements the mapping names are read;
UPNs, names and everything else never leave the parser.
"""

from __future__ import annotations

from checker.inputs.cin.reader import census_as_of, read_census

# What a census record can hold, as field patterns ("*" for list members).
# Rules that read anything else are not assessable on a census file.
CARRIES = frozenset(
    {
        "record_id",
        "child",
        "child/person_id",
        "child/date_of_birth",
        "child/child_protection_plan",
        "child/child_protection_plan/*",
        "child/child_protection_plan/*/start_date",
        "child/child_protection_plan/*/end_date",
        "referrals",
        "referrals/*",
        "referrals/*/id",
        "referrals/*/made_at",
        "referrals/*/to",
        "strategy_discussions",
        "strategy_discussions/*",
        "strategy_discussions/*/id",
        "strategy_discussions/*/referral_id",
        "strategy_discussions/*/held_at",
        "strategy_discussions/*/section_47",
        "strategy_discussions/*/icpc_not_required",
        "child_protection_conferences",
        "child_protection_conferences/*",
        "child_protection_conferences/*/id",
        "child_protection_conferences/*/type",
        "child_protection_conferences/*/strategy_discussion_id",
        "child_protection_conferences/*/held_at",
    }
)

__all__ = ["CARRIES", "census_as_of", "read_census"]
