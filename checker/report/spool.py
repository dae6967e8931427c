"""Items kept in sorted order without holding them all: sorted runs spilled to a temporary file.

A national export gives hundreds of thousands of findings, and as report
objects each took about 1.9 KB, held until the report was written. A
``Spool`` holds up to ``held`` items; past that it sorts them and writes them,
pickled a block at a time, to one temporary file of its own (removed when the
spool is closed or collected, or the process ends), and reading it merges
those sorted runs with the items still held. Reading holds a block of each
run, so runs are merged into one as soon as there are ``FAN_IN`` of them: a
reader holds at most ``HELD`` items and ``FAN_IN`` blocks, however many
items there are. The merge is stable, so items with equal keys keep the
order they came in: exactly the order one sort of the whole list gives. The
file holds only what this process wrote, so unpickling it trusts nothing
from outside.
"""

from __future__ import annotations

import heapq
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import IO, Any, Generic, TypeVar, overload

T = TypeVar("T")

HELD = 10_000  # items held in memory before a sorted run is written
BLOCK = 1_000  # items pickled together: what a reader of a run holds at once
FAN_IN = 16  # runs merged into one run when there are this many


class Spool(Sequence[T], Generic[T]):
    """A sequence of items sorted by ``key``, appended in any order and read as often as wanted.

    ``encode`` turns an item into plain data (tuples, strings, numbers) for the file,
    ``decode`` turns it back.
    """

    def __init__(
        self,
        key: Callable[[T], Any],
        encode: Callable[[T], Any],
        decode: Callable[[Any], T],
        items: Iterable[T] = (),
        held: int | None = None,
    ) -> None:
        self._key = key
        self._encode = encode
        self._decode = decode
        self._held_at_most = max(1, HELD if held is None else held)
        self._held: list[T] = []
        self._held_sorted = True
        self._runs: list[list[tuple[int, int]]] = []  # each run's blocks: (offset, length) in the file
        self._file: IO[bytes] | None = None
        self._end = 0
        self._count = 0
        for item in items:
            self.append(item)

    def append(self, item: T) -> None:
        self._held.append(item)
        self._held_sorted = False
        self._count += 1
        if len(self._held) >= self._held_at_most:
            self._spill()

    @property
    def spilled(self) -> bool:
        """Whether some items are in the file rather than in memory."""
        return bool(self._runs)

    def close(self) -> None:
        """Remove the file; the spool is empty afterwards."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self._runs.clear()
        self._held.clear()
        self._count = 0

    def _sorted_held(self) -> list[T]:
        if not self._held_sorted:
            self._held.sort(key=self._key)
            self._held_sorted = True
        return self._held

    def _spill(self) -> None:
        self._runs.append(self._written(self._sorted_held()))
        self._held = []
        self._held_sorted = True
        if len(self._runs) >= FAN_IN:
            runs, self._runs = self._runs, []
            self._runs.append(self._written(heapq.merge(*map(self._read, runs), key=self._key)))

    def _written(self, items: Iterable[T]) -> list[tuple[int, int]]:
        """Sorted items written to the file as a run, a block at a time; the run's blocks."""
        if self._file is None:
            # Kept open for the spool's life, closed by ``close`` or when the spool is collected.
            self._file = tempfile.TemporaryFile(prefix="caselint-spool-")  # noqa: SIM115
        run: list[tuple[int, int]] = []
        iterator = iter(items)
        while block := [self._encode(item) for item in islice(iterator, BLOCK)]:
            data = pickle.dumps(block, pickle.HIGHEST_PROTOCOL)
            self._file.seek(self._end)  # a reader (of the runs being merged) may have moved it
            self._file.write(data)
            run.append((self._end, len(data)))
            self._end += len(data)
        self._file.flush()
        return run

    def _read(self, run: list[tuple[int, int]]) -> Iterator[T]:
        # Each block is sought and read in one step, with no yield between: readers of several
        # runs (and several readers of one spool) take turns without disturbing one another.
        file = self._file
        assert file is not None
        for offset, length in run:
            file.seek(offset)
            for data in pickle.loads(file.read(length)):
                yield self._decode(data)

    def __iter__(self) -> Iterator[T]:
        if not self._runs:
            return iter(list(self._sorted_held()))
        # The held items come last among equals: they were appended after every spilled one.
        return heapq.merge(*(self._read(run) for run in self._runs), list(self._sorted_held()), key=self._key)

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if not self._runs:
            return self._sorted_held()[index]
        if isinstance(index, slice):
            start, stop, step = index.indices(self._count)
            if step > 0:
                return list(islice(self, start, stop, step))
            return list(self)[index]
        position = index + self._count if index < 0 else index
        if not 0 <= position < self._count:
            raise IndexError("spool index out of range")
        return next(islice(self, position, None))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, (str, bytes)):
            return NotImplemented
        return len(self) == len(other) and all(
            mine == theirs for mine, theirs in zip(self, other, strict=True)
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Spool({self._count} items, {len(self._runs)} runs spilled)"
