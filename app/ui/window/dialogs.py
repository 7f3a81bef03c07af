"""Small dialogs: load errors, which side a dropped file goes to, shortcuts, About.

Load errors open window-modal but non-blocking (``open()``, not ``exec()``): the event loop
keeps running, so a worker finishing meanwhile is still handled, and tests can find the box.
File names and error messages are shown as plain text (app.ui.plain_text): a file named
``<b>x</b>.mig`` is shown with its angle brackets.
"""

from __future__ import annotations

import os
import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

from app import __version__
from app.model.errors import FormatError
from app.model.registers import regdb
from app.ui.plain_text import plain_box

LOAD_ERROR_NAME = "loadErrorBox"

SHORTCUTS = (
    ("Ctrl+O", "Open source (incoming)…"),
    ("Ctrl+Shift+O", "Open destination (local)…"),
    ("Ctrl+Shift+F", "Open fleet… (one register source per host)"),
    ("F5", "Reload both sources"),
    ("Ctrl+Shift+S", "Swap sides"),
    ("Alt+Down / Alt+Up", "Next / previous difference"),
    ("F8 / Shift+F8", "Next / previous blocking register (what the destination rejects)"),
    ("Ctrl+PgDown / Ctrl+PgUp", "Next / previous tab (cpregs, CPU state, Stream)"),
    ("Alt+1 / Alt+2 / Alt+3", "The cpregs / CPU state / Stream tab"),
    ("Enter", "Show the selected register's details"),
    ("Ctrl+C", "Copy selected rows (tab-separated, with a header)"),
    ("Ctrl+F", "Search by name or id"),
    ("Menu / Shift+F10 / Ctrl+R", "Row menu: add, edit or remove the row's rule"),
    ("Ctrl+Shift+G", "Suggest rules"),
    ("Ctrl+Z / Ctrl+Shift+Z (Ctrl+Y)", "Undo / redo a rule change"),
    ("Del", "Remove the selected rule (rules panel)"),
    ("Enter", "Edit the selected rule (rules panel); accept a dialog"),
    ("Ctrl+S", "Save rules"),
    ("Ctrl+E", "Export rules…"),
    ("Ctrl+? (Ctrl+Shift+/)", "This list"),
    ("Ctrl+Q", "Quit"),
)


def show_load_error(parent: QWidget, exc: BaseException) -> QMessageBox:
    """Name the file, where reading stopped and why; the previous sources stay loaded."""
    box = QMessageBox(QMessageBox.Icon.Critical, "Cannot load register source", "", parent=parent)
    box.setObjectName(LOAD_ERROR_NAME)
    path = getattr(exc, "path", None)
    name = os.path.basename(path) if path else "the file"
    lines = (exc.details() if isinstance(exc, FormatError)
             else [f"Reason: {type(exc).__name__}: {exc}"])
    lines.append("The previously loaded sources are unchanged.")
    box.setText(f"Could not load {name}")
    box.setInformativeText("\n".join(lines))
    box.setDetailedText(f"{path or ''}\n{exc}")
    plain_box(box)
    box.open()
    return box


def ask_side(parent: QWidget, path: str) -> str | None:
    """Which side should a single dropped file replace? 'src', 'dst' or None (cancel)."""
    box = QMessageBox(QMessageBox.Icon.Question, "Open dropped file",
                      f"Open {os.path.basename(path)} as…", parent=parent)
    src = box.addButton("Source (incoming)", QMessageBox.ButtonRole.AcceptRole)
    dst = box.addButton("Destination (local)", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    plain_box(box)
    box.exec()
    clicked = box.clickedButton()
    return "src" if clicked is src else "dst" if clicked is dst else None


def show_shortcuts(parent: QWidget) -> QMessageBox:
    rows = "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{v}</td></tr>" for k, v in SHORTCUTS)
    box = QMessageBox(QMessageBox.Icon.NoIcon, "Keyboard shortcuts",
                      f"<table>{rows}</table>", parent=parent)
    box.open()
    return box


def about_text() -> str:
    db = regdb.db_versions()
    return (f"<h3>Cpreg Explorer {__version__}</h3>"
            "<p>See why an ARM64 QEMU live migration fails: QEMU's merge of two cpreg lists, "
            "every register named and its bitfields decoded.</p>"
            f"<p>Qt {qVersion()} · PySide6 {pyside_version} · Python "
            f"{platform.python_version()}<br>"
            f"Register database: Linux {db.get('linux', '?')}, QEMU cpreg table "
            f"{db.get('qemu_cpregs_table', '?')} (generator {db.get('generator', '?')})</p>"
            "<p>License: GPL-2.0-or-later</p>")


def show_about(parent: QWidget) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.NoIcon, "About Cpreg Explorer", about_text(),
                      parent=parent)
    box.setIconPixmap(parent.windowIcon().pixmap(64, 64))
    box.open()
    return box
