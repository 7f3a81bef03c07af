"""A change map beside the merged view's vertical scrollbar, as in Meld.

A thin strip the height of the table's rows: each pixel line stands for the shown rows at
that height of the (filtered, sorted) table. Its left half marks rows that block the
migration (a strong red), its right half rows that differ (in the colour of the most severe
status among the rows under the line); a frame shows the rows on screen.
Built from the proxy's per-row bytes (``shown_codes``/``shown_blocking``) with one C-level
slice test per pixel line, so it repaints in well under a millisecond at 77,824 rows.
Clicking jumps there: to the blocking row under the pointer, else the first difference,
else the row itself.

The map is a child of the table (DiffView), placed by its ``updateGeometries`` in a right
viewport margin, between the rows and the vertical scrollbar (``place``).
"""

from __future__ import annotations

from itertools import groupby

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPalette
from PySide6.QtWidgets import QTableView, QWidget

from app.ui import theme
from app.ui.table.filter_proxy import DiffFilterProxy
from app.ui.table.row_facts import MATCH, STATUS_KEYS

WIDTH = 10
MIN_MARK = 3  # pixel lines a mark takes at least
BLOCKING = "blocking"
Line = tuple[int, int, str]  # (first pixel line, last pixel line, "blocking" or status key)
# Blocking runs and difference runs may overlap (they go to different halves of the strip).


class ChangeMap(QWidget):
    def __init__(self, view: QTableView):
        super().__init__(view)
        self.view = view
        self._lines: list[Line] | None = None
        self._where = (0, 0)  # the track (top, height) _lines were computed for
        self.setObjectName("changeMap")
        # It fills every pixel itself: Qt need not paint the ancestors (main window, tabs,
        # table frame) under it first, each time it repaints.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setFixedWidth(WIDTH)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Change map of the shown rows — left: rows that block the migration "
                        "(red); right: rows that differ (status colours). Click to jump there.")
        self._proxy: DiffFilterProxy | None = None
        bar = view.verticalScrollBar()
        bar.valueChanged.connect(self.update)
        bar.rangeChanged.connect(self.update)

    def follow(self, proxy) -> None:
        """Draw ``proxy``'s rows (the view's model)."""
        if not isinstance(proxy, DiffFilterProxy):
            return
        self._proxy = proxy
        for signal in (proxy.layoutChanged, proxy.modelReset, proxy.marksChanged):
            signal.connect(self.invalidate)

    def invalidate(self, *_args) -> None:
        self._lines = None
        self.update()

    # -- geometry ---------------------------------------------------------------------------
    def place(self, viewport: QRect) -> None:
        """Sit right of ``viewport`` (the table's rows, in the table's coordinates)."""
        self.setGeometry(QRect(viewport.right() + 1, viewport.top(), WIDTH,
                               viewport.height()))

    def _track(self) -> QRect:
        """Where the rows are drawn: the whole strip (it is as tall as the rows' viewport)."""
        return QRect(0, 0, self.width(), max(1, self.height()))

    def _rows_at(self, y: int, track: QRect, n: int) -> tuple[int, int]:
        """The shown rows [first, end) pixel line ``y`` of ``track`` stands for."""
        h = track.height()
        first = min(n - 1, max(0, (y - track.top()) * n // h))
        end = max(first + 1, min(n, (y - track.top() + 1) * n // h))
        return first, end

    # -- what to draw -----------------------------------------------------------------------
    def lines(self) -> list[Line]:
        """Runs of pixel lines with the same mark, in strip coordinates."""
        track = self._track()
        where = (track.top(), track.height())
        if self._lines is None or self._where != where:  # the viewport moved or resized
            self._lines, self._where = self._compute(), where
        return self._lines

    def _compute(self) -> list[Line]:
        proxy, track = self._proxy, self._track()
        if proxy is None or proxy.rowCount() == 0:
            return []
        codes, blocking, n = proxy.shown_codes(), proxy.shown_blocking(), proxy.rowCount()
        view = memoryview(codes)  # slices without copies
        left: list[str | None] = []
        right: list[str | None] = []
        for y in range(track.top(), track.top() + track.height()):
            a, b = self._rows_at(y, track, n)
            left.append(BLOCKING if blocking.find(1, a, b) >= 0 else None)
            worst = min(view[a:b])  # codes are in severity order
            right.append(None if worst == MATCH else STATUS_KEYS[worst])
        out: list[Line] = []
        for kinds in (left, right):
            y = track.top()
            for kind, group in groupby(kinds):
                length = len(list(group))
                if kind is not None:
                    out.append((y, y + length - 1, kind))
                y += length
        return out

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        pal = self.palette()
        p.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        p.setPen(pal.color(QPalette.ColorRole.Mid))  # a hairline apart from the rows
        p.drawLine(0, 0, 0, self.height() - 1)
        strong = QColor("#ff5252") if theme.is_dark() else QColor("#b00020")
        half = self.width() // 2
        for first, last, kind in self.lines():
            height = max(MIN_MARK, last - first + 1)  # a lone row stays visible
            if kind == BLOCKING:  # left half: blocks the migration
                p.fillRect(QRect(0, first, half, height), strong)
            else:  # right half: differs, in its status colour
                p.fillRect(QRect(half, first, self.width() - half, height), theme.accent(kind))
        proxy, track = self._proxy, self._track()
        n = proxy.rowCount() if proxy is not None else 0
        if n:  # the rows on screen
            top = self.view.rowAt(0)
            bottom = self.view.rowAt(self.view.viewport().height() - 1)
            bottom = n - 1 if bottom < 0 else bottom
            y0 = track.top() + max(0, top) * track.height() // n
            y1 = track.top() + (bottom + 1) * track.height() // n
            frame = QColor(pal.color(QPalette.ColorRole.Text))
            frame.setAlpha(110)
            p.setPen(frame)
            p.drawRect(QRect(0, y0, self.width() - 1, max(2, y1 - y0 - 1)))
        p.end()

    # -- jumping ----------------------------------------------------------------------------
    def row_at(self, y: int) -> int:
        """The shown row a click at ``y`` goes to: the blocking row there, else the first
        difference there, else the first row there; -1 without rows."""
        proxy, track = self._proxy, self._track()
        if proxy is None or proxy.rowCount() == 0:
            return -1
        a, b = self._rows_at(y, track, proxy.rowCount())
        for kind in ("blocking", "difference"):
            hit = proxy.marks(kind).find(1, a, b)
            if hit >= 0:
                return hit
        return a

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        row = self.row_at(int(event.position().y()))
        if row >= 0:
            index = self.view.model().index(row, 2)  # the Name column
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index, QTableView.ScrollHint.PositionAtCenter)
            self.view.setFocus(Qt.FocusReason.MouseFocusReason)
        event.accept()


