"""Record texts DuckDB can read: a string with a lone surrogate, written as JSON allows.

JSON may escape half of a surrogate pair alone (``"\\ud800"``); Python's
decoder reads it as that code point, so the readers hand such a record on
and the per-record engine checks it. DuckDB refuses the text, and with it
the whole run. Such a text is decoded as the readers decode it and written
again with each lone surrogate as a noncharacter (U+FDD0) followed by a
private-use character that says which surrogate it was. Nothing a rule
asks of a string changes: equal strings stay equal and different ones
different (ids, links, record ids; unless a string already held U+FDD0
and that private-use character, which no export has a reason to), a
string is no more blank or empty than it was, and none is a timestamp, a
date or one of a field's values. A record's free text is never shown.

Only the texts DuckDB finds such an escape in (``SURROGATE_ESCAPE``) are
decoded here: looking in Python costs some 5 µs a record, in DuckDB 1 µs.
"""

from __future__ import annotations

import json
import re
from typing import Any

from checker.inputs.jsontext import JsonTooDeep, decode_document

_LONE = re.compile("[\ud800-\udfff]")
_MARK = "\ufdd0"
_PRIVATE = 0xF0000  # plane 15: U+D800 + n becomes U+F0000 + n


def _stand_in(match: re.Match[str]) -> str:
    return _MARK + chr(_PRIVATE + ord(match.group()) - 0xD800)


def _without_lone_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return _LONE.sub(_stand_in, value)
    if isinstance(value, dict):
        return {_without_lone_surrogates(key): _without_lone_surrogates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_lone_surrogates(item) for item in value]
    return value


# A JSON escape of half a surrogate pair (RE2, as DuckDB writes it): what to look for.
SURROGATE_ESCAPE = "\\\\u[dD][89a-fA-F]"


def duckdb_readable(text: str) -> str:
    """The text, if it has a lone surrogate, written again without it; else as it is."""
    try:
        value = decode_document(text)
    except (json.JSONDecodeError, JsonTooDeep):
        return text  # not the readers' JSON: left as it is
    found = _without_lone_surrogates(value)
    return text if found == value else json.dumps(found, ensure_ascii=False)
