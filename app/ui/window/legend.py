"""The status legend: icon, row tint and meaning of each state (View → Legend)."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from app.ui import theme


class Legend(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 8, 8, 8)
        grid.setVerticalSpacing(6)
        self._swatches: dict[str, QLabel] = {}
        for row, (key, style) in enumerate(theme.STYLES.items()):
            icon = QLabel()
            icon.setPixmap(theme.status_icon(key, 18).pixmap(18, 18))
            name = QLabel(f"<b>{style.label}</b>")
            self._swatches[key] = name
            meaning = QLabel(style.meaning)
            meaning.setWordWrap(True)
            grid.addWidget(icon, row, 0)
            grid.addWidget(name, row, 1)
            grid.addWidget(meaning, row, 2)
        grid.setColumnStretch(2, 1)
        grid.setRowStretch(len(theme.STYLES), 1)
        self.refresh()

    def refresh(self) -> None:
        """Tint each name like its rows (called again when the colour scheme changes)."""
        for key, label in self._swatches.items():
            tint = theme.row_background(key)
            label.setStyleSheet(f"background: {tint.name()}; padding: 2px 6px;"
                                if tint else "padding: 2px 6px;")
