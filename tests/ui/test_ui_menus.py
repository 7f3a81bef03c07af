"""Menus, the start page and the help dialogs, driven through the real widgets."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.ui.window.dialogs import SHORTCUTS


def _menu_texts(win) -> dict[str, list[str]]:
    out = {}
    for action in win.menuBar().actions():
        out[action.text().replace("&", "")] = [a.text().replace("&", "")
                                                for a in action.menu().actions() if a.text()]
    return out


def test_menus_offer_what_the_issue_lists(window):
    menus = _menu_texts(window)
    assert list(menus) == ["File", "Edit", "View", "Help"]
    assert {"Open source (incoming)…", "Open destination (local)…", "Open recent",
            "Swap sides", "Reload", "Quit"} <= set(menus["File"])
    assert {"Next difference", "Previous difference", "Filters", "Legend",
            "Register details"} <= set(menus["View"])
    assert window.actions.reload.shortcut().toString() == "F5"
    assert window.actions.next_diff.shortcut().toString() == "Alt+Down"


def test_start_page_then_demo_opens_the_bundled_pair(qtbot, window):
    assert window.stack.currentIndex() == 0 and not window.details_dock.isVisible()
    assert not window.actions.reload.isEnabled()
    qtbot.mouseClick(window.start_page.demo, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session.diff is not None, timeout=20000)
    assert window.stack.currentIndex() == 1 and window.details_dock.isVisible()
    assert window.session.src.provenance.writer == "qemu-7.2"
    assert window.session.dst.provenance.writer == "qemu-11.1"
    assert window.windowTitle().startswith("q72-cortex-a57-smp2.mig → ")
    assert window.actions.reload.isEnabled()


def test_legend_is_toggled_from_the_view_menu(window):
    toggle = window.legend_dock.toggleViewAction()
    assert not window.legend_dock.isVisible()
    toggle.trigger()
    assert window.legend_dock.isVisible()
    labels = [w.text() for w in window.legend.findChildren(type(window.summary.src))]
    assert any("Unexpected" in t for t in labels) and any("Tolerated" in t for t in labels)


def test_shortcuts_and_about_dialogs(qtbot, window):
    window.actions.shortcuts.trigger()
    box = next(b for b in window.findChildren(QMessageBox) if b.isVisible())
    for keys, _what in SHORTCUTS:
        assert keys in box.text()
    box.close()
    window.actions.about.trigger()
    box = next(b for b in window.findChildren(QMessageBox) if b.isVisible())
    assert "Register database: Linux" in box.text()
    box.close()
