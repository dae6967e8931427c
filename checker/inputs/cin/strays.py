"""Children written under another name in a census's Children: each counted as rejected, none read.

The adapter ignores elements it does not read (cin-census.md), but one in
Children written as a child (``<child>``, ``<CHILD>``, or any element holding
a child's identifiers) is a child the file holds: counted once, at the
innermost element that is one, so that a wrapper of three is three and not
one, and never passed over as if the file held no one.
"""

from __future__ import annotations

from dataclasses import dataclass

NOT_A_CHILD = (
    "an element in Message/Children written as a child but not named Child (names are case-sensitive): "
    "it was not read"
)
_IDENTIFIERS = frozenset({"childidentifiers", "lachildid"})  # what a child is written with, in lower case


@dataclass
class _Open:
    line: int
    depth: int
    name: str  # in lower case
    counted: bool  # a Child out of place, rejected as it started
    holds_identifiers: bool = False
    children_inside: int = 0  # children counted within it


class StrayChildren:
    """Follows the elements open below one in Children that is not a Child."""

    def __init__(self) -> None:
        self._open: list[_Open] = []

    @property
    def inside(self) -> bool:
        return bool(self._open)

    def start(self, line: int, depth: int, name: str) -> None:
        self._open.append(_Open(line, depth, name.lower(), counted=name == "Child"))

    def end(self, depth: int) -> int | None:
        """The line of a child written under another name that closes at this depth, if one does."""
        if not self._open or self._open[-1].depth != depth:
            return None
        element = self._open.pop()
        parent = self._open[-1] if self._open else None
        if parent is not None and element.name in _IDENTIFIERS and parent.name not in _IDENTIFIERS:
            parent.holds_identifiers = True
        if element.name in _IDENTIFIERS:  # the child is the element holding them, if any
            is_one = parent is None
        else:
            is_one = element.name == "child" or element.holds_identifiers
        counted = element.counted or (is_one and not element.children_inside)
        if parent is not None:
            parent.children_inside += 1 if counted else element.children_inside
        return element.line if counted and not element.counted else None
