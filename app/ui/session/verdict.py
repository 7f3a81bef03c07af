"""Session rules and verdict: the user's rules, the policy and the live evaluation.

A mixin of ``Session`` (session.py); the names the rules layer and the autosave code against:

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
* ``live: LiveSummary | None`` — the model's incremental verdict (``live.live`` is the
  LiveVerdict) and its Summary; ``changed_rows`` — diff rows whose outcome or note may differ
  from the previous verdict, or None when every row may (new pair, new policy, first verdict).
* signals ``rulesChanged`` (rules, rules_path or rules_dirty changed), ``verdictChanged``,
  and ``evaluationStarted`` when a worker starts a build (a new policy or pair on a big diff:
  the banner then says which release it is evaluating with until ``verdictChanged``).

One LiveVerdict is built per (src, dst, policy): at once for ordinary pairs, in a worker above
``SYNC_ROWS`` diff rows (a newer request always wins). A rule edit then only calls
``update(rules)`` on the GUI thread (milliseconds at 256 vCPUs: only the edited registers'
rows are re-judged). The rules layer turns each verdict into per-row notes: every row with
``set_annotations`` after a build, the ``changed_rows`` only with ``patch_annotations``.
"""

from __future__ import annotations

import logging
import os

from app.model.rules.ruleset import RuleSet
from app.model.verdict.incremental.live import LiveVerdict
from app.model.verdict.incremental.summary import LiveSummary

log = logging.getLogger(__name__)
SYNC_ROWS = 5000  # below this many diff rows a verdict takes milliseconds: no worker


def _same(key: tuple, other: tuple | None) -> bool:
    """Same sides (identity: RegisterSet equality would compare every value) and policy."""
    return (other is not None and key[0] is other[0] and key[1] is other[1]
            and key[2] == other[2])


class SessionVerdict:
    """Rules, policy and the verdict kept up to date with them (mixed into Session)."""

    def set_rules(self, ruleset: RuleSet, *, dirty: bool = True) -> None:
        self.rules = ruleset
        self.rules_dirty = dirty
        self.evaluate()  # first: a listener of rulesChanged then sees `evaluating`
        self.rulesChanged.emit()

    def set_rules_file(self, path: str | None, *, dirty: bool = False) -> None:
        self.rules_path = path and os.fspath(path)
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

    def evaluate(self, *, new_diff: bool = False) -> None:
        """Bring the verdict up to date with the current sides, rules and policy: an
        incremental ``update`` when the LiveVerdict is for these sides and policy, else a new
        LiveVerdict. With ``new_diff`` a verdict for the old pair is dropped at once rather
        than shown until a worker ends."""
        src, dst, rules, policy = self.src, self.dst, self.rules, self.policy
        if src is None or dst is None:
            self._evaluator.cancel()
            self._building = self.live = self._live_key = None
            self._verdict_done(None)
            return
        key = (src, dst, policy)
        if self.live is not None and _same(key, self._live_key) and not self._evaluator.pending:
            try:
                self.live.live.update(rules)
                self.live.update(rules)
            except Exception as exc:  # same path as a failed build: the banner reports it
                self._verdict_failed(exc)
            else:
                self._verdict_done(self.live, self.live.last_rows)
            return
        if self._evaluator.pending and _same(key, self._building):
            return  # the build in flight applies the rules current when it lands
        background = (len(self.diff.rows) if self.diff is not None else 0) > SYNC_ROWS
        if background and new_diff and self.verdict is not None:
            self._verdict_done(None)
        self._building = key

        def build() -> LiveSummary:
            return LiveSummary(LiveVerdict(src, dst, policy, rules), rules)

        def built(live: LiveSummary) -> None:
            self._building = None
            self.live, self._live_key = live, key
            if self.rules is not rules:  # edited while the worker ran: catch up, cheaply
                live.live.update(self.rules)
                live.update(self.rules)
            self._verdict_done(live)

        self._evaluator.run(build, built, self._verdict_failed, background=background)
        if self._evaluator.pending:
            self.evaluationStarted.emit()

    def _verdict_done(self, live: LiveSummary | None,
                      changed: tuple[int, ...] | None = None) -> None:
        self.verdict = None if live is None else live.live.verdict
        self.verdict_error, self.changed_rows = None, changed
        self.verdictChanged.emit()

    def _verdict_failed(self, exc: Exception) -> None:
        log.error("evaluating the verdict failed: %s", exc, exc_info=exc)
        self._building = self.live = self._live_key = None
        self.verdict, self.verdict_error, self.changed_rows = None, exc, None
        self.verdictChanged.emit()
