"""Where the built-in rulebook and standards are.

An installed wheel carries them inside the package (``checker/_data``); a
source checkout has them at the top of the repository, where analysts edit
them.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # the checker package


def data_dir(name: str) -> Path:
    packaged = _PACKAGE / "_data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent / name


def data_file(directory: str, name: str) -> Path:
    return data_dir(directory) / name
