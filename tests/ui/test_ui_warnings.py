"""The verdict's warnings are a button in the status bar that opens a readable, copyable list
(not only a tooltip), reachable from the keyboard; and pair names that tell two folders apart
in the title, the status bar and both recent lists."""

from __future__ import annotations

import shutil

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.model.verdict.reason import Reason
from app.ui.window.warnings_view import DIALOG_NAME, WarningsDialog, vcpu_ranges, warning_lines
from rules_helpers import focus
from ui_helpers import DST, SRC

DEPRECATED = "Machine type 'virt-7.2' is deprecated"


def _dialog(win) -> WarningsDialog | None:
    dialog = win.findChild(WarningsDialog, DIALOG_NAME)
    return dialog if dialog is not None and dialog.isVisible() else None


def test_status_bar_button_counts_the_verdicts_warnings_and_opens_the_list(qtbot, loaded):
    v = loaded.session.verdict
    button = loaded.summary.warnings_button
    assert v.warnings and any(DEPRECATED in r.message for r in v.warnings)
    assert button.isVisible() and button.text() == f"⚠ {len(v.warnings)} warnings"
    assert _dialog(loaded) is None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _dialog(loaded) is not None)
    dialog = _dialog(loaded)
    text = dialog.text.toPlainText()
    assert DEPRECATED in text.splitlines()[0]  # QEMU's order: the machine type comes first
    assert "vCPUs 0–1 · DBGDTRRXext: " in text  # one line for both vCPUs
    assert dialog.text.isReadOnly()
    assert f"{len(v.warnings)} warnings" in dialog.heading.text()
    assert v.policy.title in dialog.windowTitle()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == text
    dialog.close()


def test_the_list_is_reachable_without_a_mouse(qtbot, loaded):
    button = loaded.summary.warnings_button
    assert button.focusPolicy() & Qt.FocusPolicy.TabFocus
    focus(qtbot, button)
    qtbot.keyClick(button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: _dialog(loaded) is not None)
    _dialog(loaded).close()
    action = loaded.summary.warnings_action
    assert action in loaded.actions.view_menu.actions() and action.isEnabled()
    action.trigger()
    qtbot.waitUntil(lambda: _dialog(loaded) is not None)
    _dialog(loaded).close()


def test_an_open_list_follows_the_verdict(qtbot, loaded):
    loaded.summary.warnings_button.show_list()
    dialog = _dialog(loaded)
    assert "QEMU 11.1" in dialog.windowTitle()
    loaded.session.set_policy("qemu-10.0")
    qtbot.waitUntil(lambda: "QEMU 10.0" in dialog.windowTitle())
    n = len(loaded.session.verdict.warnings)
    assert loaded.summary.warnings_button.text() == f"⚠ {n} warning{'s' * (n != 1)}"
    dialog.close()


def test_no_pair_no_button(qtbot, window):
    assert not window.summary.warnings_button.isVisible()
    assert not window.summary.warnings_action.isEnabled()


def _reason(vcpu, name, reached=True, status="missing", message="expected but absent"):
    return Reason(vcpu, 1 if name else None, name, status, message, False, reached,
                  "cpu", vcpu)


def test_warning_lines_group_vcpus_and_say_what_qemu_never_reaches():
    warnings = [Reason(None, None, None, "deprecated-machine", "virt-7.2 is deprecated", False),
                *(_reason(v, "MDCCINT_EL1", reached=v < 4) for v in range(6)),
                _reason(9, "MDCCINT_EL1", reached=False),
                _reason(0, "RMR_EL1")]
    assert warning_lines(warnings) == [
        "⚠ virt-7.2 is deprecated",
        "⚠ vCPUs 0–5, 9 · MDCCINT_EL1: expected but absent (vCPUs 4–5, 9: a real QEMU stops "
        "at an earlier failure and never gets here)",
        "⚠ vCPU 0 · RMR_EL1: expected but absent",
    ]
    assert vcpu_ranges([7, 0, 1, 2, 3, 3]) == "0–3, 7" and vcpu_ranges([]) == ""


def test_same_names_in_two_folders_are_told_apart(qtbot, window, tmp_path):
    for folder, stream in (("7.2", SRC), ("11.1", DST)):
        (tmp_path / folder).mkdir()
        shutil.copy(stream, tmp_path / folder / "a57.mig")
    window.open_pair(str(tmp_path / "7.2" / "a57.mig"), str(tmp_path / "11.1" / "a57.mig"))
    qtbot.waitUntil(lambda: window.session.diff is not None and not window.session.busy,
                    timeout=20000)
    assert window.windowTitle().startswith("7.2/a57.mig → 11.1/a57.mig — ")
    assert window.summary.src.text().startswith("Source: 7.2/a57.mig — ")
    assert window.summary.dst.text().startswith("Destination: 11.1/a57.mig — ")
    window.actions.recent.aboutToShow.emit()  # the File menu fills the list when it opens
    texts = [a.text() for a in window.actions.recent.actions()]
    assert "&1  7.2/a57.mig  →  11.1/a57.mig" in texts
    items = [window.start_page.recent.item(i).text()
             for i in range(window.start_page.recent.count())]
    assert items[0] == "7.2/a57.mig  →  11.1/a57.mig"
