"""Opening the files caselint reads: regular files only, never waiting on a FIFO.

Exports, configuration, rulebooks, waivers, baselines and templates are all
opened here. A path that is missing, a broken or looping symbolic link, a
file that may not be read, a directory or a FIFO (which would block the run
forever) becomes one ``UnreadableFile`` saying which, never an exception of
the operating system's.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from checker.inputs.events import encoding_message, line_of_byte, other_unicode, other_unicode_message

_REASONS = {
    errno.ENOENT: "no such file or directory",
    errno.ELOOP: "a symbolic link that leads back to itself",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOTDIR: "no such file or directory",
    errno.ENAMETOOLONG: "the file name is too long",
}
_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


class UnreadableFile(Exception):
    """A file that cannot be read, and why, in words; ``line`` where the problem has one."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def about(self, shown: str) -> str:
        """The one-line message for the file shown as ``shown``: ``path[:line]: what is wrong``."""
        return f"{shown}: {self.message}" if self.line is None else f"{shown}:{self.line}: {self.message}"


def reason(error: OSError) -> str:
    if error.errno in _REASONS:
        return _REASONS[error.errno]
    return (error.strerror or "cannot be read").lower()


def kind_of_file(mode: int) -> str | None:
    """What a file that is not a regular file is, in words (None for a regular file)."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return None if stat.S_ISREG(mode) else "not a regular file"


def open_regular(path: Path) -> BinaryIO:
    """``path`` opened for reading in binary, if it is a regular file.

    Opened without blocking first, so that a FIFO is found out by ``fstat``
    instead of waiting for a writer that never comes.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        raise UnreadableFile(f"cannot be read: {reason(error)}") from None
    except ValueError:  # a NUL in the name
        raise UnreadableFile("cannot be read: not a usable file name") from None
    try:
        kind = kind_of_file(os.fstat(descriptor).st_mode)
        if kind is not None:
            raise UnreadableFile(f"cannot be read: {kind}, not a regular file")
        os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def read_bytes(path: Path) -> bytes:
    try:
        with open_regular(path) as stream:
            return stream.read()
    except OSError as error:  # an I/O error part way through
        raise UnreadableFile(f"cannot be read: {reason(error)}") from None


def read_text(path: Path) -> str:
    """A UTF-8 file's text (a leading BOM tolerated); UnreadableFile, with the line, otherwise."""
    raw = read_bytes(path)
    if (codec := other_unicode(raw)) is not None:
        raise UnreadableFile(other_unicode_message(codec), 1)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(encoding_message(raw, error), line_of_byte(raw, error.start)) from None
