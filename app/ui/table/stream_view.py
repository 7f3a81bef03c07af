"""The "Stream" tab: the incoming stream's RAM blocks and device sections against the
destination's, as QEMU pairs them before it reaches any cpreg.

A StreamTableModel behind a StreamProxy (sorting by ``SortRole``, "only differences"), a line
saying where the verdict fails on the stream (the failing row is marked in the table too), and
a details line for the current row. For sources that are not migration streams the tab says
the stream was not examined instead of showing an empty, "all equal" table.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QItemSelectionModel, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHeaderView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.model.compare.stream_diff import PartStatus, RamRow, SectionRow, StreamDiff
from app.model.reports.stream_report import details, part_for_reason, stream_notes
from app.model.sources.register_set import RegisterSet
from app.model.verdict.reason import Reason
from app.ui.plain_text import plain_label
from app.ui.table.diff_model import SortRole
from app.ui.table.stream_model import FAILS_HERE, StreamColumn, StreamTableModel, part_name

ABOUT = ("RAM blocks and device sections, incoming stream against the destination's, in "
         "stream order: QEMU checks these before any cpreg.")


class StreamProxy(QSortFilterProxyModel):
    """Sorts by SortRole; optionally hides matching parts (the failing row always shows)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SortRole)
        self.only_differences = False

    def set_only_differences(self, only: bool) -> None:
        self.beginFilterChange()
        self.only_differences = only
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, _parent) -> bool:
        model: StreamTableModel = self.sourceModel()  # type: ignore[assignment]
        return (not self.only_differences or source_row == model.failing_row()
                or model.record(source_row).status is not PartStatus.MATCH)


class StreamPage(QWidget):
    """The tab's contents; ``set_stream`` feeds it, ``set_failure`` marks the failing part."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.stream: StreamDiff | None = None
        # Plain text: notes, failures and details name the stream's own devices and blocks.
        self.notice = plain_label(ABOUT)
        self.notice.setObjectName("streamNotice")
        self.notice.setWordWrap(True)
        self.failure = plain_label()
        self.failure.setObjectName("streamFailure")
        self.failure.setWordWrap(True)
        self.failure.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.failure.hide()
        self.only_differences = QCheckBox("Only differences")
        self.only_differences.setToolTip("Hide the RAM blocks and sections that match")
        self.model = StreamTableModel(self)
        self.proxy = StreamProxy(self)
        self.proxy.setSourceModel(self.model)
        self.only_differences.toggled.connect(self.proxy.set_only_differences)
        self.view = QTableView()
        self.view.setObjectName("streamView")
        self.view.setModel(self.proxy)
        self._set_up_view()
        self.details = plain_label()
        self.details.setObjectName("streamDetails")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 0)
        for widget in (self.notice, self.failure, self.only_differences):
            layout.addWidget(widget)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.details)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_details())

    def _set_up_view(self) -> None:
        v = self.view
        v.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        v.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        v.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        v.setSortingEnabled(True)
        v.setWordWrap(False)
        v.setShowGrid(False)
        v.verticalHeader().hide()
        header = v.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        widths = {StreamColumn.STATUS: 250, StreamColumn.KIND: 85, StreamColumn.NAME: 250,
                  StreamColumn.INSTANCE: 70, StreamColumn.SRC_VERSION: 120,
                  StreamColumn.SRC_SIZE: 170, StreamColumn.DST_VERSION: 130}
        for col, width in widths.items():
            v.setColumnWidth(col, width)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # stream order

    def show_pair(self, src: RegisterSet | None, dst: RegisterSet | None,
                  stream: StreamDiff | None) -> tuple[str, str]:
        """Show ``stream`` (the pairing of ``src`` and ``dst``, None: no pair) and say what
        was not examined; returns the tab's title ("Stream (2)": differing parts) and
        tooltip."""
        self.stream = stream
        self.model.set_stream(stream)
        notes = stream_notes(src, dst, stream) if stream and src and dst else []
        self.notice.setText("\n".join([ABOUT, *(f"Not examined: {n}" for n in notes)]))
        self.set_failure(None, None)
        examined = stream is not None and stream.examined
        title = f"Stream ({self.model.differing()})" if examined else "Stream"
        return title, "; ".join(notes) or ("RAM blocks and device sections side by side; "
                                           "the number counts the differing ones")

    def mark_failure(self, reasons: Iterable[Reason]) -> Reason | None:
        """Mark the part the first of ``reasons`` names that is a row here."""
        for reason in reasons:
            part = part_for_reason(self.stream, reason)
            if part is not None:
                self.set_failure(part, reason)
                return reason
        self.set_failure(None, None)
        return None

    def set_failure(self, part: RamRow | SectionRow | None, reason: Reason | None) -> None:
        self.model.set_failure(part, reason)
        self.proxy.invalidate()  # the failing row shows even among "only differences"
        row = self.model.failing_row()
        if row is None or reason is None:
            self.failure.hide()
        else:
            self.failure.setText(f"⚠ {FAILS_HERE}: {part_name(self.model.record(row))} — "
                                 f"{reason.message}")
            self.failure.show()
        self._show_details()

    def select_failure(self) -> bool:
        """Make the failing row current and visible; False when no row fails."""
        row = self.model.failing_row()
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, StreamColumn.STATUS))
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def _show_details(self) -> None:
        index = self.view.currentIndex()
        if not index.isValid():
            self.details.setText("")
            return
        record = self.model.record(self.proxy.mapToSource(index).row())
        self.details.setText(f"{part_name(record)}: "
                             f"{'; '.join(details(record)) or 'no difference'}")
