"""Recovery at start: offer back the session of a run that did not exit cleanly.

An autosave file whose process is gone (app.model.session_file.orphans) means the last run
crashed or was killed. The user chooses Restore or Discard. Restoring reopens the sources that
still exist (and says which do not), the rules with their file path and unsaved flag, the
policy and the view filters. The restored snapshot is first adopted as this run's own
autosave and only then is the old file removed, so a crash while the sources load loses
nothing either. An unreadable autosave (not JSON, nested too deep, a time or vCPU out of range,
not a regular file) is renamed aside (``.unreadable``, ``.unreadable-2``, ...; never deleted)
and said in a box, the log and the status bar; the next orphan, if any, is offered instead.
File names and the files' text are shown as plain text, never as rich text.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Sequence

from PySide6.QtWidgets import QMessageBox

from app.model import session_file
from app.model.errors import FormatError, RuleError
from app.model.rules import rulefile
from app.model.session_file import Snapshot
from app.model.verdict.policy import get_policy
from app.ui.plain_text import plain_box
from app.ui.session.autosave import Autosaver
from app.ui.session.session import Session
from app.ui.window.main_window import MainWindow
from app.ui.window.pair_names import pair_names

log = logging.getLogger(__name__)
RECOVERY_BOX_NAME = "recoveryBox"
PROBLEMS_BOX_NAME = "recoveryProblemsBox"


def offer_recovery(window: MainWindow, autosaver: Autosaver, *,
                   cli_sources: Sequence[str] = ()) -> bool:
    """Ask about the newest readable orphaned autosave, if any; True when it was restored.
    Unreadable ones on the way are set aside and reported."""
    problems: list[str] = []
    try:
        for path in session_file.orphans(window.settings.autosave_dir()):
            try:
                snap, note = session_file.load(path)
            except (OSError, FormatError) as exc:
                problems.append(_set_aside(path, exc))
                continue
            _report_unreadable(window, problems)
            return _offer(window, autosaver, path, snap, note, cli_sources)
    except OSError as exc:  # the state directory itself cannot be listed
        problems.append(f"The autosave directory cannot be read: {exc}")
    _report_unreadable(window, problems)
    return False


def _set_aside(path, exc: BaseException) -> str:
    """Move an unreadable autosave (and its backup) out of the next start's way; the
    sentence saying what happened."""
    kept = []
    for p in (path, session_file.backup_path(path)):
        if os.path.lexists(p):
            try:
                kept.append(str(session_file.set_aside(p)))
            except OSError as err:
                kept.append(f"{p} (which could not be moved aside: {err})")
    where = " and ".join(kept) or str(path)
    log.warning("an autosaved session could not be read (%s); kept as %s", exc, where)
    return f"An autosaved session was found but cannot be read:\n{exc}\n\nIt was kept as {where}."


def _report_unreadable(window: MainWindow, problems: list[str]) -> None:
    if not problems:
        return
    window.statusBar().showMessage(problems[-1].replace("\n", " "), 15000)
    box = QMessageBox(QMessageBox.Icon.Warning, "Autosaved session unreadable",
                      "\n\n".join(problems), parent=window)
    plain_box(box)
    box.exec()  # modal, like the recovery question that may follow


def _offer(window: MainWindow, autosaver: Autosaver, path, snap: Snapshot, note: str | None,
           cli_sources: Sequence[str]) -> bool:
    if note:
        log.warning("recovering from the backup autosave: %s", note)
    if not _ask(window, snap, cli_sources):
        session_file.discard(path)
        return False
    autosaver.write(snap)  # ours now: a crash during the restore still leaves it to recover
    session_file.discard(path)
    restore(window, snap)
    return True


def _describe(snap: Snapshot) -> str:
    lines = []
    sides = [name if p else "—" for p, name in zip(
        (snap.src_path, snap.dst_path), pair_names(snap.src_path or "", snap.dst_path or ""),
        strict=True)]
    if snap.src_path or snap.dst_path:
        lines.append(f"Sources: {sides[0]} → {sides[1]}")
    if snap.rules is not None:
        try:
            n = len(rulefile.loads(snap.rules))
            rules = f"{n} rule{'s' * (n != 1)}"
        except RuleError as exc:
            rules = f"rules that cannot be read ({exc.message})"
        where = f" from {os.path.basename(snap.rules_path)}" if snap.rules_path else ""
        unsaved = ", with unsaved changes" if snap.rules_dirty else ""
        lines.append(f"Rules: {rules}{where}{unsaved}")
    if snap.policy:
        lines.append(f"Policy: {snap.policy}")
    return "\n".join(lines)


def _when(saved_at: float) -> str:
    try:
        return "at " + time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(saved_at))
    except (OverflowError, ValueError, OSError):  # session_file bounds it; this is the backstop
        return "at an unknown time"


def _ask(window: MainWindow, snap: Snapshot, cli_sources: Sequence[str]) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, "Restore the previous session?",
                      "Cpreg Explorer did not exit cleanly last time (a crash, or the process "
                      f"was killed). Its session was autosaved {_when(snap.saved_at)}.",
                      parent=window)
    box.setObjectName(RECOVERY_BOX_NAME)
    extra = ("\n\nThe files named on the command line are opened only if you discard."
             if cli_sources else "")
    box.setInformativeText(_describe(snap) + extra)
    plain_box(box)  # file names and rule text are the user's, never markup
    restore_button = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(restore_button)
    box.exec()  # modal on purpose: nothing else should start before the user decides
    return box.clickedButton() is restore_button


def restore(window: MainWindow, snap: Snapshot) -> list[str]:
    """Put ``snap`` back into the window; what could not be restored, also shown to the user."""
    s, problems = window.session, []
    paths = []
    for label, path in (("source", snap.src_path), ("destination", snap.dst_path)):
        if path and not os.path.exists(path):
            problems.append(f"The {label} {path} no longer exists.")
            path = None
        paths.append(path)
    if snap.rules is not None:
        problems += _restore_rules(s, snap.rules, snap)
    if snap.policy is not None:
        problems += _restore_policy(s, snap.policy)
    apply_filters(window, snap)
    s.reopen(*paths)
    if problems:
        box = QMessageBox(QMessageBox.Icon.Warning, "Session partly restored",
                          "\n".join(problems), parent=window)
        box.setObjectName(PROBLEMS_BOX_NAME)
        plain_box(box)
        box.open()
        log.warning("session restore: %s", " ".join(problems))
    return problems


def _restore_rules(session: Session, text: str, snap: Snapshot) -> list[str]:
    try:
        rules = rulefile.loads(text, snap.rules_path)
    except RuleError as exc:
        return [f"The autosaved rules could not be read: {exc}"]
    session.set_rules(rules, dirty=snap.rules_dirty)
    session.set_rules_file(snap.rules_path, dirty=snap.rules_dirty)
    return []


def _restore_policy(session: Session, name: str) -> list[str]:
    try:
        policy = get_policy(name)
    except KeyError as exc:
        return [f"The policy could not be restored: {exc.args[0]}"]
    session.set_policy(policy.name)
    return []


def apply_filters(window: MainWindow, snap: Snapshot) -> None:
    """The filter bar's controls (which drive the proxy) set as in ``snap``; the vCPU is
    chosen once the diff has loaded, as the choice lists only the diff's vCPUs."""
    bar, f = window.filter_bar, snap.filters
    for key, action in bar.status_actions.items():
        action.setChecked(key in f.statuses)
    bar.hide_state_action.setChecked(f.hide_state)
    bar.search.setText(f.text)
    if f.vcpu is None:
        return

    def choose() -> None:
        window.session.diffChanged.disconnect(choose)
        # Compared here, not by findData: a number beyond a C int never reaches Qt.
        for index in range(bar.vcpu.count()):
            if bar.vcpu.itemData(index) == f.vcpu:
                bar.vcpu.setCurrentIndex(index)
                return

    window.session.diffChanged.connect(choose)
