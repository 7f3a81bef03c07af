"""show/diff with the CPU state outside the cpreg arrays: additive JSON, separate text table."""

from __future__ import annotations

import json

from app.cli import main
from app.cli.state import HEADING
from testdata import fixture

GICV3 = str(fixture("q72-cortex-a57-smp2-gicv3.mig"))
SMP1 = str(fixture("q72-cortex-a57-smp1.mig"))
SMP2 = str(fixture("q72-cortex-a57-smp2.mig"))
GUEST = str(fixture("q72-cortex-a57-smp2-guest.mig"))


def run(capsys, *argv) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_show_json_adds_state_groups_with_the_cpreg_register_shape(capsys):
    data = json.loads(run(capsys, "show", GICV3, "--json"))
    plain = json.loads(run(capsys, "show", GICV3, "--json", "--no-state-groups"))
    assert "cpu_state" not in plain and all("state" not in c for c in plain["vcpus"])
    for shown, bare in zip(data["vcpus"], plain["vcpus"]):
        assert shown["registers"] == bare["registers"]
        assert [g["group"] for g in shown["state"]] == ["core", "gic"]
        for group in shown["state"]:
            assert all(set(r) == set(bare["registers"][0]) for r in group["registers"])
    gic = {r["name"]: r for r in data["vcpus"][0]["state"][1]["registers"]}
    assert gic["ICC_PMR_EL1"]["id"] == "0x603000000013c230" and gic["ICC_PMR_EL1"]["class"] == "gic"
    assert data["cpu_state"]["gic"] == "gicv3" and data["cpu_state"]["enabled_vcpus"] == [0, 1]
    assert data["cpu_state"]["other_vcpus"] == []


def test_show_text_lists_groups_after_the_cpregs(capsys):
    out = run(capsys, "show", SMP2, "--vcpu", "1")
    cpregs_end = out.index("CNTPS_CVAL_EL1")
    assert out.index("[core] core registers") > cpregs_end
    assert "GICC_CTLR" in out and out.rstrip().splitlines()[-1].startswith("note: GICv2")
    assert HEADING in out and "vCPU 1: enabled, cpu section, powered off" in out
    assert " ICC_" not in out.split(HEADING)[0].split("[gic]")[1]
    assert "[core]" not in run(capsys, "show", SMP2, "--no-state-groups")


def test_diff_json_adds_state_rows_and_presence(capsys):
    data = json.loads(run(capsys, "diff", GICV3, SMP1, "--json"))
    plain = json.loads(run(capsys, "diff", GICV3, SMP1, "--json", "--no-state-groups"))
    assert {k: v for k, v in data.items() if k not in ("state_rows", "cpu_state")} == plain
    assert data["state_rows"] and all(r["group"] in ("core", "gic") for r in data["state_rows"])
    assert all(r["status"] != "match" for r in data["state_rows"])
    presence = data["cpu_state"]["presence"]
    assert [p["differs"] for p in presence] == [False, True]
    assert presence[1]["destination"] is None and "Unknown savevm section" in presence[1]["outcome"]


def test_diff_text_has_a_separate_state_table(capsys):
    out = run(capsys, "diff", GUEST, SMP2)
    cpregs, state = out.split(HEADING)
    assert "DBGWVR0_EL1" in cpregs and " PC " not in cpregs
    assert "value-mismatch  core  PC " in state
    hidden = run(capsys, "diff", GUEST, SMP2, "--hide-state").split(HEADING)[1]
    assert "PC " not in hidden.split("destination")[-1]
