"""The verdict banner above the merged view: would the destination QEMU accept this stream?

Headline (accepted/rejected, by which release, how many blocking registers), the first
failure in QEMU's own words (the full log in the tooltip), and the policy selector with the
reason that policy applies. All facts come from the session's verdict via
``verdict_summary``; the banner re-reads them whenever ``verdictChanged`` fires. When the
first failure is about a RAM block or device section the Stream tab lists, it ends with a
link there (``streamLinkActivated``); the words "First failure" themselves are a link to that
failure (``firstFailureActivated``: its register row, or its part in the Stream tab).

An acceptance that needs the user's rules is told honestly (advice/deployability.py): "REJECTED
by QEMU 7.2 as it is — ACCEPTED once these 4 rules are built into it (needs the tolerance
patch series)", the same words ``check`` and the Markdown report use.

The banner keeps one height whatever the verdict says: the headline and the detail each get
a fixed number of lines (``HEADLINE_LINES``, ``DETAIL_LINES``), longer text is cut at a line
and is complete in the tooltip, and the Suggest button keeps its place while hidden.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
)

from app.model.advice.deployability import Deployability
from app.model.verdict.policy import POLICIES
from app.model.verdict.reason import Reason
from app.model.verdict.summary import Summary
from app.model.wording import plural
from app.ui import theme
from app.ui.plain_text import plain_label, tip

LOG_LINES_IN_TOOLTIP = 40
STREAM_LINK = "stream-tab"  # the href of the first failure's link to the Stream tab
FIRST_LINK = "first-failure"  # the href of "First failure": select that failure
HEADLINE_LINES = 2  # "REJECTED by … as it is — ACCEPTED once these 4 rules are …" wraps once
DETAIL_LINES = 2
# Tints: accepted as it is; accepted only once the rules are built in (or not yet known);
# rejected.
TINT = {"accepted": "tolerated", "accepted-once-deployed": "value-mismatch",
        "not-deployable": "value-mismatch", "pending": "value-mismatch",
        "rejected": "unexpected"}


class VerdictBanner(QFrame):
    policyChosen = Signal(object)  # a policy name, or None for the destination's default
    suggestRequested = Signal()
    streamLinkActivated = Signal()  # the first failure's link: show its part in the Stream tab
    firstFailureActivated = Signal(object)  # "First failure" clicked: that Reason

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("verdictBanner")
        self.icon = QLabel()
        self.headline = QLabel()
        font = self.headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.headline.setFont(font)
        self.headline.setWordWrap(True)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        flags = Qt.TextInteractionFlag
        self.detail.setTextInteractionFlags(flags.TextSelectableByMouse
                                            | flags.LinksAccessibleByMouse
                                            | flags.LinksAccessibleByKeyboard)
        self.detail.linkActivated.connect(self._link)
        for label, lines in ((self.headline, HEADLINE_LINES), (self.detail, DETAIL_LINES)):
            # Ignored width: a long verdict never widens the window; fixed lines: the banner
            # never changes height when the verdict flips (the tooltip has the whole text).
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            label.setFixedHeight(label.fontMetrics().lineSpacing() * lines + 2)
        self._first: Reason | None = None
        self.policy = QComboBox()
        self.policy.setObjectName("policySelector")
        self.policy.setToolTip("Which destination QEMU release to model")
        for p in POLICIES:
            self.policy.addItem(p.title, p.name)
        self.policy.activated.connect(self._chosen)
        self.why = plain_label()  # the policy's reason names the stream's writer
        self.why.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        small = self.why.font()
        small.setPointSizeF(small.pointSizeF() * 0.9)
        small.setItalic(True)
        self.why.setFont(small)
        self.suggest = QPushButton("Suggest rules…")
        self.suggest.setToolTip("Propose the smallest rule set that lets this stream load")
        self.suggest.clicked.connect(self.suggestRequested)
        keep = self.suggest.sizePolicy()
        keep.setRetainSizeWhenHidden(True)  # an acceptance hides it: the banner keeps its size
        self.suggest.setSizePolicy(keep)
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

    def _link(self, href: str) -> None:
        if href == STREAM_LINK:
            self.streamLinkActivated.emit()
        elif href == FIRST_LINK and self._first is not None:
            self.firstFailureActivated.emit(self._first)

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
        self.detail.setToolTip(tip(self.detail.text()))
        self.headline.setToolTip("")
        self._first = None
        self.show()

    def show_summary(self, summary: Summary | None, chosen: str | None,
                     default: str | None, *, stream_link: bool = False,
                     unexamined: tuple[Reason, ...] = (),
                     deploy: Deployability | None = None) -> None:
        """``chosen``: the session's policy (None = default); ``default``: the destination
        writer's policy name, marked as such in the selector; ``stream_link``: the first
        failure is a row of the Stream tab, so it links there; ``unexamined``: parts of the
        stream the tool could not judge (an acceptance holds only if QEMU accepts them);
        ``deploy``: whether an acceptance holds for this QEMU as it is or only once the rules
        are built into it (None: told as before, "Accepted by …")."""
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
        self.why.setToolTip(tip(self.why.text()))
        state = "rejected" if not v.accepted else deploy.state if deploy else "accepted"
        self._tint(TINT[state])
        self.detail.setTextFormat(Qt.TextFormat.RichText)  # escaped below: html.escape
        self.suggest.setVisible(not v.accepted)
        self._first = summary.first_failure if not v.accepted else None
        tolerated = sum(summary.per_rule.values())
        if v.accepted:
            if deploy is None or state == "accepted":
                self.headline.setText(f"<b>Accepted</b> by {v.policy.title}"
                                      + (" as it is" if deploy is not None else ""))
            else:
                self.headline.setText(_bold_verdicts(deploy.headline()))
            text = (f"{plural(tolerated, 'row')} tolerated by the rules; "
                    f"{plural(len(v.warnings), 'warning')}")
            if deploy is not None and deploy.needed and state != "accepted":
                text = f"{deploy.summary_line()}; " + text
            if unexamined:
                text += (f" — only if QEMU also accepts {plural(len(unexamined), 'part')} the "
                         f"tool did not examine: {unexamined[0].message}")
            self.detail.setText(html.escape(text, quote=False))
        else:
            # With rules in play the count is what remains despite them: say so, so nobody
            # reads it as the stock release's verdict.
            despite = " with the rules" if deploy is not None and deploy.needed else ""
            self.headline.setText(f"<b>Rejected</b> by {v.policy.title}{despite} — "
                                  f"{plural(len(summary.blocking_registers), 'blocking register')}"
                                  + (f" + {plural(len(summary.stream_failures), 'stream problem')}"
                                     if summary.stream_failures else ""))
            self.detail.setText(self._first_failure(summary, stream_link))
        self.headline.setToolTip(tip(_plain(self.headline.text())))
        lines = summary.qemu_lines[:LOG_LINES_IN_TOOLTIP]
        whole = _plain(self.detail.text())
        log = ("\n\nWhat the destination QEMU prints:\n" + "\n".join(lines)) if lines else ""
        self.detail.setToolTip(tip(whole + log))
        self.show()

    @staticmethod
    def _first_failure(summary: Summary, stream_link: bool) -> str:
        """Rich text: "First failure (where)" linking to it, QEMU's line, the Stream link."""
        first = summary.first_failure
        if first is None:  # a rejection always names its first failure
            return ""
        where = " ".join(x for x in (f"vCPU {first.vcpu}" if first.vcpu is not None else "",
                                     first.name or "") if x)
        line = summary.qemu_failure_line or ""
        label = f"First failure{(' (' + where + ')') if where else ''}"
        rest = f": QEMU prints “{line}”"
        if first.message not in line:
            rest += f" — {first.message}"
        label = html.escape(label, quote=False)
        if first.register is not None or stream_link:  # a row to go to: its register or part
            label = f'<a href="{FIRST_LINK}">{label}</a>'
        text = label + html.escape(rest, quote=False)
        if stream_link:
            text += f' — <a href="{STREAM_LINK}">show it in the Stream tab</a>'
        return text

    def retint(self, *_scheme) -> None:
        """Redraw the tint for the current colour scheme (the scheme just changed)."""
        self._tint(self._key, force=True)

    def _tint(self, key: str, *, force: bool = False) -> None:
        # Re-read each time: the tint follows the colour scheme.
        css = (f"#verdictBanner {{ background: {theme.css_background(key)};"
               f" border-bottom: 2px solid {theme.accent(key).name()}; }}")
        if not force and key == self._key and css == self.styleSheet():
            return  # a style sheet re-polishes every child: not on each rule edit
        self._key = key
        self.icon.setPixmap(theme.status_icon(key, 28).pixmap(28, 28))
        self.setStyleSheet(css)


def _bold_verdicts(text: str) -> str:
    """``text`` escaped, its ACCEPTED/REJECTED words in bold."""
    out = html.escape(text, quote=False)
    for word in ("ACCEPTED", "REJECTED"):
        out = out.replace(word, f"<b>{word}</b>")
    return out


def _plain(rich_text: str) -> str:
    """What a rich-text label shows, as plain text (for its tooltip)."""
    doc = QTextDocument()
    doc.setHtml(rich_text)
    return doc.toPlainText()
