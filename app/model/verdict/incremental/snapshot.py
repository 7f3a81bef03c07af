"""A LiveVerdict's verdict as of one rule edit, built only when someone reads it.

Assembling ``Verdict.trail`` (~20,000 reasons) and ``Verdict.rows`` (~78,000 rows) at 256
vCPUs costs more than the rest of a rule edit, yet the window reads neither on an edit. So
``update()`` hands out a Verdict whose trail and rows come from a TrailSnapshot: the
LiveVerdict's step list of that moment plus its generation. The LiveVerdict edits its rows and
reasons in place, so while an unbuilt snapshot is alive each edit logs the values it
overwrites (TrailHistory); a snapshot of an older generation builds from the current state
with those values put back. Logs nobody can need any more are dropped at once, so memory
stays proportional to the edits a still-unread verdict has missed.
"""

from __future__ import annotations

import weakref
from itertools import chain
from typing import Any

from app.model.verdict.cpreg_load import RowVerdict
from app.model.verdict.incremental.trail import (
    FixedStep,
    OrderedReasons,
    assemble_trail,
    unexamined_reasons,
)
from app.model.verdict.reason import Reason

Step = FixedStep | OrderedReasons
# One overwritten value: (a LiveVerdict _Vcpu or an OrderedReasons, row position, old value).
LogEntry = tuple[Any, int, Any]


class TrailHistory:
    """Generations of one LiveVerdict's rows and reasons, and the overwritten values that
    unbuilt snapshots still need. ``current`` is the log of the edit in progress (None when
    no snapshot could need it): entries (a _Vcpu or an OrderedReasons, row position, the
    value before)."""

    def __init__(self, order: list):
        self.order = order  # the LiveVerdict's _Vcpu list in stream order (never changes)
        self.gen = 0
        self.logs: dict[int, list[LogEntry]] = {}  # generation -> what the next edit overwrote
        self.pending: weakref.WeakSet[TrailSnapshot] = weakref.WeakSet()  # not fully built
        self.current: list[LogEntry] | None = None

    def begin(self) -> None:
        self.current = [] if self.pending else None

    def commit(self) -> None:
        """End an edit: keep its log if a snapshot may need it, drop logs none can."""
        if self.current is not None:
            self.logs[self.gen] = self.current
        self.current = None
        self.gen += 1
        low = min((s.gen for s in list(self.pending)), default=self.gen)
        for g in [g for g in self.logs if g < low]:
            del self.logs[g]

    def snapshot(self, steps: list[Step], hidden: bool) -> TrailSnapshot:
        return TrailSnapshot(self, steps, hidden)


class TrailSnapshot:
    """What a Verdict's lazy ``trail``/``rows``/``first_failure``/``unexamined`` read (see
    evaluate.py)."""

    __slots__ = ("__weakref__", "gen", "hidden", "history", "steps")

    def __init__(self, history: TrailHistory, steps: list[Step], hidden: bool):
        self.history, self.gen, self.steps, self.hidden = history, history.gen, steps, hidden
        history.pending.add(self)

    def _old_values(self) -> dict[Any, dict[int, Any]]:
        """target -> {position: value as of this generation} for what later edits changed."""
        h = self.history
        first: dict[tuple[Any, int], Any] = {}
        for g in range(self.gen, h.gen):
            for target, pos, value in h.logs[g]:
                first.setdefault((target, pos), value)  # the earliest overwrite wins
        out: dict[Any, dict[int, Any]] = {}
        for (target, pos), value in first.items():
            out.setdefault(target, {})[pos] = value
        return out

    def _steps(self, old: dict[Any, dict[int, Any]]) -> list[Step]:
        return [s.reverted(old[s]) if isinstance(s, OrderedReasons) and s in old else s
                for s in self.steps]

    def trail(self) -> tuple[Reason, ...]:
        return assemble_trail(self._steps(self._old_values()))[0]

    def unexamined(self) -> tuple[Reason, ...]:
        return unexamined_reasons(self._steps(self._old_values()))

    def first_failure(self) -> Reason | None:
        for step in self._steps(self._old_values()):
            first = step.first_blocking()
            if first is not None:
                return step.reached[first]
        return None

    def rows(self) -> tuple[RowVerdict, ...]:
        old = self._old_values()
        lists = []
        for vs in self.history.order:
            verdicts = vs.verdicts
            if vs in old:
                verdicts = list(verdicts)
                for pos, value in old[vs].items():
                    verdicts[pos] = value
            lists.append(verdicts)
        rows = chain.from_iterable(lists)
        return tuple(filter(None, rows) if self.hidden else rows)


__all__ = ["TrailHistory", "TrailSnapshot"]
