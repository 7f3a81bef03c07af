"""The Overview dock: lazy pyqtgraph, the bit map and per-vCPU bars following the table."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from app.model.compare import bitmap
from app.model.registers import regdb
from app.model.compare.diff import Status
from app.ui import theme
from app.ui.table.diff_model import RowNote
from ui_helpers import DST, GUEST, visible_records

REPO = Path(__file__).resolve().parents[2]


def show_overview(qtbot, win):
    dock = win.overview_dock
    before = dock.refreshes
    dock.show()
    qtbot.waitUntil(lambda: dock.panel is not None and dock.refreshes > before, timeout=10000)
    return dock


def refreshed(qtbot, dock, change) -> None:
    before = dock.refreshes
    change()
    qtbot.waitUntil(lambda: dock.refreshes > before, timeout=5000)


@pytest.fixture
def guest(qtbot, window):
    """The guest pair: ~30 value mismatches over two vCPUs, most of them guest state."""
    window.open_pair(str(GUEST), str(DST))
    qtbot.waitUntil(lambda: window.session.diff is not None and not window.session.busy,
                    timeout=20000)
    return window


def test_pyqtgraph_is_imported_only_when_the_overview_is_first_shown(tmp_path):
    script = (
        "import sys\n"
        "from app.ui.app import ensure_app\n"
        "from app.ui.window.main_window import MainWindow\n"
        "from app.ui.settings import Settings\n"
        "app = ensure_app()\n"
        f"w = MainWindow(Settings({str(tmp_path)!r}))\n"
        "w.show(); app.processEvents()\n"
        "assert 'pyqtgraph' not in sys.modules, 'imported at start-up'\n"
        "assert w.overview_dock.isHidden() and w.overview_dock.panel is None\n"
        "w.overview_dock.show(); app.processEvents()\n"
        "assert 'pyqtgraph' in sys.modules and w.overview_dock.panel is not None\n"
        "print('lazy ok')\n")
    out = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                         text=True, timeout=60, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0 and "lazy ok" in out.stdout, out.stderr


def test_the_view_menu_toggles_the_dock(qtbot, loaded):
    action = loaded.overview_dock.toggleViewAction()
    assert action in loaded.actions.view_menu.actions() and "Overview" in action.text()
    action.trigger()
    qtbot.waitUntil(lambda: loaded.overview_dock.panel is not None)
    assert loaded.overview_dock.isVisible()


def test_map_rows_are_the_shown_value_mismatches_and_update_in_place(qtbot, guest):
    dock = show_overview(qtbot, guest)
    plot = dock.panel.bits
    image, counts_bars = plot.image, dict(dock.panel.counts.bars)

    def shown_mismatches():
        return [r for r in visible_records(guest) if r.status is Status.VALUE_MISMATCH]

    hidden_state = plot.bitmap.rows
    assert hidden_state == tuple(shown_mismatches()) and 0 < len(hidden_state) < 20
    refreshed(qtbot, dock, lambda: guest.filter_bar.hide_state_action.setChecked(False))
    assert plot.bitmap.rows == tuple(shown_mismatches()) and len(plot.bitmap) > 25
    assert plot.image.image.shape[:2] == (64, len(plot.bitmap))  # [x=column, y=row]
    refreshed(qtbot, dock, lambda: guest.proxy.set_vcpu(1))
    assert plot.bitmap.rows and {r.vcpu for r in plot.bitmap.rows} == {1}
    assert not any("· v" in label for label in plot.rows_axis.labels)  # one vCPU: no suffix
    refreshed(qtbot, dock, lambda: guest.filter_bar.search.setText("no such register"))
    assert len(plot.bitmap) == 0 and plot.empty.isVisible()
    assert plot.image is image and dock.panel.counts.bars == counts_bars  # not re-created


def test_cells_are_coloured_by_which_side_has_the_bit(qtbot, loaded):
    dock = show_overview(qtbot, loaded)
    plot = dock.panel.bits
    assert len(plot.bitmap) == 4  # ID_DFR0 and ID_DFR0_EL1 on both vCPUs: bit 16 differs
    colours = plot.palette()
    from app.ui.overview.bitmap_plot import cell_colours

    want = cell_colours(colours)
    rgba = plot.image.image  # [column, row, rgba]
    src_only = want[bitmap.SRC_ONLY]
    assert tuple(rgba[63 - 16, 0, :3]) == (src_only.red(), src_only.green(), src_only.blue())
    names = [regdb.lookup(r.id).name for r in plot.bitmap.rows]
    outside = want[bitmap.OUTSIDE]
    row32 = names.index("ID_DFR0")  # a 32-bit AArch32 register: bits 63..32 are outside
    assert tuple(rgba[0, row32, :3]) == (outside.red(), outside.green(), outside.blue())
    assert tuple(rgba[0, names.index("ID_DFR0_EL1"), :3]) != tuple(rgba[0, row32, :3])


def settle(qtbot, plot) -> None:
    """Wait until the dock's layout is done: cells stop moving on screen."""
    spots = []

    def still() -> bool:
        spots.append(_viewport_pos(plot, 0, 0))
        return len(spots) > 2 and spots[-1] == spots[-2] == spots[-3]

    qtbot.waitUntil(lambda: plot.viewport().height() > 50 and still(), timeout=5000)


def hover(qtbot, plot, row: int, bit: int) -> None:
    qtbot.mouseMove(plot.viewport(), _viewport_pos(plot, row, bit))
    qtbot.wait(30)  # QTest drops a second synthetic move sent within the same instant


def _viewport_pos(plot, row: int, bit: int) -> QPoint:
    return plot.mapFromScene(plot.scene_pos_of(row, bit))


def test_hover_names_register_bit_and_field(qtbot, loaded):
    dock = show_overview(qtbot, loaded)
    plot = dock.panel.bits
    settle(qtbot, plot)
    rec = plot.bitmap.rows[1]
    info = regdb.lookup(rec.id)
    field = bitmap.field_at(info.fields, 16)
    hover(qtbot, plot, 1, 16)
    qtbot.waitUntil(lambda: "bit 16" in dock.panel.hover.text(), timeout=3000)
    text = dock.panel.hover.text()
    assert text.startswith(info.name) and f"field {field.name}" in text
    assert "source 1, destination 0" in text and plot.toolTip() == text
    hover(qtbot, plot, 1, 40)
    qtbot.waitUntil(lambda: "bit 40" in dock.panel.hover.text(), timeout=3000)
    assert "beyond the register's width" not in dock.panel.hover.text()  # a 64-bit one
    hover(qtbot, plot, 0, 40)
    qtbot.waitUntil(lambda: "beyond the register's width" in dock.panel.hover.text())


def test_click_selects_the_row_and_the_field(qtbot, loaded):
    dock = show_overview(qtbot, loaded)
    plot = dock.panel.bits
    settle(qtbot, plot)
    row = 2
    rec = plot.bitmap.rows[row]
    info = regdb.lookup(rec.id)
    other = next(f for f in info.fields if not f.lsb <= 16 <= f.msb and not f.reserved)
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton,
                     pos=_viewport_pos(plot, row, other.lsb))
    qtbot.waitUntil(lambda: loaded.session.selected == rec, timeout=3000)
    assert loaded.view.current_record() == rec and loaded.details_dock.isVisible()
    fields = loaded.details.fields
    assert fields.currentIndex().row() == fields.fields().row_of(other.name)
    assert loaded.details.strip.highlightedField == other.name


def test_bars_count_statuses_per_vcpu_and_show_tolerated_with_rules(qtbot, loaded):
    dock = show_overview(qtbot, loaded)
    counts = dock.panel.counts
    diff = loaded.session.diff
    for key in ("unexpected", "missing", "value-mismatch"):
        want = [sum(1 for r in diff.rows if r.vcpu == v and r.status.value == key)
                for v in (0, 1)]
        assert counts.bars[key].opts["height"].tolist() == want
    assert counts.shown == ("unexpected", "missing", "value-mismatch")
    assert not counts.bars["tolerated"].isVisible() and "Tolerated" not in counts.key.text()
    mismatch = next(r for r in diff.rows if r.status is Status.VALUE_MISMATCH and r.vcpu == 1)
    refreshed(qtbot, dock, lambda: loaded.session.set_annotations(
        {(mismatch.vcpu, mismatch.id): RowNote("ignore", tolerated=True)}))
    assert counts.bars["tolerated"].isVisible() and "Tolerated" in counts.key.text()
    assert counts.bars["tolerated"].opts["height"].tolist() == [0, 1]
    assert counts.bars["value-mismatch"].opts["height"].tolist() == [2, 1]
    labels = dock.panel.bits.rows_axis.labels
    assert sum(label.startswith("✓ ") for label in labels) == 1
    centre = counts.getViewBox().mapViewToScene(QPointF(1 + 0.3, 0.5))
    assert counts.bar_at(centre) == (1, "tolerated")
    assert counts.bar_text(1, "tolerated") == "vCPU 1: 1 tolerated row"


def test_a_burst_of_changes_refreshes_once_and_hidden_dock_not_at_all(qtbot, guest):
    dock = show_overview(qtbot, guest)
    bar = guest.filter_bar
    refreshed(qtbot, dock, lambda: [bar.status_actions[k].toggle() for k in
                                    ("missing", "unexpected", "missing", "unexpected")])
    n = dock.refreshes
    qtbot.wait(50)
    assert dock.refreshes == n  # four filter changes, one refresh
    dock.hide()
    bar.hide_state_action.toggle()
    qtbot.wait(50)
    assert dock.refreshes == n
    refreshed(qtbot, dock, dock.show)  # catches up when shown again
    assert len(dock.panel.bits.bitmap) > 25


def test_readable_in_dark_and_light(qtbot, loaded):
    dock = show_overview(qtbot, loaded)
    plot, counts = dock.panel.bits, dock.panel.counts

    def background(widget):
        return widget.backgroundBrush().color().lightness()

    assert background(plot) > 200 and background(counts) > 200
    light = np.array(plot.image.image[0, 0])
    try:
        theme.force_scheme("dark")
        qtbot.waitUntil(lambda: background(plot) < 60 and background(counts) < 60)
        axis_text = plot.getAxis("left").textPen().color().lightness()
        assert axis_text > 180  # light text on the dark plot
        assert not np.array_equal(plot.image.image[0, 0], light)  # cells recoloured
        assert plot.palette().color(plot.palette().ColorRole.Base).name() in \
            dock.panel.legend.text()  # the "0 on both sides" swatch follows the base
    finally:
        theme.force_scheme("light")
        theme._forced = None
    qtbot.waitUntil(lambda: background(plot) > 200)
