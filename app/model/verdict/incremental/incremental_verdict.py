"""IncrementalVerdict: one pair's verdict, its summary and what a rule edit changed, as one object.

Built once per (src, dst, policy) — the costly part: the diff, the stream's steps and every
row judged. ``update(rules)`` then returns a VerdictUpdate holding, together, the Verdict
(equal to ``evaluate(src, dst, rules, policy)``), its Summary (equal to ``summarize(verdict,
rules, diff)``) and the diff rows whose outcome or note may differ from the previous update.
The work is done by the two parts it composes, in the order they depend on each other:
LiveVerdict re-judges only the registers whose rule changed, LiveSummary recounts only their
rows. Qt-free; the window's session holds one (app/ui/session/verdict.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.model.compare.diff import Diff
from app.model.rules.rule import Rule
from app.model.rules.ruleset import RuleSet
from app.model.sources.register_set import RegisterSet
from app.model.verdict.cpreg_load import RowVerdict
from app.model.verdict.evaluate import Verdict, _as_ruleset
from app.model.verdict.incremental.live import LiveVerdict
from app.model.verdict.incremental.summary import LiveSummary
from app.model.verdict.policy import Policy
from app.model.verdict.reason import Reason
from app.model.verdict.summary import Summary

__all__ = ["IncrementalVerdict", "VerdictUpdate"]


@dataclass(frozen=True)
class VerdictUpdate:
    """What one ``IncrementalVerdict.update`` (or its construction) produced."""

    verdict: Verdict
    summary: Summary  # of ``verdict`` under the same rules
    # Diff row indices (sorted) whose outcome or note may differ from the previous update;
    # None when every row may (the first verdict of an IncrementalVerdict).
    changed_rows: tuple[int, ...] | None


class IncrementalVerdict:
    """The verdict of one (src, dst, policy) kept current across rule edits."""

    def __init__(self, src: RegisterSet, dst: RegisterSet, policy: Policy | str | None = None,
                 rules: RuleSet | Iterable[Rule] | None = None):
        self.rules = _as_ruleset(rules)
        self.live = LiveVerdict(src, dst, policy, self.rules)  # row verdicts and reasons
        self._summary = LiveSummary(self.live, self.rules)  # counts and banner facts
        self.last = VerdictUpdate(self.live.verdict, self._summary.summary, None)

    def update(self, rules: RuleSet | Iterable[Rule] | None) -> VerdictUpdate:
        """The verdict, summary and changed rows under ``rules``; costs what the edit changes
        (rules equal to the last ones change nothing and list no rows)."""
        self.rules = _as_ruleset(rules)
        verdict = self.live.update(self.rules)
        summary = self._summary.update(self.rules)
        self.last = VerdictUpdate(verdict, summary, self._summary.last_rows)
        return self.last

    # -- the current state, as of the last update ----------------------------------------------
    @property
    def verdict(self) -> Verdict:
        return self.last.verdict

    @property
    def summary(self) -> Summary:
        return self.last.summary

    @property
    def diff(self) -> Diff:
        return self.live.diff

    @property
    def policy(self) -> Policy:
        return self.live.policy

    def outcome(self, index: int, rules: RuleSet | None = None,
                hidden: frozenset[int] | None = None) -> RowVerdict | None:
        """Row ``index`` of ``diff`` as ``summary.outcomes`` shows it (rows a hidden rule keeps
        out of the merge are tolerated by it); None when QEMU never judges it. ``rules``
        defaults to the last ones given, ``hidden`` to their hidden registers."""
        return self._summary.outcome(index, self.rules if rules is None else rules, hidden)

    def warning_count(self) -> int:
        """``len(verdict.warnings)`` of the last update's verdict, without building its trail
        (~20,000 reasons at 256 vCPUs): what a status bar shows on every edit."""
        return self.live.warning_count()

    def row_reason(self, index: int) -> Reason | None:
        """The Reason row ``index`` adds to the merge or the write-back (its note's words)."""
        return self.live.row_reason(index)

    def rows_of(self, register: int) -> tuple[int, ...]:
        """The ``diff`` rows of ``register`` on the vCPUs QEMU loads."""
        return self.live.rows_of(register)
