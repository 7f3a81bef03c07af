"""Honest verdicts (issue 14): accepted by this QEMU as it is, or only once the rules are built
into it — and what that takes per rule on each release (advice/deployability.py); what fixes
the problems no cpreg rule can (advice/remedy.py); the same words in check, suggest and the
Markdown report. Real QEMU streams only (tests/data and tests/data/matrix)."""

from __future__ import annotations

import json

import pytest
from streamfiles import matrix_stream
from testdata import fixture

from app.cli import main
from app.model import exporters
from app.model.advice.deployability import Deploy, assess, deploy_rule
from app.model.advice.remedy import remedies
from app.model.advice.suggest import suggest
from app.model.registers import regdb
from app.model.rules import rulefile
from app.model.rules.rule import Rule, RuleType
from app.model.rules.ruleset import RuleSet
from app.model.sources.readers import load
from app.model.verdict.evaluate import evaluate
from app.model.verdict.policy import QEMU_72, QEMU_100, QEMU_111

T = RuleType
SRC = fixture("q72-cortex-a57-smp2.mig")
DST = fixture("q11-cortex-a57-smp2-virt-7.2.mig")  # QEMU 11.1 running virt-7.2
DBGDTRTX = 0x40200000200E0298  # the tolerance QEMU 11.1 registers itself for virt <= 10.2
PATCH_SERIES_72 = ("REJECTED by QEMU 7.2 as it is — ACCEPTED once these 4 rules are built "
                   "into it (needs the tolerance patch series)")


# The ids of the demo pair's blocking registers, as that pair's streams carry them.
BLOCKING = {"PAR": 0x40200000200F3A00, "ID_AA64ISAR0_EL1": 0x603000000013C030,
            "ID_DFR0": 0x40200000200F0082, "ID_DFR0_EL1": 0x603000000013C00A}


def _id(name: str) -> int:
    assert regdb.lookup(BLOCKING[name]).name == name
    return BLOCKING[name]


@pytest.fixture(scope="module")
def pair():
    return load(SRC), load(DST)


@pytest.fixture(scope="module")
def mig(tmp_path_factory):
    folder = tmp_path_factory.mktemp("matrix")
    return lambda name: load(matrix_stream(f"{name}.mig", folder))


@pytest.mark.parametrize("rtype", list(RuleType))
@pytest.mark.parametrize("policy", [QEMU_72, QEMU_100])
def test_releases_without_the_series_need_it_for_every_rule_type(policy, rtype):
    d = deploy_rule(Rule(0x603000000013C030, rtype), policy, "virt-7.2")
    assert d.how is Deploy.PATCH_SERIES and policy.title in d.reason
    assert d.evidence.startswith("seed 00") and d.option is None


@pytest.mark.parametrize(("rtype", "machine", "how"), [
    (T.HIDDEN, "virt-7.2", Deploy.OPTION),
    (T.SAFE_MISSING, "virt-11.1", Deploy.OPTION),
    # virt <= 10.2 already sets x-mig-safe-missing-regs (DBGDTRTX): a second -global fails
    (T.SAFE_MISSING, "virt-7.2", Deploy.C_REGISTRATION),
    (T.NOT_ON_BOTH_ENDS, "virt-11.1", Deploy.C_REGISTRATION),
    (T.ONLY_SRC_TEST_VALUE, "virt-11.1", Deploy.C_REGISTRATION),
    (T.DIFF_IN_MASK, "virt-11.1", Deploy.NOT_EXPRESSIBLE),
    (T.FIELD_LT, "virt-7.2", Deploy.NOT_EXPRESSIBLE),
    (T.FIELD_GT, "virt-7.2", Deploy.NOT_EXPRESSIBLE),
])
def test_qemu_11_1_takes_properties_on_the_command_line_and_index_tolerances_from_c(
        rtype, machine, how):
    d = deploy_rule(Rule(0x603000000013C030, rtype), QEMU_111, machine)
    assert d.how is how
    if how is Deploy.OPTION:
        prop = "x-mig-hidden-regs" if rtype is T.HIDDEN else "x-mig-safe-missing-regs"
        assert d.option == f"-global arm-cpu.{prop}=0x603000000013c030"
    else:
        assert d.option is None


def test_a_rule_equal_to_a_builtin_tolerance_is_stock_only_where_it_applies():
    rule = Rule(DBGDTRTX, T.SAFE_MISSING)
    assert deploy_rule(rule, QEMU_111, "virt-10.2").how is Deploy.STOCK
    assert deploy_rule(rule, QEMU_111, "virt-11.0").how is Deploy.OPTION
    assert deploy_rule(rule, QEMU_72, "virt-7.2").how is Deploy.PATCH_SERIES


def test_accepted_with_rules_is_not_accepted_as_it_is(pair):
    src, dst = pair
    rules = suggest(src, dst, "qemu-7.2").rules
    verdict = evaluate(src, dst, rules, "qemu-7.2")
    assert verdict.accepted  # as if QEMU 7.2 had the rules registered
    deploy = assess(src, dst, verdict, rules)
    assert deploy.as_is is False and deploy.as_is == evaluate(src, dst, None, QEMU_72).accepted
    assert deploy.state == "accepted-once-deployed" and deploy.how is Deploy.PATCH_SERIES
    assert deploy.headline() == PATCH_SERIES_72


def test_qemu_11_1_cannot_take_the_diff_in_mask_rules(pair):
    src, dst = pair
    rules = suggest(src, dst, "qemu-11.1").rules
    deploy = assess(src, dst, evaluate(src, dst, rules), rules)
    assert deploy.state == "not-deployable" and deploy.how is Deploy.NOT_EXPRESSIBLE
    assert deploy.headline() == ("REJECTED by QEMU 11.1 as it is — the rules would make it "
                                 "pass, but 2 of these 4 rules are not expressible on QEMU 11.1")
    assert deploy.summary_line() == ("4 rules needed: not expressible (2), "
                                     "needs C registration (2)")


def test_hidden_instead_of_diff_in_mask_needs_c_registration_on_11_1(pair):
    src, dst = pair
    rules = RuleSet((Rule(_id("PAR"), T.ONLY_SRC_TEST_VALUE, (1 << 64) - 1, 0),
                     Rule(_id("ID_AA64ISAR0_EL1"), T.NOT_ON_BOTH_ENDS),
                     Rule(_id("ID_DFR0"), T.HIDDEN), Rule(_id("ID_DFR0_EL1"), T.HIDDEN)))
    verdict = evaluate(src, dst, rules)
    deploy = assess(src, dst, verdict, rules)
    assert verdict.accepted and deploy.as_is is False
    assert deploy.headline() == ("REJECTED by QEMU 11.1 as it is — ACCEPTED once these 4 "
                                 "rules are built into it (needs C registration)")
    options = [d.option for d in deploy.rules if d.option]
    assert options == [f"-global arm-cpu.x-mig-hidden-regs={_id(n):#x}"
                       for n in ("ID_DFR0", "ID_DFR0_EL1")]


def test_a_pair_qemu_accepts_needs_no_rule(mig):
    src, dst = load(fixture("q72-cortex-a57-smp2-guest.mig")), load(SRC)
    unused = RuleSet((Rule(_id("PAR"), T.NOT_ON_BOTH_ENDS),))  # tolerates no row here
    verdict = evaluate(src, dst, unused, "qemu-7.2")
    deploy = assess(src, dst, verdict, unused)
    assert deploy.as_is is True and deploy.needed == () and deploy.state == "accepted"
    assert deploy.headline() == "ACCEPTED by QEMU 7.2 as it is"


def test_check_says_it_in_its_first_line_and_json(tmp_path, capsys, pair):
    rules = tmp_path / "rules.toml"
    rulefile.save(suggest(*pair, "qemu-7.2").rules, rules)
    args = ["check", str(SRC), str(DST), "--rules", str(rules), "--policy", "qemu-7.2"]
    assert main(args) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(PATCH_SERIES_72 + " (qemu-7.2: ")
    assert "Deploying the rules on QEMU 7.2: 4 rules needed: needs the tolerance patch " \
           "series (4)" in lines
    assert main([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "accepted" and data["as_is"] == "rejected"  # old key kept
    assert data["headline"] == PATCH_SERIES_72
    assert data["deployment"]["how"] == "needs the tolerance patch series"
    first = data["deployment"]["rules"][0]
    assert set(first) == {"id", "name", "rule", "enabled", "needed", "how", "reason",
                          "evidence", "option"}
    assert all(r["needed"] for r in data["deployment"]["rules"])


def test_no_cpreg_rule_helps_with_the_machine_type_but_minus_m_does(capsys):
    src, dst = load(SRC), load(fixture("q11-max-smp2.mig"))  # virt-7.2 into virt-11.1
    s = suggest(src, dst)
    assert [str(m.action) for m in s.remedies] == ["start the destination with -M virt-7.2"]
    assert s.remedies[0].reason is s.unfixable[0]
    assert main(["suggest", str(SRC), str(fixture("q11-max-smp2.mig"))]) == 1
    out = capsys.readouterr().out
    assert "no cpreg rule can fix: Machine type received is 'virt-7.2' and local is " \
           "'virt-11.1'\n    → start the destination with -M virt-7.2" in out
    assert main(["check", str(SRC), str(fixture("q11-max-smp2.mig")), "--json"]) == 1
    fixes = json.loads(capsys.readouterr().out)["remedies"]
    assert fixes[0]["action"] == "start the destination with -M virt-7.2"


def test_a_newer_machine_type_needs_a_newer_qemu_not_minus_m(mig):
    src, dst = mig("q11-max-smp2"), mig("q72-a57-smp2")
    v = evaluate(src, dst)
    first = remedies(v.reasons, src, v.policy, dst)[0]
    assert first.action == "migrate to a QEMU release that has machine type virt-11.1"


@pytest.mark.parametrize(("src", "dst", "action"), [
    ("q72-a57-smp2-m128", "q72-a57-smp2", "start the destination with -m 128M"),
    ("q72-a57-smp2", "q72-a57-smp2-m128", "start the destination with -m 64M"),
    ("q10-a76-smp2-gicv2", "q10-a76-smp1-gicv2", "start the destination with -smp 2"),
    ("q10-a76-smp2-gicv3", "q10-a76-smp1-gicv3", "start the destination with -smp 2"),
    ("q10-a57-smp2-gicv2", "q10-a57-smp2-gicv3", "start the destination with -M ...,gic-version=2"),
    ("q10-a57-smp2-rng", "q10-a57-smp2", "add the device behind "
     "'virtio-mmio@000000000a003e00/virtio-rng' (instance 0) to the destination, as on the source"),
])
def test_ram_vcpus_and_devices_get_the_start_option_that_matches_the_source(mig, src, dst,
                                                                            action):
    s, d = mig(src), mig(dst)
    v = evaluate(s, d)
    assert not v.accepted
    assert remedies(v.reasons, s, v.policy, d)[0].action == action


def test_markdown_report_tells_as_it_is_deployment_and_remedies(pair):
    src, dst = pair
    rules = suggest(src, dst, "qemu-7.2").rules
    text = exporters.export(rules, "markdown", src=src, dst=dst,
                            verdict=evaluate(src, dst, rules, "qemu-7.2")).text
    assert "## Verdict: **accepted** by QEMU 7.2 — only once the rules are built into it" in text
    assert f"**{PATCH_SERIES_72}**" in text
    assert "| PAR | only-src-test-value | yes | needs the tolerance patch series |" in text
    other = load(fixture("q11-max-smp2.mig"))
    text = exporters.export(RuleSet(), "markdown", src=src, dst=other,
                            verdict=evaluate(src, other)).text
    assert "**REJECTED by QEMU 11.1 as it is**" in text
    assert "| Machine type received is 'virt-7.2' and local is 'virt-11.1' | start the " \
           "destination with -M virt-7.2 |" in text
