"""Session: the window's one controller object — sources, diff, selection, rules, verdict.

Widgets never hold model state of their own; they read it here and listen to the signals.

This class holds the state, the signals, selection and row notes. Loading is a part it owns
and calls, ``self.loading`` (``SourceLoading``, loading.py): the open / reload / swap methods
here only forward to it, and its complete results are installed by ``_apply``. Rules, policy
and the live verdict are the part ``self.verdicts`` (``VerdictKeeper``, verdict.py, whose
docstring lists the names the rules layer and the autosave code use); the Session forwards
them.

Loading is asynchronous (see loader.py). A load that fails or is cancelled changes nothing:
``src``/``dst``/``diff`` are replaced only when a complete result arrives.

Opening another pair while one is loaded first asks ``pair_guard`` (the rules layer installs
one: keep the rules and the chosen QEMU release for the new pair, or start clean). What the
answer changes is applied when the new pair is installed, before its verdict is built, so a
load that fails or is cancelled leaves the rules alone too.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, Signal

from app.model.compare.diff import Diff, DiffRow
from app.model.compare.state_diff import StateDiff, diff_state
from app.model.compare.stream_diff import StreamDiff, diff_stream
from app.model.rules.ruleset import RuleSet
from app.model.sources import readers as formats
from app.model.sources.register_set import ACCEL_UNKNOWN, RegisterSet, shared_cpu_model
from app.model.verdict.evaluate import Verdict
from app.model.verdict.incremental.incremental_verdict import IncrementalVerdict
from app.ui.session.loader import Loader, LoadResult
from app.ui.session.loading import SourceLoading
from app.ui.session.verdict import VerdictKeeper
from app.ui.table.diff_model import RowNote

OnInstalled = Callable[[], None]  # run once the new pair is in place, before its verdict
# guard((src, dst), go): ``src``/``dst`` the paths asked for (None: that side is kept). It
# calls ``go(on_installed)`` (``on_installed`` may be None) to open them, or never (cancel).
PairGuard = Callable[[tuple[str | None, str | None], Callable[[OnInstalled | None], None]],
                     None]


class Session(QObject):
    """The state the views show and the signals that say when it changed."""

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

    def __init__(self, parent: QObject | None = None, loader: Loader = formats.load):
        super().__init__(parent)
        self.src: RegisterSet | None = None
        self.dst: RegisterSet | None = None
        self.diff: Diff | None = None
        self.selected: DiffRow | None = None
        self.selected_is_state = False  # the selected row is CPU state (no rules apply)
        self._state: tuple | None = None  # (src, dst, StateDiff) once asked for
        self._stream: tuple | None = None  # (src, dst, StreamDiff) once asked for
        self.annotations: dict[tuple[int, int], RowNote] = {}
        self.verdicts = VerdictKeeper(lambda: (self.src, self.dst, self.diff), self)
        for part_signal, signal in ((self.verdicts.rulesChanged, self.rulesChanged),
                                    (self.verdicts.verdictChanged, self.verdictChanged),
                                    (self.verdicts.evaluationStarted, self.evaluationStarted)):
            part_signal.connect(signal)
        self.loading = SourceLoading(lambda: (self.src, self.dst), loader, self)
        for part_signal, signal in ((self.loading.started, self.loadStarted),
                                    (self.loading.progress, self.loadProgress),
                                    (self.loading.failed, self.loadFailed),
                                    (self.loading.cancelled, self.loadCancelled),
                                    (self.loading.busyChanged, self.busyChanged)):
            part_signal.connect(signal)  # a signal relays a signal, in the same emission
        self.loading.resultReady.connect(self._apply)
        self.pair_guard: PairGuard | None = None  # asked before a loaded pair is replaced
        self._on_installed: OnInstalled | None = None  # for the load running now
        for part_signal in (self.loading.failed, self.loading.cancelled):
            part_signal.connect(self._forget_on_installed)

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
    def cpu_model(self) -> tuple[str, ...]:
        """The QEMU CPU model(s) the loaded sides agree on (names of IMPDEF registers that
        models name differently depend on it; ``model`` of regdb.lookup); as the CLI decides."""
        return shared_cpu_model(self.src, self.dst)

    # -- loading (forwarded to the part) ----------------------------------------------------------
    @property
    def loader(self) -> Loader:
        """(path, *, progress) -> RegisterSet for each side; tests may slow it down."""
        return self.loading.loader

    @loader.setter
    def loader(self, loader: Loader) -> None:
        self.loading.loader = loader

    @property
    def busy(self) -> bool:
        return self.loading.busy

    def open(self, src: str | None = None, dst: str | None = None, *,
             ask: bool = True) -> None:
        """Read one or both sides in the background; the other side is kept. When that
        replaces the loaded pair, ``pair_guard`` is asked first, unless ``ask`` is False
        (the caller has set the rules for the new pair itself, e.g. a fleet baseline)."""
        if not (src or dst):
            return
        if ask:
            self._guarded((src, dst), lambda: self.loading.open(src, dst))
        else:
            self._on_installed = None
            self.loading.open(src, dst)

    def open_log(self, path: str) -> None:
        """Read ONE file naming both sides (a QEMU destination log) as the diff (asking
        ``pair_guard`` first, as ``open`` does)."""
        self._guarded((path, path), lambda: self.loading.open_log(path))

    def replaces_pair(self, src: str | None, dst: str | None) -> bool:
        """Whether opening ``src``/``dst`` (None: that side kept) swaps a loaded pair for
        another one; reading the same files again does not."""
        if self.src_path is None or self.dst_path is None:
            return False
        now = (os.path.abspath(self.src_path), os.path.abspath(self.dst_path))
        new = tuple(os.path.abspath(os.fspath(p)) if p else old
                    for p, old in zip((src, dst), now, strict=True))
        return new != now

    def _guarded(self, paths: tuple[str | None, str | None], start: Callable[[], None]) -> None:
        def go(on_installed: OnInstalled | None = None) -> None:
            start()  # cancels the previous load, whose own on_installed is then dropped
            self._on_installed = on_installed

        if self.pair_guard is not None and self.replaces_pair(*paths):
            self.pair_guard(paths, go)
        else:
            go()

    def _forget_on_installed(self, *_args: object) -> None:
        self._on_installed = None

    describes_both_sides = staticmethod(SourceLoading.describes_both_sides)

    def reopen(self, src: str | None, dst: str | None) -> None:
        """Open a pair as it was opened (session restore): never asks ``pair_guard``."""
        self._on_installed = None
        self.loading.reopen(src, dst)

    def reload(self) -> None:
        self._on_installed = None
        self.loading.reopen(self.src_path, self.dst_path)

    def swap(self) -> None:
        self.loading.swap()

    def cancel_load(self) -> None:
        self.loading.cancel()

    def wait_idle(self, msecs: int = 30000) -> bool:
        """Block until the workers are done, at most ``msecs`` in all (window close, tests);
        False when one is still running (a read that never returns: see app.ui.app.run)."""
        deadline = time.monotonic() + msecs / 1000
        if not self.loading.wait(msecs):
            return False
        return self.verdicts.wait(max(0, int((deadline - time.monotonic()) * 1000)))

    def _apply(self, result: LoadResult) -> None:
        # Drop the old selection first: listeners of diffChanged may select a new row.
        self.select(None)
        self.src, self.dst, self.diff = result.src, result.dst, result.diff
        on_installed, self._on_installed = self._on_installed, None
        if on_installed is not None:
            with self.verdicts.held():  # the rules and policy it sets are evaluated below
                on_installed()
        self.sourcesChanged.emit()
        self.diffChanged.emit()
        self.verdicts.evaluate(new_diff=True)

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

    @property
    def stream_diff(self) -> StreamDiff | None:
        """RAM blocks and device sections side by side (computed on first use per pair);
        None until both sides are loaded."""
        if self.src is None or self.dst is None:
            return None
        if self._stream is None or self._stream[0] is not self.src or \
                self._stream[1] is not self.dst:
            self._stream = (self.src, self.dst, diff_stream(self.src, self.dst))
        return self._stream[2]

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

    # -- rules and verdict: forwarded to self.verdicts ----------------------------------------
    @property
    def rules(self) -> RuleSet:
        return self.verdicts.rules

    @property
    def rules_path(self) -> str | None:
        return self.verdicts.rules_path

    @property
    def rules_dirty(self) -> bool:
        return self.verdicts.rules_dirty

    @property
    def policy(self) -> str | None:
        return self.verdicts.policy

    @property
    def verdict(self) -> Verdict | None:
        return self.verdicts.verdict

    @property
    def verdict_error(self) -> Exception | None:
        return self.verdicts.verdict_error

    @property
    def live(self) -> IncrementalVerdict | None:
        return self.verdicts.live

    @property
    def changed_rows(self) -> tuple[int, ...] | None:
        return self.verdicts.changed_rows

    @property
    def evaluating(self) -> bool:
        return self.verdicts.evaluating

    def set_rules(self, ruleset: RuleSet, *, dirty: bool = True) -> None:
        self.verdicts.set_rules(ruleset, dirty=dirty)

    def set_rules_file(self, path: str | os.PathLike | None, *, dirty: bool = False) -> None:
        self.verdicts.set_rules_file(path, dirty=dirty)

    def set_policy(self, policy: object) -> None:
        self.verdicts.set_policy(policy)
