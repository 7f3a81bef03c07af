"""The Stream tab: RAM blocks and device sections side by side on real QEMU streams
(tests/data/matrix, unpacked with lzma), the failing part marked, and the verdict banner's
first failure linking to it."""

from __future__ import annotations


import pytest
from PySide6.QtCore import Qt

from app.model.compare.stream_diff import PartStatus, RamRow, SectionRow
from app.ui.rules.verdict_banner import STREAM_LINK
from app.ui.table.diff_model import RecordRole
from app.ui.table.stream_model import FAILS_HERE, StreamColumn
from app.ui.window.diff_page import STREAM_TAB
from streamfiles import matrix_stream
from ui_helpers import DATA

DUMP = DATA / "dumps" / "q72-cortex-a57-smp2.analyze-migration.json"


@pytest.fixture(scope="module")
def mig(tmp_path_factory):
    folder = tmp_path_factory.mktemp("matrix")

    def unpack(name: str) -> str:
        return str(matrix_stream(f"{name}.mig", folder))
    return unpack


def _open(qtbot, win, src: str, dst: str):
    win.open_pair(src, dst)
    qtbot.waitUntil(lambda: win.session.verdict is not None and not win.session.busy,
                    timeout=30000)
    return win.page.stream_page


def _rows(page) -> list[RamRow | SectionRow]:
    return [page.proxy.index(r, 0).data(RecordRole) for r in range(page.proxy.rowCount())]


def _current(page):
    return page.view.currentIndex().data(RecordRole)


def test_tab_lists_ram_blocks_then_sections_with_the_count_in_its_title(qtbot, window, mig):
    page = _open(qtbot, window, mig("q10-a57-smp2-m128"), mig("q10-a57-smp2"))
    stream = window.session.stream_diff
    assert window.tabs.tabText(STREAM_TAB) == "Stream (1)"
    rows = _rows(page)
    assert rows == [*stream.ram, *stream.sections] and len(rows) > 20  # stream order
    assert isinstance(rows[0], RamRow) and rows[0].name == "mach-virt.ram"
    cell = lambda col: page.proxy.index(0, col).data()  # noqa: E731
    assert cell(StreamColumn.STATUS).startswith("Size differs")
    assert cell(StreamColumn.SRC_SIZE) == "0x8000000 (128 MiB)"
    assert cell(StreamColumn.DST_SIZE) == "0x4000000 (64 MiB)"
    window.tabs.setCurrentIndex(STREAM_TAB)
    assert window.summary.shown.text() == f"{len(rows)} of {len(rows)} RAM blocks and " \
                                          "sections shown"
    page.only_differences.setChecked(True)
    assert [r.name for r in _rows(page)] == ["mach-virt.ram"]
    assert window.summary.shown.text().startswith("1 of ")
    assert window.session.selected is None  # no register row: the details panel is empty


def test_ram_size_failure_is_marked_and_linked_from_the_banner(qtbot, window, mig):
    """QEMU: "Size mismatch: mach-virt.ram: 0x8000000 != 0x4000000: Invalid argument"."""
    page = _open(qtbot, window, mig("q10-a57-smp2-m128"), mig("q10-a57-smp2"))
    assert not window.session.verdict.accepted
    first = window.session.verdict.first_failure
    assert first.register is None and "mach-virt.ram" in first.message
    row = page.model.failing_row()
    assert row is not None and page.model.record(row).name == "mach-virt.ram"
    assert FAILS_HERE in page.model.index(row, StreamColumn.STATUS).data()
    assert "Size mismatch" in page.model.index(row, StreamColumn.NAME).data(
        Qt.ItemDataRole.ToolTipRole)
    assert not page.failure.isHidden() and "RAM block mach-virt.ram" in page.failure.text()
    banner = window.rules_layer.banner
    assert f'href="{STREAM_LINK}"' in banner.detail.text()
    banner.detail.linkActivated.emit(STREAM_LINK)
    assert window.tabs.currentIndex() == STREAM_TAB
    assert _current(page).name == "mach-virt.ram"


def test_unknown_section_is_marked_and_selected_from_the_banner(qtbot, window, mig):
    page = _open(qtbot, window, mig("q10-a57-smp2-rng"), mig("q10-a57-smp2"))
    rng = "virtio-mmio@000000000a003e00/virtio-rng"
    assert window.tabs.tabText(STREAM_TAB) == "Stream (1)"
    failing = page.model.record(page.model.failing_row())
    assert isinstance(failing, SectionRow) and (failing.name, failing.instance_id) == (rng, 0)
    assert failing.status is PartStatus.UNEXPECTED and failing.dst is None
    page.view.sortByColumn(StreamColumn.STATUS, Qt.SortOrder.AscendingOrder)
    assert _rows(page)[0] is failing  # sorting by status puts the failing part first
    window.rules_layer.banner.detail.linkActivated.emit(STREAM_LINK)
    assert window.tabs.currentIndex() == STREAM_TAB and _current(page) is failing
    assert "only in the incoming stream" in page.details.text()


def test_no_link_when_the_first_failure_is_a_register(qtbot, window):
    page = _open(qtbot, window, str(DATA / "q72-cortex-a57-smp2.mig"),
                 str(DATA / "q11-cortex-a57-smp2-virt-7.2.mig"))
    assert window.session.verdict.first_failure.register is not None
    assert page.model.failing_row() is None and page.failure.isHidden()
    assert STREAM_LINK not in window.rules_layer.banner.detail.text()


def test_tabs_are_reached_from_the_keyboard(qtbot, window, mig):
    _open(qtbot, window, mig("q10-a57-smp2-rng"), mig("q10-a57-smp2"))
    window.tabs.setCurrentIndex(0)
    window.view.setFocus()
    ctrl = Qt.KeyboardModifier.ControlModifier
    for expected in (1, STREAM_TAB, 0):  # the table would eat Ctrl+PgDn: window shortcuts
        qtbot.keyClick(window.view, Qt.Key.Key_PageDown, ctrl)
        assert window.tabs.currentIndex() == expected
    qtbot.keyClick(window.view, Qt.Key.Key_PageUp, ctrl)
    assert window.tabs.currentIndex() == STREAM_TAB
    window.tabs.setCurrentIndex(0)
    qtbot.keyClick(window.view, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    assert window.tabs.currentIndex() == STREAM_TAB
    texts = [a.text().replace("&", "") for a in window.actions.tab_actions]
    assert "Stream tab (RAM blocks and sections)" in texts


def test_a_source_that_is_no_stream_says_not_examined(qtbot, window, mig):
    page = _open(qtbot, window, str(DUMP), mig("q10-a57-smp2"))
    assert window.tabs.tabText(STREAM_TAB) == "Stream"
    assert page.model.rowCount() == 0  # not an "all equal" table
    assert "Not examined: the incoming side (analyze-migration)" in page.notice.text()
    assert "not examined" in window.tabs.tabToolTip(STREAM_TAB)


def test_banner_of_an_acceptance_names_what_was_not_examined(qtbot, window):
    _open(qtbot, window, str(DUMP), str(DATA / "q72-cortex-a57-smp2.mig"))  # the same VM
    verdict = window.session.verdict
    assert verdict.accepted and verdict.unexamined
    detail = window.rules_layer.banner.detail.text()
    assert "only if QEMU also accepts" in detail and verdict.unexamined[0].message in detail


def test_gic_array_length_fails_on_the_arm_gicv3_section(qtbot, window, mig):
    """GICv3 -smp 1 into -smp 2: QEMU says "Missing section footer for arm_gicv3"."""
    page = _open(qtbot, window, mig("q10-a76-smp1-gicv3"), mig("q10-a76-smp2-gicv3"))
    assert window.tabs.tabText(STREAM_TAB) == "Stream (3)"  # arm_gicv3, cpu_common 1, cpu 1
    failing = page.model.record(page.model.failing_row())
    assert (failing.name, failing.status) == ("arm_gicv3", PartStatus.LAYOUT)
    tip = page.model.index(page.model.failing_row(), 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "Missing section footer for arm_gicv3" in tip
    assert "cpu: 1 x 307 bytes incoming, 2 x 307 on the destination" in tip
    window.rules_layer.banner.detail.linkActivated.emit(STREAM_LINK)
    assert _current(page) is failing and "cpu: 1 x 307 bytes" in page.details.text()
