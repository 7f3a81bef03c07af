"""The View menu: one item per dock, filters that show whether they are on, blocking-register
navigation listed beside the difference navigation."""

from __future__ import annotations

from PySide6.QtGui import QAction

from app.ui.window.dialogs import SHORTCUTS


def _items(menu) -> list[QAction]:
    return [a for a in menu.actions() if a.text()]


def _filters_menu(win):
    return next(a.menu() for a in win.actions.view_menu.actions()
                if a.menu() is not None and a.text().replace("&", "") == "Filters")


def test_view_menu_lists_register_details_once(window):
    texts = [a.text().replace("&", "") for a in _items(window.actions.view_menu)]
    assert texts.count("Register details") == 1
    # The one kept is the dock's own toggle: checkable, and it shows and hides the dock.
    item = next(a for a in _items(window.actions.view_menu)
                if a.text().replace("&", "") == "Register details")
    assert item is window.details_dock.toggleViewAction() and item.isCheckable()


def test_view_filters_show_their_check_state(qtbot, loaded):
    menu = _filters_menu(loaded)
    chips = loaded.filter_bar.status_actions
    items = [a for a in _items(menu) if a in chips.values()]
    assert len(items) >= 4
    for action in items:
        assert action.isCheckable()
        # Fusion paints a checkable item's icon in place of its check mark: none in the menu.
        assert not action.isIconVisibleInMenu() or action.icon().isNull()
    # A chip click is seen in the menu, and a menu choice on the chip: the same action.
    match = chips["match"]
    button = loaded.filter_bar.buttons["match"]
    before = match.isChecked()
    button.click()
    assert match.isChecked() is not before and button.isChecked() is not before
    next(a for a in items if a is match).trigger()
    assert match.isChecked() is before and button.isChecked() is before


def test_blocking_navigation_is_in_the_view_menu_and_the_list(window):
    items = {a.text().replace("&", ""): a for a in _items(window.actions.view_menu)}
    assert items["Next blocking register"].shortcut().toString() == "F8"
    assert items["Previous blocking register"].shortcut().toString() == "Shift+F8"
    assert ("F8 / Shift+F8", "Next / previous blocking register (what the destination "
            "rejects)") in SHORTCUTS
    assert not items["Next blocking register"].isEnabled()  # no pair loaded yet
