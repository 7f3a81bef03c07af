"""Save baseline rules…: the pool's baseline as a native TOML rule file.

Written by the rule file writer (``rulefile.save``: atomic, the previous file kept as
``.bak``), so the file is byte for byte what ``fleet -o`` writes and what "Open rules…" and
``check --rules`` read back. A name typed without an extension gets ``.toml``, as in
"Save rules as…" (``with_rules_suffix``), and a file of that name is not replaced without
asking (``ask_replace``: the dialog only checked the name as typed). A failed write
names the file in a message box and changes nothing.
"""

from __future__ import annotations

import os

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.model.fleet import Baseline
from app.model.rules import rulefile
from app.ui.plain_text import plain_box
from app.ui.rules.files import ask_replace, with_rules_suffix

FILTER = "Rule files (*.toml);;All files (*)"
ERROR_BOX = "fleetSaveErrorBox"


def ask_path(parent: QWidget, directory: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, "Save baseline rules",
                                          os.path.join(directory, "baseline-rules.toml"),
                                          FILTER)
    if not path:
        return None
    chosen = with_rules_suffix(path)
    if chosen != path and os.path.exists(chosen) and not ask_replace(parent, chosen):
        return None
    return chosen


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
