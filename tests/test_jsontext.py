"""caselint's JSON text is the standard library's, whoever writes it (report/jsontext.py).

orjson writes it where it gives the very same text; these cases are the ones
where it would not (floats, lone surrogates, numbers past 64 bits, keys that
are not text) and the shapes around them, each compared with ``json.dumps``.
"""

from __future__ import annotations

import json
import math
import random
from typing import Any

import pytest

from checker.report.jsontext import json_pieces, json_text


def _standard(value: Any) -> str:
    """What ``json_text`` must give: the standard library's text, lone surrogates escaped."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    return "".join(f"\\u{ord(c):04x}" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text) + "\n"


CASES: list[Any] = [
    {},
    [],
    "",
    None,
    True,
    0,
    -(2**63),
    2**63 - 1,
    2**64,
    -(2**70),
    0.1,
    1.0,
    -0.0,
    1e-05,
    3.3333333333333335e-05,
    1e16,
    1e300,
    math.nan,
    math.inf,
    -math.inf,
    "\ud800",
    "a\udfffb",
    "\x00\x01\x1f\x7f\u2028\u2029\ufeff é 🙂",
    '"quoted" \\ back\nnew\ttab',
    {"a": {}, "b": [], "c": [[]], "d": [{}]},
    {"rate": 1e-05, "findings": [{"line": 3, "message": "no"}], "deep": {"x": [1, [2.5, {"y": None}]]}},
    {"summary": {"rules": [{"compliance": 0.9993}, {"compliance": None}]}, "id": "\ud83d"},
    {1: "a number key", "b": 2.5},
    {True: 1, None: 2, 1.5: [0.1]},
    [0.1, "x", [1e-7, {"k": "v"}], {"n": 2**65}],
    (1, 2.0, ("a",)),
    {"": {"": [""]}},
]


@pytest.mark.parametrize("value", CASES, ids=range(len(CASES)))
def test_the_text_is_the_standard_librarys(value: Any) -> None:
    assert json_text(value) == _standard(value)


def _drawn(draw: random.Random, depth: int = 0) -> Any:
    kind = draw.choice(
        ["dict", "list", "str", "int", "float", "none", "bool"] if depth < 4 else ["str", "int"]
    )
    if kind == "dict":
        keys: list[Any] = [draw.choice(["a", "bé", "", "\ud800k", "line\nbreak"]) + str(n) for n in range(4)]
        if draw.random() < 0.1:
            keys.append(draw.choice([7, 2.5, None, False]))
        return {key: _drawn(draw, depth + 1) for key in keys[: draw.randint(0, 4)]}
    if kind == "list":
        return [_drawn(draw, depth + 1) for _ in range(draw.randint(0, 4))]
    if kind == "str":
        return "".join(
            chr(draw.choice([0x22, 0x5C, 0x0A, 0x01, 0x41, 0xE9, 0xD800, 0x1F642])) for _ in range(3)
        )
    if kind == "int":
        return draw.choice([0, -1, 2**63 - 1, 2**64, -(2**80), draw.randint(-1000, 1000)])
    if kind == "float":
        return draw.choice([0.5, 1e-5, 1e16, -2.5e-9, math.nan, draw.random()])
    return None if kind == "none" else draw.random() < 0.5


@pytest.mark.parametrize("seed", range(40))
def test_drawn_values_give_the_standard_librarys_text(seed: int) -> None:
    draw = random.Random(seed)
    for _ in range(25):
        value = {"head": _drawn(draw), "findings": [_drawn(draw) for _ in range(draw.randint(0, 3))]}
        assert json_text(value) == _standard(value)


@pytest.mark.parametrize("seed", range(10))
def test_pieces_of_drawn_findings_make_the_whole_text(seed: int) -> None:
    draw = random.Random(seed)
    findings = [{"finding": _drawn(draw), "line": n} for n in range(draw.randint(0, 1200))]
    head = {"rate": draw.random(), "findings": [], "tail": _drawn(draw)}
    assert "".join(json_pieces(head, findings)) == _standard({**head, "findings": findings})
