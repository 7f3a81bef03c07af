"""AsIsVerdict: whether the destination QEMU accepts the pair as it is, without the user's rules.

The session's verdict applies the rules as if the destination had them built in; the banner
must also say what the QEMU as shipped does (advice/deployability.py). Usually the verdict
itself tells (``as_is_known``); when the rules are what makes it pass, the pair is evaluated
once more without rules — once per (src, dst, policy), since rules do not change it — in a
worker for big pairs (above the session's ``SYNC_ROWS``), so a rule edit never waits for it.
Until it lands the banner says it is checking, never "accepted".
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from app.model.advice.deployability import Deployability, judge
from app.model.rules.ruleset import RuleSet
from app.model.sources.register_set import RegisterSet
from app.model.verdict.evaluate import evaluate
from app.model.verdict.policy import Policy
from app.model.verdict.summary import Summary
from app.ui.session.verdict import SYNC_ROWS
from app.ui.tasks import Runner

log = logging.getLogger(__name__)


class AsIsVerdict(QObject):
    """The verdict with no user rule for the current pair and policy, computed on demand."""

    ready = Signal()  # a background evaluation landed: ask ``deployability`` again

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._key: tuple[RegisterSet, RegisterSet, str] | None = None
        self._accepted: bool | None = None  # None: not known (computing, or it failed)
        self._runner = Runner(self)

    def _same(self, src: RegisterSet, dst: RegisterSet, policy: Policy) -> bool:
        key = self._key
        return key is not None and key[0] is src and key[1] is dst and key[2] == policy.name

    def accepted(self, src: RegisterSet, dst: RegisterSet, policy: Policy,
                 rows: int) -> bool | None:
        """The verdict without rules; None while a worker computes it (``ready`` follows)."""
        if self._same(src, dst, policy):
            return self._accepted
        self._key, self._accepted = (src, dst, policy.name), None
        key, background = self._key, rows > SYNC_ROWS

        def done(accepted: bool) -> None:
            if self._key is key:
                self._accepted = accepted
                if background:  # a synchronous result is returned below, not signalled
                    self.ready.emit()

        def failed(exc: Exception) -> None:
            # The banner keeps saying "checking…" rather than guessing; the log says why.
            log.error("evaluating the pair without rules failed: %s", exc, exc_info=exc)

        self._runner.run(lambda: evaluate(src, dst, None, policy).accepted, done, failed,
                         background=background)
        return self._accepted

    def deployability(self, src: RegisterSet, dst: RegisterSet, summary: Summary,
                      rules: RuleSet, rows: int) -> Deployability:
        """The banner's Deployability of ``summary`` (the verdict with ``rules``)."""
        v = summary.verdict
        return judge(v.policy, dst.provenance.machine, rules, v.accepted, summary.per_rule,
                     lambda: self.accepted(src, dst, v.policy, rows))

    def wait(self, msecs: int = 30000) -> bool:
        return self._runner.wait(msecs)
