"""Save baseline rules…: the pool's baseline as a native TOML rule file.

Written by the rule file writer (``rulefile.save``: atomic, the previous file kept as
``.bak``), so the file is byte for byte what ``fleet -o`` writes and what "Open rules…" and
``check --rules`` read back. A name typed without an extension gets ``.toml``. A failed write
names the file in a message box and changes nothing.
"""

from __future__ import annotations

import os

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.model.fleet import Baseline
from app.model.rules import rulefile
from app.ui.plain_text import plain_box

FILTER = "Rule files (*.toml);;All files (*)"
ERROR_BOX = "fleetSaveErrorBox"


def with_suffix(path: str) -> str:
    """``path`` with ``.toml`` added when the name has no extension at all."""
    return path if os.path.splitext(os.path.basename(path))[1] else path + ".toml"


def ask_path(parent: QWidget, directory: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, "Save baseline rules",
                                          os.path.join(directory, "baseline-rules.toml"),
                                          FILTER)
    return with_suffix(path) if path else None


def write(parent: QWidget, baseline: Baseline, path: str) -> bool:
    """Write ``baseline``'s rules to ``path``; False (with a message box) when that failed."""
    try:
        rulefile.save(baseline.rules, path)
    except OSError as exc:
        box = QMessageBox(QMessageBox.Icon.Critical, "Cannot save baseline rules",
                          f"Could not write {path}", parent=parent)
        box.setObjectName(ERROR_BOX)
        box.setInformativeText(str(exc.strerror or exc))
        plain_box(box)
        box.open()  # non-blocking: the fleet window keeps running
        return False
    return True
