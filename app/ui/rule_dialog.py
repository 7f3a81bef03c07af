"""The rule dialog: one rule shown before it is added (or while it is edited), with its effect.

Mask and value in hex, the register's bit strip and the fields the mask covers (with the
bound a field-lt/gt rule sets, unshifted as QEMU compares it), the reason, and the effect —
"tolerates ID_DFR0_EL1 on 2 vCPUs (2 rows); blocking 4 → 3; the verdict stays rejected" —
computed by app.model.rule_effect on every edit. Changing the type re-drafts mask, value and
(until the user typed one) the reason from the row, through app.model.rule_draft.

The dialog opens window-modal but non-blocking (``open()``): the caller connects
``accepted`` and reads ``rule()``. Enter accepts; nothing changes until then.
"""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, QTimer
from PySide6.QtGui import QFontDatabase, QRegularExpressionValidator
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QTableWidget,
                               QTableWidgetItem, QVBoxLayout)

from ..model import regdb
from ..model.diff import DiffRow
from ..model.errors import RuleError
from ..model.fields import Field
from ..model.rule import Rule, RuleType
from ..model.rule_draft import covered_fields, draft
from ..model.rule_effect import rule_effect
from .bitstrip import BitStrip
from .diff_model import hex64

T = RuleType
USES_MASK = {T.ONLY_SRC_TEST_VALUE, T.DIFF_IN_MASK, T.FIELD_LT, T.FIELD_GT}
USES_VALUE = {T.ONLY_SRC_TEST_VALUE, T.FIELD_LT, T.FIELD_GT}
OPERATOR = {T.ONLY_SRC_TEST_VALUE: "=", T.FIELD_LT: "<", T.FIELD_GT: ">"}
EFFECT_DELAY_MS = 120  # re-evaluate once typing pauses, not on every key


class RuleDialog(QDialog):
    def __init__(self, parent, session, rule: Rule, row: DiffRow | None = None, *,
                 editing: Rule | None = None, types=tuple(RuleType), field: Field | None = None):
        super().__init__(parent)
        self.setObjectName("ruleDialog")
        self.session, self.row, self.editing, self.field = session, row, editing, field
        self.register = rule.register
        self.accel = session.accel
        info = regdb.lookup(rule.register, self.accel)
        self.existing = session.rules.get(rule.register) if editing is None else None
        self.setWindowTitle(f"{'Edit' if editing else 'Add'} rule — {info.name}")
        self._reason_typed = editing is not None
        self._build(info, types)
        self._set_rule(rule)
        self._timer = QTimer(self, singleShot=True, interval=EFFECT_DELAY_MS)
        self._timer.timeout.connect(self._update_effect)
        for edit in (self.mask, self.value):
            edit.textEdited.connect(lambda _t: self._changed())
        self.reason.textEdited.connect(self._reason_edited)
        self.enabled.toggled.connect(lambda _on: self._changed())
        self.type.currentIndexChanged.connect(self._type_changed)
        self._update_effect()

    # -- layout -------------------------------------------------------------------------------
    def _build(self, info, types) -> None:
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        head = QLabel(f"<b>{info.name}</b>&nbsp;&nbsp;<code>{hex64(self.register)}</code>"
                      + (f"<br>{self._row_text()}" if self.row else ""))
        self.type = QComboBox()
        for t in types:
            self.type.addItem(t.value, t)
        hex_only = QRegularExpressionValidator(QRegularExpression(r"(0[xX])?[0-9a-fA-F]{1,16}"))
        self.mask, self.value = QLineEdit(), QLineEdit()
        for edit in (self.mask, self.value):
            edit.setFont(mono)
            edit.setValidator(hex_only)
        self.strip = BitStrip()
        self.strip.set_values(self.row.src if self.row else None,
                              self.row.dst if self.row else None, info.fields,
                              info.encoding.size_bits or 64)
        self.strip.setVisible(bool(info.fields))
        self.fields = QTableWidget(0, 5)
        self.fields.setHorizontalHeaderLabels(["Field", "Bits", "Incoming", "Here", "Rule"])
        self.fields.verticalHeader().hide()
        self.fields.horizontalHeader().setStretchLastSection(True)
        self.fields.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.fields.setMaximumHeight(140)
        self.reason = QLineEdit()
        self.enabled = QCheckBox("Enabled")
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.effect = QLabel()
        self.effect.setObjectName("ruleEffect")
        self.effect.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Save rule" if self.editing else "Replace rule" if self.existing
                   else "Add rule")
        ok.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        numbers = QHBoxLayout()
        numbers.addWidget(QLabel("Mask"))
        numbers.addWidget(self.mask, 1)
        numbers.addWidget(QLabel("Value"))
        numbers.addWidget(self.value, 1)
        form = QFormLayout()
        form.addRow("Type", self.type)
        form.addRow("", numbers)
        form.addRow("Reason", self.reason)
        form.addRow("", self.enabled)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addLayout(form)
        layout.addWidget(self.strip)
        layout.addWidget(self.fields)
        layout.addWidget(self.notice)
        layout.addWidget(self.effect)
        layout.addWidget(self.buttons)
        if self.existing is not None:
            self.notice.setText(f"{info.name} already has a rule ({self.existing.type.value}); "
                                "QEMU allows one per register: this one replaces it.")
        self.notice.setVisible(self.existing is not None)

    def _row_text(self) -> str:
        r = self.row
        return (f"{r.status.value} on vCPU {r.vcpu}: incoming {hex64(r.src)}, "
                f"here {hex64(r.dst)}")

    # -- the rule being edited ----------------------------------------------------------------
    def _set_rule(self, rule: Rule) -> None:
        self.type.blockSignals(True)  # setting the combo must not re-draft the rule
        self.type.setCurrentIndex(max(self.type.findData(rule.type), 0))
        self.type.blockSignals(False)
        self.mask.setText(f"0x{rule.mask:x}")
        self.value.setText(f"0x{rule.value:x}")
        self.reason.setText(rule.reason)
        self.enabled.setChecked(rule.enabled)
        self._enable_numbers()

    def _enable_numbers(self) -> None:
        t = self.type.currentData()
        self.mask.setEnabled(t in USES_MASK)
        self.value.setEnabled(t in USES_VALUE)

    def rule(self) -> Rule | None:
        """The rule as entered; None while mask or value is not a number."""
        t = self.type.currentData()
        try:
            mask = int(self.mask.text(), 16) if t in USES_MASK else 0
            value = int(self.value.text(), 16) if t in USES_VALUE else 0
            return Rule(self.register, t, mask, value, self.reason.text().strip(),
                        self.enabled.isChecked())
        except (ValueError, RuleError):
            return None

    def _type_changed(self, _index: int) -> None:
        t = self.type.currentData()
        drafted = draft(self.row, t, self.accel, self.field) if self.row else None
        if drafted is not None:
            reason = self.reason.text() if self._reason_typed else drafted.reason
            self._set_rule(Rule(drafted.register, t, drafted.mask, drafted.value, reason,
                                self.enabled.isChecked()))
        self._enable_numbers()
        self._changed()

    def _reason_edited(self, _text: str) -> None:
        self._reason_typed = True

    def _changed(self) -> None:
        self._timer.start()

    # -- field view and effect -------------------------------------------------------------------
    def _show_fields(self, rule: Rule) -> None:
        t = rule.type
        fields = covered_fields(rule.register, rule.mask, self.accel) if t in USES_MASK else ()
        self.fields.setRowCount(len(fields))
        for r, f in enumerate(fields):
            part = "" if rule.mask & f.mask == f.mask else " (part)"
            bound = f"{OPERATOR[t]} {f.raw(rule.value):#x}" if t in OPERATOR else "any difference"
            cells = (f.name + part, f"{f.msb}:{f.lsb}",
                     f"{f.raw(self.row.src):#x}" if self.row and self.row.src is not None else "—",
                     f"{f.raw(self.row.dst):#x}" if self.row and self.row.dst is not None else "—",
                     bound)
            for c, text in enumerate(cells):
                self.fields.setItem(r, c, QTableWidgetItem(text))
        self.fields.setVisible(bool(fields))
        exact = next((f.name for f in fields if f.mask == rule.mask), "")
        self.strip.highlightedField = exact

    def _update_effect(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        rule = self.rule()
        ok.setEnabled(rule is not None)
        if rule is None:
            self.effect.setText("Mask and value must be hexadecimal numbers (up to 64 bits).")
            return
        self._show_fields(rule)
        s = self.session
        if s.src is None or s.dst is None:
            self.effect.setText("Load a pair to see what this rule would tolerate.")
            return
        effect = rule_effect(s.src, s.dst, s.diff, s.rules, rule, s.policy,
                             replacing=self.editing.register if self.editing else None,
                             before=s.verdict)
        colour = "#00897b" if effect.after.accepted else "#d32f2f" if effect.flips else ""
        verdict = effect.verdict_text()
        if colour:
            verdict = f"<span style='color:{colour}'><b>{verdict}</b></span>"
        self.effect.setText(f"Effect: {effect.tolerates_text()}; {verdict}")
