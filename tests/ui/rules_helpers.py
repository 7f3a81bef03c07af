"""Driving the rules layer the way a user does: row menus, rule buttons, dialogs, file dialogs."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMenu

from app.ui.table.diff_model import Column
from ui_helpers import proxy_row_of


def focus(qtbot, widget) -> None:
    widget.window().activateWindow()
    qtbot.waitUntil(widget.window().isActiveWindow)
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)


def row_menu(qtbot, win, name: str, vcpu: int = 0) -> QMenu:
    """Right-click ``name``'s row (the view's customContextMenuRequested, as a mouse does)."""
    row = proxy_row_of(win, name, vcpu)
    assert row >= 0, f"{name} is not shown"
    win.view.select_proxy_row(row)
    pos = win.view.visualRect(win.proxy.index(row, Column.NAME)).center()
    win.view.customContextMenuRequested.emit(pos)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    return QApplication.activePopupWidget()


def rule_items(menu: QMenu) -> list[str]:
    """The rule section's action texts (after the "Rule for …" section header)."""
    texts = [a.text() for a in menu.actions()]
    start = next(i for i, t in enumerate(texts) if t.startswith("Rule for "))
    return [t for t in texts[start + 1:] if t]


def choose(menu: QMenu, prefix: str) -> None:
    action = next(a for a in menu.actions() if a.text().replace("&", "").startswith(prefix))
    action.trigger()
    menu.close()


def open_dialog(qtbot, win):
    qtbot.waitUntil(lambda: win.rules_layer.actions.dialog is not None
                    and win.rules_layer.actions.dialog.isVisible())
    return win.rules_layer.actions.dialog


def press_enter(qtbot, dialog) -> None:
    """Enter where the keyboard focus is, as a user presses it."""
    target = dialog.focusWidget() or dialog
    qtbot.keyClick(target, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def add_rule(qtbot, win, name: str, prefix: str, vcpu: int = 0):
    """Row menu → rule item → the dialog → Enter; returns the dialog's effect text."""
    choose(row_menu(qtbot, win, name, vcpu), prefix)
    dialog = open_dialog(qtbot, win)
    effect = dialog.effect.text()
    press_enter(qtbot, dialog)
    return effect


class FakeFileDialog:
    """Stands in for QFileDialog's static getters: answers with a preset path."""

    def __init__(self, path: str):
        self.path = path
        self.asked: list[tuple] = []

    def getSaveFileName(self, *args, **kwargs):
        self.asked.append(args)
        return self.path, ""

    getOpenFileName = getSaveFileName
