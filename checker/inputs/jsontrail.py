"""What follows a whole JSON document in its file: more documents (a file written twice, two
exports joined) or text that is none (a bracket too many, a NUL, a stray word).

The document before it is whole, so its records are read as written; each whole
document after it is read too, and what is none is said once, as the file's error.
Text that goes on from the document with a comma is not that: the document may
have ended early (a bracket typed inside its last record, which would be read
short), so the caller reads the file as broken instead. Nor is text that holds a
quote: a quote typed or lost in a string whose text is ``}]`` ends the document
there, and what follows is the rest of that record (its string's own closing
quote at least), not junk.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from checker.inputs.jsontext import JsonTooDeep, decode_value, not_json
from checker.inputs.sourcemap import skip_whitespace

MORE_DOCUMENTS = "not valid JSON: more than one document in the file (column {column}); each is read"


@dataclass(frozen=True)
class Trailing:
    documents: tuple[tuple[int, int], ...]  # where each whole document after the first starts and ends
    junk: tuple[int, str, bool] | None  # where text that is no document starts, what is said, if lost


def after_the_document(text: str, end: int) -> Trailing | None:
    """What follows the document that ends at ``end``; None when it may go on from it."""
    position = skip_whitespace(text, end)
    if text[position] == ",":
        return None
    documents: list[tuple[int, int]] = []
    while position < len(text):
        if text[position] in "[{":
            try:
                _, document_end = decode_value(text, position, check_depth=False, syntax_only=True)
            except (json.JSONDecodeError, JsonTooDeep):
                pass
            else:
                after = skip_whitespace(text, document_end)
                if text[after : after + 1] != ",":  # else it too may have ended early
                    documents.append((position, document_end))
                    position = after
                    continue
        if '"' in text[position:]:
            return None
        said = not_json(json.JSONDecodeError("Extra data", text, position))
        junk = (position, f"{said}; what follows is not read", "{" in text[position:])
        return Trailing(tuple(documents), junk)
    return Trailing(tuple(documents), None)
