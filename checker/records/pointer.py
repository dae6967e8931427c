"""JSON Pointers (RFC 6901): the way findings name a value inside a record."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def escape(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def join(base: str, tokens: Iterable[str | int]) -> str:
    return base + "".join("/" + escape(token) for token in tokens)


def split(pointer: str) -> list[str]:
    if pointer == "":
        return []
    return [unescape(token) for token in pointer[1:].split("/")]


def parent(pointer: str) -> str:
    return pointer[: pointer.rfind("/")] if pointer else ""


def is_within(pointer: str, ancestor: str) -> bool:
    """True when ``pointer`` is ``ancestor`` or lies inside it."""
    return pointer == ancestor or pointer.startswith(ancestor + "/")


def resolve(document: Any, pointer: str) -> Any:
    """The value at ``pointer`` in a parsed JSON document, or None when there is none."""
    value = document
    for token in split(pointer):
        if isinstance(value, dict):
            value = value.get(token)
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        else:
            return None
    return value
