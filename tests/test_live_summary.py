"""LiveSummary after rule edits equals summarize() of a full evaluate()."""

from __future__ import annotations

from pathlib import Path

from app.model.compare.diff import Status
from app.model.sources.readers import load
from app.model.verdict.incremental.summary import LiveSummary
from app.model.verdict.incremental.live import LiveVerdict
from app.model.rules.rule import Rule, RuleType
from app.model.rules.ruleset import RuleSet
from app.model.verdict.evaluate import evaluate
from app.model.verdict.summary import summarize

DATA = Path(__file__).parent / "data"


def test_incremental_summary_equals_a_full_one():
    src, dst = load(str(DATA / "q72-max-smp2.mig")), load(str(DATA / "q72-cortex-a57-smp2.mig"))
    live = LiveVerdict(src, dst)
    summary = LiveSummary(live, RuleSet())
    unexpected = [r.id for r in live.diff.rows if r.status is Status.UNEXPECTED]
    last = max(r.id for r in live.diff.rows if r.status is not Status.UNEXPECTED)
    reg = unexpected[0]
    for rules in (RuleSet((Rule(reg, RuleType.NOT_ON_BOTH_ENDS, reason="t"),)),
                  RuleSet((Rule(reg, RuleType.NOT_ON_BOTH_ENDS, reason="t", enabled=False),)),
                  RuleSet((Rule(last, RuleType.HIDDEN),)),
                  RuleSet((Rule(reg, RuleType.SAFE_MISSING), Rule(unexpected[-1],
                                                                  RuleType.HIDDEN))),
                  RuleSet()):
        live.update(rules)
        got = summary.update(rules)
        full = summarize(evaluate(src, dst, rules), rules, live.diff)
        assert got.per_rule == full.per_rule
        assert got.blocking_registers == full.blocking_registers
        assert got.stream_failures == full.stream_failures
        assert got.qemu_lines == full.qemu_lines
        assert dict(got.outcomes) == dict(full.outcomes)
        assert set(summary.last_rows) >= set(live.last_changed)
