"""The window's menus and shortcuts (File, Edit, View, Help), built from the window's slots.

Actions are plain attributes of ``Actions`` so later layers can insert theirs next to them
(e.g. an Edit → Undo/Redo pair before ``copy``, or File → Export after ``reload``).
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from app.ui.window import dialogs


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
    def __init__(self, window):
        w = window
        Std = QKeySequence.StandardKey
        self.open_src = _action(w, "Open &source (incoming)…", w.open_source_dialog, Std.Open)
        self.open_dst = _action(w, "Open &destination (local)…", w.open_destination_dialog,
                                "Ctrl+Shift+O")
        self.open_demo = _action(w, "Open the &demo pair", w.open_demo)
        self.swap = _action(w, "S&wap sides", w.session.swap, "Ctrl+Shift+S")
        self.reload = _action(w, "&Reload", w.session.reload, Std.Refresh)
        self.quit = _action(w, "&Quit", w.close, Std.Quit)
        self.recent = QMenu("Open &recent", w)
        self.recent.aboutToShow.connect(lambda: self._fill_recent(w))

        # Copy only while the table has focus: Ctrl+C in the search field copies its text.
        self.copy = _action(w, "&Copy rows", w.view.copy_selection, Std.Copy,
                            Qt.ShortcutContext.WidgetShortcut)
        w.view.addAction(self.copy)
        self.find = _action(w, "&Find…", w.filter_bar.focus_search, Std.Find)
        self.next_diff = _action(w, "&Next difference", lambda: w.view.goto_difference(1),
                                 "Alt+Down")
        self.prev_diff = _action(w, "&Previous difference", lambda: w.view.goto_difference(-1),
                                 "Alt+Up")
        self.details = _action(w, "Register &details", w.show_details)
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
        view = bar.addMenu("&View")
        for item in (self.next_diff, self.prev_diff, None):
            _add(view, item)
        filters = view.addMenu("&Filters")
        for action in w.filter_bar.status_actions.values():
            filters.addAction(action)
        filters.addSeparator()
        filters.addAction(w.filter_bar.hide_state_action)
        view.addSeparator()
        self.view_menu = view  # docks add their toggle actions here
        view.addAction(self.details)
        help_menu = bar.addMenu("&Help")
        for item in (self.shortcuts, self.about):
            _add(help_menu, item)
        self.update_enabled(w.session)

    def update_enabled(self, session) -> None:
        loaded = bool(session.src or session.dst)
        self.reload.setEnabled(loaded and not session.busy)
        self.swap.setEnabled(loaded and not session.busy)
        for action in (self.copy, self.next_diff, self.prev_diff):
            action.setEnabled(session.diff is not None)

    def _fill_recent(self, window) -> None:
        self.recent.clear()
        pairs = window.settings.recent_pairs()
        for n, (src, dst) in enumerate(pairs, 1):
            label = f"&{n % 10}  {os.path.basename(src)}  →  {os.path.basename(dst)}"
            action = self.recent.addAction(label)
            action.setToolTip(f"{src} → {dst}")
            action.triggered.connect(lambda _c=False, s=src, d=dst: window.open_pair(s, d))
        if not pairs:
            self.recent.addAction("No recent pairs").setEnabled(False)
            return
        self.recent.addSeparator()
        self.recent.addAction("Clear recent", window.clear_recent)


def _add(menu: QMenu, item) -> None:
    if item is None:
        menu.addSeparator()
    elif isinstance(item, QMenu):
        menu.addMenu(item)
    else:
        menu.addAction(item)
