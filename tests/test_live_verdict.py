"""LiveVerdict (incremental evaluation) against evaluate() on real QEMU stream pairs.

The property: after every step of a random sequence of rule edits (add, edit, remove, enable/
disable, reorder; every rule type, hidden and safe-missing included), ``update(rules)`` equals
``evaluate(src, dst, rules, policy)`` for each policy, ``last_changed`` names exactly the
diff rows whose verdict changed, and ``row_reason`` gives those rows' words in the trail. Two direct tests pin the incremental part: one edit re-judges
only that register's rows, and hiding the destination's last cpreg re-judges the incoming
rows the 7.2 merge then reaches.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from app.model.verdict import cpreg_load
from app.model.verdict.incremental import live as live_verdict
from app.model.compare.diff import Status
from app.model.sources.readers import load
from app.model.verdict.incremental.live import LiveVerdict
from app.model.verdict.policy import POLICIES, QEMU_72
from app.model.rules.rule import Rule, RuleType
from app.model.rules.ruleset import RuleSet
from app.model.verdict.evaluate import evaluate
from testdata import fixture

PAIRS = [
    ("q72-max-smp2.mig", "q72-cortex-a57-smp2.mig"),
    ("q72-cortex-a57-smp2.mig", "q11-cortex-a57-smp2-virt-7.2.mig"),
    ("q11-cortex-a57-smp2-virt-7.2.mig", "q72-cortex-a57-smp2.mig"),
    ("q10-max-smp2.mig", "q72-max-smp2.mig"),
    ("q11-max-smp2.mig", "q10-max-smp2.mig"),
    ("q72-cortex-a57-smp2.mig", "q72-cortex-a53-smp1.mig"),
    ("q72-max-sve-off-smp2.mig", "q11-max-smp2-virt-10.0.mig"),
    ("q72-cortex-a57-smp2-suppress-vmdesc.mig", "q10-cortex-a57-smp2-virt-7.2.mig"),
    ("dumps/q72-cortex-a57-smp2.analyze-migration.json", "q11-neoverse-v1-smp2.mig"),
    ("q11-neoverse-v1-smp2.mig", "q72-cortex-a57-smp2.mig"),
]
U64 = (1 << 64) - 1


@lru_cache(maxsize=None)
def _load(name: str):
    return load(str(fixture(name)))


def _candidates(src, dst) -> tuple[list[int], list[int], list[int], list[int]]:
    """Registers worth a rule (every diff id, a policy's own, one nobody has), the last local
    ones (hiding them moves the merge's end), and masks and values that make value rules both
    match and miss."""
    rows = evaluate(src, dst).rows
    regs = sorted({r.row.id for r in rows}) + [0x40200000200E0298, 0x6030000000139999]
    tail = sorted({r.row.id for r in rows if r.row.status is not Status.UNEXPECTED})[-3:]
    masks = [0, U64] + sorted({(r.row.src or 0) ^ (r.row.dst or 0) for r in rows})[:6]
    values = [0, 1] + sorted({r.row.src or 0 for r in rows})[:6]
    return regs, tail, masks, values


def _apply(rules: RuleSet, data, regs, tail, masks, values) -> RuleSet:
    reg = data.draw(st.sampled_from(tail) | st.sampled_from(regs))
    kind = data.draw(st.sampled_from(["set", "set", "hide", "remove", "toggle", "move"]))
    old = rules.get(reg)
    if kind == "hide":  # the last k local registers at once, as a rule file would
        for local in tail[-data.draw(st.integers(1, len(tail))):]:
            rule = Rule(local, RuleType.HIDDEN)
            rules = rules.replaced(local, rule) if local in rules else rules.with_rule(rule)
        return rules
    if kind == "set" or old is None:
        rule = Rule(reg, data.draw(st.sampled_from(list(RuleType))),
                    mask=data.draw(st.sampled_from(masks)),
                    value=data.draw(st.sampled_from(values)),
                    reason=data.draw(st.text(max_size=2)), enabled=data.draw(st.booleans()))
        return rules.replaced(reg, rule) if old is not None else rules.with_rule(
            rule, data.draw(st.integers(0, len(rules))))
    if kind == "remove":
        return rules.without(reg)
    if kind == "toggle":
        return rules.replaced(reg, Rule(old.register, old.type, old.mask, old.value,
                                        old.reason, not old.enabled))
    return rules.without(reg).with_rule(old, 0)


def _snapshot(live: LiveVerdict) -> list:
    return [live.row_verdict(i) for i in range(len(live.diff.rows))]


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: f"{p[0]}->{p[1]}")
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_update_equals_evaluate_after_every_edit(pair, policy, data):
    src, dst = _load(pair[0]), _load(pair[1])
    regs, tail, masks, values = _candidates(src, dst)
    live, rules = LiveVerdict(src, dst, policy), RuleSet()
    assert live.verdict == evaluate(src, dst, rules, policy)
    before = _snapshot(live)
    for _ in range(data.draw(st.integers(1, 8))):
        rules = _apply(rules, data, regs, tail, masks, values)
        got = live.update(rules)
        assert got == evaluate(src, dst, rules, policy)
        _assert_trail_facts(live, got)
        after = _snapshot(live)
        assert set(live.last_changed) == {i for i, (a, b) in enumerate(zip(before, after))
                                          if a != b}
        assert Counter(v for v in after if v is not None) == Counter(got.rows)
        said = {(r.vcpu, r.register): r.with_reached(True) for r in got.trail if r.is_cpreg}
        for i in live.last_changed:
            row = live.diff.rows[i]
            assert live.row_reason(i) == said.get((row.vcpu, row.id))
        before = after


@pytest.mark.parametrize("pair", PAIRS[:2], ids=lambda p: f"{p[0]}->{p[1]}")
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_verdicts_read_after_later_edits_keep_their_content(pair, data):
    """update() builds trail and rows lazily while editing in place: a verdict first read
    several edits later must still be the one of its own rules (live_snapshot.History)."""
    src, dst = _load(pair[0]), _load(pair[1])
    regs, tail, masks, values = _candidates(src, dst)
    live, rules, kept = LiveVerdict(src, dst, QEMU_72), RuleSet(), []
    for _ in range(data.draw(st.integers(1, 6))):
        rules = _apply(rules, data, regs, tail, masks, values)
        got = live.update(rules)
        if data.draw(st.booleans()):
            got.first_failure  # a partial read: the trail alone, or nothing built at all
        kept.append((rules, got))
    for rules, got in reversed(kept):
        want = evaluate(src, dst, rules, QEMU_72)
        assert got.first_failure == want.first_failure
        assert got == want


def _assert_trail_facts(live, verdict):
    """What the LiveSummary reads from the steps equals a scan of the assembled trail."""
    blocking = [r for r in verdict.trail if r.blocking]
    registers = tuple(dict.fromkeys(r.register for r in blocking if r.register is not None))
    stream = tuple(r for r in blocking if r.register is None)
    assert live.blocking_facts() == (registers, stream)
    assert list(live.reached_reasons()) == [r for r in verdict.trail if r.reached]
    assert live.warning_count() == len(verdict.warnings)  # the status bar's count


def _max_to_a57():
    return _load("q72-max-smp2.mig"), _load("q72-cortex-a57-smp2.mig")


def test_one_edit_rejudges_only_that_registers_rows(monkeypatch):
    src, dst = _max_to_a57()
    live = LiveVerdict(src, dst, QEMU_72)
    reg = next(r.id for r in live.diff.rows if r.status is Status.UNEXPECTED)
    calls = []
    real = cpreg_load.judge_row
    monkeypatch.setattr(live_verdict, "judge_row",
                        lambda row, *args: calls.append(row) or real(row, *args))
    rules = RuleSet((Rule(reg, RuleType.NOT_ON_BOTH_ENDS),))
    verdict = live.update(rules)
    assert verdict == evaluate(src, dst, rules, QEMU_72)
    mine = [i for i, r in enumerate(live.diff.rows) if r.id == reg]
    assert len(mine) == 2 and list(live.last_changed) == mine
    assert [r.id for r in calls] == [reg, reg]
    calls.clear()
    assert live.update(rules) is verdict and live.last_changed == () and calls == []
    assert live.last_edited == () and live.rows_of(reg) == tuple(mine)
    off = RuleSet((Rule(reg, RuleType.DIFF_IN_MASK, mask=1, enabled=False),))
    live.update(off)
    assert live.last_edited == (reg,) and list(live.last_changed) == mine
    calls.clear()  # editing a disabled rule changes the words beside its rows, no verdict
    edited = live.update(RuleSet((Rule(reg, RuleType.DIFF_IN_MASK, mask=2, enabled=False),)))
    assert live.last_edited == (reg,) and live.last_changed == () and calls == []
    assert edited == evaluate(src, dst, off, QEMU_72)


def test_hiding_the_last_local_registers_moves_the_merge_end():
    """neoverse-v1 -> cortex-a57 ends "L L U x8 L L": hiding the last two local cpregs makes
    the 7.2 merge stop before the eight incoming-only ones, which turn from blocking into
    never examined; showing them again turns them back."""
    src, dst = _load("q11-neoverse-v1-smp2.mig"), _load("q72-cortex-a57-smp2.mig")
    live = LiveVerdict(src, dst, QEMU_72)
    locals_ = sorted({r.id for r in live.diff.rows if r.status is not Status.UNEXPECTED})
    before = _snapshot(live)
    rules = RuleSet((Rule(locals_[-1], RuleType.HIDDEN), Rule(locals_[-2], RuleType.HIDDEN)))
    assert live.update(rules) == evaluate(src, dst, rules, QEMU_72)
    moved = [i for i in live.last_changed if live.diff.rows[i].id not in locals_[-2:]]
    assert len(moved) >= 8
    for i in moved:
        assert live.diff.rows[i].status is Status.UNEXPECTED
        assert (before[i].outcome, live.row_verdict(i).outcome) == ("blocking", "ignored")
    assert live.update(RuleSet()) == evaluate(src, dst, RuleSet(), QEMU_72)
    assert set(moved) <= set(live.last_changed) and _snapshot(live) == before
