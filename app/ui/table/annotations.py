"""Words for rules and row outcomes: the Rule column, its tooltips and the rules panel.

Every decision comes from app.model (``verdict_summary.summarize``: which rows are tolerated,
by which rule, which block); this module only phrases it. A row keyed (vCPU, register id)
gets a RowNote when a rule or the verdict has something to say about it; matching rows
without a rule get none, so the Rule column stays quiet where nothing happens.
"""

from __future__ import annotations

from app.model.rules.rule import Rule, RuleType
from app.model.verdict.cpreg_load import RowVerdict
from app.model.verdict.incremental.summary import LiveSummary
from app.model.verdict.reason import Reason
from app.model.verdict.summary import Summary
from app.ui.table.diff_model import RowNote

FULL = (1 << 64) - 1


def rule_text(rule: Rule) -> str:
    """Short form with the numbers that matter for its type, e.g. ``diff-in-mask 0xf0000``."""
    t = rule.type
    if t is RuleType.ONLY_SRC_TEST_VALUE:
        where = "" if rule.mask == FULL else f" & {rule.mask:#x}"
        return f"{t.value}{where} = {rule.value:#x}"
    if t is RuleType.DIFF_IN_MASK:
        return f"{t.value} {rule.mask:#x}"
    if t in (RuleType.FIELD_LT, RuleType.FIELD_GT):
        op = "<" if t is RuleType.FIELD_LT else ">"
        return f"{t.value} {rule.mask:#x} {op} {rule.value:#x}"
    return t.value


def row_notes(summary: Summary, rules) -> dict[tuple[int, int], RowNote]:
    """A RowNote per row the verdict or a user rule has something to say about."""
    reasons = {(r.vcpu, r.register): r for r in summary.verdict.trail if r.register is not None}
    title = summary.verdict.policy.title
    notes: dict[tuple[int, int], RowNote] = {}
    for key, rv in summary.outcomes.items():
        note = row_note(rv, reasons.get(key), rules, title)
        if note is not None:
            notes[key] = note
    return notes


def live_notes(live: LiveSummary, rules, rows) -> dict[int, RowNote | None]:
    """The notes of diff rows ``rows`` only (a rule edit), asked of the LiveVerdict row by
    row; None where a row has no note. Equal to ``row_notes`` of the full summary there."""
    title, hidden, verdict = live.live.policy.title, rules.hidden_ids(), live.live
    out: dict[int, RowNote | None] = {}
    for i in rows:
        rv = live.outcome(i, rules, hidden)
        out[i] = None if rv is None else row_note(rv, verdict.row_reason(i), rules, title)
    return out


def row_note(rv: RowVerdict, reason: Reason | None, rules, title: str) -> RowNote | None:
    """The words for one row's outcome; None when nothing happens there."""
    rule = rules.get(rv.row.id)
    why = reason.message if reason is not None else ""
    by = rv.rule if rv.outcome == "tolerated" else None  # a tolerated row names its rule
    if by is not None and rv.by_policy:
        return RowNote(f"tolerated by {title} itself ({by.type.value})", True,
                       f"Built into {title}: {by.reason}")
    if by is not None:
        return RowNote(f"tolerated by {rule_text(by)}", True,
                       f"Tolerated by the {by.describe()}: {by.reason}")
    if rv.outcome == "blocking":
        extra = ""
        if rule is not None:
            extra = (f" ({rule_text(rule)} is disabled)" if not rule.enabled
                     else f" ({rule_text(rule)} does not cover it)")
        return RowNote("blocks the migration" + extra, False,
                       f"{title} rejects the stream here: {why}", blocking=True)
    if rv.outcome == "ignored":
        return RowNote("never examined by QEMU", False, why)
    if rv.outcome == "unknown":
        return RowNote("value unknown", False, why)
    if rule is not None:
        state = "" if rule.enabled else ", disabled"
        return RowNote(f"{rule_text(rule)} (not needed here{state})", False, rule.reason)
    return None
