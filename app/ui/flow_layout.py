"""A layout that places its items left to right and wraps to a new line when the width runs
out, so a row of buttons or filter controls never sets the window's minimum width.

It accepts the QBoxLayout calls the panels use (``addWidget``, ``addSpacing``,
``addStretch``): on each line, spare width goes first to stretches, else to horizontally
expanding widgets (a search box), so a row that fits looks like an QHBoxLayout row.
Its minimum width is that of its widest item.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QSizePolicy, QSpacerItem, QWidget

Policy = QSizePolicy.Policy


class FlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None, spacing: int = 6):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setSpacing(spacing)

    # -- the QBoxLayout-like calls ----------------------------------------------------------
    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def addSpacing(self, size: int) -> None:
        self.addItem(QSpacerItem(size, 0, Policy.Fixed, Policy.Minimum))

    def addStretch(self, _stretch: int = 0) -> None:
        self.addItem(QSpacerItem(0, 0, Policy.Expanding, Policy.Minimum))

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    # -- geometry -------------------------------------------------------------------------------
    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._place(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._place(rect, apply=True)

    def sizeHint(self) -> QSize:
        """One line holding every item."""
        m, shown = self.contentsMargins(), self._shown()
        width = sum(i.sizeHint().width() for i in shown) + self.spacing() * max(len(shown) - 1, 0)
        height = max((i.sizeHint().height() for i in shown), default=0)
        return QSize(width + m.left() + m.right(), height + m.top() + m.bottom())

    def minimumSize(self) -> QSize:
        """The widest item alone on a line (the height follows from heightForWidth)."""
        m = self.contentsMargins()
        width = max((i.minimumSize().width() for i in self._shown() if not _is_spacer(i)),
                    default=0)
        height = max((i.minimumSize().height() for i in self._shown()), default=0)
        return QSize(width + m.left() + m.right(), height + m.top() + m.bottom())

    def _shown(self) -> list[QLayoutItem]:
        return [i for i in self._items if not i.isEmpty() or _is_spacer(i)]

    def _lines(self, width: int) -> list[list[QLayoutItem]]:
        """The items per line; a spacer never starts a line (it would only indent it)."""
        lines: list[list[QLayoutItem]] = [[]]
        used = 0
        for item in self._shown():
            w = item.sizeHint().width()
            if lines[-1] and used + self.spacing() + w > width and not _is_spacer(item):
                lines.append([])
                used = 0
            if _is_spacer(item) and not lines[-1]:
                continue
            used += (self.spacing() if lines[-1] else 0) + w
            lines[-1].append(item)
        return [line for line in lines if line]

    def _place(self, rect: QRect, *, apply: bool) -> int:
        m: QMargins = self.contentsMargins()
        inner = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        y = inner.y()
        for line in self._lines(inner.width()):
            height = max(i.sizeHint().height() for i in line)
            if apply:
                self._place_line(line, inner.x(), y, inner.width(), height)
            y += height + self.spacing()
        return y - self.spacing() - inner.y() + m.top() + m.bottom() if y > inner.y() \
            else m.top() + m.bottom()

    def _place_line(self, line: list[QLayoutItem], x: int, y: int, width: int,
                    height: int) -> None:
        widths = [min(i.sizeHint().width(), width) for i in line]
        spare = width - sum(widths) - self.spacing() * (len(line) - 1)
        # Spare width: to the stretches when the line has any, else to expanding widgets.
        takers = [k for k, i in enumerate(line) if _is_spacer(i)
                  and i.expandingDirections() & Qt.Orientation.Horizontal]
        if not takers:
            takers = [k for k, i in enumerate(line) if not _is_spacer(i)
                      and i.expandingDirections() & Qt.Orientation.Horizontal]
        for n, k in enumerate(takers):
            if spare > 0:
                widths[k] += spare // len(takers) + (1 if n < spare % len(takers) else 0)
        for item, w in zip(line, widths, strict=True):
            h = min(item.sizeHint().height(), height) if not _is_spacer(item) else height
            item.setGeometry(QRect(QPoint(x, y + (height - h) // 2), QSize(w, h)))
            x += w + self.spacing()


def _is_spacer(item: QLayoutItem) -> bool:
    return item.spacerItem() is not None
