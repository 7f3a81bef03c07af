"""Save the window as a PNG once the diff is on screen, then quit (CPREG_SCREENSHOT).

Used for the docs screenshots and the test that starts the real application under Xvfb: it
proves the whole path — launcher, worker load, model, painting — works in a real window.
With ``rule_type`` (CPREG_SCREENSHOT_RULE) the rule dialog is opened on the selected row for
a rule of that type — on the row's selected field when it has one — and the dialog is saved.
The window is sized CPREG_SCREENSHOT_SIZE (default 1280x720, the smallest screen it is laid
out for) and shows the docks named in CPREG_SCREENSHOT_DOCKS (comma-separated: overview,
legend, rules, details; each brought to the front in turn, so the last named tab is the one
seen). Start with an empty CPREG_EXPLORER_SETTINGS_DIR so the default layout, not the last
session's, is what is saved. The docs screenshots (README) are made with::

    export CPREG_EXPLORER_SETTINGS_DIR=$(mktemp -d)
    CPREG_SCREENSHOT=docs/screenshot-main.png CPREG_SCREENSHOT_SELECT=ID_DFR0_EL1 \
        xvfb-run -a -s "-screen 0 1600x1000x24" python -m app --demo \
        --rules docs/screenshot-rules.toml
    CPREG_SCREENSHOT=docs/screenshot-docks.png CPREG_SCREENSHOT_SELECT=ID_DFR0_EL1 \
        CPREG_SCREENSHOT_DOCKS=legend,overview xvfb-run -a ... python -m app --demo \
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
import os

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from app.model.registers import regdb
from app.ui.rules.dialog import RuleDialog
from app.ui.table.diff_model import RecordRole
from app.ui.window.main_window import MainWindow

log = logging.getLogger(__name__)
SETTLE_MS = 400  # let layout, docks and the first paint finish before grabbing
DEFAULT_SIZE = "1280x720"


def window_size(text: str) -> tuple[int, int]:
    """"WIDTHxHEIGHT" (CPREG_SCREENSHOT_SIZE) as two ints; a clear error otherwise."""
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"CPREG_SCREENSHOT_SIZE: expected WIDTHxHEIGHT such as "
                         f"{DEFAULT_SIZE}, got {text!r}") from None
    return width, height


def capture_when_ready(window: MainWindow, path: str, select_status: str | None = None,
                       rule_type: str | None = None, *, state_tab: bool = False,
                       size: str | None = None, docks: str | None = None) -> None:
    """``size`` / ``docks``: as CPREG_SCREENSHOT_SIZE / _DOCKS (read when not given)."""
    session = window.session
    window.resize(*window_size(size or os.environ.get("CPREG_SCREENSHOT_SIZE")
                               or DEFAULT_SIZE))
    wanted = docks if docks is not None else os.environ.get("CPREG_SCREENSHOT_DOCKS", "")
    shown_docks = [_dock(window, name.strip()) for name in wanted.split(",") if name.strip()]

    def diff_ready() -> None:
        if session.diff is not None:
            QTimer.singleShot(SETTLE_MS, prepare)

    def prepare() -> None:
        # Selected after the verdict arrived: a new pair first jumps to its blocking row.
        for dock in shown_docks:  # in order: the last one named is the tab in front
            if not dock.toggleViewAction().isChecked():
                dock.toggleViewAction().trigger()  # as the View menu does
            dock.raise_()
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
        # Work a long refresh (a 256-vCPU overview) queued behind this timer: zero-delay
        # relayouts, posted resizes.
        QApplication.processEvents()
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


def _dock(window: MainWindow, name: str):
    docks = {"overview": window.overview_dock, "legend": window.legend_dock,
             "rules": window.rules_layer.dock, "details": window.details_dock}
    if name not in docks:
        raise ValueError(f"CPREG_SCREENSHOT_DOCKS: unknown dock {name!r}; expected some of "
                         f"{', '.join(docks)}")
    return docks[name]


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
