"""The window's menus and shortcuts (File, Edit, View, Help), built from the window's parts.

Actions are plain attributes of ``Actions`` so later layers can insert theirs next to them
(e.g. an Edit → Undo/Redo pair before ``copy``, or File → Export after ``reload``).
"""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QTabWidget

from app.ui.plain_text import menu_text, tip
from app.ui.session.session import Session
from app.ui.settings import Settings
from app.ui.window import dialogs
from app.ui.window.diff_page import DiffPage
from app.ui.window.gestures import WindowGestures


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
                 page: DiffPage, settings: Settings, *, show_details: Callable[[], None],
                 clear_recent: Callable[[], None]):
        w, g, view = window, gestures, page.view
        self._window, self._settings, self._gestures = window, settings, gestures
        self._clear_recent = clear_recent
        Std = QKeySequence.StandardKey
        self.open_src = _action(w, "Open &source (incoming)…", g.open_source_dialog, Std.Open)
        self.open_dst = _action(w, "Open &destination (local)…", g.open_destination_dialog,
                                "Ctrl+Shift+O")
        self.open_demo = _action(w, "Open the &demo pair", g.open_demo)
        self.swap = _action(w, "S&wap sides", session.swap, "Ctrl+Shift+S")
        self.reload = _action(w, "&Reload", session.reload, Std.Refresh)
        self.quit = _action(w, "&Quit", w.close, Std.Quit)
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
        tabs = page.tabs
        # The tables take Ctrl+PgUp/PgDn for themselves: window shortcuts reach every tab.
        self.next_tab = _action(w, "Ne&xt tab", lambda: _step_tab(tabs, 1), "Ctrl+PgDown")
        self.prev_tab = _action(w, "Pre&vious tab", lambda: _step_tab(tabs, -1), "Ctrl+PgUp")
        self.tab_actions = [
            _action(w, text, lambda i=i: tabs.setCurrentIndex(i), f"Alt+{i + 1}")
            for i, text in enumerate(("c&pregs tab", "CPU &state tab",
                                      "S&tream tab (RAM blocks and sections)"))]
        self.details = _action(w, "Register &details", show_details)
        self.shortcuts = _action(w, "&Keyboard shortcuts", lambda: dialogs.show_shortcuts(w),
                                 ["Ctrl+?", "Ctrl+Shift+/"])
        self.about = _action(w, "&About Cpreg Explorer", lambda: dialogs.show_about(w))

        bar = w.menuBar()
        file = self.file_menu = bar.addMenu("&File")  # later layers insert items here
        for item in (self.open_src, self.open_dst, self.recent, self.open_demo, None,
                     self.swap, self.reload, None, self.quit):
            _add(file, item)
        edit = self.edit_menu = bar.addMenu("&Edit")
        for item in (self.copy, self.find):
            _add(edit, item)
        menu = bar.addMenu("&View")
        for item in (self.next_diff, self.prev_diff, None, self.next_tab, self.prev_tab,
                     *self.tab_actions, None):
            _add(menu, item)
        filters = menu.addMenu("&Filters")
        for action in page.filter_bar.status_actions.values():
            filters.addAction(action)
        filters.addSeparator()
        filters.addAction(page.filter_bar.hide_state_action)
        menu.addSeparator()
        self.view_menu = menu  # docks add their toggle actions here
        menu.addAction(self.details)
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
        for action in (self.copy, self.next_diff, self.prev_diff, self.next_tab,
                       self.prev_tab, *self.tab_actions):
            action.setEnabled(session.diff is not None)

    def _fill_recent(self) -> None:
        self.recent.clear()
        pairs = self._settings.recent_pairs()
        for n, (src, dst) in enumerate(pairs, 1):
            names = menu_text(f"{os.path.basename(src)}  →  {os.path.basename(dst)}")
            action = self.recent.addAction(f"&{n % 10}  {names}")
            action.setToolTip(tip(f"{src} → {dst}"))
            action.triggered.connect(
                lambda _c=False, s=src, d=dst: self._gestures.open_pair(s, d))
        if not pairs:
            self.recent.addAction("No recent pairs").setEnabled(False)
            return
        self.recent.addSeparator()
        self.recent.addAction("Clear recent", self._clear_recent)


def _step_tab(tabs: QTabWidget, step: int) -> None:
    tabs.setCurrentIndex((tabs.currentIndex() + step) % tabs.count())


def _add(menu: QMenu, item) -> None:
    if item is None:
        menu.addSeparator()
    elif isinstance(item, QMenu):
        menu.addMenu(item)
    else:
        menu.addAction(item)
