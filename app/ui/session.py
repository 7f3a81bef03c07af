"""Session: the window's one controller object — sources, diff, selection, rules, verdict.

Widgets never hold model state of their own; they read it here and listen to the signals.

Rules and verdict (the names the rules layer and the autosave code against):

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
* signals ``rulesChanged`` (rules, rules_path or rules_dirty changed) and ``verdictChanged``.

One LiveVerdict is built per (src, dst, policy): at once for ordinary pairs, in a worker above
``SYNC_ROWS`` diff rows (a newer request always wins). A rule edit then only calls
``update(rules)`` on the GUI thread (milliseconds at 256 vCPUs: only the edited registers'
rows are re-judged). The rules layer turns each verdict into per-row notes: every row with
``set_annotations`` after a build, the ``changed_rows`` only with ``patch_annotations``.

Loading is asynchronous (see loader.py). A load that fails or is cancelled changes nothing:
``src``/``dst``/``diff`` are replaced only when a complete result arrives.
"""

from __future__ import annotations

import logging
import os
from typing import Mapping

from PySide6.QtCore import QObject, QThreadPool, Signal

from ..model import formats
from ..model.diff import Diff, DiffRow, diff
from ..model.live_summary import LiveSummary
from ..model.live_verdict import LiveVerdict
from ..model.register_set import ACCEL_UNKNOWN, RegisterSet
from ..model.ruleset import RuleSet
from ..model.state_diff import StateDiff, diff_state
from ..model.verdict import Verdict
from .diff_model import RowNote
from .loader import LoadJob, LoadResult
from .tasks import Runner

log = logging.getLogger(__name__)
SIDES = ("src", "dst")
SYNC_ROWS = 5000  # below this many diff rows a verdict takes milliseconds: no worker


def _same(key: tuple, other: tuple | None) -> bool:
    """Same sides (identity: RegisterSet equality would compare every value) and policy."""
    return (other is not None and key[0] is other[0] and key[1] is other[1]
            and key[2] == other[2])


class Session(QObject):
    sourcesChanged = Signal()  # src/dst (and their paths) were replaced
    diffChanged = Signal()  # a new Diff (or None): rows, counts and selection are stale
    selectionChanged = Signal(object)  # the selected DiffRow, or None
    annotationsChanged = Signal()  # per-row notes from outside (rules/verdict): all replaced
    annotationsPatched = Signal(object)  # {diff row index: RowNote | None}: only these changed
    loadStarted = Signal(list)  # the paths being read
    loadProgress = Signal(str, int, int)  # path, done, total
    loadFailed = Signal(object)  # the exception; previous sources stay loaded
    loadCancelled = Signal()
    busyChanged = Signal(bool)
    rulesChanged = Signal()  # rules, rules_path or rules_dirty changed
    verdictChanged = Signal()  # verdict (or verdict_error) replaced

    def __init__(self, parent=None, loader=formats.load):
        super().__init__(parent)
        self.loader = loader  # (path, *, progress) -> RegisterSet; tests may slow it down
        self.pair_loader = formats.load_pair  # one file naming both sides (a QEMU log)
        self.src: RegisterSet | None = None
        self.dst: RegisterSet | None = None
        self.diff: Diff | None = None
        self.selected: DiffRow | None = None
        self.selected_is_state = False  # the selected row is CPU state (no rules apply)
        self._state: tuple | None = None  # (src, dst, StateDiff) once asked for
        self.annotations: dict[tuple[int, int], RowNote] = {}
        self.rules = RuleSet()
        self.rules_path: str | None = None
        self.rules_dirty = False
        self.policy: str | None = None
        self.verdict: Verdict | None = None
        self.verdict_error: Exception | None = None
        self.live: LiveSummary | None = None
        self.changed_rows: tuple[int, ...] | None = None
        self._live_key: tuple | None = None  # (src, dst, policy) of `live`
        self._building: tuple | None = None  # the key a pending build is for
        self._evaluator = Runner(self)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._job: LoadJob | None = None
        self._serial = 0

    # -- state ------------------------------------------------------------------------------
    @property
    def src_path(self) -> str | None:
        return self.src.provenance.path if self.src else None

    @property
    def dst_path(self) -> str | None:
        return self.dst.provenance.path if self.dst else None

    @property
    def accel(self) -> str:
        """Who wrote the ids (names of two KVM timer ids depend on it); as the CLI decides."""
        for regs in (self.src, self.dst):
            if regs is not None and regs.accel != ACCEL_UNKNOWN:
                return regs.accel
        return ACCEL_UNKNOWN

    @property
    def busy(self) -> bool:
        return self._job is not None

    # -- loading ----------------------------------------------------------------------------
    def open(self, src: str | None = None, dst: str | None = None) -> None:
        """Read one or both sides in the background; the other side is kept."""
        if not src and not dst:
            return
        self.cancel_load()
        self._serial += 1
        self._start(LoadJob(self._serial, self.loader, src and os.fspath(src),
                            dst and os.fspath(dst), None if src else self.src,
                            None if dst else self.dst), [p for p in (src, dst) if p])

    def open_log(self, path: str) -> None:
        """Read ONE file that names both sides (a QEMU destination log) as the diff; a file
        that names one side only fails like a bad file (the loaded sides stay)."""
        self.cancel_load()
        self._serial += 1
        path = os.fspath(path)
        self._start(LoadJob(self._serial, self.loader, path, None, None, None,
                            pair_loader=self.pair_loader), [path])

    @staticmethod
    def describes_both_sides(path: str) -> bool:
        """Whether ``path`` opens as a diff on its own (sniffs the first bytes only). An
        unreadable file is False here: the ordinary open then reports why."""
        try:
            return formats.describes_both_sides(path)
        except formats.FormatError:
            return False

    def _start(self, job: LoadJob, paths: list[str]) -> None:
        # Bound methods of this QObject (not lambdas): Qt then queues the worker's emissions
        # into the GUI thread, where this session lives.
        job.signals.progress.connect(self._progress)
        job.signals.finished.connect(self._finished)
        job.signals.failed.connect(self._failed)
        job.signals.cancelled.connect(self._cancelled)
        self._job = job
        self.busyChanged.emit(True)
        self.loadStarted.emit(paths)
        self._pool.start(job)

    def reload(self) -> None:
        self.reopen(self.src_path, self.dst_path)

    def reopen(self, src: str | None, dst: str | None) -> None:
        """Open a pair as it was opened: the same file on both sides is one QEMU log (when it
        names both sides), else the two sides."""
        if src and src == dst and self.describes_both_sides(src):
            self.open_log(src)
        elif src or dst:
            self.open(src, dst)

    def cancel_load(self) -> None:
        if self._job is not None:
            self._job.cancel()

    def wait_idle(self, msecs: int = 30000) -> bool:
        """Block until the workers are done (window close, tests)."""
        return self._pool.waitForDone(msecs) and self._evaluator.wait(msecs)

    def swap(self) -> None:
        """Exchange the sides; the diff is recomputed at once (a merge is cheap)."""
        if self.busy:
            return
        self._apply(LoadResult(self.dst, self.src,
                               diff(self.dst, self.src) if self.src and self.dst else None))

    # -- selection and annotations -----------------------------------------------------------
    def select(self, row: DiffRow | None, *, state: bool = False) -> None:
        """``state``: ``row`` is from ``state_diff`` (CPU state), not from the cpreg diff."""
        if row != self.selected or state != self.selected_is_state:
            self.selected, self.selected_is_state = row, bool(state and row is not None)
            self.selectionChanged.emit(row)

    @property
    def state_diff(self) -> StateDiff | None:
        """The CPU state outside the cpreg arrays, compared (computed on first use per
        pair); None until both sides are loaded. Never part of the verdict."""
        if self.src is None or self.dst is None:
            return None
        if self._state is None or self._state[0] is not self.src or self._state[1] is not self.dst:
            self._state = (self.src, self.dst, diff_state(self.src, self.dst))
        return self._state[2]

    def set_annotations(self, notes: Mapping[tuple[int, int], RowNote]) -> None:
        """Per-row notes keyed by (vcpu, register id): the Rule column and "tolerated"."""
        self.annotations = dict(notes)
        self.annotationsChanged.emit()

    def patch_annotations(self, changed: Mapping[int, RowNote | None]) -> None:
        """Replace the notes of a few rows, keyed by diff row index (None: no note)."""
        rows = self.diff.rows if self.diff is not None else ()
        for i, note in changed.items():
            key = (rows[i].vcpu, rows[i].id)
            if note is None:
                self.annotations.pop(key, None)
            else:
                self.annotations[key] = note
        self.annotationsPatched.emit(changed)

    # -- rules and verdict (see the module docstring) ------------------------------------------
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

    # -- worker results -----------------------------------------------------------------------
    def _current(self, serial: int) -> bool:
        return self._job is not None and self._job.serial == serial

    def _done(self, serial: int) -> bool:
        """True when ``serial`` is the running job (which is then over); news from a job
        superseded by a newer open() is dropped."""
        if not self._current(serial):
            return False
        self._job = None
        self.busyChanged.emit(False)
        return True

    def _progress(self, serial: int, path: str, done: int, total: int) -> None:
        if self._current(serial):
            self.loadProgress.emit(path, done, total)

    def _finished(self, serial: int, result: LoadResult) -> None:
        if self._done(serial):
            self._apply(result)

    def _failed(self, serial: int, exc: Exception) -> None:
        if self._done(serial):
            self.loadFailed.emit(exc)

    def _cancelled(self, serial: int) -> None:
        if self._done(serial):
            self.loadCancelled.emit()

    def _apply(self, result: LoadResult) -> None:
        # Drop the old selection first: listeners of diffChanged may select a new row.
        self.select(None)
        self.src, self.dst, self.diff = result.src, result.dst, result.diff
        self.sourcesChanged.emit()
        self.diffChanged.emit()
        self.evaluate(new_diff=True)
