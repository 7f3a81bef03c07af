"""Save the window as a PNG once the diff is on screen, then quit (CPREG_SCREENSHOT).

Used for the docs screenshots and the test that starts the real application under Xvfb: it
proves the whole path — launcher, worker load, model, painting — works in a real window.
With ``rule_type`` (CPREG_SCREENSHOT_RULE) the rule dialog is opened on the selected row for
a rule of that type — on the row's selected field when it has one — and the dialog is saved.
The docs screenshots (README) are made with::

    CPREG_SCREENSHOT=docs/screenshot-main.png CPREG_SCREENSHOT_SELECT=ID_DFR0_EL1 \
        xvfb-run -a -s "-screen 0 1600x1000x24" python -m app --demo \
        --rules docs/screenshot-rules.toml
    CPREG_SCREENSHOT=docs/screenshot-rule-dialog.png CPREG_SCREENSHOT_SELECT=ID_DFR0_EL1 \
        CPREG_SCREENSHOT_RULE=diff-in-mask xvfb-run -a ... python -m app --demo
    CPREG_COLOR_SCHEME=dark CPREG_SCREENSHOT=docs/screenshot-dark.png \
        CPREG_SCREENSHOT_SELECT=ID_DFR0_EL1 xvfb-run -a ... python -m app --demo \
        --rules docs/screenshot-rules.toml
    CPREG_SCREENSHOT=docs/screenshot-cpu-state.png CPREG_SCREENSHOT_TAB=state \
        CPREG_SCREENSHOT_SELECT=ICC_CTLR_EL1 xvfb-run -a ... python -m app \
        tests/data/q72-cortex-a57-smp2-gicv3.mig tests/data/q72-cortex-a57-smp2.mig
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from app.model.registers import regdb
from app.ui.rules.dialog import RuleDialog
from app.ui.table.diff_model import RecordRole
from app.ui.window.main_window import MainWindow

log = logging.getLogger(__name__)
SETTLE_MS = 400  # let layout, docks and the first paint finish before grabbing


def capture_when_ready(window: MainWindow, path: str, select_status: str | None = None,
                       rule_type: str | None = None, *, state_tab: bool = False) -> None:
    session = window.session

    def diff_ready() -> None:
        if session.diff is not None:
            QTimer.singleShot(SETTLE_MS, prepare)

    def prepare() -> None:
        # Selected after the verdict arrived: a new pair first jumps to its blocking row.
        if state_tab:
            window.tabs.setCurrentIndex(1)
        if select_status:
            _select(window, select_status, state_tab)
        target = _rule_dialog(window, rule_type) if rule_type else window
        if target is None:
            QApplication.exit(2)
            return
        QTimer.singleShot(SETTLE_MS, lambda: grab(target))

    def grab(target: QWidget = window) -> None:
        target.repaint()
        ok = target.grab().save(path, "PNG")
        if not ok:
            log.error("could not write the screenshot to %s", path)
        QApplication.exit(0 if ok else 1)

    def failed(exc) -> None:
        log.error("screenshot: loading failed: %s", exc)
        QApplication.exit(2)

    def grab_start_page() -> None:
        if not (session.busy or session.diff):  # unless a load began meanwhile
            grab()

    session.diffChanged.connect(diff_ready)
    session.loadFailed.connect(failed)
    if session.diff is None and not session.src and not session.dst:
        # The start page: nothing to load, so grab once the window is shown.
        QTimer.singleShot(SETTLE_MS, grab_start_page)


def _select(window: MainWindow, wanted: str, state_tab: bool = False) -> None:
    """Select the first visible row whose status or register name is ``wanted`` and whose
    register has bitfields (in the CPU state tab with ``state_tab``)."""
    view = window.state_page.view if state_tab else window.view
    proxy, accel, cpu_model = view.model(), window.session.accel, window.session.cpu_model
    for row in range(proxy.rowCount()):
        record = proxy.index(row, 0).data(RecordRole)
        info = regdb.lookup(record.id, accel, cpu_model)
        if wanted in (record.status.value, info.name) and info.fields:
            view.select_proxy_row(row)
            return
    log.warning("screenshot: no visible row %s with fields to select", wanted)


def _rule_dialog(window: MainWindow, rule_type: str) -> RuleDialog | None:
    """The rule dialog for the selected row with the drafted rule of ``rule_type`` (the
    narrowest mask when there are several), or None (logged) when the row offers none."""
    actions, row = window.rules_layer.actions, window.session.selected
    drafts = [r for r in actions.drafts(row) if r.type.value == rule_type] if row else []
    if not drafts:
        log.error("screenshot: the selected row offers no %s rule", rule_type)
        return None
    return actions.open_dialog(row, min(drafts, key=lambda r: bin(r.mask).count("1")))
