"""What the fast filter proxy must still do: the search waits for a typing pause, sorts order
rows as documented (ties in merge order), filters keep the selection, chips count the chosen
vCPU and read clearly, the change map marks the right rows, and select_next finds them.
Behaviour only: the timings are bench/bench_window_77k.py's."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from ui_helpers import visible_records

from app.model.compare.diff import Status
from app.model.registers import regdb
from app.model.registers.regid import format_id
from app.model.rules.rule import Rule, RuleType
from app.model.rules.ruleset import RuleSet
from app.ui import theme
from app.ui.table.diff_model import Column
from app.ui.table.filter_bar import SEARCH_DELAY_MS
from app.ui.table.row_facts import STATUS_KEYS


def _name(win, row) -> str:
    return regdb.lookup(row.id, win.session.accel, win.session.cpu_model).name


def _haystack(win, row) -> str:
    info = regdb.lookup(row.id, win.session.accel, win.session.cpu_model)
    return " ".join((info.name, *info.aliases, format_id(row.id), info.encoding.text(),
                     info.encoding.text("long"))).lower()


def _show_everything(win) -> None:
    for action in win.filter_bar.status_actions.values():
        action.setChecked(True)
    win.filter_bar.hide_state.setChecked(False)


def test_status_keys_are_the_theme_order():
    assert tuple(theme.STYLES) == STATUS_KEYS  # codes double as severity ranks


def test_typing_filters_after_a_pause_and_enter_at_once(qtbot, loaded, expected):
    bar, proxy = loaded.filter_bar, loaded.proxy
    _show_everything(loaded)
    before = visible_records(loaded)
    qtbot.keyClicks(bar.search, "dbgbcr")
    assert bar.search_timer.isActive() and proxy.text == ""  # not yet: typing goes on
    assert visible_records(loaded) == before
    qtbot.waitUntil(lambda: proxy.text == "dbgbcr", timeout=SEARCH_DELAY_MS * 10)
    want = [r for r in expected.rows if "dbgbcr" in _haystack(loaded, r)]
    assert want and visible_records(loaded) == want
    qtbot.keyClicks(bar.search, "1")
    qtbot.keyClick(bar.search, Qt.Key.Key_Return)  # Enter: no wait
    assert not bar.search_timer.isActive() and proxy.text == "dbgbcr1"
    assert visible_records(loaded) == [r for r in want if "dbgbcr1" in _haystack(loaded, r)]
    bar.search.setText("")  # a programmatic change (restore, clear button) applies at once
    assert visible_records(loaded) == list(expected.rows)


def _reference_key(win, column):
    notes, sev = win.session.annotations, theme.SEVERITY
    model = win.model

    def status(r):
        note = notes.get((r.vcpu, r.id))
        return sev["tolerated" if note is not None and note.tolerated else r.status.value]

    def text(value):
        return (value or "~").lower()

    return {
        Column.VCPU: lambda r: r.vcpu,
        Column.STATUS: status,
        Column.NAME: lambda r: text(_name(win, r)),
        Column.ID: lambda r: (r.id, r.vcpu),
        Column.SRC: lambda r: -1 if r.src is None else r.src,
        Column.DST: lambda r: -1 if r.dst is None else r.dst,
        Column.CLASS: lambda r: text(model.info(model.row_of()[(r.vcpu, r.id)]).cls),
        Column.RULE: lambda r: text(notes[(r.vcpu, r.id)].rule
                                    if (r.vcpu, r.id) in notes else ""),
    }[column]


@pytest.mark.parametrize("column", list(Column))
def test_every_column_sorts_both_ways_with_ties_in_merge_order(loaded, expected, column):
    _show_everything(loaded)
    key = _reference_key(loaded, column)
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        loaded.view.sortByColumn(column, order)
        want = sorted(expected.rows, key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        assert visible_records(loaded) == want, (column.name, order)
    loaded.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    assert visible_records(loaded) == list(expected.rows)  # back to QEMU's merge order


def test_filters_keep_the_sort_and_the_current_row(loaded, expected):
    bar, view = loaded.filter_bar, loaded.view
    view.sortByColumn(Column.NAME, Qt.SortOrder.DescendingOrder)
    row = next(i for i, r in enumerate(visible_records(loaded)) if r.status is Status.MISSING)
    view.select_proxy_row(row)
    current = view.current_record()
    bar.status_actions["match"].setChecked(True)  # rows appear above and below
    assert view.current_record() == current == loaded.session.selected
    key = _reference_key(loaded, Column.NAME)
    shown = visible_records(loaded)
    assert shown == sorted(shown, key=key, reverse=True)
    assert any(r.status is Status.MATCH for r in shown)
    bar.status_actions["missing"].setChecked(False)  # the current row is filtered out
    assert current not in visible_records(loaded)
    assert not view.currentIndex().isValid() or view.current_record() != current


def test_chip_counts_follow_the_vcpu_selector(qtbot, loaded, expected):
    bar = loaded.filter_bar
    every = Counter(r.status.value for r in expected.rows)
    assert Counter(r.status.value for r in expected.rows if r.vcpu == 0) != every
    for index, vcpu in ((1, 0), (2, 1), (0, None)):
        bar.vcpu.setCurrentIndex(index)
        want = every if vcpu is None else Counter(r.status.value for r in expected.rows
                                                  if r.vcpu == vcpu)
        for key in ("unexpected", "missing", "value-mismatch", "match"):
            assert bar.buttons[key].text().endswith(f" {want[key]}"), (vcpu, key)
            assert bar.status_actions[key].text().endswith(f" {want[key]}")
    loaded.proxy.set_vcpu(1)  # set on the proxy itself (a restored session): chips follow
    one = Counter(r.status.value for r in expected.rows if r.vcpu == 1)
    assert bar.buttons["match"].text().endswith(f" {one['match']}")


def test_chip_counts_per_vcpu_include_tolerated_rows(loaded):
    s, bar = loaded.session, loaded.filter_bar
    reg = next(r.id for r in s.diff.rows if r.status is Status.UNEXPECTED)
    s.set_rules(RuleSet((Rule(reg, RuleType.NOT_ON_BOTH_ENDS, reason="t"),)))
    bar.vcpu.setCurrentIndex(2)  # vCPU 1
    want = sum(1 for i, r in enumerate(s.diff.rows)
               if r.vcpu == 1 and loaded.model.status_key(i) == "tolerated")
    assert want == 1 and bar.buttons["tolerated"].text().endswith(" 1")


def test_view_filters_menu_items_are_check_items_in_step_with_the_chips(qtbot, loaded):
    bar = loaded.filter_bar
    for key, action in bar.status_actions.items():
        # A menu draws an action's icon instead of its check mark: these have none.
        assert action.isCheckable() and action.icon().isNull()
        chip = bar.buttons[key]
        assert chip.isChecked() == action.isChecked()
        assert chip.text().startswith("✓") == action.isChecked()
    chip = bar.buttons["match"]
    qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)
    assert bar.status_actions["match"].isChecked() and chip.text().startswith("✓ Match")
    bar.status_actions["match"].trigger()  # the menu item
    assert not chip.isChecked() and not chip.text().startswith("✓")
    assert "match" not in loaded.proxy.statuses


def _ink(widget, background: QColor) -> int:
    """How much ``widget`` stands out from ``background``: the summed colour distance of
    its pixels (a fill counts over its whole area, an outline only along its edge)."""
    image = widget.grab().toImage()
    total = 0
    for y in range(image.height()):
        for x in range(image.width()):
            c = image.pixelColor(x, y)
            total += (abs(c.red() - background.red()) + abs(c.green() - background.green())
                      + abs(c.blue() - background.blue()))
    return total


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_checked_chip_outweighs_a_focused_unchecked_one(qtbot, loaded, scheme):
    bar = loaded.filter_bar
    try:
        theme.force_scheme(scheme)
        on, off = bar.buttons["unexpected"], bar.buttons["missing"]
        assert on.isChecked()
        off.setChecked(False)
        loaded.activateWindow()
        off.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(off.hasFocus)
        background = bar.palette().color(bar.backgroundRole())
        assert _ink(on, background) > 2 * _ink(off, background)
    finally:
        theme.force_scheme("light")
        theme._forced = None


def test_select_next_walks_the_blocking_and_differing_rows(loaded):
    view = loaded.view
    _show_everything(loaded)
    shown = visible_records(loaded)
    notes = loaded.session.annotations
    blocking = [i for i, r in enumerate(shown)
                if (r.vcpu, r.id) in notes and notes[(r.vcpu, r.id)].blocking]
    differing = [i for i, r in enumerate(shown) if r.status is not Status.MATCH]
    assert len(blocking) >= 2 and len(differing) > len(blocking)
    view.select_proxy_row(0)
    start = 0
    for want in [i for i in blocking if i > start]:
        assert view.select_next("blocking", True) and view.currentIndex().row() == want
    assert not view.select_next("blocking", True)  # none further: stays put
    assert view.currentIndex().row() == blocking[-1]
    assert view.select_next("blocking", False)
    assert view.currentIndex().row() == blocking[-2]
    view.select_proxy_row(0)
    assert view.select_next("difference", True)
    assert view.currentIndex().row() == next(i for i in differing if i > 0)
    with pytest.raises(ValueError):
        view.select_next("nonsense", True)


def test_change_map_marks_the_shown_order(qtbot, loaded):
    view, cmap = loaded.view, loaded.view.change_map
    _show_everything(loaded)
    view.sortByColumn(Column.STATUS, Qt.SortOrder.AscendingOrder)  # blockers come first
    qtbot.waitUntil(lambda: cmap.isVisible())
    shown = visible_records(loaded)
    notes = loaded.session.annotations
    lines = cmap.lines()
    track = cmap._track()
    n = len(shown)

    def marked(y, kind):
        return any(a <= y <= b and (k == "blocking") == (kind == "blocking")
                   for a, b, k in lines)

    for i, r in enumerate(shown):
        # Line y stands for rows [y*n/h, (y+1)*n/h) (floored): row i is on this one.
        y = track.top() + ((i + 1) * track.height() - 1) // n
        note = notes.get((r.vcpu, r.id))
        if note is not None and note.blocking:
            assert marked(y, "blocking"), i
        if r.status is not Status.MATCH:
            assert marked(y, "difference"), i
    # Sorted by status, matches are last: the strip's bottom has no difference marks.
    last_diff = max(i for i, r in enumerate(shown) if r.status is not Status.MATCH)
    y_end = track.top() + ((last_diff + 1) * track.height() - 1) // n
    assert not any(a > y_end for a, _b, _k in lines)
    # A click on the first blocking mark selects a blocking row.
    y = next(a for a, _b, k in lines if k == "blocking")
    qtbot.mouseClick(cmap, Qt.MouseButton.LeftButton, pos=QPoint(2, y))
    current = view.current_record()
    assert notes[(current.vcpu, current.id)].blocking


def test_a_rule_edit_hides_newly_tolerated_rows_like_a_full_refilter(loaded):
    s, proxy = loaded.session, loaded.proxy
    loaded.filter_bar.status_actions["tolerated"].setChecked(False)
    loaded.view.sortByColumn(Column.STATUS, Qt.SortOrder.AscendingOrder)
    reg = next(r.id for r in s.diff.rows if r.status is Status.UNEXPECTED)
    before = proxy.rowCount()
    s.set_rules(RuleSet((Rule(reg, RuleType.NOT_ON_BOTH_ENDS, reason="t"),)))
    assert s.changed_rows is not None  # the incremental path
    rows = list(proxy.source_rows())
    assert len(rows) == before - sum(r.id == reg for r in s.diff.rows)
    assert reg not in {r.id for r in visible_records(loaded)}
    proxy.refilter()
    assert list(proxy.source_rows()) == rows
    s.set_rules(RuleSet())
    assert proxy.rowCount() == before


def test_sorted_by_rule_a_rule_edit_resorts_the_changed_rows(loaded, expected):
    s = loaded.session
    _show_everything(loaded)
    loaded.view.sortByColumn(Column.RULE, Qt.SortOrder.AscendingOrder)
    reg = next(r.id for r in s.diff.rows if r.status is Status.UNEXPECTED)
    s.set_rules(RuleSet((Rule(reg, RuleType.NOT_ON_BOTH_ENDS, reason="t"),)))
    assert s.changed_rows is not None
    key = _reference_key(loaded, Column.RULE)  # reads the notes as they are now
    assert visible_records(loaded) == sorted(expected.rows, key=key)
    assert any(s.annotations[(r.vcpu, r.id)].rule.startswith("tolerated by")
               for r in expected.rows if r.id == reg)


def test_a_full_repaint_after_an_edit_of_the_first_and_last_rows_reaches_the_view(loaded):
    """The proxy skips the model's per-run dataChanged that a note patch already signalled;
    a later whole-table refresh (colour scheme, new annotations) spans the same first and
    last rows and must still get through."""
    model, proxy = loaded.model, loaded.proxy
    _show_everything(loaded)
    last = model.rowCount() - 1
    seen: list[tuple[int, int]] = []
    proxy.dataChanged.connect(lambda a, b, *_: seen.append((a.row(), b.row())))
    model.patch_notes({0: model.note(0), last: model.note(last)})
    seen.clear()
    model.refresh()
    assert seen and min(a for a, _ in seen) == 0 and max(b for _, b in seen) == last
