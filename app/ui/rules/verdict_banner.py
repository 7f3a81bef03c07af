"""The verdict banner above the merged view: would the destination QEMU accept this stream?

Headline (accepted/rejected, by which release, how many blocking registers), the first
failure in QEMU's own words (the full log in the tooltip), and the policy selector with the
reason that policy applies. All facts come from the session's verdict via
``verdict_summary``; the banner re-reads them whenever ``verdictChanged`` fires. When the
first failure is about a RAM block or device section the Stream tab lists, it ends with a
link there (``streamLinkActivated``).
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
)

from app.model.verdict.policy import POLICIES
from app.model.verdict.reason import Reason
from app.model.verdict.summary import Summary
from app.ui import theme
from app.ui.plain_text import plain_label, tip

LOG_LINES_IN_TOOLTIP = 40
STREAM_LINK = "stream-tab"  # the href of the first failure's link to the Stream tab


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class VerdictBanner(QFrame):
    policyChosen = Signal(object)  # a policy name, or None for the destination's default
    suggestRequested = Signal()
    streamLinkActivated = Signal()  # the first failure's link: show its part in the Stream tab

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("verdictBanner")
        self.icon = QLabel()
        self.headline = QLabel()
        font = self.headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.headline.setFont(font)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        flags = Qt.TextInteractionFlag
        self.detail.setTextInteractionFlags(flags.TextSelectableByMouse
                                            | flags.LinksAccessibleByMouse
                                            | flags.LinksAccessibleByKeyboard)
        self.detail.linkActivated.connect(
            lambda href: self.streamLinkActivated.emit() if href == STREAM_LINK else None)
        self.detail.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.policy = QComboBox()
        self.policy.setObjectName("policySelector")
        self.policy.setToolTip("Which destination QEMU release to model")
        for p in POLICIES:
            self.policy.addItem(p.title, p.name)
        self.policy.activated.connect(self._chosen)
        self.why = plain_label()  # the policy's reason names the stream's writer
        self.why.setWordWrap(True)
        small = self.why.font()
        small.setPointSizeF(small.pointSizeF() * 0.9)
        small.setItalic(True)
        self.why.setFont(small)
        self.suggest = QPushButton("Suggest rules…")
        self.suggest.setToolTip("Propose the smallest rule set that lets this stream load")
        self.suggest.clicked.connect(self.suggestRequested)
        grid = QGridLayout(self)
        grid.setContentsMargins(10, 6, 10, 6)
        grid.setHorizontalSpacing(10)
        grid.addWidget(self.icon, 0, 0, 2, 1, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.headline, 0, 1)
        grid.addWidget(self.detail, 1, 1)
        side = QVBoxLayout()
        side.setSpacing(2)
        side.addWidget(self.policy)
        side.addWidget(self.suggest)
        grid.addLayout(side, 0, 2, 2, 1, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.why, 2, 1, 1, 2)
        grid.setColumnStretch(1, 1)
        self._default: str | None = None
        self._key = "unexpected"
        self.hide()

    def _chosen(self, index: int) -> None:
        name = self.policy.itemData(index)
        self.policyChosen.emit(None if name == self._default else name)

    def show_pending(self, release: str | None = None) -> None:
        """A verdict is being built in a worker; ``release`` (e.g. "QEMU 10.0") names the
        policy it is for, so the old verdict below is not mistaken for the new one."""
        self.headline.setText(f"<b>Evaluating with {release}…</b>" if release
                              else "<b>Evaluating…</b>")

    def show_error(self, exc: Exception) -> None:
        self._tint("unexpected")
        self.headline.setText("<b>Cannot evaluate this pair</b>")
        self.detail.setTextFormat(Qt.TextFormat.PlainText)  # the message quotes the files
        self.detail.setText(f"{type(exc).__name__}: {exc}")
        self.detail.setToolTip("")
        self.show()

    def show_summary(self, summary: Summary | None, chosen: str | None,
                     default: str | None, *, stream_link: bool = False,
                     unexamined: tuple[Reason, ...] = ()) -> None:
        """``chosen``: the session's policy (None = default); ``default``: the destination
        writer's policy name, marked as such in the selector; ``stream_link``: the first
        failure is a row of the Stream tab, so it links there; ``unexamined``: parts of the
        stream the tool could not judge (an acceptance holds only if QEMU accepts them)."""
        if summary is None:
            self.hide()
            return
        v = summary.verdict
        self._default = default
        for i in range(self.policy.count()):
            name = self.policy.itemData(i)
            title = next(p.title for p in POLICIES if p.name == name)
            self.policy.setItemText(i, f"{title} (default)" if name == default else title)
        self.policy.setCurrentIndex(self.policy.findData(v.policy.name))
        self.why.setText(f"Policy {v.policy.name}: {v.policy_reason}")
        self._tint("tolerated" if v.accepted else "unexpected")
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.suggest.setVisible(not v.accepted)
        tolerated = sum(summary.per_rule.values())
        if v.accepted:
            self.headline.setText(f"<b>Accepted</b> by {v.policy.title}")
            text = (f"{_plural(tolerated, 'row')} tolerated by the rules; "
                    f"{_plural(len(v.warnings), 'warning')}")
            if unexamined:
                text += (f" — only if QEMU also accepts {_plural(len(unexamined), 'part')} the "
                         f"tool did not examine: {unexamined[0].message}")
            self.detail.setText(text)
        else:
            self.headline.setText(f"<b>Rejected</b> by {v.policy.title} — "
                                  f"{_plural(len(summary.blocking_registers), 'blocking register')}"
                                  + (f" + {_plural(len(summary.stream_failures), 'stream problem')}"
                                     if summary.stream_failures else ""))
            first = self._first_failure(summary)
            if stream_link:
                self.detail.setTextFormat(Qt.TextFormat.RichText)
                first = (f"{html.escape(first, quote=False)} — "
                         f"<a href=\"{STREAM_LINK}\">show it in the Stream tab</a>")
            self.detail.setText(first)
        lines = summary.qemu_lines[:LOG_LINES_IN_TOOLTIP]
        self.detail.setToolTip(tip("What the destination QEMU prints:\n" + "\n".join(lines))
                               if lines else "")
        self.show()

    @staticmethod
    def _first_failure(summary: Summary) -> str:
        first = summary.first_failure
        if first is None:  # a rejection always names its first failure
            return ""
        where = " ".join(x for x in (f"vCPU {first.vcpu}" if first.vcpu is not None else "",
                                     first.name or "") if x)
        line = summary.qemu_failure_line or ""
        text = f"First failure{(' (' + where + ')') if where else ''}: QEMU prints “{line}”"
        if first.message not in line:
            text += f" — {first.message}"
        return text

    def retint(self, *_scheme) -> None:
        """Redraw the tint for the current colour scheme (the scheme just changed)."""
        self._tint(self._key)

    def _tint(self, key: str) -> None:
        self._key = key
        self.icon.setPixmap(theme.status_icon(key, 28).pixmap(28, 28))
        # Re-read each time: the tint follows the colour scheme.
        self.setStyleSheet(f"#verdictBanner {{ background: {theme.css_background(key)};"
                           f" border-bottom: 2px solid {theme.accent(key).name()}; }}")
