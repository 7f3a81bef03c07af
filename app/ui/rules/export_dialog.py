"""File → Export…: the rules in every format ``exporters.formats()`` offers, previewed live.

The preview is exactly what is saved (``exporters.export(...).text``); rules the format cannot
express and the exporter's notes are listed under it, so nothing is dropped silently. The
Markdown report also needs the pair and its verdict, which the session supplies; without a
loaded pair that format says so instead of exporting half a report. Saving is atomic; the
save dialog starts where the rule file dialogs do (files.rules_folder: beside the rule file,
else the last rules folder, else the pair's folder).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
)

from app.model import exporters
from app.model.exporters import ExportResult
from app.model.rules import rulefile
from app.ui.plain_text import message, plain_label
from app.ui.rules.files import rules_folder


class ExportDialog(QDialog):
    def __init__(self, parent, session, directory: str = ""):
        """``directory``: where saving starts when ``rules_folder`` knows no better."""
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export rules")
        self.resize(820, 600)
        self.session = session
        self.directory = directory
        self.exported: ExportResult | None = None  # the preview; not QDialog.result()
        self.format = QComboBox()
        for name in exporters.formats():
            self.format.addItem(name, name)
        self.format.currentIndexChanged.connect(lambda _i: self.refresh())
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.skipped = plain_label()  # names rules and registers: the user's text
        self.skipped.setObjectName("exportSkipped")
        self.skipped.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Close)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("Save…")
        self.save_button.clicked.connect(self.save)
        self.copy_button = buttons.addButton("Copy", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(QLabel("Format"))
        top.addWidget(self.format)
        top.addWidget(self.description, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.skipped)
        layout.addWidget(buttons)
        self.refresh()

    def context(self, name: str) -> dict | None:
        """What the format needs beyond the rules; None when the session cannot supply it."""
        needs = exporters.EXPORTERS[name].needs
        s = self.session
        have = {"src": s.src, "dst": s.dst, "verdict": s.verdict, "diff": s.diff}
        if any(have.get(key) is None for key in needs):
            return None
        return {key: have[key] for key in needs}

    def refresh(self) -> None:
        name = self.format.currentData()
        exporter = exporters.EXPORTERS[name]
        self.description.setText(exporter.description)
        context = self.context(name)
        if context is None:
            self.exported = None
            self.preview.setPlainText("")
            self.skipped.setText(f"The {name} export describes the loaded pair and its verdict:"
                                 " open a source and a destination first.")
        else:
            self.exported = exporters.export(self.session.rules, name, **context)
            self.preview.setPlainText(self.exported.text)
            lines = [f"Not exported: {item}" for item in self.exported.skipped]
            lines += [f"Note: {note}" for note in self.exported.notes]
            self.skipped.setText("\n".join(lines))
        self.skipped.setVisible(bool(self.skipped.text()))
        self.save_button.setEnabled(self.exported is not None)
        self.copy_button.setEnabled(self.exported is not None)

    def copy(self) -> None:
        if self.exported is not None:
            QGuiApplication.clipboard().setText(self.exported.text)

    def save(self) -> str | None:
        if self.exported is None:
            return None
        name = self.format.currentData()
        suffix = exporters.EXPORTERS[name].suffix
        base = Path(self.session.rules_path or "rules").stem
        settings = getattr(self.parent(), "settings", None)  # the window's, when it has one
        start = os.path.join(rules_folder(self.session, settings) or self.directory,
                             base + suffix)
        path, _ = QFileDialog.getSaveFileName(self, f"Export rules as {name}", start,
                                              f"{name} (*{suffix});;All files (*)")
        if not path:
            return None
        try:
            rulefile.write_atomic(Path(path), self.exported.text.encode("utf-8"))
        except OSError as exc:
            message(self, QMessageBox.Icon.Critical, "Export failed",
                    f"Could not write {path}: {exc}")
            return None
        if settings is not None:
            settings.set_last_rules_dir(path)
        self.accept()
        return path
