"""Steps that can be edited in place, and the trail QEMU would print, assembled from them.

verdict.py builds every Reason afresh and marks ``reached`` in one pass; an interactive rule
edit cannot afford that for 256 vCPUs. Here each step keeps its reasons twice, as reached and
as not reached, so assembling the trail is list concatenation: the steps before QEMU's first
failure contribute their reached reasons, the failing step is split at its first blocking
reason (unless it ``collects_all``), and every later step contributes its unreached copies.
Rules for ``reached`` are those of ``verdict._mark_reached``; the property test checks both
agree.
"""

from __future__ import annotations

from bisect import bisect_left
from itertools import chain
from typing import Iterable, Sequence

from .cpreg_load import Step
from .reason import Reason


class FixedStep:
    """A step whose reasons never change while rules are edited (a stream-level check)."""

    __slots__ = ("reached", "unreached", "collects_all", "_first")

    def __init__(self, step: Step):
        self.reached: Sequence[Reason] = step.reasons
        self.unreached: Sequence[Reason] = tuple(r.with_reached(False) for r in step.reasons)
        self.collects_all = step.collects_all
        self._first = next((i for i, r in enumerate(step.reasons) if r.blocking), None)

    def first_blocking(self) -> int | None:
        return self._first


class OrderedReasons:
    """A step whose reasons belong to rows: at most one per row position, kept in row order.

    ``put`` costs a binary search and a list insert, so re-judging one register on every vCPU
    touches only that register's reasons.
    """

    __slots__ = ("reached", "unreached", "collects_all", "_pos", "_blocking")

    def __init__(self, collects_all: bool):
        self.reached: list[Reason] = []
        self.unreached: list[Reason] = []
        self.collects_all = collects_all
        self._pos: list[int] = []  # row position of each reason, ascending
        self._blocking: list[int] = []  # row positions whose reason blocks, ascending

    def put(self, pos: int, reason: Reason | None) -> None:
        """Make ``reason`` the one for row ``pos`` (None: that row has none)."""
        i = bisect_left(self._pos, pos)
        present = i < len(self._pos) and self._pos[i] == pos
        if present:
            if self.reached[i].blocking:
                del self._blocking[bisect_left(self._blocking, pos)]
            if reason is None:
                del self._pos[i], self.reached[i], self.unreached[i]
                return
            self.reached[i], self.unreached[i] = reason, reason.with_reached(False)
        elif reason is None:
            return
        else:
            self._pos.insert(i, pos)
            self.reached.insert(i, reason)
            self.unreached.insert(i, reason.with_reached(False))
        if reason.blocking:
            j = bisect_left(self._blocking, pos)
            self._blocking.insert(j, pos)

    def get(self, pos: int) -> Reason | None:
        """The reason of row ``pos`` (as created: ``reached`` True), None when it has none."""
        i = bisect_left(self._pos, pos)
        return self.reached[i] if i < len(self._pos) and self._pos[i] == pos else None

    def first_blocking(self) -> int | None:
        """Index (in ``reached``) of the first blocking reason, None when none blocks."""
        if not self._blocking:
            return None
        return bisect_left(self._pos, self._blocking[0])


def assemble_trail(steps: Iterable[FixedStep | OrderedReasons]) -> tuple[tuple[Reason, ...],
                                                                         bool]:
    """(every reason in QEMU's order with ``reached`` set, whether none blocks)."""
    parts: list[Sequence[Reason]] = []
    failed = False
    for step in steps:
        if failed:
            parts.append(step.unreached)
            continue
        first = step.first_blocking()
        if first is None:
            parts.append(step.reached)
        elif step.collects_all:
            parts.append(step.reached)
            failed = True
        else:
            parts.append(step.reached[:first + 1])
            parts.append(step.unreached[first + 1:])
            failed = True
    return tuple(chain.from_iterable(parts)), not failed
