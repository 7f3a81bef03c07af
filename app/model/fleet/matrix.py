"""The matrix: what ``cpreg-explorer check`` says for every ordered pair of groups.

Each cell is ``evaluate(src, dst, rules, policy)`` on the groups' representatives: the same
function, rules and policy resolution ``check`` uses (the policy given, else the release
that wrote the destination), so a cell's verdict, blocking count and first failure are the
ones ``check SRC DST`` prints for any member pair. The diagonal is evaluated too (a host
into its own configuration; it is accepted unless the tool finds something to flag there).
A cell's Verdict is the real one, its trail and rows rebuilt on first read (_Recomputed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from app.model.advice.remedy import Remedy
from app.model.fleet.grouping import FleetGroup
from app.model.fleet.pool import CancelCheck, check_cancelled
from app.model.rules.ruleset import RuleSet
from app.model.sources.register_set import RegisterSet
from app.model.verdict.evaluate import RowVerdict, Verdict, evaluate
from app.model.verdict.policy import Policy
from app.model.verdict.reason import Reason

PairProgress = Callable[[int, int, str], None]
Keep = Callable[[tuple[int, int], Verdict], None]


@dataclass(frozen=True)
class FleetCell:
    """Group ``src``'s stream loaded into group ``dst``'s configuration.

    ``first_failure`` is the message of the first blocking reason (where QEMU stops);
    ``baseline_accepted`` whether the pair loads with the pool's baseline rules (None until
    the baseline is computed), ``unfixable_reason`` why the baseline cannot fix it and
    ``remedies`` what would fix it instead (advice.remedy: -M, -m, -smp, a device);
    ``relies_on`` the registers of the rules its acceptance relies on (with the user's rules
    when accepted as it is, else with the baseline; empty when it needs none)."""

    src: int
    dst: int
    verdict: Verdict
    accepted: bool
    blocking: int
    first_failure: str | None
    baseline_accepted: bool | None = None
    unfixable_reason: str | None = None
    remedies: tuple[Remedy, ...] = ()
    relies_on: frozenset[int] = frozenset()


def pairs(count: int) -> Iterator[tuple[int, int]]:
    """Every ordered pair of ``count`` groups, the diagonal included, row by row."""
    for src in range(count):
        for dst in range(count):
            yield src, dst


def each_pair(todo: Sequence[tuple[int, int]], what: str, progress: PairProgress | None,
              cancelled: CancelCheck | None) -> Iterator[tuple[int, int]]:
    """The pairs of ``todo``, each after checking for cancellation and reporting progress
    ("``what`` group S -> group D")."""
    for done, (s, d) in enumerate(todo):
        step = f"{what} group {s} -> group {d}"
        check_cancelled(cancelled, step)
        if progress is not None:
            progress(done, len(todo), step)
        yield s, d


class _Recomputed:
    """The heavy parts of a cell's Verdict (trail, rows), rebuilt by evaluating the pair
    again on first read; the first failure and the unexamined reasons are kept. K^2 whole
    verdicts would hold every register row of every pair; a cell is read one at a time."""

    def __init__(self, src: RegisterSet, dst: RegisterSet, rules: RuleSet,
                 policy: Policy | str | None, verdict: Verdict):
        self._args = (src, dst, rules, policy)
        self._first = verdict.first_failure
        self._unexamined = verdict.unexamined
        self._verdict: Verdict | None = None

    def _full(self) -> Verdict:
        if self._verdict is None:
            self._verdict = evaluate(*self._args)
        return self._verdict

    def trail(self) -> tuple[Reason, ...]:
        return self._full().trail

    def rows(self) -> tuple[RowVerdict, ...]:
        return self._full().rows

    def first_failure(self) -> Reason | None:
        return self._first

    def unexamined(self) -> tuple[Reason, ...]:
        return self._unexamined


def make_cell(src: FleetGroup, dst: FleetGroup, rules: RuleSet,
              policy: Policy | str | None, keep: Keep | None = None) -> FleetCell:
    """The cell of ``src`` into ``dst``; ``keep(pair, verdict)`` sees the whole verdict."""
    verdict = evaluate(src.registers, dst.registers, rules, policy)
    if keep is not None:
        keep((src.group, dst.group), verdict)
    first = verdict.first_failure
    slim = Verdict(verdict.accepted, verdict.policy, verdict.policy_reason, rules=verdict.rules,
                   builtin=verdict.builtin, notes=verdict.notes,
                   lazy=_Recomputed(src.registers, dst.registers, rules, policy, verdict))
    return FleetCell(src.group, dst.group, slim, verdict.accepted, len(verdict.reasons),
                     None if first is None else first.message)


def evaluate_matrix(groups: Sequence[FleetGroup], rules: RuleSet,
                    policy: Policy | str | None, *, what: str = "checking",
                    progress: PairProgress | None = None, cancelled: CancelCheck | None = None,
                    keep: Keep | None = None, only: Iterable[tuple[int, int]] | None = None,
                    ) -> dict[tuple[int, int], FleetCell]:
    """(src group, dst group) -> cell for every ordered pair (see module doc), or for the
    pairs ``only`` names."""
    todo = list(pairs(len(groups)) if only is None else only)
    out = {(s, d): make_cell(groups[s], groups[d], rules, policy, keep)
           for s, d in each_pair(todo, what, progress, cancelled)}
    if progress is not None:
        progress(len(todo), len(todo), "")
    return out
