"""Session rules and verdict: the user's rules, the policy and the live evaluation.

``VerdictKeeper``, a part the ``Session`` (session.py) owns; the Session forwards these
names, which the rules layer and the autosave code use:

* ``rules: RuleSet`` — the user's rules; replaced only through ``set_rules``.
* ``set_rules(ruleset, *, dirty=True)`` — install ``ruleset`` (undo commands, file open,
  autosave restore); starts the re-evaluation, then emits ``rulesChanged``.
* ``rules_path: str | None`` — the rule file the rules were opened from / saved to
  (``--rules FILE`` too); ``rules_dirty: bool`` — changed since that file was read/written.
  ``set_rules_file(path, *, dirty=False)`` updates both after a save or an open.
* ``policy: str | None`` — "qemu-7.2" / "qemu-10.0" / "qemu-11.1", None for the destination
  writer's default; ``set_policy`` takes a name, a model Policy or None. The policy applied
  and why are in ``verdict.policy`` / ``verdict.policy_reason``.
* ``verdict: Verdict | None`` — equal to ``evaluate(src, dst, rules, policy)``, None until
  both sides are loaded; ``verdict_error`` holds the exception when evaluating failed.
* ``live: IncrementalVerdict | None`` — the model's incremental verdict: ``live.summary`` its
  Summary, ``live.outcome(i)`` / ``live.row_reason(i)`` one row (``live.live`` is its
  LiveVerdict part); ``changed_rows`` — diff rows whose outcome or note may differ from the
  previous verdict, or None when every row may (new pair, new policy, first verdict).
* signals ``rulesChanged`` (rules, rules_path or rules_dirty changed), ``verdictChanged``,
  and ``evaluationStarted`` when a worker starts a build (a new policy or pair on a big diff:
  the banner then says which release it is evaluating with until ``verdictChanged``).

One IncrementalVerdict is built per (src, dst, policy): at once for ordinary pairs, in a worker
above ``SYNC_ROWS`` diff rows (a newer request always wins). A rule edit then only calls
``update(rules)`` on the GUI thread (milliseconds at 256 vCPUs: only the edited registers'
rows are re-judged). The rules layer turns each verdict into per-row notes: every row with
``set_annotations`` after a build, the ``changed_rows`` only with ``patch_annotations``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.model.compare.diff import Diff
from app.model.rules.ruleset import RuleSet
from app.model.sources.register_set import RegisterSet
from app.model.verdict.evaluate import Verdict
from app.model.verdict.incremental.incremental_verdict import IncrementalVerdict, VerdictUpdate
from app.ui.tasks import Runner

log = logging.getLogger(__name__)
SYNC_ROWS = 5000  # below this many diff rows a verdict takes milliseconds: no worker

Key = tuple[RegisterSet, RegisterSet, Any]  # (src, dst, policy) an IncrementalVerdict is for
Sides = Callable[[], tuple[RegisterSet | None, RegisterSet | None, Diff | None]]


def _same(key: Key, other: Key | None) -> bool:
    """Same sides (identity: RegisterSet equality would compare every value) and policy."""
    return (other is not None and key[0] is other[0] and key[1] is other[1]
            and key[2] == other[2])


class VerdictKeeper(QObject):
    """Rules, policy and the verdict kept up to date with them, for the sides ``sides()``
    returns (the Session's current src, dst and diff)."""

    rulesChanged = Signal()
    verdictChanged = Signal()
    evaluationStarted = Signal()

    def __init__(self, sides: Sides, parent: QObject | None = None):
        super().__init__(parent)
        self._sides = sides
        self.rules = RuleSet()
        self.rules_path: str | None = None
        self.rules_dirty = False
        self.policy: str | None = None
        self.verdict: Verdict | None = None
        self.verdict_error: Exception | None = None
        self.live: IncrementalVerdict | None = None
        self.changed_rows: tuple[int, ...] | None = None
        self._live_key: Key | None = None  # (src, dst, policy) of `live`
        self._building: Key | None = None  # the key a pending build is for
        self._evaluator = Runner(self)
        self._held = False  # set_rules / set_policy wait for the caller's evaluate()

    @contextmanager
    def held(self) -> Iterator[None]:
        """Rules and policy set inside are not evaluated at once: the caller evaluates
        right after (a new pair is being installed: no verdict of the old one in between)."""
        self._held = True
        try:
            yield
        finally:
            self._held = False

    def set_rules(self, ruleset: RuleSet, *, dirty: bool = True) -> None:
        self.rules = ruleset
        self.rules_dirty = dirty
        self.evaluate()  # first: a listener of rulesChanged then sees `evaluating`
        self.rulesChanged.emit()

    def set_rules_file(self, path: str | os.PathLike | None, *, dirty: bool = False) -> None:
        self.rules_path = None if path is None else os.fspath(path)
        self.rules_dirty = dirty
        self.rulesChanged.emit()

    def set_policy(self, policy) -> None:
        """A policy name (or a model Policy), None for the destination writer's default."""
        policy = getattr(policy, "name", policy)
        if policy != self.policy:
            self.policy = policy
            self.evaluate()

    @property
    def evaluating(self) -> bool:
        return self._evaluator.pending

    def wait(self, msecs: int) -> bool:
        return self._evaluator.wait(msecs)

    def evaluate(self, *, new_diff: bool = False) -> None:
        """Bring the verdict up to date with the current sides, rules and policy: an
        incremental ``update`` when the IncrementalVerdict is for these sides and policy, else
        a new one. With ``new_diff`` a verdict for the old pair is dropped at once rather than
        shown until a worker ends."""
        if self._held:
            return
        src, dst, diff = self._sides()
        rules, policy = self.rules, self.policy
        if src is None or dst is None:
            self._evaluator.cancel()
            self._building = self.live = self._live_key = None
            self._verdict_done(None)
            return
        key: Key = (src, dst, policy)
        if self.live is not None and _same(key, self._live_key) and not self._evaluator.pending:
            try:
                update = self.live.update(rules)
            except Exception as exc:  # same path as a failed build: the banner reports it
                self._verdict_failed(exc)
            else:
                self._verdict_done(update)
            return
        if self._evaluator.pending and _same(key, self._building):
            return  # the build in flight applies the rules current when it lands
        background = (len(diff.rows) if diff is not None else 0) > SYNC_ROWS
        if background and new_diff and self.verdict is not None:
            self._verdict_done(None)
        self._building = key

        def build() -> IncrementalVerdict:
            return IncrementalVerdict(src, dst, policy, rules)

        def built(live: IncrementalVerdict) -> None:
            self._building = None
            self.live, self._live_key = live, key
            # Edited while the worker ran: catch up, cheaply. Either way every row is new.
            update = live.last if self.rules is rules else live.update(self.rules)
            self._verdict_done(replace(update, changed_rows=None))

        self._evaluator.run(build, built, self._verdict_failed, background=background)
        if self._evaluator.pending:
            self.evaluationStarted.emit()

    def _verdict_done(self, update: VerdictUpdate | None) -> None:
        self.verdict = None if update is None else update.verdict
        self.verdict_error = None
        self.changed_rows = None if update is None else update.changed_rows
        self.verdictChanged.emit()

    def _verdict_failed(self, exc: Exception) -> None:
        log.error("evaluating the verdict failed: %s", exc, exc_info=exc)
        self._building = self.live = self._live_key = None
        self.verdict, self.verdict_error, self.changed_rows = None, exc, None
        self.verdictChanged.emit()
