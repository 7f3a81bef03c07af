"""Verdict: would this destination QEMU accept this stream, and exactly why not.

``evaluate(src, dst, rules, policy)`` replays what the destination release does on
``-incoming`` (see stream_load.py and cpreg_load.py): the machine type, every device section
in stream order, each vCPU's cpreg arrays. Rules (the user's tolerances, hidden and
safe-missing registers) apply on top of any policy, as if that QEMU had them registered, so
"which rules would QEMU need for this to pass?" has an answer for every release. The policy
defaults to the release that wrote the destination stream; the choice and why are recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from app.model.compare.diff import diff
from app.model.rules.rule import Rule, RuleType
from app.model.rules.ruleset import RuleSet, apply_hidden
from app.model.sources.register_set import RegisterSet
from app.model.verdict.cpreg_load import RowVerdict, Step
from app.model.verdict.policy import Policy, default_policy, get_policy
from app.model.verdict.reason import Reason
from app.model.verdict.stream_load import load_stream

__all__ = ["LazyVerdictParts", "RowVerdict", "Verdict", "evaluate", "resolve_policy"]


class LazyVerdictParts(Protocol):
    """What builds a Verdict's trail and rows on first read (LiveVerdict's TrailSnapshot)."""

    def trail(self) -> tuple[Reason, ...]: ...

    def rows(self) -> tuple[RowVerdict, ...]: ...

    def first_failure(self) -> Reason | None: ...

    def unexamined(self) -> tuple[Reason, ...]: ...


class Verdict:
    """The outcome of one evaluation (immutable; equal when the public content is).

    ``trail`` holds every Reason in the order QEMU meets it (``reached`` False past the point
    where a real QEMU stops); ``reasons`` and ``warnings`` split it, and ``unexamined`` picks
    the warnings about parts the tool could not judge. ``rows`` has one
    RowVerdict per diff row, each tolerated row naming its rule. ``builtin`` lists the
    tolerances the release registers itself for this machine type.

    ``trail`` and ``rows`` may instead come from ``lazy`` (LazyVerdictParts, a LiveVerdict's
    TrailSnapshot), built on first access and cached:
    a rule edit on 256 vCPUs should not pay for ~100,000 tuple entries nobody reads.
    """

    __slots__ = (
        "_lazy",
        "_rows",
        "_trail",
        "accepted",
        "builtin",
        "notes",
        "policy",
        "policy_reason",
        "rules",
    )
    accepted: bool
    policy: Policy
    policy_reason: str
    rules: tuple[Rule, ...]
    builtin: tuple[Rule, ...]
    notes: tuple[str, ...]
    _trail: tuple[Reason, ...] | None
    _rows: tuple[RowVerdict, ...] | None
    _lazy: LazyVerdictParts | None
    _FIELDS = ("accepted", "policy", "policy_reason", "trail", "rows", "rules", "builtin",
               "notes")

    def __init__(self, accepted: bool, policy: Policy, policy_reason: str,
                 trail: tuple[Reason, ...] | None = None,
                 rows: tuple[RowVerdict, ...] | None = None, rules: tuple[Rule, ...] = (),
                 builtin: tuple[Rule, ...] = (), notes: tuple[str, ...] = (), *,
                 lazy: LazyVerdictParts | None = None):
        if lazy is None and (trail is None or rows is None):
            raise TypeError("Verdict needs trail and rows, or lazy")
        for name, value in (("accepted", accepted), ("policy", policy),
                            ("policy_reason", policy_reason), ("rules", rules),
                            ("builtin", builtin), ("notes", notes), ("_trail", trail),
                            ("_rows", rows), ("_lazy", lazy)):
            object.__setattr__(self, name, value)

    def __setattr__(self, name, value):
        raise AttributeError(f"Verdict is immutable: cannot set {name}")

    def _public(self) -> tuple:
        return tuple(getattr(self, name) for name in self._FIELDS)

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._public() == other._public()

    def __hash__(self):
        return hash(self._public())

    def __repr__(self):
        return "Verdict(" + ", ".join(f"{n}={getattr(self, n)!r}" for n in self._FIELDS) + ")"

    def _parts(self) -> LazyVerdictParts:
        assert self._lazy is not None, "a Verdict has a trail and rows, or the parts for them"
        return self._lazy

    @property
    def trail(self) -> tuple[Reason, ...]:
        if self._trail is None:
            trail = self._parts().trail()
            object.__setattr__(self, "_trail", trail)
            self._release()
            return trail
        return self._trail

    @property
    def rows(self) -> tuple[RowVerdict, ...]:
        if self._rows is None:
            rows = self._parts().rows()
            object.__setattr__(self, "_rows", rows)
            self._release()
            return rows
        return self._rows

    def _release(self) -> None:
        if self._trail is not None and self._rows is not None:
            object.__setattr__(self, "_lazy", None)  # lets the LiveVerdict drop its history

    @property
    def verdict(self) -> str:
        return "accepted" if self.accepted else "rejected"

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """Blocking reasons, QEMU's order (the first is where QEMU stops)."""
        return tuple(r for r in self.trail if r.blocking)

    @property
    def warnings(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.trail if not r.blocking)

    @property
    def first_failure(self) -> Reason | None:
        if self._trail is None:  # the snapshot knows it without building the trail
            return self._parts().first_failure()
        return next((r for r in self.trail if r.blocking), None)

    @property
    def unexamined(self) -> tuple[Reason, ...]:
        """Parts of the pair the tool could not judge (NOT_CHECKED: an undescribed section
        whose bytes differ, a side that is not a stream...; VALUE_UNKNOWN: a constant register
        whose value the source did not record), in trail order. They never block, so an
        ACCEPTED verdict holds only if QEMU accepts those parts too: show them with it."""
        if self._trail is None:  # the snapshot finds them without building the trail
            return self._parts().unexamined()
        return tuple(r for r in self.trail if r.unexamined)

    @property
    def tolerated(self) -> tuple[RowVerdict, ...]:
        return tuple(r for r in self.rows if r.outcome == "tolerated")

    def for_vcpu(self, vcpu: int) -> tuple[Reason, ...]:
        return tuple(r for r in self.trail if r.vcpu == vcpu)


def resolve_policy(policy: Policy | str | None, dst: RegisterSet) -> tuple[Policy, str]:
    """A Policy and why it applies: the one given, or the destination writer's."""
    if isinstance(policy, Policy):
        return policy, f"chosen by the user: {policy.title}"
    if isinstance(policy, str):
        chosen = get_policy(policy)
        return chosen, f"chosen by the user: {chosen.title}"
    return default_policy(dst)


def _as_ruleset(rules: RuleSet | Iterable[Rule] | None) -> RuleSet:
    if rules is None:
        return RuleSet()
    return rules if isinstance(rules, RuleSet) else RuleSet(tuple(rules))


def _mark_reached(steps: tuple[Step, ...]) -> tuple[Reason, ...]:
    """QEMU stops at its first failure: later reasons are not reached. A step that
    ``collects_all`` (11.1's merge, the write-back loop) is finished before failing."""
    failed = False
    out: list[Reason] = []
    for step in steps:
        if failed:
            out.extend(r.with_reached(False) for r in step.reasons)
        elif step.collects_all:
            out.extend(step.reasons)
            failed = any(r.blocking for r in step.reasons)
        else:
            for reason in step.reasons:
                out.append(reason.with_reached(not failed))
                failed = failed or reason.blocking
    return tuple(out)


def evaluate(src: RegisterSet, dst: RegisterSet,
             rules: RuleSet | Iterable[Rule] | None = None,
             policy: Policy | str | None = None) -> Verdict:
    """Would the destination (``dst``: a stream it saved itself) accept ``src``?"""
    chosen, why = resolve_policy(policy, dst)
    ruleset = _as_ruleset(rules)
    user = {r.register: r for r in ruleset.enabled()}
    builtin = chosen.builtin_rules(dst.provenance.machine)
    policy_rules = {r.register: r for r in builtin}

    def tolerance(reg_id: int) -> tuple[Rule | None, bool]:
        if reg_id in user:
            return user[reg_id], False
        return policy_rules.get(reg_id), reg_id in policy_rules

    src_h, dst_h = apply_hidden(ruleset, src), apply_hidden(ruleset, dst)
    allowance = len(ruleset.ids_of(RuleType.SAFE_MISSING))  # v6 04/11 widens the array
    load = load_stream(src_h, dst_h, diff(src_h, dst_h), chosen, tolerance, dst.accel,
                       allowance)
    trail = _mark_reached(load.steps)
    return Verdict(
        accepted=not any(r.blocking for r in trail),
        policy=chosen, policy_reason=why, trail=trail, rows=load.rows,
        rules=tuple(user.values()), builtin=builtin, notes=load.notes)
