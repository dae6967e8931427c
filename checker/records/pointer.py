"""JSON Pointers (RFC 6901): the way findings name a value inside a record."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# The names of the record format's fields and of caselint's own files' members: a key that does
# not read as one may be anything (a child's name used as a key), and is not written out.
_FIELD_NAME = re.compile(r"[a-z_][a-z0-9_]{0,39}")


def reads_as_field_name(key: str) -> bool:
    return _FIELD_NAME.fullmatch(key) is not None


def duplicate_key(key: str) -> str:
    """A repeated key as a message says it: by name when it reads as a field name, else not named."""
    return f"duplicate key '{key}'" if reads_as_field_name(key) else "duplicate key"


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
