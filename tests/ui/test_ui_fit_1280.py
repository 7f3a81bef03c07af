"""The window at 1280×720 (issue 14, "Fit and layout"): the real MainWindow on the real QEMU
pair, in the default layout and with every dock shown, keeps every panel usable — nothing
forces the window wider or taller, the search box and "Suggest rules…" stay on screen, the
splitters can be dragged back after a rule is added, the field table shows six rows with the
selected field in view, and the bit strip never cuts a field name to "Xx…". The overview
stays readable at 256 vCPUs (grouped bars, sparse ticks, rows that scroll)."""

from __future__ import annotations

from itertools import pairwise

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QDockWidget, QPushButton, QWidget
from rules_helpers import add_rule
from ui_helpers import DST, SRC, proxy_row_of

from app.model.compare.diff import DiffRow, Status
from app.model.registers import regdb
from app.ui.settings import Settings

SIZE = QSize(1280, 720)
USABLE_W, USABLE_H = 200, 120  # a panel smaller than this is not usable


def settle(qtbot, ms: int = 300) -> None:
    qtbot.wait(ms)  # posted resizes (dock splits, fitting the details) run in the event loop


@pytest.fixture
def small(qtbot, settings_dir):
    """A fresh window at 1280×720 (no saved layout) that then loads the real pair."""
    from app.ui.window.main_window import MainWindow

    win = MainWindow(settings=Settings(settings_dir, settings_dir))
    qtbot.addWidget(win)
    win.resize(SIZE)
    win.show()
    qtbot.waitExposed(win)
    win.open_pair(str(SRC), str(DST))
    qtbot.waitUntil(lambda: win.session.diff is not None and not win.session.busy,
                    timeout=20000)
    settle(qtbot)
    yield win
    win.session.cancel_load()
    win.session.wait_idle()


def on_screen(win, widget: QWidget) -> bool:
    """Shown, and wholly inside the window's rectangle (a dock behind another's tab is
    "visible" to Qt but placed outside the window)."""
    rect = QRect(widget.mapTo(win, QPoint(0, 0)), widget.size())
    return widget.isVisible() and widget.width() > 0 and win.rect().contains(rect)


def assert_fits(qtbot, win) -> None:
    hint = win.minimumSizeHint()
    assert hint.width() <= SIZE.width() and hint.height() <= SIZE.height(), hint
    assert win.size() == SIZE  # nothing forced the window larger
    assert on_screen(win, win.filter_bar.search)
    assert win.session.verdict is not None and not win.session.verdict.accepted
    assert on_screen(win, win.rules_layer.banner.suggest)  # the banner's, for a rejection
    view = win.view  # the merged table itself
    assert view.width() >= USABLE_W and view.height() >= USABLE_H, view.size()
    rules = win.rules_layer.dock
    if not on_screen(win, rules):  # a tab behind another: the user brings it forward
        rules.raise_()
        settle(qtbot, 50)
    panel_suggest = [b for b in win.rules_layer.panel.findChildren(QPushButton)
                     if b.text().startswith("Suggest rules")]
    assert panel_suggest and all(on_screen(win, b) for b in panel_suggest)


def assert_docks_usable(qtbot, win) -> None:
    """Every dock the View menu shows is on screen at a usable size, or a tab of a group
    that is; each tab, brought to the front, is usable too."""
    docks = [d for d in win.findChildren(QDockWidget) if d.toggleViewAction().isChecked()]
    assert docks
    for dock in docks:
        if not on_screen(win, dock):
            assert win.tabifiedDockWidgets(dock), f"{dock.objectName()} is off screen"
            dock.raise_()
            settle(qtbot, 50)
        assert on_screen(win, dock), dock.objectName()
        assert dock.width() >= USABLE_W and dock.height() >= USABLE_H, \
            (dock.objectName(), dock.size())


def test_default_layout_fits_1280_by_720(qtbot, small):
    assert small.details_dock.isVisible() and small.rules_layer.dock.isVisible()
    assert_fits(qtbot, small)
    assert_docks_usable(qtbot, small)


def test_every_dock_shown_fits_1280_by_720(qtbot, small):
    for dock in (small.overview_dock, small.legend_dock):
        dock.toggleViewAction().trigger()  # as the View menu does
    qtbot.waitUntil(lambda: small.overview_dock.panel is not None, timeout=10000)
    settle(qtbot, 500)
    assert all(d.toggleViewAction().isChecked() for d in small.findChildren(QDockWidget))
    assert_fits(qtbot, small)
    assert_docks_usable(qtbot, small)
    # The overview's plots, brought to the front, have room to be read.
    small.overview_dock.raise_()
    settle(qtbot, 200)
    panel = small.overview_dock.panel
    assert panel.bits.width() >= USABLE_W and panel.bits.height() >= USABLE_H
    assert_fits(qtbot, small)


def fully_visible_rows(table) -> list[int]:
    viewport = table.viewport().rect()
    return [r for r in range(table.model().rowCount())
            if viewport.contains(table.visualRect(table.model().index(r, 0)))]


def test_field_table_shows_six_rows_and_keeps_the_selected_field_in_view(qtbot, small):
    fields = small.details.fields
    assert fields.fields().rowCount() >= 8  # ID_DFR0: the first blocking row, eight fields
    assert len(fully_visible_rows(fields)) >= 6
    # The page shows them without scrolling: the dock was fitted to it.
    assert not small.details.page_scroll.verticalScrollBar().isVisible()
    last = fields.fields().field(fields.fields().rowCount() - 1).name
    fields.select_field(last)
    assert fields.currentIndex().row() in fully_visible_rows(fields)
    # A shorter dock: the selected field is scrolled back into view.
    small.resizeDocks([small.details_dock], [small.details_dock.height() - 60],
                      Qt.Orientation.Vertical)
    settle(qtbot, 100)
    assert fields.currentIndex().row() in fully_visible_rows(fields)


def test_splitters_can_be_dragged_back_after_adding_a_rule(qtbot, small):
    details, rules = small.details_dock, small.rules_layer.dock
    add_rule(qtbot, small, "ID_DFR0", "Diff in mask, field MMapTrc")
    assert len(small.session.rules) == 1
    small.view.select_proxy_row(proxy_row_of(small, "ID_DFR0"))  # its buttons: edit, remove
    settle(qtbot)
    assert details.minimumSizeHint().width() < 450 and rules.minimumSizeHint().width() < 300
    total = details.width() + rules.width()
    small.resizeDocks([details, rules], [total - 700, 700], Qt.Orientation.Horizontal)
    settle(qtbot, 100)
    assert rules.width() >= 690, (details.width(), rules.width())
    small.resizeDocks([details, rules], [total - 300, 300], Qt.Orientation.Horizontal)
    settle(qtbot, 100)
    assert rules.width() <= 310 and details.width() >= total - 310
    assert_fits(qtbot, small)


def register_rows(win) -> list[int]:
    """A visible row per register that has bitfields (first vCPU seen)."""
    from app.ui.table.diff_model import RecordRole

    seen, rows = set(), []
    for row in range(win.proxy.rowCount()):
        record = win.proxy.index(row, 0).data(RecordRole)
        info = regdb.lookup(record.id, win.session.accel)
        if info.fields and info.name not in seen:
            seen.add(info.name)
            rows.append(row)
    return rows


@pytest.mark.parametrize("width", [None, 420])
def test_bit_strip_never_cuts_a_field_name_to_two_letters(qtbot, small, width):
    for key in ("match", "missing", "unexpected"):
        small.filter_bar.status_actions[key].setChecked(True)  # every register with fields
    if width is not None:  # the details dock as narrow as a user may drag it
        small.resizeDocks([small.details_dock], [width], Qt.Orientation.Horizontal)
        settle(qtbot, 100)
    strip = small.details.strip
    rows = register_rows(small)
    assert len(rows) > 20
    drawn = 0
    for row in rows:
        small.view.select_proxy_row(row)
        for name, label in strip.field_labels().items():
            assert not label.endswith("…"), (name, label)
            assert label == "" or label == name or len(label) >= 3, (name, label)
            drawn += bool(label)
    assert drawn > len(rows)  # labels are drawn, not simply left out
    if width is None:  # at the default width ID_DFR0's eight fields are all named
        small.view.select_proxy_row(proxy_row_of(small, "ID_DFR0"))
        assert all(strip.field_labels().values())


def test_rules_dock_hidden_on_start_page_shown_with_a_pair_and_user_choice_kept(
        qtbot, settings_dir):
    from app.ui.window.main_window import MainWindow

    def new_window():
        win = MainWindow(settings=Settings(settings_dir, settings_dir))
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        return win

    def load(win):
        win.open_pair(str(SRC), str(DST))
        qtbot.waitUntil(lambda: win.session.diff is not None and not win.session.busy,
                        timeout=20000)
        settle(qtbot, 100)

    win = new_window()
    rules = win.rules_layer.dock
    assert not rules.isVisible() and not win.details_dock.isVisible()  # the start page
    win.gestures.open_file(str(SRC), "src")  # half a pair is still the start page
    qtbot.waitUntil(lambda: win.session.src is not None and not win.session.busy,
                    timeout=20000)
    settle(qtbot, 100)
    assert win.session.diff is None and not rules.isVisible()
    load(win)
    assert rules.isVisible() and win.details_dock.isVisible()
    rules.toggleViewAction().trigger()  # the user closes the rules
    assert not rules.isVisible()
    load(win)  # another pair: the user's choice stays
    assert not rules.isVisible() and win.details_dock.isVisible()
    win.close()
    win2 = new_window()  # the next run remembers it, and still starts on the start page
    assert not win2.rules_layer.dock.isVisible() and not win2.details_dock.isVisible()
    load(win2)
    assert not win2.rules_layer.dock.isVisible() and win2.details_dock.isVisible()
    win2.rules_layer.dock.toggleViewAction().trigger()
    assert win2.rules_layer.dock.isVisible()
    win2.session.cancel_load()
    win2.session.wait_idle()


# -- the overview at 256 vCPUs ------------------------------------------------------------
ID_REGS = (0x603000000013C00A, 0x603000000013C020)  # ID_DFR0_EL1, ID_AA64PFR0_EL1
GUEST = tuple(0x603000000013C080 + i for i in range(8))  # SCTLR_EL1 and neighbours


def many_vcpus(n: int = 256):
    """``n`` vCPUs, each with ten value mismatches and a few missing/unexpected rows."""
    rows = []
    for v in range(n):
        for k, rid in enumerate(ID_REGS + GUEST):
            rows.append(DiffRow(v, rid, Status.VALUE_MISMATCH, 1 << k, 1 << (k + 1)))
        rows += [DiffRow(v, 0x603000000013C100, Status.MISSING, None, 0)] * (1 + v % 3)
    statuses = [(r.vcpu, r.status.value) for r in rows]
    shown = [r for r in rows if r.status is Status.VALUE_MISMATCH]
    return shown, statuses


@pytest.fixture
def overview(qtbot):
    from app.ui.overview.plots import OverviewPanel

    panel = OverviewPanel()
    qtbot.addWidget(panel)
    panel.resize(700, 330)  # the dock's size at 1280×720
    panel.show()
    qtbot.waitExposed(panel)
    shown, statuses = many_vcpus()
    panel.show_rows(shown, [False] * len(shown), statuses, "kvm", False)
    settle(qtbot, 100)
    return panel


def test_256_vcpu_bars_are_grouped_and_ticks_do_not_overlap(qtbot, overview):
    from PySide6.QtGui import QFont, QFontMetrics

    counts = overview.counts
    vb = counts.getViewBox()
    axis = counts.getAxis("bottom")
    lo, hi = vb.viewRange()[0]
    px_per_x = vb.width() / (hi - lo)
    # Tick labels: far enough apart for their text (256 labels side by side were a black bar).
    ticks = axis._tickLevels[0]
    metrics = QFontMetrics(axis.style.get("tickFont") or QFont())
    assert 1 < len(ticks) < 64
    for (x0, t0), (x1, t1) in pairwise(ticks):
        gap = (x1 - x0) * px_per_x
        assert gap >= (metrics.horizontalAdvance(t0) + metrics.horizontalAdvance(t1)) / 2
    bar = counts.bars["value-mismatch"]
    assert bar.opts["width"] * px_per_x >= 2.5  # every bar wider than a hairline
    assert sum(bar.opts["height"]) == 256 * 10  # grouped sums keep every row
    groups = counts.groups
    assert 1 < len(groups) < 256 and sum(len(g) for g in groups) == 256
    first = groups[0]
    text = counts.bar_text(first[0], "missing")
    assert text.startswith(f"vCPUs 0–{first[-1]}:") and "per vCPU" in text


def test_256_vcpu_map_rows_keep_their_height_and_scroll(qtbot, overview):
    from PySide6.QtGui import QFont, QFontMetrics

    bits = overview.bits
    assert len(bits.bitmap) == 2560
    line = QFontMetrics(bits.getAxis("left").style.get("tickFont") or QFont()).height()
    lo, hi = bits.getViewBox().viewRange()[1]
    assert bits.getViewBox().height() / (hi - lo) >= line  # each row a label line high …
    assert bits.getViewBox().height() / (hi - lo + 1) < line + 2  # … and as many as fit
    assert bits.scrollbar.isVisible() and bits.scrollbar.maximum() == 2560 - round(hi - lo)
    bits.scrollbar.setValue(1000)
    lo, hi = bits.getViewBox().viewRange()[1]
    assert lo == pytest.approx(1000)
    assert bits.hover_text(1000, 0)  # the rows scrolled to are real rows


@pytest.mark.parametrize(("screen", "expected"), [
    (QSize(1920, 1050), QSize(1440, 900)),   # a desktop: the usual first size
    (QSize(1366, 740), QSize(1366, 740)),    # a laptop minus its panel: all of it, no more
    (QSize(1280, 690), QSize(1280, 690)),
    (QSize(), QSize(1440, 900)),             # a platform that reports no screen area
])
def test_the_first_window_never_opens_larger_than_the_screen(screen, expected):
    from app.ui.window.main_window import default_size

    assert default_size(screen) == expected
