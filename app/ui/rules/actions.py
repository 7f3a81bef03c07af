"""Building rules by clicking: the row context menu, the details-panel buttons, the dialog.

Both places offer exactly ``rule_draft.candidates`` for the row — the rule types that make
sense for its status, pre-filled, each checked to tolerate the row — using the field selected
in the details panel's field table when the row is the one shown there. Every choice opens
the RuleDialog; accepting it becomes one undoable command (AddRule, or ReplaceRule when the
register already has a rule: QEMU allows one per register, and the dialog says so).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QMenu, QMessageBox, QPushButton, QWidget

from app.model.compare.diff import DiffRow, Status
from app.model.errors import RuleError
from app.model.registers import regdb
from app.model.rules.draft import SENSIBLE, candidates, field_for
from app.model.rules.edits import AddRule, RemoveRule, ReplaceRule, SetEnabled
from app.model.rules.rule import Rule, RuleType
from app.ui.flow_layout import FlowLayout
from app.ui.plain_text import message
from app.ui.plain_text import tip as plain_tip
from app.ui.rules.dialog import RuleDialog
from app.ui.rules.labels import label, short_label
from app.ui.table.annotations import rule_text


class RuleActions(QObject):
    """Turns gestures on rows into RuleDialogs and dialogs into undoable commands."""

    def __init__(self, window, editor):
        super().__init__(window)
        self.window, self.session, self.editor = window, window.session, editor
        self.dialog: RuleDialog | None = None  # the open one (tests and screenshots find it)
        window.view.add_context_menu_hook(self._menu_hook)
        self.buttons = RuleButtons(self)
        window.details.add_section(self.buttons)
        self.session.selectionChanged.connect(lambda _row: self.buttons.refresh())
        self.session.rulesChanged.connect(self.buttons.refresh)
        window.details.fields.selectionModel().currentRowChanged.connect(
            lambda *_a: self.buttons.refresh())

    # -- what a row offers -----------------------------------------------------------------------
    def preferred_field(self, row: DiffRow) -> str | None:
        details = self.window.details
        return details.current_field() if details.record == row else None

    def drafts(self, row: DiffRow) -> tuple[Rule, ...]:
        return candidates(row, self.session.accel, self.preferred_field(row))

    def _menu_hook(self, menu: QMenu, rows: list[DiffRow]) -> None:
        if not rows or len({r.id for r in rows}) != 1:
            return  # rules are per register: offer them when one register is selected
        row = rows[0]
        name = regdb.lookup(row.id, self.session.accel, self.session.cpu_model).name
        drafts = self.drafts(row)
        existing = self.session.rules.get(row.id)
        if not drafts and existing is None:
            return
        menu.addSection(f"Rule for {name}")
        for rule in drafts:
            menu.addAction(label(rule, self.session.accel), self._opener(row, rule))
        if existing is not None:
            menu.addAction(f"&Edit rule ({rule_text(existing)})…",
                           lambda: self.edit_rule(existing))
            menu.addAction("&Remove rule", lambda: self.remove_rule(existing.register))

    def _opener(self, row: DiffRow, rule: Rule) -> Callable[[], object]:
        """A slot taking no arguments (Qt's triggered(bool) must not reach open_dialog)."""
        return lambda: self.open_dialog(row, rule)

    # -- dialogs and commands ---------------------------------------------------------------------
    def open_dialog(self, row: DiffRow | None, rule: Rule,
                    editing: Rule | None = None) -> RuleDialog:
        # A new rule offers the types that make sense for its row; an edit may pick any.
        every = tuple(RuleType)
        types = SENSIBLE.get(row.status, every) if row and not editing else every
        field = field_for(row, self.session.accel, self.preferred_field(row)) if row else None
        dialog = RuleDialog(self.window, self.session, rule, row, editing=editing, types=types,
                            field=field)
        dialog.accepted.connect(lambda: self._commit(dialog.rule(), editing))
        dialog.finished.connect(lambda _r: self._closed(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _closed(self, dialog: RuleDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def edit_rule(self, rule: Rule) -> RuleDialog:
        """The dialog on an existing rule, showing one of its register's rows if loaded."""
        rows = [r for r in (self.session.diff.rows if self.session.diff else ())
                if r.id == rule.register]
        row = next((r for r in rows if r.status is not Status.MATCH), rows[0] if rows else None)
        return self.open_dialog(row, rule, editing=rule)

    def _commit(self, rule: Rule | None, editing: Rule | None) -> None:
        if rule is None:
            return  # the dialog keeps OK disabled until the rule parses
        old = editing or self.session.rules.get(rule.register)
        if old == rule:
            return  # nothing changed: no empty undo step
        self.run(ReplaceRule(old, rule) if old is not None else AddRule(rule))

    def remove_rule(self, register: int) -> None:
        self.run(RemoveRule.of(self.session.rules, register))

    def set_enabled(self, rule: Rule, enabled: bool) -> None:
        if rule.enabled != enabled:
            self.run(SetEnabled(rule, enabled))

    def run(self, command) -> bool:
        """Do ``command`` as an undo step; a command the rules refuse is shown, not lost."""
        try:
            self.editor.do(command)
        except (RuleError, ValueError, KeyError) as exc:
            message(self.window, QMessageBox.Icon.Warning, "Rule not changed",
                    f"{command.text}: {exc}")
            return False
        return True


class RuleButtons(QWidget):
    """The details panel's row of rule buttons for the selected row (same offers as the menu)."""

    def __init__(self, actions: RuleActions):
        super().__init__()
        self.rule_actions = actions  # (not ``actions``: that is QWidget.actions())
        self.setObjectName("ruleButtons")
        self._layout = FlowLayout(self)  # wraps: the details dock stays narrowable
        self._layout.setContentsMargins(0, 2, 0, 2)
        self.buttons: list[QPushButton] = []
        # ((row, CPU state?, accelerator, the offers), the row's rule) shown now
        self._shown: tuple | None = None
        self._offers = 0  # layout items up to the last offer (the label first)

    def refresh(self) -> None:
        # Rebuilding relayouts the whole details page (its field table and bit strip): the
        # offers are rebuilt only for another row (or field, or accelerator), the Edit/Remove
        # buttons only when that row's rule changed, nothing on a rule edit elsewhere.
        s, row = self.rule_actions.session, self.rule_actions.session.selected
        rules_apply = row is not None and not s.selected_is_state
        head = (row, s.selected_is_state, s.accel,
                self.rule_actions.drafts(row) if rules_apply else ())
        existing = s.rules.get(row.id) if rules_apply and row is not None else None
        shown, self._shown = self._shown, (head, existing)
        if shown is not None and shown[0] == head:
            if shown[1] != existing and row is not None:
                self._show_rule(row, existing)
            return
        self._clear(0)
        self.buttons = []
        if row is None:
            self.hide()
            return
        if s.selected_is_state:
            # CPU state never reaches the verdict: a rule could not change anything.
            self._layout.addWidget(QLabel("CPU state: not part of the verdict — no rules apply."))
            self.show()
            return
        drafts = head[3]
        self._layout.addWidget(QLabel("Add rule:" if drafts else "Rule:"))
        accel = s.accel
        for rule in drafts:
            self._button(short_label(rule, accel),
                         lambda _c=False, r=rule: self.rule_actions.open_dialog(row, r),
                         label(rule, accel).replace("&", "") + "\n" + rule.reason)
        self._offers = self._layout.count()
        self._show_rule(row, existing)

    def _show_rule(self, row: DiffRow, existing: Rule | None) -> None:
        """The buttons after the offers: edit and remove ``existing``, the row's rule."""
        self._clear(self._offers)
        self.buttons = self.buttons[:self._offers - 1]  # the offers (after the label)
        if existing is not None:
            self._button(f"Edit rule ({rule_text(existing)})…",
                         lambda _c=False: self.rule_actions.edit_rule(existing), existing.reason)
            self._button("Remove rule",
                         lambda _c=False: self.rule_actions.remove_rule(existing.register))
        self._layout.addStretch(1)
        self.setVisible(bool(self.buttons))

    def _clear(self, start: int) -> None:
        """Take the items from ``start`` on out of the layout, their widgets deleted."""
        while self._layout.count() > start:
            item = self._layout.takeAt(start)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()  # deleted later: until then it would still be painted
                widget.deleteLater()

    def _button(self, text: str, slot, tip: str = "") -> None:
        button = QPushButton(text)
        button.setToolTip(plain_tip(tip))  # the rule's reason: the user's text
        button.clicked.connect(slot)
        self._layout.addWidget(button)
        self.buttons.append(button)
