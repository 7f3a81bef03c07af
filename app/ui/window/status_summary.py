"""The summary: what each source is and how many rows are in each state (status bar), and
the vCPU facts that explain a failure before any register does — vCPU count mismatch,
registers whose value differs between vCPUs of one source — in a warning strip above the
table, where it cannot be missed or truncated. Once it ``follow``s the session, the verdict's
warnings are a "19 warnings" button at the right of the bar that opens them as a list
(warnings_view.py)."""

from __future__ import annotations

import os

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QStatusBar, QWidget

from app.model.compare.diff import Diff
from app.model.registers import regdb
from app.model.sources.register_set import RegisterSet
from app.ui import theme
from app.ui.plain_text import plain_label, tip
from app.ui.window.pair_names import pair_names
from app.ui.window.warnings_view import WarningsButton


def describe(regs: RegisterSet, name: str | None = None) -> str:
    """``file — machine · writer · N vCPUs × M cpregs``: one short line per side, so both fit
    the status bar; the rest is in the tooltip. ``name``: how to call the file (pair_names,
    when the other side's file has the same base name); its base name by default."""
    p = regs.provenance
    per = "/".join(str(n) for n in sorted({len(c) for c in regs.vcpus})) or "0"
    facts = [p.machine or "machine ?", p.writer or "writer ?",
             f"{len(regs.vcpus)} vCPU{'s' if len(regs.vcpus) != 1 else ''} × {per} cpregs"]
    return f"{name or os.path.basename(p.path)} — {' · '.join(facts)}"


def tooltip(regs: RegisterSet) -> str:
    p = regs.provenance
    lines = [p.path, f"format {p.format}, accelerator {p.accel}", *p.notes]
    return "\n".join(lines)


class SummaryBar:
    """Fills a QStatusBar (and the warning strip); the window only says *when* to refresh."""

    def __init__(self, bar: QStatusBar):
        self.src, self.dst = plain_label(), plain_label()  # file names: never markup
        for label in (self.src, self.dst):
            bar.addWidget(label)
            label.setContentsMargins(4, 0, 12, 0)
        self.warning = plain_label()  # the window places it above the table
        self.warning.setWordWrap(True)
        self.warning.setContentsMargins(8, 4, 8, 4)
        self.warning.hide()
        self.counts = QWidget()
        self._count_layout = QHBoxLayout(self.counts)
        self._count_layout.setContentsMargins(0, 0, 0, 0)
        self.count_labels: dict[str, tuple[QLabel, QLabel]] = {}  # key: (icon, number)
        for key, style in theme.STYLES.items():
            icon, text = QLabel(), QLabel()
            icon.setPixmap(theme.status_icon(key).pixmap(14, 14))
            text.setToolTip(f"{style.label}: {style.meaning}")
            self._count_layout.addWidget(icon)
            self._count_layout.addWidget(text)
            self.count_labels[key] = (icon, text)
        self.shown = QLabel()
        self._count_layout.addSpacing(8)
        self._count_layout.addWidget(self.shown)
        bar.addPermanentWidget(self.counts)
        self.warnings_button = WarningsButton()
        bar.addPermanentWidget(self.warnings_button)
        self.warnings_action: QAction | None = None
        self._pair_key: tuple | None = None  # what the sides and warning strip describe

    def follow(self, session, menu: QMenu | None = None) -> None:
        """Keep the warnings button on ``session``'s verdict; ``menu`` (View) gets the
        Warnings… item, so the list is reachable without a mouse."""
        session.verdictChanged.connect(lambda: self._verdict_changed(session))
        if menu is not None:
            self.warnings_action = menu.addAction("&Warnings…")
            self.warnings_action.triggered.connect(lambda _checked=False:
                                                   self.warnings_button.show_list())
        self._verdict_changed(session)

    def _verdict_changed(self, session) -> None:
        v, live = session.verdict, session.live
        if v is None:
            self.warnings_button.set_warnings(0, "")
        else:
            # A rule edit's verdict has no trail yet: the live verdict counts the warnings
            # without building it; the list reads them only when shown.
            count = (live.warning_count() if live is not None and live.verdict is v
                     else len(v.warnings))
            self.warnings_button.set_warnings(count, v.policy.title, lambda: v.warnings)
        if self.warnings_action is not None:
            self.warnings_action.setEnabled(v is not None)

    def update(self, src: RegisterSet | None, dst: RegisterSet | None, diff: Diff | None,
               counts: dict[str, int], shown: int, accel: str, *, what: str = "rows",
               cpu_model: tuple[str, ...] = ()) -> None:
        """``counts``/``shown`` describe the active tab's rows (``what``: how to call them);
        the warning strip is always about the cpreg ``diff`` (registers named for the pair's
        ``cpu_model``)."""
        self._describe_pair(src, dst, diff, accel, cpu_model)
        for key, (icon, label) in self.count_labels.items():
            n = counts.get(key, 0)
            label.setText(str(n))
            visible = diff is not None and (n > 0 or key not in ("present", "tolerated"))
            label.setVisible(visible)
            icon.setVisible(visible)
        total = sum(counts.values())
        self.shown.setText(f"{shown} of {total} {what} shown" if diff is not None else "")

    def _describe_pair(self, src: RegisterSet | None, dst: RegisterSet | None,
                       diff: Diff | None, accel: str, cpu_model: tuple[str, ...]) -> None:
        """The sides and the warning strip: redone only for another pair or colour scheme
        (a rule edit changes the counts only; a style sheet re-polishes the label)."""
        css = f"background: {theme.css_background('unexpected')}; font-weight: bold"
        key = (src, dst, diff, accel, cpu_model, css)
        last = self._pair_key
        # Identity for the sides and the diff: equality would compare every value.
        if last is not None and all(a is b for a, b in zip(key[:3], last[:3], strict=True)) \
                and key[3:] == last[3:]:
            return
        self._pair_key = key
        names = (pair_names(src.provenance.path, dst.provenance.path) if src and dst
                 else (None, None))
        for label, regs, side, name in ((self.src, src, "Source", names[0]),
                                        (self.dst, dst, "Destination", names[1])):
            label.setText(f"{side}: {describe(regs, name)}" if regs else "")
            label.setToolTip(tip(tooltip(regs)) if regs else "")
            label.setVisible(regs is not None)
        self.warning.setText(self._warnings(diff, accel, cpu_model))
        self.warning.setStyleSheet(css)  # in the key: the tint follows the colour scheme
        self.warning.setToolTip(tip(self._variance_tooltip(diff, accel, cpu_model)))
        self.warning.setVisible(bool(self.warning.text()))

    @staticmethod
    def _warnings(diff: Diff | None, accel: str, cpu_model: tuple[str, ...] = ()) -> str:
        if diff is None:
            return ""
        out = []
        if diff.src_vcpus != diff.dst_vcpus:
            common = min(diff.src_vcpus, diff.dst_vcpus)
            out.append(f"vCPU count differs: {diff.src_vcpus} → {diff.dst_vcpus} "
                       f"(only the {common} shared vCPUs are compared)")
        if diff.variance:
            names = sorted({regdb.lookup(v.id, accel, cpu_model).name for v in diff.variance})
            more = "…" if len(names) > 3 else ""
            out.append(f"{len(names)} register(s) differ between vCPUs: "
                       f"{', '.join(names[:3])}{more} (hover for the values)")
        return "⚠ " + "   ·   ".join(out) if out else ""

    @staticmethod
    def _variance_tooltip(diff: Diff | None, accel: str,
                          cpu_model: tuple[str, ...] = ()) -> str:
        if diff is None or not diff.variance:
            return ""
        lines = []
        for v in diff.variance:
            values = ", ".join(f"{c}: {x:#x}" for c, x in v.values)
            lines.append(f"{v.side} {regdb.lookup(v.id, accel, cpu_model).name}: {values}")
        return "Values per vCPU\n" + "\n".join(lines)
