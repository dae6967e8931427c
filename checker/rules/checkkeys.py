"""The keys that state one check of a rule: at the top of a rule file, or in each entry of ``checks``."""

from __future__ import annotations

CHECK_KEYS = (
    "scope",
    "children_only",
    "on_inputs_with_past_dates",
    "when",
    "require",
    "pending_while",
    "message",
    "pointer",
)
