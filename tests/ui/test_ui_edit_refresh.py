"""A rule edit refreshes only what it changes (the 77,824-row pair needs that to repaint in one
frame: bench/bench_window_77k.py), yet every part still follows the edits that do change it:
the warnings button and list, the details panel's effect line and rule buttons, the status
bar counts and the Stream tab's failure mark."""

from __future__ import annotations

import pytest
from streamfiles import matrix_stream
from ui_helpers import proxy_row_of

from app.model.registers import regdb
from app.model.rules.rule import Rule, RuleType
from app.model.rules.ruleset import RuleSet
from app.model.verdict.evaluate import evaluate
from app.ui.table.stream_model import FAILS_HERE, StreamColumn
from app.ui.window.warnings_view import WarningsDialog


def _reg(win, name: str) -> int:
    return next(r.id for r in win.session.diff.rows
                if regdb.lookup(r.id, win.session.accel).name == name)


def _full_warnings(win) -> tuple:
    """The warnings of a full evaluate() of the session's pair and rules (no window code)."""
    s = win.session
    return evaluate(s.src, s.dst, s.rules, s.verdict.policy).warnings


def test_warnings_button_and_open_list_follow_an_edit_that_changes_the_warnings(qtbot,
                                                                                 loaded):
    s, button = loaded.session, loaded.summary.warnings_button
    before = _full_warnings(loaded)
    assert button.text() == f"⚠ {len(before)} warnings"
    dialog: WarningsDialog = button.show_list()
    assert "DBGDTRRXext" in dialog.text.toPlainText()
    # Tolerating the register the destination lacks drops its warning on both vCPUs.
    s.set_rules(RuleSet((Rule(_reg(loaded, "DBGDTRRXext"), RuleType.NOT_ON_BOTH_ENDS),)))
    assert s.changed_rows is not None  # the incremental path, not a rebuild
    after = _full_warnings(loaded)
    assert len(after) == len(before) - 2
    assert button.text() == f"⚠ {len(after)} warnings"
    assert "DBGDTRRXext" not in dialog.text.toPlainText()
    assert f"{len(after)} warnings" in dialog.heading.text()
    dialog.close()
    s.set_rules(RuleSet())  # closed: the list is read again when it is opened
    assert button.text() == f"⚠ {len(before)} warnings"
    assert "DBGDTRRXext" in button.show_list().text.toPlainText()
    button.dialog.close()


def test_details_follow_an_edit_of_the_selected_rows_register_only(qtbot, loaded):
    s, details = loaded.session, loaded.details
    buttons = loaded.rules_layer.actions.buttons
    loaded.view.select_proxy_row(proxy_row_of(loaded, "PAR"))
    assert details.status_text.text().endswith("blocks the migration into QEMU 11.1")
    offered = list(buttons.buttons)
    assert offered and "Remove rule" not in [b.text() for b in offered]
    other = Rule(_reg(loaded, "DBGDTRRXext"), RuleType.NOT_ON_BOTH_ENDS)
    s.set_rules(RuleSet((other,)))  # another register: the selected row's offers stand
    assert buttons.buttons == offered
    assert details.status_text.text().endswith("blocks the migration into QEMU 11.1")
    s.set_rules(RuleSet((other, Rule(_reg(loaded, "PAR"), RuleType.NOT_ON_BOTH_ENDS))))
    assert details.status_text.text() == ("Unexpected — vCPU 0, tolerated by rule: "
                                          "not-on-both-ends")
    assert [b.text() for b in buttons.buttons[len(offered):]] == [
        "Edit rule (not-on-both-ends)…", "Remove rule"]
    assert buttons.buttons[:len(offered)] == offered  # the offers themselves stand
    s.set_rules(RuleSet((other,)))
    assert details.status_text.text().endswith("blocks the migration into QEMU 11.1")
    assert buttons.buttons == offered
    # (A layout shows the buttons added to it from the event loop.)
    qtbot.waitUntil(lambda: not any(b.isHidden() for b in offered))
    loaded.view.select_proxy_row(proxy_row_of(loaded, "ID_DFR0_EL1"))  # another row's offers
    assert buttons.buttons and not set(buttons.buttons) & set(offered)
    assert all(b.isHidden() for b in offered)  # gone at once, not only once deleted


def test_status_bar_counts_follow_an_edit(qtbot, loaded):
    s, labels = loaded.session, loaded.summary.count_labels
    tolerated = labels["tolerated"][1]
    assert tolerated.isHidden()  # no row tolerated yet
    s.set_rules(RuleSet((Rule(_reg(loaded, "DBGDTRRXext"), RuleType.NOT_ON_BOTH_ENDS),)))
    counts = loaded.model.counts()
    assert counts["tolerated"] == 2
    assert not tolerated.isHidden() and tolerated.text() == "2"
    assert labels["missing"][1].text() == str(counts["missing"])
    s.set_rules(RuleSet())
    assert tolerated.isHidden()


@pytest.fixture(scope="module")
def mig(tmp_path_factory):
    folder = tmp_path_factory.mktemp("matrix")
    return lambda name: str(matrix_stream(f"{name}.mig", folder))


def test_stream_failure_stays_marked_across_edits_and_when_the_pair_is_opened_again(
        qtbot, window, mig):
    page = window.page.stream_page

    def open_m128() -> None:
        window.open_pair(mig("q10-a57-smp2-m128"), mig("q10-a57-smp2"))
        qtbot.waitUntil(lambda: window.session.verdict is not None and not window.session.busy,
                        timeout=30000)

    def marked() -> bool:
        row = page.model.failing_row()
        return row is not None and FAILS_HERE in page.model.index(
            row, StreamColumn.STATUS).data() and not page.failure.isHidden()

    open_m128()
    assert marked()
    s = window.session
    s.set_rules(RuleSet((Rule(s.diff.rows[0].id, RuleType.NOT_ON_BOTH_ENDS),)))
    assert s.changed_rows is not None and marked()  # the same stream failure: still marked
    # The same pair again: new sides clear the Stream tab, the same failure marks it again.
    open_m128()
    assert marked()
