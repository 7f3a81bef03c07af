"""Session: the window's one controller object — sources, diff, selection, rules, verdict.

Widgets never hold model state of their own; they read it here and listen to the signals.

The responsibilities live in mixins so that each reads on its own: loading in
session_loading.py (``SessionLoading``), rules, policy and the live verdict in
session_verdict.py (``SessionVerdict``, whose docstring lists the names the rules layer and the
autosave code against). This class holds the state, the signals, selection and row notes.

Loading is asynchronous (see loader.py). A load that fails or is cancelled changes nothing:
``src``/``dst``/``diff`` are replaced only when a complete result arrives.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QObject, QThreadPool, Signal

from app.model.compare.diff import Diff, DiffRow
from app.model.compare.state_diff import StateDiff, diff_state
from app.model.rules.ruleset import RuleSet
from app.model.sources import readers as formats
from app.model.sources.register_set import ACCEL_UNKNOWN, RegisterSet
from app.model.verdict.evaluate import Verdict
from app.model.verdict.incremental.summary import LiveSummary
from app.ui.session.loader import LoadJob
from app.ui.session.loading import SessionLoading
from app.ui.session.verdict import SessionVerdict
from app.ui.table.diff_model import RowNote
from app.ui.tasks import Runner

SIDES = ("src", "dst")


class Session(SessionLoading, SessionVerdict, QObject):
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
    evaluationStarted = Signal()  # a worker builds a new verdict (`evaluating` is now True)

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
