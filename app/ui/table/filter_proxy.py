"""Which rows of the merged view are shown, and in what order.

Status toggles, "hide guest-state value differences", a text search over name/aliases/id/
encoding and a vCPU selector. It only asks the source model for facts (status codes, per-diff
``RowFacts``) — it never judges a row itself. With no sort column it keeps the source order,
which is QEMU's merge order; sorted, equal keys keep the merge order in either direction.

A table model over an index list (``source_rows()``: the shown model rows, top to bottom;
``mapToSource``/``mapFromSource`` as a proxy model has them), not a QSortFilterProxyModel:
that one calls Python per row to filter and per comparison to sort, seconds at 77,824 rows.
Here a filter change is a few byte-string operations over ``RowFacts`` masks and a sort is
one ``sorted`` with a C-level key; the views hear one layoutChanged (selection and current
row kept) instead of a storm of row insertions and removals.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from itertools import compress
from typing import cast

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from app.model.compare.diff import Status
from app.ui.table.diff_model import Column, DiffTableModel, runs
from app.ui.table.row_facts import (
    CODE,
    MATCH,
    STATUS_KEYS,
    and_masks,
    code_table,
    order_by,
)

DEFAULT_STATUSES = frozenset(k for k in STATUS_KEYS if k != Status.MATCH.value)
ROOT = QModelIndex()
N_COLUMNS = len(Column)  # a constant: len() of an Enum runs Python code
_NOTE_COLUMNS = (Column.STATUS, Column.RULE)  # sort keys that change with the notes

Index = QModelIndex | QPersistentModelIndex
KINDS = ("difference", "blocking")  # what marks() / DiffView.select_next look for
_DIFFERS = code_table(lambda code: code != MATCH)
_HIDDEN_NOT = code_table(lambda hidden: hidden == 0)  # RowFacts.hideable -> shown


class DiffFilterProxy(QAbstractTableModel):
    # Not a QAbstractProxyModel: that one leaves parent() to Python, which views call three
    # times per dataChanged; QAbstractTableModel answers it in C++.
    filtersChanged = Signal()  # after any filter setting changes (summary "N of M shown")
    marksChanged = Signal()  # notes changed the shown rows' codes or blocking flags

    def __init__(self, parent=None):
        super().__init__(parent)
        self._source: DiffTableModel | None = None
        self._statuses = set(DEFAULT_STATUSES)
        self._hide_state = True
        self._text = ""
        self._vcpu: int | None = None
        self._rows: list[int] = []  # shown model rows, top to bottom
        self._pos: dict[int, int] | None = None  # model row -> proxy row, built on demand
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._order: list[int] | None = None  # every model row in sort order (cached)
        self._mask = b""  # the filters' verdict per model row when _rows was computed
        self._rest: bytes | None = None  # its guest-state/vCPU/search part (None: all pass)
        # (first, last) model rows of the model's dataChanged that _status_changed stood for
        self._quiet: set[tuple[int, int]] = set()
        # shown_codes() / shown_blocking(), cached until the shown rows change
        self._shown_codes: bytearray | None = None
        self._shown_blocking: bytearray | None = None

    def source(self) -> DiffTableModel:
        # Always one: the window and the state page set a DiffTableModel (hot path: no check).
        return cast(DiffTableModel, self._source)

    def sourceModel(self) -> DiffTableModel | None:
        return self._source

    def setSourceModel(self, model: QAbstractItemModel) -> None:
        if self._source is not None:
            raise RuntimeError("DiffFilterProxy takes its source model once")
        self.beginResetModel()
        self._source = cast(DiffTableModel, model)
        model.modelAboutToBeReset.connect(self.beginResetModel)
        model.modelReset.connect(self._source_reset)
        model.dataChanged.connect(self._source_data_changed)
        self._source.statusChanged.connect(self._status_changed)
        for signal in (model.layoutChanged, model.rowsInserted, model.rowsRemoved):
            signal.connect(self._source_rebuilt)  # DiffTableModel never emits these
        self._order = None
        self._rows = self._compute()
        self._pos = None
        self.endResetModel()

    # -- settings ---------------------------------------------------------------------------
    @property
    def statuses(self) -> frozenset[str]:
        return frozenset(self._statuses)

    def set_status_visible(self, key: str, visible: bool) -> None:
        self._update(lambda: (self._statuses.add if visible else self._statuses.discard)(key))

    def set_statuses(self, keys) -> None:
        self._update(lambda: setattr(self, "_statuses", set(keys)))

    @property
    def hide_state(self) -> bool:
        return self._hide_state

    def set_hide_state(self, hide: bool) -> None:
        self._update(lambda: setattr(self, "_hide_state", bool(hide)))

    @property
    def text(self) -> str:
        return self._text

    def set_text(self, text: str) -> None:
        text = text.strip().lower()
        if text != self._text:
            self._update(lambda: setattr(self, "_text", text))

    @property
    def vcpu(self) -> int | None:
        return self._vcpu

    def set_vcpu(self, vcpu: int | None) -> None:
        self._update(lambda: setattr(self, "_vcpu", vcpu))

    def status_counts(self) -> dict[str, int]:
        """Rows per status key on the chosen vCPU (on all when none is chosen), whatever
        the other filters: what the filter chips count."""
        return self.source().counts(self._vcpu)

    def refilter(self) -> None:
        """Re-run the filter after the source model's annotations changed."""
        self._update(lambda: None)

    def _update(self, change) -> None:
        change()
        self._relayout(self._compute())
        self.filtersChanged.emit()

    # -- sorting ----------------------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by ``column`` (-1: QEMU's merge order) — the header click lands here."""
        if (column, order) == (self._sort_column, self._sort_order):
            return
        self._sort_column, self._sort_order = column, order
        self._order = None
        self._relayout(self._compute())

    def _sorted_rows(self) -> list[int]:
        if self._order is None:
            model, col = self.source(), self._sort_column
            keys: Sequence
            if col == Column.STATUS:
                keys = model.codes  # codes are in severity order
            elif col == Column.RULE:
                keys = model.rule_keys()
            else:
                keys = model.facts.rank(col)
            self._order = order_by(keys, self._sort_order == Qt.SortOrder.DescendingOrder)
        return self._order

    # -- the shown rows ---------------------------------------------------------------------
    def _masks(self) -> tuple[bytes, bytes | None]:
        """(1 for every model row the filters accept, in model order; the part of that the
        notes cannot change: the guest-state, vCPU and search filters' verdict, None when
        they accept every row)."""
        model = self.source()
        facts, rest = model.facts, None
        if self._hide_state:
            rest = facts.hideable.translate(_HIDDEN_NOT)
        if self._vcpu is not None:
            vcpu = facts.vcpu_mask(self._vcpu)
            rest = vcpu if rest is None else and_masks(rest, vcpu)
        if self._text:
            found = facts.search_mask(self._text)
            rest = found if rest is None else and_masks(rest, found)
        mask = bytes(model.codes).translate(self._status_table())
        return (mask if rest is None else and_masks(mask, rest)), rest

    def _status_table(self) -> bytes:
        """Status code -> 1 when the status toggles show it."""
        accepted = {CODE[k] for k in self._statuses if k in CODE}
        return code_table(accepted.__contains__)

    def _compute(self) -> list[int]:
        model = self.sourceModel()
        if model is None or not len(self.source()):
            self._mask, self._rest = b"", None
            return []
        self._mask, self._rest = self._masks()
        mask = self._mask
        if self._sort_column < 0:
            return list(compress(range(len(mask)), mask))
        order = self._sorted_rows()
        return list(compress(order, bytes(map(mask.__getitem__, order))))

    def source_rows(self) -> list[int]:
        """The shown model rows, top to bottom (do not modify)."""
        return self._rows

    def shown_codes(self) -> bytes:
        """The status code (row_facts.STATUS_KEYS index) of every shown row, top to bottom."""
        if self._shown_codes is None:
            self._shown_codes = self._pick(self.source().codes)
        return bytes(self._shown_codes)

    def shown_blocking(self) -> bytes:
        """1 for every shown row the verdict says blocks the migration, top to bottom."""
        if self._shown_blocking is None:
            self._shown_blocking = self._pick(self.source().blocking)
        return bytes(self._shown_blocking)

    def marks(self, kind: str) -> bytes:
        """1 for each shown row of ``kind``, top to bottom: "difference" (any status but
        match) or "blocking" (the verdict rejects the stream there)."""
        if kind == "difference":
            return self.shown_codes().translate(_DIFFERS)
        if kind == "blocking":
            return self.shown_blocking()
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")

    def _pick(self, per_row: bytearray) -> bytearray:
        """The bytes of ``per_row`` (one per model row) of the shown rows, top to bottom."""
        if self._sort_column < 0:  # shown in model order: the filter mask picks them
            return bytearray(compress(per_row, self._mask))
        return bytearray(map(per_row.__getitem__, self._rows))

    def proxy_row(self, source_row: int) -> int:
        """Where model row ``source_row`` is shown; -1 when filtered out."""
        rows = self._rows
        if self._sort_column < 0:  # model order: a binary search
            i = bisect_left(rows, source_row)
            return i if i < len(rows) and rows[i] == source_row else -1
        if self._pos is None:
            self._pos = dict(zip(rows, range(len(rows)), strict=True))
        return self._pos.get(source_row, -1)

    def _relayout(self, rows: list[int]) -> None:
        """Show ``rows``: one layoutChanged, persistent indexes (selection, current row)
        moved along to where their model rows went, or invalidated when filtered out."""
        if rows == self._rows:
            return
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        sources = [self._rows[i.row()] if i.isValid() and i.row() < len(self._rows) else -1
                   for i in old]
        self._rows, self._pos = rows, None
        self._shown_codes = self._shown_blocking = None
        new = []
        for index, s in zip(old, sources, strict=True):
            row = self.proxy_row(s) if s >= 0 else -1
            new.append(self.createIndex(row, index.column()) if row >= 0 else QModelIndex())
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    # -- reacting to the source -------------------------------------------------------------
    def _source_reset(self) -> None:
        self._order = None
        self._shown_codes = self._shown_blocking = None
        self._rows, self._pos = self._compute(), None
        self.endResetModel()

    def _source_rebuilt(self, *_args) -> None:
        self.beginResetModel()
        self._source_reset()

    def _status_changed(self, rows: list[int] | None) -> None:
        """Notes changed (a rule edit: ``rows``; a new verdict: None). Re-filter (and, sorted
        by status or rule, re-sort) only when a changed row enters or leaves the view; then
        dataChanged per run of changed rows still shown, standing for the per-run
        dataChanged the model emits next (those are skipped: they would map row by row)."""
        if rows is None or self._sort_column in _NOTE_COLUMNS or not self._steady(rows):
            if self._sort_column in _NOTE_COLUMNS:
                self._order = None
            self._shown_codes = self._shown_blocking = None
            self._relayout(self._compute())
        if rows is None:
            self._quiet = set()
            return
        self._quiet = set(runs(rows))  # the model signals these runs next
        model, codes, blocking = self.source(), self._shown_codes, self._shown_blocking
        shown = []
        for r in rows:  # the same rows shown: patch the cached per-row bytes in place
            p = self.proxy_row(r)
            if p >= 0:
                shown.append(p)
                if codes is not None:
                    codes[p] = model.codes[r]
                if blocking is not None:
                    blocking[p] = model.blocking[r]
        shown.sort()
        last, emit, create = N_COLUMNS - 1, self.dataChanged.emit, self.createIndex
        for first, end in runs(shown):  # per run: a view repaints only what it shows
            emit(create(first, 0), create(end, last))
        if shown:
            self.marksChanged.emit()

    def _steady(self, rows: list[int]) -> bool:
        """True when none of ``rows`` enters or leaves the view. Notes change only a row's
        status code, so each row is checked against the status toggles, with the other
        filters' verdict kept from when the shown rows were computed (``_rest``)."""
        model, mask, rest = self.source(), self._mask, self._rest
        if len(mask) != len(model):
            return False
        shown, codes = self._status_table(), model.codes
        return all(bool(shown[codes[i]] and (rest is None or rest[i])) == bool(mask[i])
                   for i in rows)

    def _source_data_changed(self, first: QModelIndex, last: QModelIndex, roles=()) -> None:
        rows, span = self._rows, (first.row(), last.row())
        if span in self._quiet:  # already signalled by _status_changed
            self._quiet.discard(span)
            return
        if not rows:
            return
        if first.row() == 0 and last.row() >= len(self.source()) - 1:  # every row
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, last.column()))
            return
        for s in range(first.row(), last.row() + 1):
            row = self.proxy_row(s)
            if row >= 0:
                self.dataChanged.emit(self.createIndex(row, first.column()),
                                      self.createIndex(row, last.column()))

    # -- the table model, and a proxy's mapping -------------------------------------------
    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else N_COLUMNS

    def hasChildren(self, parent: Index = ROOT) -> bool:
        return not parent.isValid() and bool(self._rows)

    def index(self, row: int, column: int, parent: Index = ROOT) -> QModelIndex:
        if parent.isValid() or not (0 <= row < len(self._rows) and 0 <= column < N_COLUMNS):
            return QModelIndex()
        return self.createIndex(row, column)

    def mapToSource(self, proxy_index: Index) -> QModelIndex:
        if not proxy_index.isValid() or proxy_index.row() >= len(self._rows):
            return QModelIndex()
        # createIndex: index() would ask the model's (Python) rowCount() for bounds.
        return self.source().createIndex(self._rows[proxy_index.row()], proxy_index.column())

    def mapFromSource(self, source_index: Index) -> QModelIndex:
        if not source_index.isValid():
            return QModelIndex()
        row = self.proxy_row(source_index.row())
        return self.createIndex(row, source_index.column()) if row >= 0 else QModelIndex()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        # Straight to the model's cell(): no QModelIndex round trip per painted role.
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        return self.source().cell(self._rows[index.row()], index.column(), role)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            return self.source().headerData(section, orientation, role)
        return None
