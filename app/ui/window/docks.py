"""The docks that belong to a loaded pair (register details, rules, overview): hidden on the
start page, shown with a pair, and each as the user last left it.

A part the window owns (main_window.py). ``show_pair(bool)`` is called when the window
switches between the start page and the merged view; the user's own choices — the View menu's
toggles, a dock's close button, "show details" — are remembered in ``wanted`` while a pair is
shown, and ``restore_wanted`` puts them back before the window saves its state, so a layout
saved on the start page still remembers them. The default layout stacks the overview and the
legend as tabs behind the rules (side by side they do not fit a 1280-px screen), and ``fit``
gives the details dock the height its page needs when the window has it (until the user
drags the height: then theirs stays).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

CENTRAL_SHARE = 0.42  # of the height it shares with the details the merged view keeps …
TABLE_KEEP_PX = 170  # … and its tables (tab bar included) at least this: five rows


class PairDocks(QObject):
    def __init__(self, window: QMainWindow, docks: dict[QDockWidget, bool]):
        """``docks``: each dock and whether it is shown with a pair by default."""
        super().__init__(window)
        self.window = window
        self.wanted = dict(docks)
        self.shown = False  # whether a pair is on screen (the docks follow ``wanted``)
        self._tabs: tuple[QDockWidget, ...] | None = None  # to stack when first shown
        self._fit_args: tuple[QDockWidget, Callable[[], int]] | None = None
        self._fitted: int | None = None  # the details height fit() last set
        self._central: QWidget | None = None  # the window's, watched for layout changes
        self._tables: QWidget | None = None  # the merged view's tabs, under the filter bar
        self._fit_timer = QTimer(self)  # coalesces the layout changes that ask for a fit
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self._fit)
        for dock in docks:
            dock.toggleViewAction().triggered.connect(
                lambda checked, d=dock: self._chosen(d, checked))
            dock.installEventFilter(self)  # the close button: a Close event, no action

    def stack_as_tabs(self, first: QDockWidget, *others: QDockWidget) -> None:
        """The default layout: ``others`` tabs behind ``first`` (a saved layout may differ),
        each brought to the front when shown. Done when a pair first shows ``first``: tabs
        made while the docks are hidden, as on the start page, come apart again."""
        self._tabs = (first, *others)
        for dock in others:
            dock.toggleViewAction().triggered.connect(
                lambda checked, d=dock: d.raise_() if checked else None)

    def take_restored(self) -> None:
        """After restoreState: the saved visibility of each dock is what the user wants."""
        for dock in self.wanted:
            self.wanted[dock] = not dock.isHidden()

    def show_pair(self, shown: bool) -> None:
        """Show the wanted docks with a pair (``shown``), hide them all on the start page."""
        self.shown = shown
        for dock, wanted in self.wanted.items():
            dock.setVisible(shown and wanted)
        if shown and self._tabs is not None and self._tabs[0].isVisible():
            first, *others = self._tabs
            for dock in others:
                self.window.tabifyDockWidget(first, dock)
            first.raise_()
            self._tabs = None

    def restore_wanted(self) -> None:
        """Before saveState on the start page: the docks as the user wants them with a pair."""
        if not self.shown:
            for dock, wanted in self.wanted.items():
                dock.setVisible(wanted)

    def want(self, dock: QDockWidget) -> None:
        self._chosen(dock, True)

    def _chosen(self, dock: QDockWidget, visible: bool) -> None:
        if self.shown:
            self.wanted[dock] = visible

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close and watched in self.wanted:
            self._chosen(watched, False)
        elif self._fit_args is not None and self.shown and (
                (watched is self._fit_args[0] and event.type() == QEvent.Type.Resize
                 and event.oldSize().width() != event.size().width())  # type: ignore[attr-defined]
                or (watched is self._central and event.type() == QEvent.Type.LayoutRequest)):
            self._fit_timer.start()
        return False

    def fit(self, details: QDockWidget, page_height: Callable[[], int], tables: QWidget) -> None:
        """Once the layout is done: size ``details`` to ``page_height()`` (its page's minimum
        height at its width: the field table's rows) while the merged view keeps its share
        and its tables five rows (the details page scrolls when both cannot be had). A height
        this set follows width and content; one the user dragged to is left alone."""
        central = self.window.centralWidget()
        if self._fit_args is None and central is not None:
            details.installEventFilter(self)  # width changes re-fit (the first split)
            # The merged view's needs change too (the filter bar wraps to a second line).
            central.installEventFilter(self)
            self._central = central
        self._fit_args = (details, page_height)
        self._tables = tables
        self._fit_timer.start()

    def _fit(self) -> None:
        if self._fit_args is None:
            return
        details, page_height = self._fit_args
        if not self.shown or not details.isVisible() or details.isFloating() \
                or details.widget() is None:
            return
        # + the title bar, and a pixel or two QMainWindow's separators round away
        need = page_height() + details.height() - details.widget().height() + 2
        central, tables = self._central, self._tables
        if central is None or tables is None:
            return
        shared = central.height() + details.height()  # the details dock sits under it
        above = central.height() - tables.height()  # banner, filter bar: as laid out
        keep = max(int(shared * CENTRAL_SHARE), above + TABLE_KEEP_PX)
        target = max(min(need, shared - keep), details.minimumSizeHint().height())
        height = details.height()
        ours = self._fitted is None or abs(height - self._fitted) <= 2  # None: the default
        if ours and height != target:
            self.window.resizeDocks([details], [target], Qt.Orientation.Vertical)
            self._fitted = target
