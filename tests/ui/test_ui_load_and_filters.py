"""Loading the real QEMU pair through the worker, and every filter the bar offers."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt

from app.model.registers import regdb
from app.model.compare.diff import Status, diff
from app.model.sources.readers import load
from ui_helpers import DST, GUEST, SRC, visible_records


def _is_hidden_state(row, accel="tcg") -> bool:
    return row.status is Status.VALUE_MISMATCH and regdb.lookup(row.id, accel).cls == "state"


def test_default_view_shows_every_difference_in_merge_order(loaded, expected):
    shown = visible_records(loaded)
    want = [r for r in expected.rows if r.status is not Status.MATCH and not _is_hidden_state(r)]
    assert shown == want  # QEMU's merge order: no sort column until the user picks one
    assert loaded.stack.currentIndex() == 1


def test_counts_per_status_match_the_model_diff(loaded, expected):
    bar = loaded.filter_bar
    bar.hide_state.setChecked(False)
    want = Counter(r.status.value for r in expected.rows)
    for action in bar.status_actions.values():
        action.setChecked(True)
    assert loaded.proxy.rowCount() == len(expected.rows)
    for key in ("unexpected", "missing", "value-mismatch", "match"):
        for other, action in bar.status_actions.items():
            action.setChecked(other == key)
        assert Counter(r.status.value for r in visible_records(loaded)) == {key: want[key]}
        assert bar.buttons[key].text().endswith(f" {want[key]}")


def test_status_toggle_buttons_change_the_rows(qtbot, loaded, expected):
    before = loaded.proxy.rowCount()
    missing = sum(r.status is Status.MISSING for r in expected.rows)
    qtbot.mouseClick(loaded.filter_bar.buttons["missing"], Qt.MouseButton.LeftButton)
    assert loaded.proxy.rowCount() == before - missing
    qtbot.mouseClick(loaded.filter_bar.buttons["match"], Qt.MouseButton.LeftButton)
    matches = sum(r.status is Status.MATCH for r in expected.rows)
    assert loaded.proxy.rowCount() == before - missing + matches


def _open_guest_pair(qtbot, win):
    win.open_pair(str(SRC), str(GUEST))
    qtbot.waitUntil(lambda: win.session.diff is not None and not win.session.busy,
                    timeout=20000)
    return diff(load(str(SRC)), load(str(GUEST)))


def test_hide_guest_state_switch(qtbot, window):
    expected = _open_guest_pair(qtbot, window)
    bar = window.filter_bar
    hidden = [r for r in expected.rows if _is_hidden_state(r)]
    assert len(hidden) >= 10  # the guest wrote EL0/EL1 state registers
    assert bar.hide_state.isChecked()  # default on
    assert not set(hidden) & set(visible_records(window))
    on = window.proxy.rowCount()
    bar.hide_state.click()
    assert window.proxy.rowCount() == on + len(hidden)
    assert set(hidden) <= set(visible_records(window))
    assert not bar.hide_state_action.isChecked()  # the View menu item follows the checkbox


def test_per_vcpu_variance_is_called_out(qtbot, window):
    expected = _open_guest_pair(qtbot, window)
    summary = window.summary
    assert summary.warning.isVisible()
    names = {regdb.lookup(v.id, "tcg").name for v in expected.variance}
    assert f"{len(names)} register(s) differ between vCPUs" in summary.warning.text()
    some = expected.variance[0]
    assert regdb.lookup(some.id, "tcg").name in summary.warning.toolTip()
    window.filter_bar.status_actions["match"].setChecked(True)
    window.filter_bar.hide_state.setChecked(False)
    row = next(i for i, r in enumerate(visible_records(window)) if r.id == some.id)
    window.view.select_proxy_row(row)
    text = window.details.variance.text()
    side = "source" if some.side == "src" else "destination"
    assert f"Differs between vCPUs in the {side}" in text
    assert "vCPU 0:" in text and "vCPU 1:" in text


def test_search_by_name_and_by_id(qtbot, loaded):
    bar = loaded.filter_bar
    qtbot.keyClicks(bar.search, "id_dfr0")
    qtbot.waitUntil(lambda: loaded.proxy.text == "id_dfr0")  # typing pauses: it filters
    names = {regdb.lookup(r.id, "tcg").name for r in visible_records(loaded)}
    assert names == {"ID_DFR0", "ID_DFR0_EL1"}
    bar.search.clear()
    qtbot.keyClicks(bar.search, "0x603000000013c030")
    qtbot.keyClick(bar.search, Qt.Key.Key_Return)  # Enter filters at once
    shown = visible_records(loaded)
    assert {r.id for r in shown} == {0x603000000013C030} and len(shown) == 2  # both vCPUs


def test_ctrl_f_focuses_the_search_field(qtbot, loaded):
    loaded.activateWindow()
    qtbot.waitUntil(loaded.isActiveWindow)
    loaded.view.setFocus()
    qtbot.keyClick(loaded.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert loaded.filter_bar.search.hasFocus()


def test_vcpu_selector(loaded, expected):
    combo = loaded.filter_bar.vcpu
    assert [combo.itemText(i) for i in range(combo.count())] == ["All vCPUs", "vCPU 0", "vCPU 1"]
    combo.setCurrentIndex(2)
    shown = visible_records(loaded)
    assert shown and {r.vcpu for r in shown} == {1}
    combo.setCurrentIndex(0)
    assert {r.vcpu for r in visible_records(loaded)} == {0, 1}


def test_status_bar_summary(loaded, expected):
    summary = loaded.summary
    assert SRC.name in summary.src.text() and "qemu-7.2" in summary.src.text()
    assert DST.name in summary.dst.text() and "qemu-11.1" in summary.dst.text()
    assert "2 vCPUs" in summary.src.text() and "258 cpregs" in summary.src.text()
    counts = {k: int(summary.count_labels[k][1].text()) for k in
              ("unexpected", "missing", "value-mismatch", "match")}
    assert counts == {k.value: n for k, n in expected.counts().items() if k.value in counts}
    assert summary.shown.text() == f"{loaded.proxy.rowCount()} of {len(expected.rows)} rows shown"
    assert not summary.warning.isVisible()  # same vCPU count, no per-vCPU variance here


def test_vcpu_count_difference_is_called_out(qtbot, window):
    one = DST.parent / "q72-cortex-a57-smp1.mig"
    window.open_pair(str(SRC), str(one))
    qtbot.waitUntil(lambda: window.session.diff is not None, timeout=20000)
    text = window.summary.warning.text()
    assert "vCPU count differs: 2 → 1" in text
    assert window.summary.warning.isVisible()


def test_swap_sides_exchanges_unexpected_and_missing(qtbot, loaded, expected):
    loaded.actions.swap.trigger()
    s = loaded.session
    assert (s.src_path, s.dst_path) == (str(DST), str(SRC))
    counts = s.diff.counts()
    assert counts[Status.UNEXPECTED] == expected.counts()[Status.MISSING]
    assert counts[Status.MISSING] == expected.counts()[Status.UNEXPECTED]


def test_reload_rereads_both_sides(qtbot, loaded, expected):
    old = loaded.session.diff
    with qtbot.waitSignal(loaded.session.diffChanged, timeout=20000):
        loaded.actions.reload.trigger()
    assert loaded.session.diff is not old and loaded.session.diff.rows == expected.rows
