"""LiveVerdict: the verdict of one pair kept current while the user edits rules.

``evaluate()`` (evaluate.py) replays the whole load, ~0.5 s for 256 vCPUs x ~300 registers:
too slow for a rule edit that should repaint within one frame. A LiveVerdict is built once per
(src, dst, policy): the diff, the stream's steps (stream_load.plan_stream), every row's verdict
and reason, all indexed by register id. ``update(rules)`` then re-judges only the registers
whose effective rule changed (added, removed, edited, enabled/disabled, hidden, safe-missing)
with the same ``judge_row`` evaluate() uses, and returns a Verdict equal to
``evaluate(src, dst, rules, policy)``. Global effects stay cheap: hiding a register moves each
vCPU's array counts by one and, when it was the destination's last cpreg, re-judges only the
incoming rows between the old and new last one; the safe-missing count (the pre-11 array
bound) is read when the trail is assembled. ``last_changed`` lists the rows of ``diff`` whose
verdict changed and ``last_edited`` the registers whose rule changed at all, so a table can
repaint only their rows (``rows_of``). The Verdict's trail and rows are built only when read
(snapshot.py), so an edit costs what it changes, not ~100,000 tuple entries.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

from app.model.compare.diff import DiffRow, Status, diff
from app.model.rules.rule import Rule, RuleType
from app.model.rules.ruleset import RuleSet
from app.model.sources.register_set import RegisterSet
from app.model.verdict.cpreg_load import RowVerdict, array_length_step, judge_row, last_local_id
from app.model.verdict.evaluate import Verdict, _as_ruleset, resolve_policy
from app.model.verdict.incremental.snapshot import TrailHistory
from app.model.verdict.incremental.trail import (
    FixedStep,
    OrderedReasons,
    blocking_facts,
    reached_reasons,
)
from app.model.verdict.policy import Policy
from app.model.verdict.reason import Reason
from app.model.verdict.stream_load import CpuSection, plan_stream, rows_by_vcpu

__all__ = ["LiveVerdict"]

_MERGED = (Status.UNEXPECTED, Status.MISSING)  # rows whose reason is the merge's, not a value's


class _Vcpu:
    """One loaded vCPU: its diff rows (ascending ids), their verdicts and its two steps."""

    def __init__(self, rows: list[DiffRow], base: int, src_len: int, dst_len: int,
                 collects_all: bool, counts: dict[int, int]):
        self.rows = rows
        self.ids = [r.id for r in rows]
        self.base = base  # index of rows[0] in the whole diff
        self.local_ids = [r.id for r in rows if r.status is not Status.UNEXPECTED]
        self.last_local = last_local_id(rows)
        self.src_len, self.dst_len = src_len, dst_len  # counts with hidden registers left out
        self.verdicts: list[RowVerdict | None] = [None] * len(rows)  # None: hidden
        self.merge = OrderedReasons(collects_all, counts)
        self.values = OrderedReasons(True, counts)
        self.length: tuple[tuple[int, int, int], FixedStep | None] | None = None


class LiveVerdict:
    """Incremental ``evaluate()`` for one (src, dst, policy); see the module docstring."""

    def __init__(self, src: RegisterSet, dst: RegisterSet, policy: Policy | str | None = None,
                 rules: RuleSet | Iterable[Rule] | None = None):
        self.policy, self.policy_reason = resolve_policy(policy, dst)
        self.accel = dst.accel
        self.diff = diff(src, dst)
        self.builtin = self.policy.builtin_rules(dst.provenance.machine)
        self._policy_rules = {r.register: r for r in self.builtin}
        plan, self.notes = plan_stream(src, dst, self.policy)
        groups = rows_by_vcpu(self.diff.rows)
        bases: dict[int, int] = {}
        for i, row in enumerate(self.diff.rows):
            bases.setdefault(row.vcpu, i)
        for v, group in groups.items():  # every reader numbers vCPUs uniquely; say so if not
            if self.diff.rows[bases[v] + len(group) - 1] is not group[-1]:
                raise ValueError(f"vCPU {v} appears twice in {src.provenance.path}")
        src_len = {c.index: len(c) for c in src.vcpus}
        dst_len = {c.index: len(c) for c in dst.vcpus}
        self._vcpus: dict[int, _Vcpu] = {}
        self._blocking: dict[int, int] = {}  # register -> blocking row reasons (all vCPUs)
        self._steps: list = []  # FixedStep / OrderedReasons, or a vCPU index: its length step
        self._order: list[_Vcpu] = []  # cpu sections in stream order: whose rows the verdict has
        for item in plan:
            if not isinstance(item, CpuSection):
                self._steps.append(FixedStep(item))
                continue
            v = item.vcpu
            if v not in self._vcpus:
                self._vcpus[v] = _Vcpu(groups.get(v, []), bases.get(v, 0), src_len[v],
                                       dst_len[v], not self.policy.merge_stops_at_first,
                                       self._blocking)
            vs = self._vcpus[v]
            self._order.append(vs)
            subs = [] if item.subsections is None else [FixedStep(item.subsections)]
            layout = [] if item.layout is None else [FixedStep(item.layout)]
            self._steps += [v, *subs, vs.merge, vs.values, *layout]
        self._history = TrailHistory(self._order)
        self._by_base = sorted(self._vcpus.values(), key=lambda vs: vs.base)
        self._bases = [vs.base for vs in self._by_base]
        self._index: dict[int, list[tuple[_Vcpu, int]]] = {}
        for vs in self._vcpus.values():
            for pos, reg in enumerate(vs.ids):
                self._index.setdefault(reg, []).append((vs, pos))
        self._user: dict[int, Rule] = {}
        self._hidden: set[int] = set()
        self._allowance = 0
        for vs in self._vcpus.values():
            for pos in range(len(vs.rows)):
                self._judge(vs, pos)
        self.last_changed: tuple[int, ...] = ()
        self.last_edited: tuple[int, ...] = ()
        self._all: dict[int, Rule] = {}  # every rule by register, disabled ones included
        self._verdict = self._assemble(())
        self.update(rules)

    # -- the one entry point ---------------------------------------------------------------
    def update(self, rules: RuleSet | Iterable[Rule] | None) -> Verdict:
        """The verdict under ``rules``; re-judges only the registers whose rule changed.

        Afterwards ``last_changed`` holds the ``diff`` rows whose verdict changed and
        ``last_edited`` the registers whose rule changed in any way (a disabled rule's edit
        changes no verdict but does change the words a table shows beside its rows).
        """
        ruleset = _as_ruleset(rules)
        every = {r.register: r for r in ruleset}
        self.last_edited = tuple(sorted(reg for reg in every.keys() | self._all.keys()
                                        if every.get(reg) != self._all.get(reg)))
        self._all = every
        user = {reg: r for reg, r in every.items() if r.enabled}
        edited = [reg for reg in self.last_edited if user.get(reg) != self._user.get(reg)]
        if not edited and tuple(user) == tuple(self._user):
            self.last_changed = ()
            return self._verdict
        hidden = {reg for reg, r in user.items() if r.type is RuleType.HIDDEN}
        self._allowance = len(ruleset.ids_of(RuleType.SAFE_MISSING))
        self._user = user
        self._history.begin()
        changed: set[int] = set()
        for reg in edited:
            toggled = (reg in hidden) != (reg in self._hidden)
            (self._hidden.add if reg in hidden else self._hidden.discard)(reg)
            for vs, pos in self._index.get(reg, ()):
                if toggled:
                    self._count(vs, vs.rows[pos], -1 if reg in hidden else 1)
                if self._judge(vs, pos):
                    changed.add(vs.base + pos)
                if toggled and vs.rows[pos].status is not Status.UNEXPECTED:
                    changed |= self._new_last_local(vs)
        self._history.commit()
        self.last_changed = tuple(sorted(changed))
        self._verdict = self._assemble(tuple(user.values()))
        return self._verdict

    def rows_of(self, register: int) -> tuple[int, ...]:
        """The ``diff`` rows of ``register`` on the vCPUs QEMU loads."""
        return tuple(vs.base + pos for vs, pos in self._index.get(register, ()))

    @property
    def verdict(self) -> Verdict:
        return self._verdict

    def row_verdict(self, index: int) -> RowVerdict | None:
        """The verdict of ``diff.rows[index]``; None when its register is hidden or QEMU
        loads no cpu section for its vCPU."""
        found = self._locate(index)
        return None if found is None else found[0].verdicts[found[1]]

    def row_reason(self, index: int) -> Reason | None:
        """The Reason ``diff.rows[index]`` adds to the merge or the write-back (the words a
        row note shows), None when it adds none. ``reached`` is not set here: see the trail."""
        found = self._locate(index)
        if found is None:
            return None
        vs, pos = found
        return vs.merge.get(pos) or vs.values.get(pos)

    def _locate(self, index: int) -> tuple[_Vcpu, int] | None:
        i = bisect_right(self._bases, index) - 1
        if i < 0 or index - self._by_base[i].base >= len(self._by_base[i].rows):
            return None
        return self._by_base[i], index - self._by_base[i].base

    # -- bookkeeping ---------------------------------------------------------------------------
    def _judge(self, vs: _Vcpu, pos: int) -> bool:
        """Re-judge one row under the current rules; True when its verdict changed."""
        row = vs.rows[pos]
        if row.id in self._hidden:
            verdict = merged = value = None
        else:
            rule, by_policy = self._user.get(row.id), False
            if rule is None:
                rule, by_policy = self._policy_rules.get(row.id), row.id in self._policy_rules
            verdict, merged, value = judge_row(row, self.policy, rule, by_policy,
                                               vs.last_local, self.accel)
        log = self._history.current  # an unread verdict's snapshot may need the old values
        step = vs.merge if row.status in _MERGED else None
        if step is None and row.status is not Status.MATCH:
            step, merged = vs.values, value
        if step is not None:
            if log is not None:
                log.append((step, pos, step.get(pos)))
            step.put(pos, merged)
        if verdict == vs.verdicts[pos]:
            return False
        if log is not None:
            log.append((vs, pos, vs.verdicts[pos]))
        vs.verdicts[pos] = verdict
        return True

    @staticmethod
    def _count(vs: _Vcpu, row: DiffRow, delta: int) -> None:
        if row.status is not Status.MISSING:
            vs.src_len += delta
        if row.status is not Status.UNEXPECTED:
            vs.dst_len += delta

    def _new_last_local(self, vs: _Vcpu) -> set[int]:
        """After a local register was hidden or shown: move the merge's end and re-judge the
        rows it passes over (only incoming-only rows depend on it)."""
        i = len(vs.local_ids) - 1
        while i >= 0 and vs.local_ids[i] in self._hidden:
            i -= 1
        new = vs.local_ids[i] if i >= 0 else -1
        old, vs.last_local = vs.last_local, new
        lo, hi = min(old, new), max(old, new)
        changed = set()
        for pos in range(bisect_right(vs.ids, lo), bisect_right(vs.ids, hi)):
            if vs.rows[pos].status is Status.UNEXPECTED and self._judge(vs, pos):
                changed.add(vs.base + pos)
        return changed

    def _length_step(self, v: int) -> FixedStep | None:
        """The array-length bound of vCPU ``v``, rebuilt only when its inputs changed."""
        vs = self._vcpus[v]
        key = (vs.src_len, vs.dst_len, self._allowance)
        if vs.length is None or vs.length[0] != key:
            step = array_length_step(v, *key, self.policy)
            vs.length = key, None if step is None else FixedStep(step)
        return vs.length[1]

    def blocking_facts(self) -> tuple[tuple[int, ...], tuple[Reason, ...]]:
        """(distinct registers of the verdict's blocking reasons in trail order, its blocking
        reasons about no register): what a scan of ``verdict.trail`` finds, read from the
        steps instead (trail.blocking_facts)."""
        return blocking_facts(self._now, len(self._blocking))

    def reached_reasons(self):
        """``r for r in verdict.trail if r.reached``, read from the steps up to the first
        failure only (for qemu_log)."""
        return reached_reasons(self._now)

    def warning_count(self) -> int:
        """``len(verdict.warnings)`` (the trail's non-blocking reasons) without assembling
        the trail: each step keeps its count."""
        return sum(step.warnings for step in self._now)

    def _live_steps(self):
        steps = (self._length_step(s) if isinstance(s, int) else s for s in self._steps)
        return (s for s in steps if s is not None)

    def _assemble(self, rules: tuple[Rule, ...]) -> Verdict:
        """The verdict now; its trail and rows are built on first read (snapshot.py). The
        step list is kept (``_now``): the steps change only in ``update``."""
        steps = self._now = list(self._live_steps())
        accepted = all(s.first_blocking() is None for s in steps)
        return Verdict(accepted=accepted, policy=self.policy, policy_reason=self.policy_reason,
                       rules=rules, builtin=self.builtin, notes=self.notes,
                       lazy=self._history.snapshot(steps, bool(self._hidden)))
