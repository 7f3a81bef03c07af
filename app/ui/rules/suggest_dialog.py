""""Suggest rules": the model's proposal, to accept or reject rule by rule.

``app.model.suggest.suggest`` runs in a worker (it evaluates the pair twice; bigger pairs take
longer than a frame). The dialog lists each proposed rule with a checkbox and its reason, the
registers the tool refuses to paper over (and why) and what no cpreg rule can fix — with what
would fix it instead (``-M virt-7.2``, ``-m``, ``-smp``, a device: advice/remedy.py) — and
says live whether the checked rules make the destination accept, and what building them into
that release takes (advice/deployability.py; each rule's Deploy column). Long text wraps: the
group titles span the whole row and row heights follow the Reason column's width. Accepting
adds the checked rules as ONE undoable AddRules step.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from app.model.advice.deployability import deploy_rule, deployability, judge, user_tolerated
from app.model.advice.suggest import Suggestion, suggest
from app.model.rules.rule import Rule
from app.model.verdict.evaluate import evaluate
from app.model.wording import plural
from app.ui.plain_text import tip
from app.ui.table.annotations import rule_text
from app.ui.tasks import Runner


class SuggestDialog(QDialog):
    rulesAccepted = Signal(tuple)  # the checked Rules

    def __init__(self, parent, session):
        super().__init__(parent)
        self.setObjectName("suggestDialog")
        self.setWindowTitle("Suggest rules")
        self.resize(900, 480)
        self.session = session
        self.suggestion: Suggestion | None = None
        self._as_is_accepted: bool | None = None  # the suggestion's pair without rules
        self.status = QLabel("Computing the smallest rule set that lets this stream load…")
        self.status.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Rule", "Register", "Mask / value", "Reason", "Deploy"])
        self.tree.setColumnWidth(0, 170)
        self.tree.setColumnWidth(1, 150)
        self.tree.setColumnWidth(2, 150)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setWordWrap(True)
        # Row heights are measured at the columns' widths: measure again when they change.
        header.sectionResized.connect(lambda *_a: self.tree.doItemsLayout())
        self.tree.itemChanged.connect(lambda *_a: self._update_outcome())
        self.outcome = QLabel()
        self.outcome.setObjectName("suggestOutcome")
        self.outcome.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setEnabled(False)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.outcome)
        layout.addWidget(self.buttons)
        self._runner = Runner(self)

    def start(self) -> None:
        s = self.session
        src, dst, policy, rules = s.src, s.dst, s.policy, s.rules
        self._runner.run(lambda: suggest(src, dst, policy, rules), self.show_suggestion,
                         self._failed)

    def wait(self) -> bool:
        return self._runner.wait()

    def _failed(self, exc: Exception) -> None:
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # the message quotes the files
        self.status.setText(f"Could not compute a suggestion: {type(exc).__name__}: {exc}")

    def show_suggestion(self, suggestion: Suggestion) -> None:
        self.suggestion, self._as_is_accepted = suggestion, None
        before = suggestion.before
        n = len(suggestion.rules.rules)
        verb = "accepts" if before.accepted else "rejects"
        mine = len(self.session.rules.enabled())
        now = (f"With your {plural(mine, 'rule')}, {before.policy.title} {verb} the stream"
               if mine else f"{before.policy.title} {verb} the stream as it is")
        self.status.setText(f"{now}. {plural(n, 'rule')} proposed; uncheck any you do not "
                            "want.")
        self.tree.blockSignals(True)  # filling the tree is not the user toggling rules
        self.tree.clear()
        machine = self.session.dst.provenance.machine if self.session.dst is not None else None
        for rule in suggestion.rules:
            deployment = deploy_rule(rule, before.policy, machine)
            item = QTreeWidgetItem([rule.type.value, rule.name,
                                    rule_text(rule).removeprefix(rule.type.value).strip(),
                                    rule.reason, deployment.how.value])
            item.setData(0, Qt.ItemDataRole.UserRole, rule)
            item.setCheckState(0, Qt.CheckState.Checked)
            item.setToolTip(3, tip(rule.reason))
            item.setToolTip(4, tip(f"{deployment.reason} ({deployment.evidence})"))
            self.tree.addTopLevelItem(item)
        fixes = {id(m.reason): m for m in suggestion.remedies}
        unfixable = []
        for r in suggestion.unfixable:
            fix = fixes.get(id(r))
            text = r.message if fix is None else f"{r.message}\n→ {fix}"
            unfixable.append(("", text))
        for title, entries in (
                ("Refused", [(r.name, r.why) for r in suggestion.refused]),
                ("No cpreg rule can fix", unfixable)):
            if entries:
                group = QTreeWidgetItem([f"{title} ({len(entries)})"])
                for name, why in entries:
                    child = QTreeWidgetItem(["", name, "", why])
                    child.setToolTip(3, tip(why))
                    group.addChild(child)
                self.tree.addTopLevelItem(group)
                group.setFirstColumnSpanned(True)  # the title reads whole, not "No cpreg ru…"
                group.setExpanded(True)
        self.tree.blockSignals(False)
        self._update_outcome()

    def checked(self) -> tuple[Rule, ...]:
        out = []
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is None:  # never: i < topLevelItemCount()
                continue
            rule = item.data(0, Qt.ItemDataRole.UserRole)
            if rule is not None and item.checkState(0) == Qt.CheckState.Checked:
                out.append(rule)
        return tuple(out)

    def _update_outcome(self) -> None:
        if self.suggestion is None:
            return
        chosen = self.checked()
        self.ok.setText(f"Add {plural(len(chosen), 'rule')}")
        self.ok.setEnabled(bool(chosen))
        if chosen == tuple(self.suggestion.rules):
            after = self.suggestion.after  # already evaluated by suggest
        else:
            s = self.session
            after = evaluate(s.src, s.dst, s.rules.with_rules(chosen),
                             self.suggestion.before.policy)
        verb = "ACCEPTS" if after.accepted else "still rejects"
        text = (f"With the checked rules, {after.policy.title} <b>{verb}</b> the stream "
                f"({plural(len(after.reasons), 'blocking reason')} left)")
        honest = self._deployability(after, chosen).with_rules_words()
        self.outcome.setText(text + (f" — {html.escape(honest, quote=False)}." if honest
                                     else "."))

    def _deployability(self, after, chosen: tuple[Rule, ...]):
        """How the session's rules plus ``chosen`` deploy on the release, told honestly."""
        assert self.suggestion is not None
        s, before = self.session, self.suggestion.before
        rules = s.rules.with_rules(chosen)
        machine = s.dst.provenance.machine
        per_rule = user_tolerated(after)
        if not s.rules.enabled():
            # ``before`` was evaluated with the session's rules only: with none enabled it
            # is the verdict of this QEMU as it is.
            return deployability(after.policy, machine, rules, after.accepted, per_rule,
                                 before.accepted)
        return judge(after.policy, machine, rules, after.accepted, per_rule, self._as_is)

    def _as_is(self) -> bool:
        """The pair's verdict with no user rule: the same whichever rules are checked, so
        evaluated once per suggestion, not on every toggle."""
        assert self.suggestion is not None
        if self._as_is_accepted is None:
            s = self.session
            self._as_is_accepted = evaluate(s.src, s.dst, None,
                                            self.suggestion.before.policy).accepted
        return self._as_is_accepted

    def _accept(self) -> None:
        chosen = self.checked()
        if chosen:
            self.rulesAccepted.emit(chosen)
        self.accept()
