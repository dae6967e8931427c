"""What caselint keeps on disk between runs, so that a command need not work it out again.

Two things cost every command's start more than all the rest of a small check:
reading the rulebook's YAML (composed with positions, then validated), some
0.45 s, and importing the ``holidays`` calendars to count working days, some
0.4 s. Every pre-commit hook pays a command's start. So what they give is kept
here, as JSON, under a key naming everything it depends on (the text read,
the version and code of caselint, the version of ``holidays``, the years): a key that changes
finds nothing and the work is done afresh. A value is kept only when JSON gives
back exactly what was worked out (type for type: ``1`` is not ``1.0`` nor
``true``), so a value read from here never changes an answer.

Where: ``CASELINT_CACHE_DIR``, else the user's cache directory
(``$XDG_CACHE_HOME/caselint`` or ``~/.cache/caselint``,
``~/Library/Caches/caselint``, ``%LOCALAPPDATA%\\caselint\\Cache``);
``CASELINT_NO_CACHE=1`` turns it off. It holds rule files and calendars, never
a record. A cache that cannot be read or written is passed over in silence.
"""

from __future__ import annotations

import functools
import hashlib
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any

import orjson

from checker import __version__

# The largest entry is a rule file's, some kilobytes; anything far larger was not written here.
MAX_ENTRY_BYTES = 16 << 20


def cache_root() -> Path | None:
    """Where caselint keeps what it may reuse between runs; None when the user turned it off."""
    if os.environ.get("CASELINT_NO_CACHE", "").strip() not in ("", "0"):
        return None
    explicit = os.environ.get("CASELINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        return Path(local) / "caselint" / "Cache" if local else None
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "caselint"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "caselint"


@functools.cache
def _code() -> str:
    """The installed code, by each file's name, size and time of change: what is kept was worked
    out by the code that kept it, and the version alone does not change as the code does (a
    checkout, an edit, a wheel of the same version)."""
    package = Path(__file__).resolve().parent.parent
    described = []
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".json", ".yaml", ".yml") and "__pycache__" not in path.parts:
            try:
                found = path.stat()
            except OSError:
                continue
            described.append(f"{path.relative_to(package).as_posix()}:{found.st_size}:{found.st_mtime_ns}")
    return hashlib.sha256("\n".join(described).encode("utf-8", "surrogatepass")).hexdigest()


def _entry(kind: str, key: str) -> Path | None:
    try:
        root = cache_root()
    except (OSError, RuntimeError):  # RuntimeError: no home directory to find
        return None
    if root is None:
        return None
    digest = hashlib.sha256(f"{__version__}\0{_code()}\0{key}".encode("utf-8", "surrogatepass")).hexdigest()
    return root / kind / f"{digest}.json"


def read_kept(kind: str, key: str) -> Any | None:
    """The value kept for ``key`` (None when there is none, or it cannot be read)."""
    path = _entry(kind, key)
    if path is None:
        return None
    try:
        # Only a regular file of a size an entry has: a FIFO put in its place would block.
        found = path.stat()
        if not stat.S_ISREG(found.st_mode) or found.st_size > MAX_ENTRY_BYTES:
            return None
        entry = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    # The key is stored too: a file name is a hash, and a hash is not the text it stands for.
    if not (isinstance(entry, dict) and entry.get("key") == key and "value" in entry):
        return None
    return entry["value"]


def keep(kind: str, key: str, value: Any) -> None:
    """Keep ``value`` for ``key``, when JSON carries it exactly; quietly not, when it cannot."""
    path = _entry(kind, key)
    if path is None:
        return
    try:
        blob = orjson.dumps({"key": key, "value": value})
    except (TypeError, orjson.JSONEncodeError):  # a key that is not text, a number past 64 bits
        return
    if not same_data(orjson.loads(blob)["value"], value):  # a NaN, say, comes back as null
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole then renamed: a command starting meanwhile reads the old entry or none.
        handle, name = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        temporary = Path(name)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(blob)
            temporary.replace(path)
        except BaseException:
            temporary.unlink()
            raise
    except OSError:
        return


def same_data(left: Any, right: Any) -> bool:
    """Equal and of the same types throughout (Python finds ``True == 1 == 1.0``)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(same_data(left[key], right[key]) for key in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(map(same_data, left, right))
    return bool(left == right)
