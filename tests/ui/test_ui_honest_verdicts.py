"""Honest verdicts in the window (issue 14): the banner tells "as it is" from "once these rules
are built into it" and keeps its height when the verdict flips, its first failure is a link,
the Rules panel says how each rule deploys, the details panel names the rule's effect, and
the Suggest dialog says what would fix what no cpreg rule can."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from rules_helpers import focus
from streamfiles import matrix_stream
from ui_helpers import DATA, DST, SRC, proxy_row_of

from app.model.advice.suggest import suggest
from app.model.rules.rule import Rule, RuleType
from app.model.rules.ruleset import RuleSet
from app.ui.rules.verdict_banner import FIRST_LINK
from app.ui.table.diff_model import RecordRole
from app.ui.window.diff_page import STREAM_TAB

PAR = 0x40200000200F3A00
FULL = (1 << 64) - 1
PATCH_SERIES_72 = ("<b>REJECTED</b> by QEMU 7.2 as it is — <b>ACCEPTED</b> once these 4 rules "
                   "are built into it (needs the tolerance patch series)")


def _policy(qtbot, win, name: str) -> None:
    win.session.set_policy(name)
    qtbot.waitUntil(lambda: win.session.verdict is not None
                    and win.session.verdict.policy.name == name, timeout=20000)


def _heights(banner) -> tuple[int, int, int, int]:
    QApplication.processEvents()  # let the layout apply the new texts
    return (banner.height(), banner.sizeHint().height(), banner.headline.height(),
            banner.detail.height())


def test_banner_says_accepted_only_once_the_rules_are_built_in(qtbot, loaded):
    banner, s = loaded.rules_layer.banner, loaded.session
    _policy(qtbot, loaded, "qemu-7.2")
    rejected = _heights(banner)
    assert banner.headline.text().startswith("<b>Rejected</b> by QEMU 7.2")
    s.set_rules(suggest(s.src, s.dst, "qemu-7.2").rules)
    assert s.verdict.accepted  # as if QEMU 7.2 had them registered: not as shipped
    assert banner.headline.text() == PATCH_SERIES_72
    assert "4 rules needed: needs the tolerance patch series (4)" in banner.detail.text()
    assert _heights(banner) == rejected  # the flip does not move the table below
    panel = loaded.rules_layer.panel.model
    deploy = panel.HEADERS.index("Deploy")
    assert {panel.index(r, deploy).data() for r in range(len(panel))} == {
        "needs the tolerance patch series"}
    tooltip = panel.index(0, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert "has no cpreg tolerances" in tooltip and "Evidence: seed 00" in tooltip
    _policy(qtbot, loaded, "qemu-11.1")  # the same rules, another release: other words
    assert "not expressible on QEMU 11.1" in banner.headline.text()
    assert [panel.index(r, deploy).data() for r in range(len(panel))].count(
        "not expressible") == 2
    assert _heights(banner) == rejected


def test_first_failure_is_a_link_to_its_row(qtbot, loaded):
    banner, s = loaded.rules_layer.banner, loaded.session
    loaded.view.select_proxy_row(proxy_row_of(loaded, "ID_AA64ISAR0_EL1", 1))
    first = s.verdict.first_failure
    assert first.register is not None
    assert f'href="{FIRST_LINK}"' in banner.detail.text()
    banner.detail.linkActivated.emit(FIRST_LINK)
    assert (s.selected.vcpu, s.selected.id) == (first.vcpu, first.register)
    assert "load of migration failed" in banner.detail.toolTip()  # QEMU's log is still there


def test_details_status_names_the_rule_that_tolerates_the_row(qtbot, loaded):
    s, status = loaded.session, loaded.details.status_text
    loaded.view.select_proxy_row(proxy_row_of(loaded, "PAR"))
    assert status.text() == "Unexpected — vCPU 0, blocks the migration into QEMU 11.1"
    s.set_rules(RuleSet((Rule(PAR, RuleType.ONLY_SRC_TEST_VALUE, FULL, 0, reason="mine"),)))
    assert status.text() == "Unexpected — vCPU 0, tolerated by rule: only-src-test-value = 0x0"
    assert "mine" in status.toolTip()
    loaded.view.select_proxy_row(proxy_row_of(loaded, "PAR", 1))  # a new selection too
    assert status.text() == "Unexpected — vCPU 1, tolerated by rule: only-src-test-value = 0x0"
    s.set_rules(RuleSet())
    assert status.text() == "Unexpected — vCPU 1, blocks the migration into QEMU 11.1"


def test_suggest_dialog_says_what_would_fix_the_machine_type(qtbot, window):
    window.open_pair(str(DATA / "q72-max-smp2.mig"), str(DATA / "q11-max-smp2.mig"))
    qtbot.waitUntil(lambda: window.session.verdict is not None, timeout=20000)
    focus(qtbot, window.view)
    qtbot.keyClick(window.view, Qt.Key.Key_G,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = window.rules_layer.suggest_dialog
    qtbot.waitUntil(lambda: dialog.suggestion is not None, timeout=20000)
    tree = dialog.tree
    groups = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
              if tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole) is None]
    assert groups and all(g.isFirstColumnSpanned() for g in groups)  # titles read whole
    unfixable = next(g for g in groups if g.text(0).startswith("No cpreg rule can fix"))
    assert unfixable.child(0).text(3) == (
        "Machine type received is 'virt-7.2' and local is 'virt-11.1'\n→ start the "
        "destination with -M virt-7.2 (the machine type must be the source's; no cpreg rule "
        "is consulted before it)")
    rule = tree.topLevelItem(0)
    assert rule.data(0, Qt.ItemDataRole.UserRole) is not None
    assert rule.text(4) in ("needs C registration", "not expressible")
    dialog.reject()


def test_suggest_dialog_outcome_is_honest_about_deploying(qtbot, window):
    window.open_pair(str(SRC), str(DST))
    qtbot.waitUntil(lambda: window.session.verdict is not None, timeout=20000)
    dialog = window.rules_layer.suggest()
    qtbot.waitUntil(lambda: dialog.suggestion is not None, timeout=20000)
    assert dialog.outcome.text().endswith(
        "left) — the rules would make it pass, but 2 of these 4 rules are not expressible on "
        "QEMU 11.1.")
    dialog.reject()


def test_big_pairs_check_as_it_is_in_a_worker_and_never_claim_it_meanwhile(qtbot, loaded,
                                                                          monkeypatch):
    monkeypatch.setattr("app.ui.rules.as_is.SYNC_ROWS", 0)  # this pair counts as big
    banner, s = loaded.rules_layer.banner, loaded.session
    _policy(qtbot, loaded, "qemu-7.2")
    s.set_rules(suggest(s.src, s.dst, "qemu-7.2").rules)
    pending = banner.headline.text()  # no event processed yet: the worker cannot have landed
    assert pending.endswith("— checking whether QEMU 7.2 accepts it as it is…")
    assert "as it is —" not in pending
    qtbot.waitUntil(lambda: banner.headline.text() == PATCH_SERIES_72, timeout=20000)


def test_a_machine_type_failure_has_no_row_to_link_to(qtbot, window):
    window.open_pair(str(SRC), str(DATA / "q11-max-smp2.mig"))
    qtbot.waitUntil(lambda: window.session.verdict is not None, timeout=20000)
    detail = window.rules_layer.banner.detail.text()
    assert "First failure: QEMU prints “load of migration failed" in detail
    assert FIRST_LINK not in detail


def test_a_ram_failure_links_to_its_part_in_the_stream_tab(qtbot, window, tmp_path):
    window.open_pair(str(matrix_stream("q10-a57-smp2-m128.mig", tmp_path)),
                     str(matrix_stream("q10-a57-smp2.mig", tmp_path)))
    qtbot.waitUntil(lambda: window.session.verdict is not None, timeout=20000)
    window.tabs.setCurrentIndex(0)
    window.rules_layer.banner.detail.linkActivated.emit(FIRST_LINK)
    assert window.tabs.currentIndex() == STREAM_TAB
    page = window.page.stream_page
    assert page.view.currentIndex().data(RecordRole).name == "mach-virt.ram"
