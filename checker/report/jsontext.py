"""JSON as caselint writes it: indented UTF-8 text ending in a newline, whole or a piece at a time.

A lone surrogate (a record id of ``"\\ud800"``) cannot be encoded as UTF-8,
so it is written as the ``\\u`` escape it was read from; in JSON text it can
only stand inside a string, where that escape means the same.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# The top-level "findings", empty: strings hold no raw newline, and only the report's own
# keys sit two spaces in, so nothing else in the text can look like it.
_NO_FINDINGS = '\n  "findings": []'
FINDINGS_A_PIECE = 500


def json_text(data: Any) -> str:
    return _escaped(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"


def json_pieces(data: dict[str, Any], findings: Iterable[Any]) -> Iterator[str]:
    """``json_text`` of ``data`` with ``findings`` as its (empty) "findings" list, a few hundred
    findings a piece, each dumped only as its turn comes."""
    text = _escaped(json.dumps(data, indent=2, ensure_ascii=False))
    head, found, tail = text.partition(_NO_FINDINGS)
    batch: list[str] = []
    number = -1
    for number, finding in enumerate(findings):
        if number == 0:
            if not found:
                raise ValueError("the data has no empty top-level findings list to fill")
            yield head + '\n  "findings": ['
        dumped = json.dumps(finding, indent=2, ensure_ascii=False)
        batch.append(("," if number else "") + "\n    " + dumped.replace("\n", "\n    "))
        if len(batch) == FINDINGS_A_PIECE:
            yield _escaped("".join(batch))
            batch = []
    if number < 0:
        yield text + "\n"  # no findings: the list stays empty
        return
    yield _escaped("".join(batch)) + "\n  ]" + tail + "\n"


def _escaped(text: str) -> str:
    return _LONE_SURROGATE.sub(lambda match: f"\\u{ord(match.group(0)):04x}", text)
