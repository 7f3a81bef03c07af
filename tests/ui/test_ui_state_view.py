"""The CPU state tab (core + GIC rows beside the cpregs) and the guest-state filter classes."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt

from app.model.registers import regdb
from app.model.compare.diff import DiffRow, Status
from app.model.sources.readers import load
from app.model.compare.state_diff import diff_state
from app.ui.table.diff_model import Column, DiffTableModel, RecordRole
from app.ui.table.filter_proxy import DiffFilterProxy
from ui_helpers import DATA

GICV3 = DATA / "q72-cortex-a57-smp2-gicv3.mig"
GICV2 = DATA / "q72-cortex-a57-smp2.mig"


@pytest.fixture
def state_window(qtbot, window):
    window.open_pair(str(GICV3), str(GICV2))
    qtbot.waitUntil(lambda: window.session.verdict is not None and not window.session.busy,
                    timeout=20000)
    return window


def _select(win, name: str, vcpu: int = 0) -> DiffRow:
    page = win.state_page
    for r in range(page.proxy.rowCount()):
        record = page.proxy.index(r, 0).data(RecordRole)
        if record.vcpu == vcpu and regdb.lookup(record.id).name == name:
            page.view.setCurrentIndex(page.proxy.index(r, Column.NAME))
            return record
    raise AssertionError(f"{name} not in the CPU state tab")


def test_state_tab_lists_every_state_row_and_the_gic_notes(state_window):
    win = state_window
    win.tabs.setCurrentIndex(1)
    expected = diff_state(load(str(GICV3)), load(str(GICV2)))
    assert win.state_page.model.rowCount() == len(expected.rows) > 0
    assert win.state_page.proxy.rowCount() == len(expected.rows)  # equal rows shown too
    assert "GICv2" in win.state_page.presence.text()
    assert "never changes the cpreg verdict" in win.state_page.notice.text()
    assert win.state_page.model.headerData(Column.CLASS, Qt.Orientation.Horizontal) == "Group"


def test_selecting_icc_ctlr_shows_its_fields_and_no_rule_actions(state_window):
    win = state_window
    banner = win.rules_layer.banner
    before = (win.session.verdict, banner.headline.text(), banner.detail.text())
    win.tabs.setCurrentIndex(1)
    row = _select(win, "ICC_CTLR_EL1")
    assert win.session.selected == row and win.session.selected_is_state
    fields = win.details.fields.fields()
    names = {fields.field(r).name for r in range(fields.rowCount())}
    assert "PRIbits" in names and "IDbits" in names
    buttons = win.rules_layer.actions.buttons
    assert buttons.buttons == [] and buttons.isVisibleTo(win.details)
    assert (win.session.verdict, banner.headline.text(), banner.detail.text()) == before
    win.tabs.setCurrentIndex(0)  # back on the cpregs: selection is a cpreg row again
    assert not win.session.selected_is_state


def test_a_128_bit_register_shows_in_full_and_the_strip_says_it_is_cut(state_window):
    win = state_window
    win.tabs.setCurrentIndex(1)
    _select(win, "V0")
    assert regdb.lookup(win.session.selected.id).encoding.size_bits == 128
    assert len(win.details.hex["src"].text()) == len("0x") + 32 + 1  # 2 x 16 digits + "_"
    assert not win.details.strip_note.isHidden()
    _select(win, "ICC_CTLR_EL1")
    assert win.details.strip_note.isHidden()


def _core_row():
    state = diff_state(load(str(GICV3)), load(str(GICV2)))
    core = next(r for r in state.rows if regdb.lookup(r.id).cls == "core"
                and regdb.lookup(r.id).encoding.size_bits <= 64)
    return DiffRow(0, core.id, Status.VALUE_MISMATCH, 1, 2)


@pytest.mark.parametrize("hide", [True, False])
def test_hide_state_covers_every_guest_state_class(qtbot, hide):
    row = _core_row()
    assert regdb.lookup(row.id).cls in regdb.GUEST_STATE_CLASSES
    model = DiffTableModel()
    model.set_diff(SimpleNamespace(rows=(row,)))
    proxy = DiffFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_hide_state(hide)
    assert proxy.rowCount() == (0 if hide else 1)


def test_status_counts_follow_the_active_tab(state_window):
    win = state_window
    s, page, bar = win.session, win.state_page, win.filter_bar
    cpreg_shown = f"{win.proxy.rowCount()} of {len(s.diff.rows)} rows shown"
    assert win.summary.shown.text() == cpreg_shown and bar.scope_note.isHidden()
    win.tabs.setCurrentIndex(1)
    state = s.state_diff
    assert win.summary.shown.text() == (f"{page.proxy.rowCount()} of {len(state.rows)} "
                                        "CPU state rows shown")
    counts = page.model.counts()
    for key, (_icon, label) in win.summary.count_labels.items():
        assert label.text() == str(counts.get(key, 0))
    # The filter bar still drives the cpreg table only, and says so on this tab.
    assert not bar.scope_note.isHidden() and bar.scope_note.text() == "filters apply to cpregs"
    assert bar.status_actions["match"].text().endswith(str(win.model.counts().get("match", 0)))
    bar.search.setText("no such register")  # filters the cpregs, not the state rows
    assert page.proxy.rowCount() == len(state.rows)
    assert win.summary.shown.text().startswith(f"{len(state.rows)} of {len(state.rows)} ")
    win.tabs.setCurrentIndex(0)
    assert win.summary.shown.text() == f"0 of {len(s.diff.rows)} rows shown"
    assert bar.scope_note.isHidden()
