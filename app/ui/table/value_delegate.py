"""Paints a hex value cell with the hex digits that differ from the other side emphasised.

Like a text diff's in-line highlight: in a value-mismatch row the eye goes straight to the
changed nibbles (``0x0000000003010006`` vs ``0x0000000003000006``) instead of comparing 16
digits by hand. Cells of other rows paint as usual.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.model.compare.diff import Status
from app.ui import theme
from app.ui.table.diff_model import Column, RecordRole, hex64


class ValueDelegate(QStyledItemDelegate):
    def paint(self, painter, option, index) -> None:
        row = index.data(RecordRole)
        if row is None or row.status is not Status.VALUE_MISMATCH:
            super().paint(painter, option, index)
            return
        other = row.dst if index.column() == Column.SRC else row.src
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""  # let the style draw background/selection/focus, we draw the text
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)

        rect: QRect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt,
                                           opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        normal = opt.palette.color(role)
        strong = normal if selected else theme.accent("value-mismatch").darker(
            100 if theme.is_dark() else 135)
        bold = QFont(opt.font)
        bold.setBold(True)
        other_text = hex64(other)
        painter.save()
        painter.setClipRect(rect)
        x = rect.left() + 3  # the style's own text margin for item views
        metrics = opt.fontMetrics
        for piece, differs in _runs(text, other_text):  # one drawText per run, not per digit
            painter.setFont(bold if differs else opt.font)
            painter.setPen(strong if differs else normal)
            painter.drawText(QRect(x, rect.top(), rect.width(), rect.height()),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, piece)
            # Advance with the regular font's metrics: a fixed-pitch font keeps columns aligned.
            x += metrics.horizontalAdvance(piece)
        painter.restore()


def _runs(text: str, other: str) -> list[tuple[str, bool]]:
    """``text`` cut into runs of digits that differ from ``other`` or not (the ``0x`` never
    differs)."""
    runs: list[tuple[str, bool]] = []
    for pos, ch in enumerate(text):
        differs = 2 <= pos < len(other) and other[pos] != ch
        if runs and runs[-1][1] == differs:
            runs[-1] = (runs[-1][0] + ch, differs)
        else:
            runs.append((ch, differs))
    return runs
