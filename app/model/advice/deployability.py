"""Deployability: how each rule can reach the chosen destination QEMU, and the honest verdict.

``evaluate`` applies the user's rules "as if that QEMU had them registered", so an ACCEPTED
verdict with rules means "accepted once these rules are built into it" — not that the QEMU
as shipped loads the stream. What it takes to build a rule in depends on the release (seeds
in ../shared/seeds):

* QEMU 7.2 and 10.0 have no tolerance mechanism at all. The ``x-mig-hidden-regs`` and
  ``x-mig-safe-missing-regs`` ARM CPU array properties come with the v6 series (07/11); the
  tolerance types with the v8/v10 series, where v10 1/7 ``assert``s at registration that the
  type is ToleranceNotOnBothEnds or ToleranceOnlySrcTestValue (v8 1/6 registered the value
  tolerances without that check).
* QEMU 11.1, modelled as the release with those series merged (verdict/policy.py): a rule
  equal to a tolerance it registers itself is stock; hidden/safe-missing registers are set
  with ``-global arm-cpu.x-mig-…-regs=ID,…`` — except safe-missing on a virt machine type up
  to 10.2, whose compat properties already set that array for DBGDTRTX and QEMU refuses a
  second setting ("array size property … may not be set more than once", v6 10/11), so it
  needs C registration (``arm_virt_compat_register_safe_missing_reg``); NotOnBothEnds and
  OnlySrcTestValue are registered only from C (``arm_register_cpreg_mig_tolerance``, no
  property sets them); DiffInMask, FieldLT and FieldGT are not expressible (the assert).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum

from app.model.registers.regid import format_id
from app.model.rules.rule import Rule, RuleType
from app.model.rules.ruleset import RuleSet
from app.model.sources.register_set import RegisterSet
from app.model.verdict.evaluate import Verdict, evaluate
from app.model.verdict.policy import Policy
from app.model.wording import plural

T = RuleType
INDEX_TOLERANCES = frozenset({T.NOT_ON_BOTH_ENDS, T.ONLY_SRC_TEST_VALUE})
PROPERTIES = {T.HIDDEN: "x-mig-hidden-regs", T.SAFE_MISSING: "x-mig-safe-missing-regs"}
MERGED_IN = (11, 1)  # the first modelled release with the series merged (policy.QEMU_111)
SEED_V6_PROPS = "seed 002: v6 07/11 (DEFINE_PROP_ARRAY x-mig-*-regs on TYPE_ARM_CPU)"
SEED_V6_ONCE = "seed 002: v6 10/11 ('may not be set more than once'); 08/11 DBGDTRTX for ≤ 10.2"
SEED_V10 = "seed 001: v10 1/7 (arm_register_cpreg_mig_tolerance asserts the index types)"
SEED_V8 = "seed 000: v8 1/6 (registers DiffInMask, FieldLT, FieldGT without the assert)"


class Deploy(str, Enum):  # noqa: UP042 - str() must print the words, see __str__
    """How a rule gets into the destination QEMU, least to most demanding."""

    STOCK = "stock"
    OPTION = "command-line option"
    C_REGISTRATION = "needs C registration"
    PATCH_SERIES = "needs the tolerance patch series"
    NOT_EXPRESSIBLE = "not expressible"

    def __str__(self) -> str:
        return self.value

    @property
    def rank(self) -> int:
        return list(Deploy).index(self)


@dataclass(frozen=True)
class RuleDeployment:
    """One rule on one release: how it can be deployed, why (short), the seed that says so,
    and the command-line option when there is one."""

    rule: Rule
    how: Deploy
    reason: str
    evidence: str
    option: str | None = None


def deploy_rule(rule: Rule, policy: Policy, machine: str | None) -> RuleDeployment:
    """How ``rule`` reaches ``policy``'s QEMU running machine type ``machine``."""
    title, t = policy.title, rule.type
    stock = next((b for b in policy.builtin if b.rule.register == rule.register
                  and b.rule.type is t and b.applies(machine)), None)
    if stock is not None:
        return RuleDeployment(rule, Deploy.STOCK, f"{title} registers this tolerance itself "
                              f"for machine type {machine}", stock.evidence)
    if policy.version < MERGED_IN:
        if t in PROPERTIES:
            why = f"{title} has no {PROPERTIES[t]} property; the v6 series adds it"
            return RuleDeployment(rule, Deploy.PATCH_SERIES, why, SEED_V6_PROPS)
        if t in INDEX_TOLERANCES:
            why = (f"{title} has no cpreg tolerances; the v10 series adds "
                   f"{t.qemu_tolerance}, registered from C")
            return RuleDeployment(rule, Deploy.PATCH_SERIES, why, SEED_V10)
        why = (f"{title} has no cpreg tolerances; v8 registers {t.qemu_tolerance}, "
               "v10 refuses it at registration")
        return RuleDeployment(rule, Deploy.PATCH_SERIES, why, SEED_V8)
    if t in PROPERTIES:
        prop = PROPERTIES[t]
        builtin_sets = any(b.rule.type is t and b.applies(machine) for b in policy.builtin)
        if builtin_sets:
            return RuleDeployment(rule, Deploy.C_REGISTRATION, (
                f"machine type {machine} already sets {prop} in {title}, which refuses a "
                "second -global: register it in the machine's compat code"), SEED_V6_ONCE)
        option = f"-global arm-cpu.{prop}={format_id(rule.register)}"
        # The verdict hides a register from both lists: the source must leave it out too.
        ends = " on both ends" if t is T.HIDDEN else ""
        return RuleDeployment(rule, Deploy.OPTION, f"{title} has the {prop} property: "
                              f"{option}{ends}", SEED_V6_PROPS, option)
    if t in INDEX_TOLERANCES:
        return RuleDeployment(rule, Deploy.C_REGISTRATION, (
            f"{title} registers {t.qemu_tolerance} only from C "
            "(arm_register_cpreg_mig_tolerance); no property sets it"), SEED_V10)
    return RuleDeployment(rule, Deploy.NOT_EXPRESSIBLE, (
        f"{title} accepts only ToleranceNotOnBothEnds and ToleranceOnlySrcTestValue at "
        f"registration, not {t.qemu_tolerance}"), SEED_V10)


@dataclass(frozen=True)
class Deployability:
    """The verdict told honestly: by this QEMU as it is, and once the rules are built in.

    ``accepted``: the verdict with the rules (Verdict.accepted); ``as_is``: the verdict with
    no user rule, None while unknown; ``rules``: every rule of the set; ``needed``: the
    enabled ones the verdict relies on (a tolerance that tolerates a row, and every hidden or
    safe-missing rule, which change the cpreg lists and the array bound).
    """

    title: str
    accepted: bool
    as_is: bool | None
    rules: tuple[RuleDeployment, ...]
    needed: tuple[RuleDeployment, ...]

    @property
    def how(self) -> Deploy | None:
        """The most demanding deployment among the needed rules (None: none needed)."""
        return max((d.how for d in self.needed), key=lambda h: h.rank, default=None)

    @property
    def deployable(self) -> bool:
        return self.how is not Deploy.NOT_EXPRESSIBLE

    @property
    def state(self) -> str:
        """"accepted" (as it is), "accepted-once-deployed", "not-deployable" (the rules make
        it pass but one cannot be built into this release), "rejected", or "pending" (the
        rules make it pass; whether it passes as it is is still being computed)."""
        if not self.accepted:
            return "rejected"
        if self.as_is:
            return "accepted"
        if self.as_is is None:
            return "pending"
        return "accepted-once-deployed" if self.deployable else "not-deployable"

    def as_is_words(self) -> str:
        """e.g. "REJECTED by QEMU 7.2 as it is"; "… with the rules" when the rules do not
        make it pass either and the verdict without them was not computed."""
        if self.as_is is not None:
            return f"{'ACCEPTED' if self.as_is else 'REJECTED'} by {self.title} as it is"
        if not self.accepted:
            return f"REJECTED by {self.title} with the rules"
        return f"checking whether {self.title} accepts it as it is…"

    def with_rules_words(self) -> str:
        """What the rules change, in the words the banner, check and reports share;
        "" when they change nothing worth saying (accepted as it is, or rejected anyway)."""
        if not self.accepted and self.as_is:
            return (f"REJECTED with the rules: a rule stands in for a tolerance {self.title} "
                    "registers itself")
        if not self.accepted or self.as_is:
            return ""
        n, how = len(self.needed), self.how
        these = "this rule" if n == 1 else f"these {n} rules"
        if how is Deploy.NOT_EXPRESSIBLE:
            bad = sum(d.how is Deploy.NOT_EXPRESSIBLE for d in self.needed)
            return (f"the rules would make it pass, but {bad} of {these} "
                    f"{'is' if bad == 1 else 'are'} not expressible on {self.title}")
        if how is Deploy.OPTION:
            return f"ACCEPTED once {these} {'is' if n == 1 else 'are'} set on its command line"
        if how is Deploy.STOCK:
            return f"ACCEPTED with {these}, which {self.title} registers itself (stock)"
        return f"ACCEPTED once {these} {'is' if n == 1 else 'are'} built into it ({how})"

    def headline(self) -> str:
        """The whole verdict in one line, e.g. "REJECTED by QEMU 7.2 as it is — ACCEPTED once
        these 4 rules are built into it (needs the tolerance patch series)"."""
        more = self.with_rules_words()
        if self.as_is is None and self.accepted:
            return f"{more} — {self.as_is_words()}"
        return self.as_is_words() + (f" — {more}" if more else "")

    def counts(self) -> dict[str, int]:
        """Needed rules per deployment word, most demanding first."""
        out: dict[str, int] = {}
        for d in sorted(self.needed, key=lambda d: -d.how.rank):
            out[d.how.value] = out.get(d.how.value, 0) + 1
        return out

    def summary_line(self) -> str:
        """e.g. "4 rules needed: not expressible (1), needs C registration (3)"."""
        if not self.needed:
            return "no rule needed"
        parts = ", ".join(f"{how} ({n})" for how, n in self.counts().items())
        return f"{plural(len(self.needed), 'rule')} needed: {parts}"


def needed_rules(rules: RuleSet, per_rule: Mapping[int, int]) -> tuple[Rule, ...]:
    """The enabled rules a verdict relies on (see Deployability)."""
    return tuple(r for r in rules.enabled()
                 if r.type in PROPERTIES or per_rule.get(r.register, 0) > 0)


def as_is_known(policy: Policy, machine: str | None, rules: RuleSet, accepted: bool,
                per_rule: Mapping[int, int]) -> bool | None:
    """The verdict with no user rule, when it needs no second evaluation: the verdict itself
    when no enabled rule tolerates a row, changes the cpreg lists (hidden, safe-missing) or
    stands in for a tolerance the release registers itself; None otherwise (then evaluate
    without rules: even a rejection with the rules proves nothing, since a hidden rule on a
    register only the destination has shortens the destination's list)."""
    builtin = {r.register for r in policy.builtin_rules(machine)}
    if needed_rules(rules, per_rule) or any(r.register in builtin for r in rules.enabled()):
        return None
    return accepted


def deployability(policy: Policy, machine: str | None, rules: RuleSet, accepted: bool,
                  per_rule: Mapping[int, int], as_is: bool | None) -> Deployability:
    """Deployability of ``rules`` on ``policy`` for a verdict (``accepted``, the rows each
    rule tolerates ``per_rule``, Summary.per_rule) and the verdict with no rule ``as_is``."""
    every = tuple(deploy_rule(r, policy, machine) for r in rules)
    wanted = {r.register for r in needed_rules(rules, per_rule)}
    return Deployability(policy.title, accepted, as_is, every,
                         tuple(d for d in every if d.rule.register in wanted))


def judge(policy: Policy, machine: str | None, rules: RuleSet, accepted: bool,
          per_rule: Mapping[int, int], without_rules: Callable[[], bool | None]
          ) -> Deployability:
    """``deployability`` with ``as_is`` read from the verdict when it tells (``as_is_known``),
    else asked of ``without_rules`` (the pair's verdict with no user rule; None while
    unknown) — only when the rules make the pair pass: a rejection is told without it."""
    as_is = as_is_known(policy, machine, rules, accepted, per_rule)
    if as_is is None and accepted:
        as_is = without_rules()
    return deployability(policy, machine, rules, accepted, per_rule, as_is)


def user_tolerated(verdict: Verdict) -> dict[int, int]:
    """Rows each user rule tolerates (register -> count): Summary.per_rule without the rows
    a hidden rule keeps out of the merge (hidden rules count as needed anyway)."""
    out: dict[int, int] = {}
    for rv in verdict.rows:
        if rv.outcome == "tolerated" and rv.rule is not None and not rv.by_policy:
            out[rv.rule.register] = out.get(rv.rule.register, 0) + 1
    return out


def assess(src: RegisterSet, dst: RegisterSet, verdict: Verdict, rules: RuleSet,
           as_is: bool | None = None) -> Deployability:
    """The Deployability of ``verdict`` (``evaluate(src, dst, rules, policy)``), evaluating
    the pair again without rules when the verdict alone cannot tell whether it passes as it
    is — unless the caller already knows (``as_is``: a verdict with no enabled rule)."""
    def without_rules() -> bool:
        return evaluate(src, dst, None, verdict.policy).accepted if as_is is None else as_is

    return judge(verdict.policy, dst.provenance.machine, rules, verdict.accepted,
                 user_tolerated(verdict), without_rules)
