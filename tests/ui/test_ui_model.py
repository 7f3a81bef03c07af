"""The lazy table model, its sort roles, outside annotations (rules/verdict) and themes."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.model.compare.diff import Status
from app.ui import theme
from app.ui.table.diff_model import Column, DiffTableModel, RowNote, SortRole, StatusKeyRole
from ui_helpers import visible_records


def test_model_keeps_the_diff_rows_and_formats_on_demand(qapp, expected):
    model = DiffTableModel()
    model.set_diff(expected, "tcg")
    assert model.rowCount() == len(expected.rows)
    assert model._rows is expected.rows  # no per-row copies or items
    row = next(i for i, r in enumerate(expected.rows) if r.status is Status.VALUE_MISMATCH)
    index = model.index(row, Column.SRC)
    assert index.data() == f"0x{expected.rows[row].src:016x}"
    assert model.index(row, Column.STATUS).data(Qt.ItemDataRole.DecorationRole) is not None
    assert model.index(row, Column.NAME).data(StatusKeyRole) == "value-mismatch"


def test_sorting_by_status_puts_unexpected_first(loaded):
    loaded.filter_bar.status_actions["match"].setChecked(True)
    loaded.view.sortByColumn(Column.STATUS, Qt.SortOrder.AscendingOrder)
    statuses = [r.status for r in visible_records(loaded)]
    assert statuses[0] is Status.UNEXPECTED and statuses[-1] is Status.MATCH
    loaded.view.sortByColumn(Column.ID, Qt.SortOrder.AscendingOrder)
    ids = [r.id for r in visible_records(loaded)]
    assert ids == sorted(ids)
    assert isinstance(loaded.proxy.index(0, Column.ID).data(SortRole), str)


def test_annotations_fill_the_rule_column_and_tolerate_rows(qtbot, loaded, expected):
    view, session = loaded.view, loaded.session
    target = next(r for r in expected.rows if r.status is Status.UNEXPECTED)
    row = expected.rows.index(target)
    # Before any rule, the verdict already flags the blocking rows in the Rule column.
    assert not view.isColumnHidden(Column.RULE)
    assert loaded.model.index(row, Column.RULE).data() == "blocks the migration"
    session.set_annotations({})
    assert view.isColumnHidden(Column.RULE)  # nothing to say: no empty column
    session.set_annotations({(target.vcpu, target.id): RowNote("not-on-both-ends", True,
                                                               "tolerated by rule 1")})
    assert not view.isColumnHidden(Column.RULE)
    model = loaded.model
    assert model.index(row, Column.RULE).data() == "not-on-both-ends"
    assert model.index(row, Column.STATUS).data() == "Tolerated"
    assert model.counts()["tolerated"] == 1
    bar = loaded.filter_bar
    assert bar.buttons["tolerated"].isVisibleTo(loaded)
    assert target in visible_records(loaded)
    bar.status_actions["tolerated"].setChecked(False)
    assert target not in visible_records(loaded)


def test_dark_scheme_switches_palette_and_tints(qapp):
    try:
        theme.force_scheme("dark")
        assert theme.is_dark()
        assert qapp.palette().color(qapp.palette().ColorRole.Base).lightness() < 128
        assert theme.row_background("missing").name() == theme.STYLES["missing"].dark_bg
    finally:
        theme.force_scheme("light")
        theme._forced = None
    assert not theme.is_dark()
    assert theme.row_background("missing").name() == theme.STYLES["missing"].light_bg
    assert theme.row_background("match") is None
