"""What a verdict means for one screenful: blocking registers, the first failure in QEMU's
words, and the outcome of every diff row — including rows a hidden rule took out of the merge.

The GUI (verdict banner, row notes, rules panel) and reports read this instead of re-deriving
it from ``Verdict.trail``, so "blocking" and "tolerated" mean the same everywhere. Qt-free.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.model.compare.diff import Diff, Status
from app.model.rules.ruleset import RuleSet
from app.model.verdict.cpreg_load import RowVerdict
from app.model.verdict.evaluate import Verdict
from app.model.verdict.qemu_log import qemu_log
from app.model.verdict.reason import Reason

RowKey = tuple[int, int]  # (vcpu, register id), how the GUI keys its rows


@dataclass(frozen=True)
class Summary:
    verdict: Verdict
    blocking_registers: tuple[int, ...]  # distinct register ids, in the order QEMU meets them
    stream_failures: tuple[Reason, ...]  # blocking reasons about no register (machine type...)
    qemu_lines: tuple[str, ...]  # what the destination prints (qemu_log), warnings included
    outcomes: Mapping[RowKey, RowVerdict]
    per_rule: Mapping[int, int]  # register -> rows its user rule tolerates

    @property
    def accepted(self) -> bool:
        return self.verdict.accepted

    @property
    def blocking_count(self) -> int:
        """Blocking registers plus whole-stream problems: what the banner counts."""
        return len(self.blocking_registers) + len(self.stream_failures)

    @property
    def first_failure(self) -> Reason | None:
        return self.verdict.first_failure

    @property
    def unexamined(self) -> tuple[Reason, ...]:
        """What the tool could not judge (Verdict.unexamined): an ACCEPTED banner must say
        that it holds only if QEMU accepts these parts too."""
        return self.verdict.unexamined

    @property
    def qemu_failure_line(self) -> str | None:
        """The first line QEMU prints that is not a warning: the failure in its own words."""
        return next((line for line in self.qemu_lines if not line.startswith("warning:")),
                    None)

    def tolerated_rows(self, register: int) -> tuple[RowVerdict, ...]:
        return tuple(rv for rv in self.outcomes.values()
                     if rv.row.id == register and rv.outcome == "tolerated" and not rv.by_policy)


def _hidden_outcomes(rules: RuleSet, diff: Diff | None) -> dict[RowKey, RowVerdict]:
    """Rows of registers an enabled hidden rule keeps out of both cpreg lists: they never
    reach the merge (evaluate diffs without them), so they are tolerated by that rule."""
    hidden = rules.hidden_ids()
    if not hidden or diff is None:
        return {}
    out = {}
    for row in diff.rows:
        if row.id in hidden:
            outcome = "ok" if row.status is Status.MATCH else "tolerated"
            out[(row.vcpu, row.id)] = RowVerdict(row, outcome, rules.get(row.id))
    return out


def summarize(verdict: Verdict, rules: RuleSet, diff: Diff | None = None) -> Summary:
    """Summary of ``verdict``, which was computed with ``rules`` for the pair ``diff`` shows."""
    outcomes: dict[RowKey, RowVerdict] = {(rv.row.vcpu, rv.row.id): rv for rv in verdict.rows}
    outcomes.update(_hidden_outcomes(rules, diff))
    registers: dict[int, None] = {}
    for reason in verdict.reasons:
        if reason.register is not None:
            registers.setdefault(reason.register)
    per_rule: dict[int, int] = {}
    for rv in outcomes.values():
        if rv.outcome == "tolerated" and rv.rule is not None and not rv.by_policy:
            per_rule[rv.rule.register] = per_rule.get(rv.rule.register, 0) + 1
    return Summary(verdict, tuple(registers),
                   tuple(r for r in verdict.reasons if r.register is None),
                   qemu_log(verdict), outcomes, per_rule)
