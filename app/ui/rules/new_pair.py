"""The new-pair question: keep the rules (and the chosen QEMU release) or start clean?

Rules are made for one pair; applying 66 of them to the next pair without a word hides why it
is accepted. So when a gesture replaces a loaded pair (``Session.pair_guard``) while there are
rules or a release the user chose, a window-modal box asks: *Keep rules*, *Start clean*
(the default) or *Cancel* (Escape). The chosen release resets to the new destination's default
unless its check box says otherwise. Nothing the user made is lost by *Start clean*: rules
not saved in a file are first written to a set-aside file in the state folder (a failure
keeps them and says so), and the clearing is one step on the Edit → Undo stack, which puts
them back, rule file and modified state included. All of it happens when the new pair is in
place, so a load that fails or is cancelled leaves the rules alone.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QCheckBox, QMessageBox

from app.model.atomic_write import write_atomic
from app.model.rules import rulefile
from app.model.rules.ruleset import RuleSet
from app.model.verdict.policy import POLICIES
from app.model.wording import plural
from app.ui.plain_text import plain_box
from app.ui.window.pair_names import pair_title

NEW_PAIR_BOX = "newPairBox"
SET_ASIDE_FOLDER = "set-aside-rules"

log = logging.getLogger(__name__)


def _one_line(text: str) -> str:
    """``text`` (a path) fit for a one-line TOML comment."""
    return text.encode("unicode_escape").decode("ascii")


def set_aside(rules: RuleSet, folder: Path, pair: str) -> Path:
    """Write ``rules`` to a new file in ``folder`` (never replacing one) and return it; the
    file is an ordinary rule file (File → Open rules… reads it) that says where it came from."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = folder / f"rules-{stamp}.toml"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"rules-{stamp}-{n}.toml"
    header = (f"# Set aside by Cpreg Explorer when another pair was opened; these rules were "
              f"made for\n# {_one_line(pair)}\n")
    write_atomic(path, (header + rulefile.dumps(rules)).encode("utf-8"))
    return path


class StartClean(QUndoCommand):
    """No rules and no rule file; undo restores the rules, their file and modified state."""

    def __init__(self, editor, text: str):
        super().__init__(text)
        self.editor, s = editor, editor.session
        self.old = (s.rules, s.rules_path, s.rules_dirty)

    def redo(self) -> None:
        self.editor.install(RuleSet())
        self.editor.session.set_rules_file(None, dirty=False)

    def undo(self) -> None:
        rules, path, dirty = self.old
        self.editor.install(rules)
        self.editor.session.set_rules_file(path, dirty=dirty)


class NewPairQuestion:
    """``ask`` is the Session's ``pair_guard``; the box is ``box`` while it is open."""

    def __init__(self, window, editor):
        self.window, self.editor, self.session = window, editor, window.session
        self.box: QMessageBox | None = None

    def _chosen_title(self) -> str | None:
        return next((p.title for p in POLICIES if p.name == self.session.policy), None)

    def ask(self, paths: tuple[str | None, str | None], go) -> QMessageBox | None:
        """Open ``paths`` through ``go`` at once when there is nothing to keep; else ask."""
        s = self.session
        n, release = len(s.rules), self._chosen_title()
        if not n and release is None:
            go(None)
            return None
        if self.box is not None:  # one question at a time: the newest request wins
            self.box.done(0)
        old = pair_title(s.src_path or "", s.dst_path or "")
        new = pair_title(paths[0] or s.src_path or "", paths[1] or s.dst_path or "")
        kept = []
        if n:
            state = ("unsaved" if s.rules_dirty or not s.rules_path
                     else f"saved in {os.path.basename(s.rules_path)}")
            kept.append(f"{plural(n, 'rule')} ({state})")
        if release is not None:
            kept.append(f"{release} (your choice)")
        box = QMessageBox(QMessageBox.Icon.Question, "Open another pair",
                          f"Keep {' and '.join(kept)} for the new pair?", parent=self.window)
        box.setObjectName(NEW_PAIR_BOX)
        lines = [f"They were set for {old}; the new pair is {new}.", ""]
        if n:
            lines.append("Keep rules: the new pair is judged with the same rules.")
            fresh = "Start clean: the new pair starts with no rules."
            if s.rules_dirty or not s.rules_path:
                fresh += " The unsaved rules are first saved to a file of their own"
            else:
                fresh += f" The rules stay in {os.path.basename(s.rules_path or '')}"
            lines.append(fresh + "; Edit → Undo brings them back.")
            if release is not None:
                lines.append(f"Either way, {release} gives way to the new destination's default "
                             "release unless the box below is ticked.")
        else:
            lines += [f"Keep {release}: the new pair is judged as {release} would.",
                      "Start clean: the new destination's default release judges it."]
        box.setInformativeText("\n".join(lines))
        keep = box.addButton("&Keep rules" if n else f"&Keep {release}",
                             QMessageBox.ButtonRole.ActionRole)
        clean = box.addButton("&Start clean", QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(clean)
        box.setEscapeButton(cancel)
        keep_release: QCheckBox | None = None
        if n and release is not None:
            keep_release = QCheckBox(f"Keep {release} for the new pair")
            box.setCheckBox(keep_release)
        plain_box(box)  # file names are the user's text

        def answered(_result: int) -> None:
            clicked = box.clickedButton()
            keep_policy = keep_release is not None and keep_release.isChecked()
            self.box = None
            box.deleteLater()
            if clicked is keep:
                go(None if not n or keep_policy else self._reset_policy)
            elif clicked is clean:
                go(lambda: self.start_clean(keep_policy, old))

        box.finished.connect(answered)
        self.box = box
        box.open()
        return box

    def _reset_policy(self) -> None:
        self.session.set_policy(None)

    def start_clean(self, keep_policy: bool = False, made_for: str = "") -> bool:
        """Clear the rules (set aside first when unsaved, noting the pair they were
        ``made_for``) and, unless ``keep_policy``, the chosen release. False when the rules
        could not be set aside: they are kept then, and a box says so."""
        s = self.session
        if not keep_policy:
            s.set_policy(None)
        n = len(s.rules)
        if not n:
            return True
        unsaved = s.rules_dirty or not s.rules_path
        where = f"in {os.path.basename(s.rules_path or '')}"
        if unsaved:
            folder = Path(self.window.settings.autosave_dir()) / SET_ASIDE_FOLDER
            try:
                where = f"in {set_aside(s.rules, folder, made_for)}"
            except OSError as exc:
                log.error("could not set the rules aside in %s: %s", folder, exc)
                self._kept(n, folder, exc)
                return False
        stack = self.editor.stack
        was_clean = stack.isClean()
        stack.push(StartClean(self.editor, f"Start clean ({plural(n, 'rule')} set aside)"))
        if unsaved and was_clean:
            # The step before is marked saved though those rules were not (an imported C
            # file): undoing back to it must not call them saved.
            stack.resetClean()
        self.window.statusBar().showMessage(
            f"Started clean: {plural(n, 'rule')} of the previous pair {'is' if n == 1 else 'are'} "
            f"kept {where} (Edit → Undo brings them back).", 30000)
        return True

    def _kept(self, n: int, folder: Path, exc: OSError) -> None:
        # open(), not exec(): this runs while the session installs the new pair.
        box = QMessageBox(QMessageBox.Icon.Critical, "Rules kept",
                          f"The {plural(n, 'rule')} could not be saved to {folder} "
                          f"({exc.strerror or exc}), so they are kept and apply to the new pair.",
                          QMessageBox.StandardButton.Ok, self.window)
        box.setInformativeText("Save them (File → Save rules as…), then remove them to start "
                               "clean.")
        plain_box(box)
        box.finished.connect(box.deleteLater)
        box.open()
