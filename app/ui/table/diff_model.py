"""The merged cpreg view as a lazy Qt table model over ``Diff.rows``.

The model keeps only the rows tuple the diff produced and formats every cell on demand in
``data()``: no per-row Python objects, no QStandardItems, so a 4 x 2000-register diff costs
nothing until a row is painted. Register names come from app.model.regdb (cached there by id).

Rows can carry an outside annotation (``RowNote``), keyed by (vcpu, id): the rule column and
the "tolerated" status are fed from the verdict engine through ``set_annotations``; this model
never decides either. What the filter proxy and the change map read of every row is kept as
flat byte strings: ``codes`` (the status key of each row, notes included, as an index into
``STATUS_KEYS``), ``blocking`` (1 where the verdict rejects the row) and ``facts`` (per-diff
facts: vCPU, register, search text, guest-state class); ``statusChanged`` says when codes or
blocking flags changed (None: every row may have).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum
from itertools import compress
from typing import Protocol

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase

from app.model.compare.diff import DiffRow
from app.model.registers import regdb
from app.model.registers.regid import format_id
from app.model.sources.register_set import ACCEL_UNKNOWN
from app.ui import theme
from app.ui.plain_text import tip
from app.ui.table.base import HeaderedTableModel
from app.ui.table.row_facts import STATUS_KEYS, TOLERATED, RowFacts


class HasRows(Protocol):
    """What the model reads of a Diff — or of a StateDiff (the CPU state tab): its rows."""

    @property
    def rows(self) -> tuple[DiffRow, ...]: ...


class Column(IntEnum):
    VCPU = 0
    STATUS = 1
    NAME = 2
    ID = 3
    SRC = 4
    DST = 5
    CLASS = 6
    RULE = 7


HEADERS = ("vCPU", "Status", "Name", "Id", "Source (incoming)", "Destination (local)",
           "Class", "Rule")

RecordRole = Qt.ItemDataRole.UserRole + 1  # the DiffRow itself
SortRole = Qt.ItemDataRole.UserRole + 2  # a key that sorts the column meaningfully
StatusKeyRole = Qt.ItemDataRole.UserRole + 3  # status value, or "tolerated" when annotated so
_R = Qt.ItemDataRole
_ROLES = frozenset(int(r) for r in (
    _R.DisplayRole, RecordRole, StatusKeyRole, SortRole, _R.DecorationRole, _R.BackgroundRole,
    _R.FontRole, _R.ForegroundRole, _R.ToolTipRole, _R.TextAlignmentRole))


@dataclass(frozen=True)
class RowNote:
    """What the rules/verdict layer says about one row; the model only displays it."""

    rule: str = ""  # short text for the Rule column
    tolerated: bool = False  # a rule accepts this difference: shown with the tolerated style
    tooltip: str = ""
    blocking: bool = False  # this row makes the destination reject the stream: flagged


def runs(rows: list[int]):
    """(first, last) of each run of consecutive numbers in sorted ``rows``."""
    start = prev = None
    for i in rows:
        if prev is not None and i == prev + 1:
            prev = i
            continue
        if start is not None:
            yield start, prev
        start = prev = i
    if start is not None:
        yield start, prev


def hex64(value: int | None) -> str:
    return "—" if value is None else f"0x{value:016x}"


class DiffTableModel(HeaderedTableModel):
    HEADERS = HEADERS
    # Rows whose status code or blocking flag changed (a list of model rows), None for every
    # row; emitted before their dataChanged, so a proxy re-filters once per edit.
    statusChanged = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: tuple[DiffRow, ...] = ()
        self._accel = ACCEL_UNKNOWN
        self._cpu_model: tuple[str, ...] = ()  # names IMPDEF registers (regdb.lookup model)
        self._notes: dict[tuple[int, int], RowNote] = {}
        self._row_of: dict[tuple[int, int], int] | None = None  # (vcpu, id) -> row, lazily
        self._rule_keys: list[int] | None = None  # rule_keys(), until the notes change
        self.facts = RowFacts((), self._lookup)
        self.codes = bytearray()  # per row: index of its status key in STATUS_KEYS
        self.blocking = bytearray()  # per row: 1 when its note says it blocks the migration
        self._mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)

    # -- feeding ---------------------------------------------------------------------------
    def set_diff(self, diff: HasRows | None, accel: str = ACCEL_UNKNOWN,
                 cpu_model: tuple[str, ...] = ()) -> None:
        """``cpu_model``: the QEMU CPU model(s) the pair agrees on (Session.cpu_model)."""
        self.beginResetModel()
        self._rows = diff.rows if diff is not None else ()
        self._accel = accel
        self._cpu_model = tuple(cpu_model)
        self._row_of = None
        self.facts = RowFacts(self._rows, self._lookup)
        self._apply_notes()
        self.endResetModel()

    def _lookup(self, reg: int) -> regdb.RegInfo:
        return regdb.lookup(reg, self._accel, self._cpu_model)

    def set_annotations(self, notes: Mapping[tuple[int, int], RowNote]) -> None:
        """Replace every row's note; keys are (vcpu, register id)."""
        self._notes = dict(notes)
        self._apply_notes()
        self.statusChanged.emit(None)
        self.refresh()

    def _apply_notes(self) -> None:
        """Codes and blocking flags of every row from the notes: one pass over the notes,
        not over the rows."""
        self.codes = bytearray(self.facts.base_codes)
        self.blocking = bytearray(len(self._rows))
        self._rule_keys = None
        if not self._notes:
            return
        row_of = self.row_of()
        for key, note in self._notes.items():
            i = row_of.get(key)
            if i is not None:
                self._set_flags(i, note)

    def _set_flags(self, i: int, note: RowNote | None) -> None:
        tolerated = note is not None and note.tolerated
        self.codes[i] = TOLERATED if tolerated else self.facts.base_codes[i]
        self.blocking[i] = 1 if note is not None and note.blocking else 0

    def row_of(self) -> dict[tuple[int, int], int]:
        """(vcpu, register id) -> model row."""
        if self._row_of is None:
            self._row_of = {(r.vcpu, r.id): i for i, r in enumerate(self._rows)}
        return self._row_of

    def patch_notes(self, changed: Mapping[int, RowNote | None]) -> None:
        """Replace the notes of a few rows (model row -> note, None for none) and signal
        only those rows: ``statusChanged`` once, then dataChanged per run of rows."""
        self._rule_keys = None
        for i, note in changed.items():
            r = self._rows[i]
            if note is None:
                self._notes.pop((r.vcpu, r.id), None)
            else:
                self._notes[(r.vcpu, r.id)] = note
            self._set_flags(i, note)
        rows = sorted(changed)
        self.statusChanged.emit(rows)
        last, emit, create = len(Column) - 1, self.dataChanged.emit, self.createIndex
        for first, end in runs(rows):  # createIndex: index() asks rowCount() too
            emit(create(first, 0), create(end, last))

    def refresh(self) -> None:
        """Repaint every cell (colour scheme changed, notes changed): same rows, new looks."""
        if self._rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._rows) - 1, len(Column) - 1))

    # -- lookups the proxy and views use directly (cheaper than data() per role) ------------
    @property
    def accel(self) -> str:
        return self._accel

    @property
    def cpu_model(self) -> tuple[str, ...]:
        return self._cpu_model

    @property
    def notes(self) -> Mapping[tuple[int, int], RowNote]:
        return self._notes

    def record(self, row: int) -> DiffRow:
        return self._rows[row]

    def info(self, row: int) -> regdb.RegInfo:
        facts = self.facts
        return facts.infos[facts.reg[row]]

    def note(self, row: int) -> RowNote | None:
        r = self._rows[row]
        return self._notes.get((r.vcpu, r.id))

    def status_key(self, row: int) -> str:
        return STATUS_KEYS[self.codes[row]]

    def counts(self, vcpu: int | None = None) -> dict[str, int]:
        """Rows per status key, of every vCPU or of ``vcpu`` (counted in C over the codes)."""
        codes = bytes(self.codes)
        if vcpu is not None:
            codes = bytes(compress(codes, self.facts.vcpu_mask(vcpu)))
        return {key: codes.count(i) for i, key in enumerate(STATUS_KEYS)}

    def vcpus(self) -> list[int]:
        return self.facts.distinct_vcpus()

    def rule_keys(self) -> list[int]:
        """The Rule column's sort key per row: the rank of its note's words (case-blind),
        rows without a note last (as their "~" placeholder sorts)."""
        if self._rule_keys is not None:
            return self._rule_keys
        texts = {key: (note.rule or "~").lower() for key, note in self._notes.items()}
        rank = {text: i for i, text in enumerate(sorted({*texts.values(), "~"}))}
        keys = [rank["~"]] * len(self._rows)
        row_of = self.row_of()
        for key, text in texts.items():
            i = row_of.get(key)
            if i is not None:
                keys[i] = rank[text]
        self._rule_keys = keys
        return keys

    # -- QAbstractTableModel ---------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        return self.cell(index.row(), index.column(), role)

    def cell(self, i: int, column: int, role: int = Qt.ItemDataRole.DisplayRole):
        """``data()`` of row ``i``, ``column`` without a QModelIndex (the proxy's fast path)."""
        if role not in _ROLES:  # most roles a view asks for while painting: none here
            return None
        col = column  # an int: Column members compare equal to their numbers
        row = self._rows[i]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(i, row, col)
        if role == RecordRole:
            return row
        if role == StatusKeyRole:
            return self.status_key(i)
        if role == SortRole:
            return self._sort_key(i, row, col)
        if role == Qt.ItemDataRole.DecorationRole and col == Column.STATUS:
            return theme.status_icon(self.status_key(i))
        if role == Qt.ItemDataRole.BackgroundRole:
            return theme.row_background(self.status_key(i))
        if role == Qt.ItemDataRole.FontRole and col in (Column.ID, Column.SRC, Column.DST):
            return self._mono
        if col == Column.RULE and role in (Qt.ItemDataRole.ForegroundRole,
                                           Qt.ItemDataRole.FontRole):
            return self._rule_style(i, role)
        if role == Qt.ItemDataRole.ToolTipRole:  # notes carry rule reasons: the user's text
            text = self._tooltip(i, row, col)
            return tip(text) if text else None
        if role == Qt.ItemDataRole.TextAlignmentRole and col == Column.VCPU:
            return Qt.AlignmentFlag.AlignCenter
        return None

    def _display(self, i: int, row: DiffRow, col: int):
        if col == Column.VCPU:
            return str(row.vcpu)
        if col == Column.STATUS:
            return theme.STYLES[self.status_key(i)].label
        if col == Column.NAME:
            return self.info(i).name
        if col == Column.ID:
            return format_id(row.id)
        if col == Column.SRC:
            return hex64(row.src)
        if col == Column.DST:
            return hex64(row.dst)
        if col == Column.CLASS:
            return self.info(i).cls
        note = self.note(i)
        return note.rule if note else ""

    def _rule_style(self, i: int, role: int):
        """Blocking rows are flagged in the Rule column: bold, in the unexpected accent."""
        note = self.note(i)
        if note is None or not note.blocking:
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            return theme.accent("unexpected")
        bold = QFont()
        bold.setBold(True)
        return bold

    def _sort_key(self, i: int, row: DiffRow, col: int):
        # Ties fall back to the merge position, so every sort is stable and QEMU-ordered.
        if col == Column.STATUS:
            return theme.SEVERITY[self.status_key(i)] * 1_000_000 + i
        if col == Column.VCPU:
            return i
        if col == Column.ID:  # a string: 64-bit ids overflow the qint64 a QVariant compares
            return f"{row.id:016x}{row.vcpu:06d}"
        if col in (Column.SRC, Column.DST):
            value = row.src if col == Column.SRC else row.dst
            return "" if value is None else f"{value:016x}"
        return f"{self._display(i, row, col) or '~'}\x00{i:08d}".lower()

    def _tooltip(self, i: int, row: DiffRow, col: int):
        if col == Column.STATUS:
            return theme.STYLES[self.status_key(i)].meaning
        if col == Column.NAME:
            info = self.info(i)
            extra = f"\nalso: {', '.join(info.aliases)}" if info.aliases else ""
            return f"{info.name}  ({info.encoding.text()}){extra}"
        if col == Column.RULE:
            note = self.note(i)
            return note.tooltip or None if note else None
        return None
