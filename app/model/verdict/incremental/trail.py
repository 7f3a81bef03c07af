"""Steps that can be edited in place, and the trail QEMU would print, assembled from them.

evaluate.py builds every Reason afresh and marks ``reached`` in one pass; an interactive rule
edit cannot afford that for 256 vCPUs. Here each step keeps its reasons twice, as reached and
as not reached, so assembling the trail is list concatenation: the steps before QEMU's first
failure contribute their reached reasons, the failing step is split at its first blocking
reason (unless it ``collects_all``), and every later step contributes its unreached copies.
Rules for ``reached`` are those of ``verdict._mark_reached``; the property test checks both
agree.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain

from app.model.verdict.cpreg_load import Step
from app.model.verdict.reason import Reason


class FixedStep:
    """A step whose reasons never change while rules are edited (a stream-level check)."""

    __slots__ = ("_first", "collects_all", "reached", "unreached", "warnings")

    def __init__(self, step: Step):
        self.reached: Sequence[Reason] = step.reasons
        self.unreached: Sequence[Reason] = tuple(r.with_reached(False) for r in step.reasons)
        self.collects_all = step.collects_all
        self._first = next((i for i, r in enumerate(step.reasons) if r.blocking), None)
        self.warnings = sum(1 for r in step.reasons if not r.blocking)

    def first_blocking(self) -> int | None:
        return self._first


class OrderedReasons:
    """A step whose reasons belong to rows: at most one per row position, kept in row order.

    ``put`` costs a binary search and a list insert, so re-judging one register on every vCPU
    touches only that register's reasons. ``counts`` (shared by the steps of one verdict)
    keeps how many blocking reasons each register has, so the set of blocking registers is
    known without reading the trail; ``warnings`` counts its non-blocking reasons.
    """

    __slots__ = ("_blocking", "_counts", "_pos", "collects_all", "reached", "unreached",
                 "warnings")

    def __init__(self, collects_all: bool, counts: dict | None = None):
        self._counts: dict = {} if counts is None else counts
        self.reached: list[Reason] = []
        self.unreached: list[Reason] = []
        self.collects_all = collects_all
        self._pos: list[int] = []  # row position of each reason, ascending
        self._blocking: list[int] = []  # row positions whose reason blocks, ascending
        self.warnings = 0  # how many of the reasons do not block

    def put(self, pos: int, reason: Reason | None) -> None:
        """Make ``reason`` the one for row ``pos`` (None: that row has none)."""
        i = bisect_left(self._pos, pos)
        present = i < len(self._pos) and self._pos[i] == pos
        if present:
            if self.reached[i].blocking:
                del self._blocking[bisect_left(self._blocking, pos)]
                self._count(self.reached[i].register, -1)
            else:
                self.warnings -= 1
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
            self._count(reason.register, 1)
        else:
            self.warnings += 1

    def reverted(self, old: dict) -> OrderedReasons:
        """A copy with ``put(pos, reason)`` done for each of ``old`` (snapshot.py: the
        step as an earlier generation had it); the shared counts are left alone."""
        copy = OrderedReasons(self.collects_all)
        copy._pos, copy._blocking = list(self._pos), list(self._blocking)
        copy.reached, copy.unreached = list(self.reached), list(self.unreached)
        copy.warnings = self.warnings
        for pos, reason in old.items():
            copy.put(pos, reason)
        return copy

    def _count(self, register, delta: int) -> None:
        left = self._counts.get(register, 0) + delta
        if left:
            self._counts[register] = left
        else:
            del self._counts[register]

    def blocking_reasons(self):
        """The blocking reasons, in order (as created: ``reached`` True)."""
        pos, reached = self._pos, self.reached
        return (reached[bisect_left(pos, p)] for p in self._blocking)

    def get(self, pos: int) -> Reason | None:
        """The reason of row ``pos`` (as created: ``reached`` True), None when it has none."""
        i = bisect_left(self._pos, pos)
        return self.reached[i] if i < len(self._pos) and self._pos[i] == pos else None

    def first_blocking(self) -> int | None:
        """Index (in ``reached``) of the first blocking reason, None when none blocks."""
        if not self._blocking:
            return None
        return bisect_left(self._pos, self._blocking[0])


def blocking_facts(steps: Iterable[FixedStep | OrderedReasons], registers: int
                   ) -> tuple[tuple[int, ...], tuple[Reason, ...]]:
    """(distinct registers of the blocking reasons in trail order, blocking reasons about no
    register with ``reached`` set), as a scan of the assembled trail finds them, without
    assembling it. ``registers`` is how many distinct registers block (the shared
    ``counts``): once all are met, row steps are only checked for a failure."""
    found: dict[int | None, None] = {}
    stream: list[Reason] = []
    failed = False
    for step in steps:
        if isinstance(step, OrderedReasons):
            if len(found) < registers:
                found.update(dict.fromkeys(r.register for r in step.blocking_reasons()))
            failed = failed or step.first_blocking() is not None
            continue
        for part in _parts(step, failed):
            stream += (r for r in part if r.blocking and r.register is None)
        failed = failed or step.first_blocking() is not None
    return tuple(r for r in found if r is not None), tuple(stream)


def reached_reasons(steps: Iterable[FixedStep | OrderedReasons]) -> Iterator[Reason]:
    """The trail's reasons with ``reached`` True, in order: only the steps up to QEMU's
    first failure are read (a rejected stream's trail is mostly unreached)."""
    for step in steps:
        parts = _parts(step, False)
        yield from parts[0]
        if step.first_blocking() is not None:
            return


def unexamined_reasons(steps: Iterable[FixedStep | OrderedReasons]) -> tuple[Reason, ...]:
    """``r for r in trail if r.unexamined`` without assembling the trail."""
    out: list[Reason] = []
    failed = False
    for step in steps:
        for part in _parts(step, failed):
            out += (r for r in part if r.unexamined)
        failed = failed or step.first_blocking() is not None
    return tuple(out)


def _parts(step: FixedStep | OrderedReasons, failed: bool) -> list[Sequence[Reason]]:
    """What ``step`` adds to the trail when a step before it failed (``failed``) or not."""
    if failed:
        return [step.unreached]
    first = step.first_blocking()
    if first is None or step.collects_all:
        return [step.reached]
    return [step.reached[:first + 1], step.unreached[first + 1:]]


def assemble_trail(steps: Iterable[FixedStep | OrderedReasons]) -> tuple[tuple[Reason, ...],
                                                                         bool]:
    """(every reason in QEMU's order with ``reached`` set, whether none blocks)."""
    parts: list[Sequence[Reason]] = []
    failed = False
    for step in steps:
        parts += _parts(step, failed)
        failed = failed or step.first_blocking() is not None
    return tuple(chain.from_iterable(parts)), not failed
