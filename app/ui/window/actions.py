"""The window's menus and shortcuts (File, Edit, View, Help), built from the window's parts.

Actions are plain attributes of ``Actions`` so later layers can insert theirs next to them
(e.g. an Edit → Undo/Redo pair before ``copy``, or File → Export after ``reload``).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QTabWidget

from app.ui.fleet.launch import launcher as fleet_launcher
from app.ui.plain_text import menu_text, tip
from app.ui.session.session import Session
from app.ui.settings import Settings
from app.ui.window import dialogs
from app.ui.window.diff_page import DiffPage
from app.ui.window.gestures import WindowGestures
from app.ui.window.pair_names import pair_title

HELP_KEYS = "Ctrl+?"  # the shortcut list


def _action(window, text: str, slot, shortcut=None, context=None) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        shortcuts = shortcut if isinstance(shortcut, list) else [shortcut]
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
    if context is not None:
        action.setShortcutContext(context)
    action.triggered.connect(lambda _checked=False: slot())
    return action


class Actions:
    """The menu bar's actions, by name; called, the window's own QActions (see __call__).

    A part of the window, given what its actions act on: the Session (swap, reload), the
    gestures (open), the page (copy, find, next difference), the settings (recent pairs).
    """

    def __init__(self, window: QMainWindow, session: Session, gestures: WindowGestures,
                 page: DiffPage, settings: Settings, *, clear_recent: Callable[[], None]):
        w, g, view = window, gestures, page.view
        self._window, self._settings, self._gestures = window, settings, gestures
        self._clear_recent = clear_recent
        Std = QKeySequence.StandardKey
        self.open_src = _action(w, "Open &source (incoming)…", g.open_source_dialog, Std.Open)
        self.open_dst = _action(w, "Open &destination (local)…", g.open_destination_dialog,
                                "Ctrl+Shift+O")
        self.open_demo = _action(w, "Open the &demo pair", g.open_demo)
        self.open_fleet = _action(w, "Open &fleet…", lambda: fleet_launcher(w).open_dialog(),
                                  "Ctrl+Shift+F")  # app.ui.fleet: one file per host
        self.swap = _action(w, "S&wap sides", session.swap, "Ctrl+Shift+S")
        self.reload = _action(w, "&Reload", session.reload, Std.Refresh)
        # The offscreen platform's key scheme has no Quit key: Ctrl+Q, as listed, there too.
        self.quit = _action(w, "&Quit", w.close,
                            QKeySequence.keyBindings(Std.Quit) or "Ctrl+Q")
        self.recent = QMenu("Open &recent", w)
        self.recent.aboutToShow.connect(self._fill_recent)

        # Copy only while the table has focus: Ctrl+C in the search field copies its text.
        self.copy = _action(w, "&Copy rows", view.copy_selection, Std.Copy,
                            Qt.ShortcutContext.WidgetShortcut)
        view.addAction(self.copy)
        self.find = _action(w, "&Find…", page.filter_bar.focus_search, Std.Find)
        self.next_diff = _action(w, "&Next difference", lambda: view.goto_difference(1),
                                 "Alt+Down")
        self.prev_diff = _action(w, "&Previous difference", lambda: view.goto_difference(-1),
                                 "Alt+Up")
        self.next_blocking = _action(w, "Next &blocking register",
                                     lambda: goto_blocking(w, page, 1), "F8")
        self.prev_blocking = _action(w, "Previous b&locking register",
                                     lambda: goto_blocking(w, page, -1), "Shift+F8")
        tabs = page.tabs
        # The tables take Ctrl+PgUp/PgDn for themselves: window shortcuts reach every tab.
        self.next_tab = _action(w, "Ne&xt tab", lambda: _step_tab(tabs, 1), "Ctrl+PgDown")
        self.prev_tab = _action(w, "Pre&vious tab", lambda: _step_tab(tabs, -1), "Ctrl+PgUp")
        self.tab_actions = [
            _action(w, text, lambda i=i: tabs.setCurrentIndex(i), f"Alt+{i + 1}")
            for i, text in enumerate(("c&pregs tab", "CPU &state tab",
                                      "S&tream tab (RAM blocks and sections)"))]
        # One binding: X11 maps the key Ctrl+Shift+/ to both Ctrl+? and Ctrl+Shift+/, and two
        # bindings of one action that both match are "Ambiguous shortcut overload" (neither
        # fires). HelpKeyFallback catches the spellings of platforms without a key mapper.
        self.shortcuts = _action(w, "&Keyboard shortcuts", lambda: dialogs.show_shortcuts(w),
                                 HELP_KEYS)
        self._help_fallback = HelpKeyFallback(self.shortcuts, w)
        self.about = _action(w, "&About Cpreg Explorer", lambda: dialogs.show_about(w))

        bar = w.menuBar()
        file = self.file_menu = bar.addMenu("&File")  # later layers insert items here
        for item in (self.open_src, self.open_dst, self.recent, self.open_demo,
                     self.open_fleet, None,
                     self.swap, self.reload, None, self.quit):
            _add(file, item)
        edit = self.edit_menu = bar.addMenu("&Edit")
        for item in (self.copy, self.find):
            _add(edit, item)
        menu = bar.addMenu("&View")
        for item in (self.next_diff, self.prev_diff, self.next_blocking, self.prev_blocking,
                     None, self.next_tab, self.prev_tab, *self.tab_actions, None):
            _add(menu, item)
        filters = menu.addMenu("&Filters")
        for action in page.filter_bar.status_actions.values():
            # Fusion draws a checkable item's icon instead of its check mark: without the
            # icon the menu shows whether each filter is on (the chips keep theirs).
            action.setIconVisibleInMenu(False)
            filters.addAction(action)
        filters.addSeparator()
        filters.addAction(page.filter_bar.hide_state_action)
        menu.addSeparator()
        self.view_menu = menu  # docks add their toggle actions here (Register details, …)
        help_menu = bar.addMenu("&Help")
        for item in (self.shortcuts, self.about):
            _add(help_menu, item)
        self.update_enabled(session)

    def __call__(self) -> list[QAction]:
        """``QWidget.actions()`` of the window: this part is the window's ``actions``
        attribute, which hides that method, so calling it keeps the Qt meaning."""
        return QMainWindow.actions(self._window)

    def update_enabled(self, session: Session) -> None:
        loaded = bool(session.src or session.dst)
        self.reload.setEnabled(loaded and not session.busy)
        self.swap.setEnabled(loaded and not session.busy)
        for action in (self.copy, self.next_diff, self.prev_diff, self.next_blocking,
                       self.prev_blocking, self.next_tab, self.prev_tab, *self.tab_actions):
            action.setEnabled(session.diff is not None)

    def _fill_recent(self) -> None:
        self.recent.clear()
        pairs = self._settings.recent_pairs()
        for n, (src, dst) in enumerate(pairs, 1):
            names = menu_text(pair_title(src, dst, "  →  "))
            action = self.recent.addAction(f"&{n % 10}  {names}")
            action.setToolTip(tip(f"{src} → {dst}"))
            action.triggered.connect(
                lambda _c=False, s=src, d=dst: self._gestures.open_pair(s, d))
        if not pairs:
            self.recent.addAction("No recent pairs").setEnabled(False)
            return
        self.recent.addSeparator()
        self.recent.addAction("Clear recent", self._clear_recent)


def goto_blocking(window: QMainWindow, page: DiffPage, step: int) -> bool:
    """Select the next (step=1) or previous (step=-1) shown cpreg row the verdict flags as
    blocking (the table's per-row flags, so instant at 77,824 rows); when there is none that
    way, say so in the status bar."""
    if page.view.select_next("blocking", step > 0):
        page.tabs.setCurrentWidget(page.view)  # blocking rows are cpregs: show them
        return True
    where = "below" if step > 0 else "above"
    window.statusBar().showMessage(f"No blocking register {where} this row.", 4000)
    return False


class HelpKeyFallback(QObject):
    """Opens the shortcut list on Ctrl+? however the platform spells it, when no shortcut
    took the key: the offscreen platform has no key mapper, so Ctrl+Shift+/ arrives as
    Key_Question or Key_Slash with Ctrl+Shift and matches no binding. A key the shortcut
    matched never reaches the window, so the list never opens twice."""

    def __init__(self, action: QAction, window: QMainWindow):
        super().__init__(window)
        self._action = action
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            ctrl, shift = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
            if ((event.key() == Qt.Key.Key_Question and mods in (ctrl, ctrl | shift))
                    or (event.key() == Qt.Key.Key_Slash and mods == ctrl | shift)):
                self._action.trigger()
                return True
        return super().eventFilter(watched, event)


def _step_tab(tabs: QTabWidget, step: int) -> None:
    tabs.setCurrentIndex((tabs.currentIndex() + step) % tabs.count())


def _add(menu: QMenu, item) -> None:
    if item is None:
        menu.addSeparator()
    elif isinstance(item, QMenu):
        menu.addMenu(item)
    else:
        menu.addAction(item)
