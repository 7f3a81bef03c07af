"""The rule dialog's mask: built by clicking the bit strip, wide enough to read, and a reason
that follows the numbers until the user writes one."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from rules_helpers import choose, open_dialog, row_menu
from ui_helpers import proxy_row_of

from app.model.registers import regdb


def _dialog(qtbot, win, button: str):
    """ID_DFR0_EL1 (differs in MMapTrc [19:16]): the details panel's rule button → dialog."""
    win.view.select_proxy_row(proxy_row_of(win, "ID_DFR0_EL1"))
    buttons = {b.text(): b for b in win.rules_layer.actions.buttons.buttons}
    qtbot.mouseClick(buttons[button], Qt.MouseButton.LeftButton)
    return open_dialog(qtbot, win)


def _click_bit(qtbot, strip, bit: int, mods=Qt.KeyboardModifier.NoModifier) -> None:
    x = int(strip._x(bit) + strip._cell() / 2)
    qtbot.mouseClick(strip, Qt.MouseButton.LeftButton, mods, QPoint(x, strip.height() // 2))


def _mask(dialog) -> int:
    return int(dialog.mask.text(), 16)


def test_clicking_a_field_toggles_it_in_the_mask(qtbot, loaded):
    dialog = _dialog(qtbot, loaded, "diff-in-mask: MMapTrc…")
    strip = dialog.field_view.strip
    perfmon = next(f for f in regdb.fields_of(dialog.register, loaded.session.accel)
                   if f.name == "PerfMon")
    assert _mask(dialog) == 0xF0000 and strip.masked_bits() == [16, 17, 18, 19]
    effect = dialog.effect.text()
    _click_bit(qtbot, strip, perfmon.lsb + 1)  # any bit of PerfMon: the whole field goes in
    assert _mask(dialog) == 0xF0000 | perfmon.mask
    assert set(strip.masked_bits()) == {16, 17, 18, 19, *range(perfmon.lsb, perfmon.msb + 1)}
    names = [dialog.field_view.table.item(r, 0).text()
             for r in range(dialog.field_view.table.rowCount())]
    assert "PerfMon" in names and "MMapTrc" in names
    assert "PerfMon" in dialog.reason.text()  # the untouched reason follows the mask
    qtbot.waitUntil(lambda: dialog.effect.text() != effect or dialog.rule().mask != 0xF0000)
    _click_bit(qtbot, strip, perfmon.msb)  # again: out, back where it started
    assert _mask(dialog) == 0xF0000
    assert "differs only in MMapTrc [19:16]" in dialog.reason.text()
    _click_bit(qtbot, strip, 16, Qt.KeyboardModifier.ControlModifier)  # one bit only
    assert _mask(dialog) == 0xE0000 and 16 not in strip.masked_bits()
    # Accepted, the rule is the mask the clicks built.
    dialog.accept()
    qtbot.waitUntil(lambda: loaded.session.rules.get(dialog.register) is not None)
    assert loaded.session.rules.get(dialog.register).mask == 0xE0000


def test_clicks_leave_a_mask_the_type_does_not_use_alone(qtbot, loaded):
    choose(row_menu(qtbot, loaded, "ID_AA64ISAR0_EL1"), "Not on both ends")
    dialog = open_dialog(qtbot, loaded)
    strip = dialog.field_view.strip
    assert strip.isVisible() and not dialog.mask.isEnabled()
    before = dialog.mask.text()
    _click_bit(qtbot, strip, 5)
    assert dialog.mask.text() == before and strip.masked_bits() == []
    assert not dialog.field_view.hint.isVisible()
    dialog.reject()


def test_mask_field_shows_all_sixteen_digits_at_its_smallest(qtbot, loaded):
    dialog = _dialog(qtbot, loaded, "diff-in-mask: whole register…")
    for edit in (dialog.mask, dialog.value):
        # As narrow as any layout may make it (a small screen, a narrowed dialog).
        edit.setFixedWidth(max(edit.minimumWidth(), edit.minimumSizeHint().width()))
        edit.setEnabled(True)
        edit.setText("0xffffffffffffffff")
        qtbot.wait(20)
        # Text that does not fit scrolls: the cursor at the end and at the start are then
        # less than the text's width apart. (QLineEdit scrolls when it paints.)
        edit.setCursorPosition(len(edit.text()))
        edit.repaint()
        end = edit.cursorRect().center().x()
        edit.setCursorPosition(0)
        edit.repaint()
        start = edit.cursorRect().center().x()
        assert end - start >= edit.fontMetrics().horizontalAdvance(edit.text()) - 1, (
            f"{edit.width()} px cut the number off")
    dialog.reject()


def test_untouched_reason_follows_the_value_until_the_user_writes_one(qtbot, loaded):
    dialog = _dialog(qtbot, loaded, "field-lt: MMapTrc < 0x2…")
    assert "below 0x2" in dialog.reason.text()
    dialog.value.selectAll()
    qtbot.keyClicks(dialog.value, "0x30000")
    assert "below 0x3" in dialog.reason.text() and "below 0x2" not in dialog.reason.text()
    dialog.value.selectAll()
    qtbot.keyClicks(dialog.value, "0x10000")  # incoming MMapTrc is 1: no longer tolerated
    assert "below 0x1" in dialog.reason.text() and "does not tolerate" in dialog.reason.text()
    dialog.reason.setFocus()
    dialog.reason.selectAll()
    qtbot.keyClicks(dialog.reason, "trace filter differs on purpose")
    dialog.value.selectAll()
    qtbot.keyClicks(dialog.value, "0x20000")
    assert dialog.reason.text() == "trace filter differs on purpose"  # the user's words stay
    dialog.reject()
