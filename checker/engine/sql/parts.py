"""A part's records on their way to DuckDB: a file of numbered lines, and the query that reads it.

A part's texts go to DuckDB through a file rather than as one list parameter:
DuckDB held such a list twice over (the parameter, then the table), 40 MiB
each at 20,000 records, and its allocator kept the memory for the rest of the
run. Written a numbered line each (JSON text holds no raw control character,
so none stands between the number and the text), they are read in any order
and still numbered.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

SEPARATOR = "\x01"  # between a line's number and its text
# White space JSON allows around a value (a CRLF line ends in a carriage return): Python strips
# it some hundred times faster than DuckDB's trim. The newline ends a line, so none is left.
_AROUND = " \t\r\n"

# The part in DuckDB: (n, text), n the text's number in the file (1 first).
READ_PART = (
    "read_csv($path, columns = {'n': 'BIGINT', 'text': 'VARCHAR'}, header = false, "
    "delim = $separator, quote = '', escape = '', auto_detect = false, new_line = '\\n', "
    f"max_line_size = {1 << 27})"
)


def write_part(path: Path, texts: Iterable[str]) -> None:
    """Write the texts (JSON, one line each) to ``path``, numbered from 1."""
    with path.open("wb") as stream:
        for number, text in enumerate(texts, start=1):
            stream.write(f"{number}{SEPARATOR}".encode("ascii") + text.strip(_AROUND).encode("utf-8") + b"\n")


@contextmanager
def part_file(directory: str, texts: Iterable[str]) -> Iterator[Path]:
    """The texts written to a file of their own in ``directory`` for DuckDB to read, removed on
    leaving (closed before it is written and read, as Windows requires)."""
    with tempfile.NamedTemporaryFile(
        dir=directory, prefix="caselint-part-", suffix=".txt", delete=False
    ) as made:
        path = Path(made.name)
    try:
        write_part(path, texts)
        yield path
    finally:
        path.unlink()
