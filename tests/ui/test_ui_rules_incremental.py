"""A rule edit updates the window incrementally: only the edited register's rows are signalled,
and the notes shown equal those of a full evaluate()."""

from __future__ import annotations

from app.model.compare.diff import Status
from app.model.rules.rule import Rule, RuleType
from app.model.rules.ruleset import RuleSet
from app.model.verdict.evaluate import evaluate
from app.model.verdict.summary import summarize
from app.ui.table.annotations import row_notes
from app.ui.table.diff_model import Column


def _spy(model):
    """(first row, last row) of every dataChanged the table model emits."""
    seen = []
    model.dataChanged.connect(lambda a, b, *_: seen.append((a.row(), b.row())))
    return seen


def _full_notes(s, rules):
    verdict = evaluate(s.src, s.dst, rules, s.policy)
    return row_notes(summarize(verdict, rules, s.diff), rules)


def _unexpected(s):
    return next(r.id for r in s.diff.rows if r.status is Status.UNEXPECTED)


def test_a_rule_edit_signals_only_that_registers_rows(loaded):
    s, model = loaded.session, loaded.model
    reg = _unexpected(s)
    rows_of_reg = {i for i, r in enumerate(s.diff.rows) if r.id == reg}
    seen = _spy(model)
    s.set_rules(RuleSet((Rule(reg, RuleType.NOT_ON_BOTH_ENDS, reason="t"),)))
    assert not s.evaluating and s.changed_rows is not None  # incremental, no rebuild
    signalled = {i for a, b in seen for i in range(a, b + 1)}
    assert signalled == rows_of_reg and len(seen) == len(rows_of_reg)  # one per vCPU row
    for i in rows_of_reg:
        assert model.index(i, Column.RULE).data().startswith("tolerated by")


def test_incremental_notes_and_counts_equal_a_full_evaluate(loaded):
    s, model = loaded.session, loaded.model
    reg = _unexpected(s)
    last = max(r.id for r in s.diff.rows if r.status is not Status.UNEXPECTED)
    for rules in (RuleSet((Rule(reg, RuleType.NOT_ON_BOTH_ENDS, reason="t"),)),
                  RuleSet((Rule(reg, RuleType.NOT_ON_BOTH_ENDS, reason="t", enabled=False),)),
                  RuleSet((Rule(last, RuleType.HIDDEN),)),
                  RuleSet((Rule(reg, RuleType.SAFE_MISSING),)), RuleSet()):
        s.set_rules(rules)
        full = _full_notes(s, rules)
        assert s.changed_rows is not None and s.annotations == full
        shown = {(r.vcpu, r.id): model.note(i) for i, r in enumerate(s.diff.rows)
                 if model.note(i) is not None}
        assert shown == full
        model_counts = model.counts()
        model.set_annotations(full)  # recounts every row
        assert model.counts() == model_counts
        assert s.verdict == evaluate(s.src, s.dst, rules, s.policy)
        summary = loaded.rules_layer.summary
        assert summary.per_rule == summarize(s.verdict, rules, s.diff).per_rule


def test_a_rule_edit_does_not_refilter_the_whole_proxy(loaded, monkeypatch):
    calls = []
    monkeypatch.setattr(loaded.proxy, "refilter", lambda: calls.append(1))
    s = loaded.session
    s.set_rules(RuleSet((Rule(_unexpected(s), RuleType.NOT_ON_BOTH_ENDS, reason="t"),)))
    assert calls == []
    assert loaded.rules_layer.banner.isVisible()
