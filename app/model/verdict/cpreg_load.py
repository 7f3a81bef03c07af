"""CpregLoad: what a destination QEMU does with one vCPU's incoming cpreg arrays.

Three checks, in QEMU's order:

1. the field ``cpreg_vmstate_array_len`` (VMSTATE_INT32_POSITIVE_LE up to QEMU 10: the
   incoming count may not exceed the destination's own; "Invalid value N expecting positive
   value <= M");
2. ``cpu_post_load``'s merge of the two sorted lists. Up to QEMU 10 the loop ends when either
   list is exhausted and ``return -1`` on the first incoming register the destination lacks,
   so incoming registers past the destination's last index are never examined; QEMU 11.1 walks
   both lists to the end, reports every "unexpected" (fail) and "missing" (skip) register, then
   fails if any unexpected one was not tolerated;
3. the write-back of the merged values (``write_list_to_cpustate`` under TCG, KVM_SET_ONE_REG
   under KVM): a constant register refuses a different value (see constness.py).

Each check is a Step; ``collects_all`` says whether QEMU finishes the step before failing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.model.compare.diff import DiffRow, Status
from app.model.registers import regdb
from app.model.registers.constness import constness
from app.model.registers.regid import format_id, printed_qemu_key
from app.model.rules.rule import Rule, tolerates
from app.model.verdict.policy import Policy
from app.model.verdict.reason import (
    ARRAY_LENGTH,
    NOT_EXAMINED,
    VALUE_UNKNOWN,
    Reason,
    stream_reason,
)

# register id -> (rule that may tolerate it, True when the policy itself registered it)
Tolerance = Callable[[int], "tuple[Rule | None, bool]"]


@dataclass(frozen=True)
class RowVerdict:
    """A diff row and what the load makes of it.

    ``outcome``: "ok" (loads as is, guest-state differences included), "tolerated" (``rule``
    let it through; ``by_policy`` when the release registered that rule itself), "warning"
    (QEMU goes on but the user should know), "blocking", "ignored" (never examined by QEMU)
    or "unknown" (a value is needed but the source did not record it).
    """

    row: DiffRow
    outcome: str
    rule: Rule | None = None
    by_policy: bool = False


@dataclass(frozen=True)
class Step:
    reasons: tuple[Reason, ...]
    collects_all: bool  # QEMU checks the whole step before failing (else stops at the first)


def array_length_step(vcpu: int, incoming: int, local: int, allowance: int,
                      policy: Policy) -> Step | None:
    """The cpreg_vmstate_array_len bound (None when the release has none or it holds)."""
    limit = local + allowance
    if not policy.checks_array_len or incoming <= limit:
        return None
    return Step((stream_reason(ARRAY_LENGTH,
                               f"Invalid value {incoming} expecting positive value <= {limit}",
                               section="cpu", instance=vcpu, vcpu=vcpu),), False)


def _reason(row: DiffRow, message: str, blocking: bool, accel: str,
            status: str | None = None) -> Reason:
    name = regdb.lookup(row.id, accel).name
    return Reason(row.vcpu, row.id, name, status or row.status.value, message, blocking,
                  True, "cpu", row.vcpu)


def _key(reg_id: int) -> str:
    return f"0x{printed_qemu_key(reg_id):x}"  # never raises: QEMU prints any index


def _unexpected_text(row: DiffRow, policy: Policy, accel: str) -> str:
    if policy.names_registers:
        return (f"system register {_key(row.id)} in the incoming stream but unknown on the "
                "destination: fail migration")
    name = regdb.lookup(row.id, accel).name
    return (f"{name} ({format_id(row.id)}) is in the incoming stream but unknown on the "
            "destination: cpu_post_load fails the load (this QEMU names no register)")


def _missing_text(row: DiffRow, policy: Policy, accel: str) -> str:
    if policy.names_registers:
        return (f"system register {_key(row.id)} expected by the destination but not in the "
                "incoming stream: skip it")
    name = regdb.lookup(row.id, accel).name
    return (f"{name} ({format_id(row.id)}) is expected by the destination but not in the "
            "incoming stream: it keeps the destination's own value")


def last_local_id(rows) -> int:
    """The destination's last cpreg id among ``rows`` (-1 when it has none): the 7.2/10.0
    merge loop ends there, so incoming registers past it are never examined."""
    return max((r.id for r in rows if r.status is not Status.UNEXPECTED), default=-1)


def judge_row(row: DiffRow, policy: Policy, rule: Rule | None, by_policy: bool,
              last_local: int, accel: str) -> tuple[RowVerdict, Reason | None, Reason | None]:
    """One row's verdict and the Reason it adds to the merge or to the write-back step.

    Pure in its arguments, so an incremental evaluator (incremental/live.py) can re-judge only
    the rows of an edited register and still agree with a full evaluation.
    """
    tolerated = rule is not None and tolerates(rule, row.status, row.src, row.dst)
    if row.status is Status.MATCH:
        return RowVerdict(row, "ok"), None, None
    if row.status in (Status.UNEXPECTED, Status.MISSING) and tolerated:
        return RowVerdict(row, "tolerated", rule, by_policy), None, None
    if row.status is Status.UNEXPECTED:
        if not policy.examines_past_last and row.id > last_local:
            return RowVerdict(row, "ignored"), _reason(row, (
                f"{regdb.lookup(row.id, accel).name} ({format_id(row.id)}) comes after the "
                "destination's last cpreg: the merge loop ends first, so QEMU never "
                "examines it and its value is dropped"), False, accel, NOT_EXAMINED), None
        return (RowVerdict(row, "blocking"),
                _reason(row, _unexpected_text(row, policy, accel), True, accel), None)
    if row.status is Status.MISSING:
        return (RowVerdict(row, "warning"),
                _reason(row, _missing_text(row, policy, accel), False, accel), None)
    verdict, reason = _value(row, rule, by_policy, tolerated, accel)
    return verdict, None, reason


def load_cpregs(rows: tuple[DiffRow, ...], policy: Policy, tolerance: Tolerance,
                accel: str) -> tuple[tuple[RowVerdict, ...], Step, Step]:
    """Merge and write-back of one vCPU's rows: (row verdicts, merge step, write-back step)."""
    last_local = last_local_id(rows)
    verdicts: list[RowVerdict] = []
    merge: list[Reason] = []
    values: list[Reason] = []
    for row in rows:
        verdict, merged, value = judge_row(row, policy, *tolerance(row.id), last_local, accel)
        verdicts.append(verdict)
        if merged is not None:
            merge.append(merged)
        if value is not None:
            values.append(value)
    return (tuple(verdicts), Step(tuple(merge), not policy.merge_stops_at_first),
            Step(tuple(values), True))


def _value(row: DiffRow, rule: Rule | None, by_policy: bool, tolerated: bool,
           accel: str) -> tuple[RowVerdict, Reason | None]:
    """VALUE_MISMATCH / PRESENT rows: only constant registers matter at write-back."""
    const = constness(row.id, accel)
    if not const.constant:
        return RowVerdict(row, "ok"), None
    name = regdb.lookup(row.id, accel).name
    if row.status is Status.PRESENT:
        return RowVerdict(row, "unknown"), _reason(row, (
            f"{name} is constant on the destination but the source did not record its value: "
            "cannot tell whether the write-back accepts it"), False, accel, VALUE_UNKNOWN)
    if tolerated:
        return RowVerdict(row, "tolerated", rule, by_policy), None
    return RowVerdict(row, "blocking"), _reason(row, (
        f"{name}: incoming {row.src:#x}, destination {row.dst:#x}; {const.why}"), True, accel)
