"""The verdict's warnings, readable: a "19 warnings" button in the status bar and the list.

A warning is what the destination QEMU goes past (a deprecated machine type, a register the
stream lacks, a section it keeps its own state for) or a part the tool could not judge. They
do not block, but an engineer has to read them, copy them into a bug report and see them
without hovering. The button (Tab reaches it; View → Warnings… too) opens a non-modal dialog
with selectable, copyable text, kept up to date while it is open. The same warning on many
vCPUs is one line naming the vCPUs (256 vCPUs lacking one register are one line, not 256).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.model.verdict.reason import Reason
from app.model.wording import plural
from app.ui.table.diff_model import runs

DIALOG_NAME = "warningsDialog"
BUTTON_NAME = "warningsButton"


def vcpu_ranges(vcpus: Sequence[int]) -> str:
    """``0–3, 7`` for [0, 1, 2, 3, 7] (sorted, duplicates dropped)."""
    return ", ".join(str(first) if first == last else f"{first}–{last}"
                     for first, last in runs(sorted(set(vcpus))))


def _where(r: Reason, vcpus: Sequence[int]) -> str:
    parts = []
    if vcpus:
        parts.append(f"vCPU{'s' if len(vcpus) > 1 else ''} {vcpu_ranges(vcpus)}")
    if r.name:
        parts.append(r.name)
    elif r.section and f"'{r.section}'" not in r.message:  # else the message names it
        instance = f" {r.instance}" if r.instance is not None and not vcpus else ""
        parts.append(f"section {r.section}{instance}"
                     + (f", {r.field}" if r.field else ""))
    return " · ".join(parts)


NOT_REACHED = "a real QEMU stops at an earlier failure and never gets here"


def warning_lines(warnings: Iterable[Reason]) -> list[str]:
    """One line per warning (plus its details, indented), QEMU's order; warnings that differ
    only in their vCPU become one line naming every vCPU (and which of them QEMU does not
    reach)."""
    groups: dict[tuple, tuple[Reason, list[int], list[int], list[bool]]] = {}
    for r in warnings:
        key = (r.status, r.register, r.name, r.message, r.section, r.field, r.details,
               r.instance if r.vcpu is None else None)
        _first, vcpus, unreached, reached = groups.setdefault(key, (r, [], [], []))
        reached.append(r.reached)
        if r.vcpu is not None:
            vcpus.append(r.vcpu)
            if not r.reached:
                unreached.append(r.vcpu)
    lines = []
    for r, vcpus, unreached, reached in groups.values():
        where = _where(r, vcpus)
        text = f"{where}: {r.message}" if where else r.message
        if not any(reached):
            text += f" ({NOT_REACHED})"
        elif unreached:
            text += (f" (vCPU{'s' if len(unreached) > 1 else ''} {vcpu_ranges(unreached)}: "
                     f"{NOT_REACHED})")
        lines.append(f"⚠ {text}")
        lines += [f"    {d}" for d in r.details]
    return lines


class WarningsDialog(QDialog):
    """The list, as plain selectable text with a Copy button."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(DIALOG_NAME)
        self.setWindowTitle("Warnings")
        self.resize(760, 420)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = buttons.addButton("&Copy all", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)

    def show_warnings(self, warnings: Sequence[Reason], release: str) -> None:
        self.setWindowTitle(f"Warnings — {release}")
        self.heading.setText(
            f"{plural(len(warnings), 'warning')}: {release} loads past these (they do not "
            "block the migration), or the tool could not judge that part of the stream."
            if warnings else f"No warnings: {release} prints none for this pair.")
        self.text.setPlainText("\n".join(warning_lines(warnings)))

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text.toPlainText())


class WarningsButton(QPushButton):
    """"N warnings" in the status bar; hidden while the verdict has none (or there is none).

    It is told the count and how to read the warnings (``set_warnings``): the list itself
    means assembling the verdict's whole trail (~20,000 reasons at 256 vCPUs), so it is read
    only while the list is open, not on every rule edit."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(BUTTON_NAME)
        self.setFlat(True)
        font = self.font()
        font.setUnderline(True)  # flat: the underline and hand cursor say it can be clicked
        self.setFont(font)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Show the verdict's warnings as a list you can read and copy")
        self.dialog: WarningsDialog | None = None
        self._read: Callable[[], Sequence[Reason]] = tuple
        self.release = ""
        self.clicked.connect(self.show_list)
        self.hide()

    def set_warnings(self, count: int, release: str,
                     read: Callable[[], Sequence[Reason]] = tuple) -> None:
        """``count`` warnings of ``release``'s verdict; ``read()`` returns them, in QEMU's
        order, when the list is shown."""
        self.release, self._read = release, read
        self.setText(f"⚠ {plural(count, 'warning')}")
        self.setVisible(bool(count))
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.show_warnings(read(), release)

    def show_list(self) -> WarningsDialog:
        if self.dialog is None:
            self.dialog = WarningsDialog(self.window())
        self.dialog.show_warnings(self._read(), self.release)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog
