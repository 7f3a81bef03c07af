"""RuleEffect: what adding (or changing) one rule would do, before the user commits to it.

The pair is evaluated with the current rules and with the rule in place (replacing the rule
already held for its register, as QEMU allows one per register): which rows the rule then
tolerates, on how many vCPUs, how the blocking count moves and whether the verdict flips.
Evaluating the demo pair takes a few milliseconds, so callers may do this on every edit.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.model.advice.deployability import RuleDeployment, deploy_rule
from app.model.compare.diff import Diff, DiffRow
from app.model.rules.rule import Rule
from app.model.rules.ruleset import RuleSet
from app.model.sources.register_set import RegisterSet
from app.model.verdict.evaluate import Verdict, evaluate
from app.model.verdict.policy import Policy
from app.model.verdict.summary import Summary, summarize
from app.model.wording import plural


def with_rule(rules: RuleSet, rule: Rule, replacing: int | None = None) -> RuleSet:
    """``rules`` once ``rule`` is committed: it takes the place of the rule for ``replacing``
    (an edit) or of the rule its register already has; otherwise it is appended. A register
    change onto a register that already has a rule is a RuleError (one rule per register)."""
    old = replacing if replacing is not None and replacing in rules else rule.register
    return rules.replaced(old, rule) if old in rules else rules.with_rule(rule)


@dataclass(frozen=True)
class RuleEffect:
    rule: Rule
    before: Summary
    after: Summary
    deployment: RuleDeployment | None = None  # how the rule reaches the release modelled

    @property
    def rows(self) -> tuple[DiffRow, ...]:
        """Rows the rule tolerates once committed (every vCPU)."""
        return tuple(rv.row for rv in self.after.tolerated_rows(self.rule.register))

    @property
    def vcpus(self) -> tuple[int, ...]:
        return tuple(sorted({row.vcpu for row in self.rows}))

    @property
    def flips(self) -> bool:
        return self.before.accepted != self.after.accepted

    def tolerates_text(self) -> str:
        """"tolerates ID_AA64ISAR0_EL1 on 2 vCPUs (2 rows)", or why it tolerates nothing."""
        if not self.rule.enabled:
            return "tolerates nothing: the rule is disabled"
        if not self.rows:
            return "tolerates no row of this pair (no difference it covers)"
        return (f"tolerates {self.rule.name} on {plural(len(self.vcpus), 'vCPU')} "
                f"({plural(len(self.rows), 'row')})")

    def verdict_text(self) -> str:
        b, a = self.before, self.after
        moved = f"blocking {b.blocking_count} → {a.blocking_count}"
        d = self.deployment
        this = f" (this rule: {d.how})" if d is not None else ""
        if self.flips and a.accepted:
            # Rules apply as if registered: say so, and what this one takes on that release.
            return (f"{moved}; the verdict flips to ACCEPTED once the rules are built into "
                    f"{a.verdict.policy.title}{this}")
        if self.flips:
            return f"{moved}; the verdict flips to {a.verdict.verdict.upper()}"
        return f"{moved}; the verdict stays {a.verdict.verdict}{this}"


def rule_effect(src: RegisterSet, dst: RegisterSet, diff: Diff | None, rules: RuleSet,
                rule: Rule, policy: Policy | str | None = None, *,
                replacing: int | None = None, before: Verdict | None = None) -> RuleEffect:
    """Evaluate ``rules`` without and with ``rule``; ``before`` saves one evaluation when the
    caller already holds the verdict for ``rules`` under the same policy."""
    if before is None:
        before = evaluate(src, dst, rules, policy)
    after_rules = with_rule(rules, rule, replacing)
    after = evaluate(src, dst, after_rules, before.policy)
    return RuleEffect(rule, summarize(before, rules, diff), summarize(after, after_rules, diff),
                      deploy_rule(rule, before.policy, dst.provenance.machine))
