"""LiveSummary: the ``verdict.summary.Summary`` of a LiveVerdict, kept current across rule edits.

``summarize()`` reads every row (~0.1 s for 256 vCPUs x ~300 registers): fine once per pair
and policy, too slow for a rule edit that must repaint within one frame. After
``LiveVerdict.update(rules)`` only the rows in ``last_changed`` and the rows of the registers
in ``last_edited`` can change outcome (or the words beside them), so ``update`` recounts the
per-rule tolerated rows for those rows only and reads the banner facts (blocking registers,
stream failures, QEMU's lines) from the LiveVerdict's steps, not a scan of the whole trail.
The result equals ``summarize(verdict, rules, live.diff)`` field for field; ``outcomes`` is a
lazy mapping that asks the LiveVerdict for a row on demand. IncrementalVerdict runs both in
order (incremental_verdict.py). Qt-free.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from app.model.compare.diff import Status
from app.model.rules.ruleset import RuleSet
from app.model.verdict.cpreg_load import RowVerdict
from app.model.verdict.incremental.live import LiveVerdict
from app.model.verdict.qemu_log import qemu_log
from app.model.verdict.summary import RowKey, Summary, summarize


def _user_tolerated(rv: RowVerdict | None) -> int | None:
    """The register of the user rule that tolerates this row, None when none does."""
    if rv is None or rv.outcome != "tolerated" or rv.rule is None or rv.by_policy:
        return None
    return rv.rule.register


class _Outcomes(Mapping):
    """``Summary.outcomes`` read from the LiveVerdict row by row (valid until its next update)."""

    def __init__(self, owner: LiveSummary, rules: RuleSet):
        self._owner, self._rules, self._hidden = owner, rules, rules.hidden_ids()

    def __getitem__(self, key: RowKey) -> RowVerdict:
        i = self._owner.index_of(key)
        rv = None if i is None else self._owner.outcome(i, self._rules, self._hidden)
        if rv is None:
            raise KeyError(key)
        return rv

    def __iter__(self) -> Iterator[RowKey]:
        rows = self._owner.live.diff.rows
        for i, row in enumerate(rows):
            if self._owner.outcome(i, self._rules, self._hidden) is not None:
                yield row.vcpu, row.id

    def __len__(self) -> int:
        return sum(1 for _ in self)


class LiveSummary:
    """The Summary of ``live.verdict`` under the rules last given; see the module docstring."""

    def __init__(self, live: LiveVerdict, rules: RuleSet):
        self.live = live
        full = summarize(live.verdict, rules, live.diff)
        self._index: dict[RowKey, int] | None = None
        self._by_row: dict[int, int] = {}  # row index -> register of the user rule tolerating it
        self.per_rule: dict[int, int] = dict(full.per_rule)
        keys = {k: i for i, k in ((i, (r.vcpu, r.id)) for i, r in enumerate(live.diff.rows))
                if k in full.outcomes}
        for key, i in keys.items():
            reg = _user_tolerated(full.outcomes[key])
            if reg is not None:
                self._by_row[i] = reg
        self._rows_of: dict[int, list[int]] = {}
        for i, row in enumerate(live.diff.rows):
            self._rows_of.setdefault(row.id, []).append(i)
        self.summary = full
        self.last_rows: tuple[int, ...] = ()

    def index_of(self, key: RowKey) -> int | None:
        if self._index is None:
            self._index = {(r.vcpu, r.id): i for i, r in enumerate(self.live.diff.rows)}
        return self._index.get(key)

    def outcome(self, i: int, rules: RuleSet, hidden: frozenset[int] | None = None
                ) -> RowVerdict | None:
        """Row ``i`` as ``summarize().outcomes`` shows it: rows an enabled hidden rule keeps
        out of the merge are tolerated (or ok when equal) by that rule."""
        rv = self.live.row_verdict(i)
        if rv is not None:
            return rv
        row = self.live.diff.rows[i]
        if row.id in (rules.hidden_ids() if hidden is None else hidden):
            return RowVerdict(row, "ok" if row.status is Status.MATCH else "tolerated",
                              rules.get(row.id))
        return None

    def update(self, rules: RuleSet) -> Summary:
        """Call after ``live.update(rules)``; ``last_rows`` then lists the rows whose outcome
        or note may differ from before (sorted diff row indices)."""
        live = self.live
        rows = set(live.last_changed)
        for reg in live.last_edited:  # every vCPU's row: hidden rows count on any vCPU
            rows.update(self._rows_of.get(reg, ()))
        hidden = rules.hidden_ids()
        for i in rows:
            old = self._by_row.pop(i, None)
            if old is not None:
                self.per_rule[old] -= 1
                if not self.per_rule[old]:
                    del self.per_rule[old]
            new = _user_tolerated(self.outcome(i, rules, hidden))
            if new is not None:
                self._by_row[i] = new
                self.per_rule[new] = self.per_rule.get(new, 0) + 1
        self.last_rows = tuple(sorted(rows))
        v = live.verdict
        # Read from the LiveVerdict's steps: the trail holds ~20,000 reasons at 256 vCPUs.
        registers, stream = live.blocking_facts()
        self.summary = Summary(v, registers, stream, qemu_log(v, live.reached_reasons()),
                               _Outcomes(self, rules), dict(self.per_rule))
        return self.summary
