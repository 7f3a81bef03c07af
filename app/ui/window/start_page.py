"""What the window shows until both sides are loaded: open each side, reopen a recent pair,
or open the bundled demo — plus where a half-chosen pair stands."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.ui.icons import app_icon
from app.ui.plain_text import plain_label, tip
from app.ui.window.pair_names import pair_title

PairRole = Qt.ItemDataRole.UserRole + 1


class StartPage(QWidget):
    openSourceRequested = Signal()
    openDestinationRequested = Signal()
    openDemoRequested = Signal()
    openPairRequested = Signal(str, str)

    def __init__(self, parent=None):
        super().__init__(parent)
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(64, 64))
        title = QLabel("Cpreg Explorer")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 2)
        font.setBold(True)
        title.setFont(font)
        subtitle = QLabel("Load the incoming stream (source) and what the destination would "
                          "save (destination): the view shows QEMU's merge of their cpreg lists.")
        subtitle.setWordWrap(True)
        head = QHBoxLayout()
        head.addWidget(logo)
        head.addWidget(title, 1)

        sides = QGridLayout()
        self.side_labels = {}
        for col, (side, text, signal) in enumerate((
                ("src", "Open source (incoming)…", self.openSourceRequested),
                ("dst", "Open destination (local)…", self.openDestinationRequested))):
            button = QPushButton(text)
            button.setMinimumHeight(40)
            button.clicked.connect(signal.emit)
            label = plain_label("not loaded")  # shows a file name
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setEnabled(False)
            sides.addWidget(button, 0, col * 2)
            sides.addWidget(label, 1, col * 2)
            self.side_labels[side] = label
        arrow = QLabel("→")
        arrow.setAlignment(Qt.AlignmentFlag.AlignCenter)
        sides.addWidget(arrow, 0, 1)
        self.demo = QPushButton("Open the demo pair: QEMU 7.2 → QEMU 11.1 (cortex-a57, 2 vCPUs)")
        self.demo.clicked.connect(self.openDemoRequested.emit)
        hint = QLabel("…or drop one or two files on this window.")
        hint.setEnabled(False)

        self.recent_title = QLabel("Recent pairs")
        self.recent_title.setFont(QFont(self.font().family(), -1, QFont.Weight.Bold))
        self.recent = QListWidget()
        self.recent.setFrameShape(QFrame.Shape.StyledPanel)
        self.recent.setToolTip("Double-click or press Enter to open a pair")
        self.recent.itemActivated.connect(self._activate)

        column = QVBoxLayout()
        column.addStretch(1)
        column.addLayout(head)
        column.addWidget(subtitle)
        column.addSpacing(16)
        column.addLayout(sides)
        column.addSpacing(8)
        column.addWidget(self.demo)
        column.addWidget(hint)
        column.addSpacing(16)
        column.addWidget(self.recent_title)
        column.addWidget(self.recent)
        column.addStretch(2)
        box = QWidget()
        box.setLayout(column)
        box.setMaximumWidth(760)
        content = QWidget()
        outer = QHBoxLayout(content)
        outer.addStretch(1)
        outer.addWidget(box, 4)
        outer.addStretch(1)
        # In a scroll area: the window's central stack is as tall as its tallest page's
        # minimum, so an unscrollable start page would cost the merged view its rows.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        page = QVBoxLayout(self)
        page.setContentsMargins(0, 0, 0, 0)
        page.addWidget(scroll)

    def set_sides(self, src_path: str | None, dst_path: str | None) -> None:
        for side, path in (("src", src_path), ("dst", dst_path)):
            label = self.side_labels[side]
            label.setText(os.path.basename(path) if path else "not loaded")
            label.setToolTip(tip(path or ""))
            label.setEnabled(bool(path))

    def set_recent(self, pairs: list[tuple[str, str]]) -> None:
        self.recent.clear()
        for src, dst in pairs:
            item = QListWidgetItem(pair_title(src, dst, "  →  "))
            item.setToolTip(tip(f"{src}\n→ {dst}"))
            item.setData(PairRole, (src, dst))
            self.recent.addItem(item)
        self.recent_title.setVisible(bool(pairs))
        self.recent.setVisible(bool(pairs))
        # As tall as its entries (a list widget's size hint ignores them), at most ten rows.
        rows = max(1, min(len(pairs), 10))
        self.recent.setFixedHeight(rows * self.recent.sizeHintForRow(0) + 2
                                   * self.recent.frameWidth() + 4 if pairs else 0)

    def _activate(self, item: QListWidgetItem) -> None:
        src, dst = item.data(PairRole)
        self.openPairRequested.emit(src, dst)
