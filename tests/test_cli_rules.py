"""check / suggest / export from the command line, on the real QEMU 7.2 -> 11.1 pair."""

from __future__ import annotations

import json

from app.cli import main
from app.model.rules import rulefile
from testdata import fixture

A57_72 = str(fixture("q72-cortex-a57-smp2.mig"))
A57_11 = str(fixture("q11-cortex-a57-smp2-virt-7.2.mig"))


def test_check_rejects_with_qemus_reasons_and_exit_1(capsys):
    assert main(["check", A57_72, A57_11, "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "rejected" and data["policy"] == "qemu-11.1"
    named = {(r["name"], r["status"]) for r in data["reasons"] if r["reached"]}
    assert {("PAR", "unexpected"), ("ID_AA64ISAR0_EL1", "unexpected")} <= named
    assert all(set(r) >= {"vcpu", "id", "name", "status", "message"} for r in data["reasons"])
    assert any("system register 0x1013c030 in the incoming stream but unknown on the "
               "destination: fail migration" in line for line in data["qemu_log"])


def test_policy_option_switches_behaviour(capsys):
    assert main(["check", A57_72, A57_11, "--policy", "qemu-10.0", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["policy"] == "qemu-10.0"
    assert data["policy_reason"] == "chosen by the user: QEMU 10.0"
    # pre-11 QEMU names no register: the reasons say so instead of quoting a log line
    assert all("0x1013c030" not in line for line in data["qemu_log"])


def test_suggest_then_check_accepts(tmp_path, capsys):
    rules = tmp_path / "rules.toml"
    assert main(["suggest", A57_72, A57_11, "-o", str(rules)]) == 0
    assert "accepted" in capsys.readouterr().out
    loaded = rulefile.load(rules)
    assert {r.name for r in loaded.rules} >= {"PAR", "ID_AA64ISAR0_EL1"}
    assert main(["check", A57_72, A57_11, "--rules", str(rules), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "accepted" and data["reasons"] == []
    assert {t["name"] for t in data["tolerated"]} >= {"PAR", "ID_AA64ISAR0_EL1"}
    # the exported TOML re-imports identically
    out = tmp_path / "again.toml"
    assert main(["export", str(rules), "--to", "toml", "-o", str(out)]) == 0
    assert rulefile.load(out) == loaded
    assert out.read_text() == rules.read_text()


def test_export_qemu_c_round_trips_through_check(tmp_path, capsys):
    rules = tmp_path / "rules.toml"
    main(["suggest", A57_72, A57_11, "-o", str(rules)])
    c_file = tmp_path / "rules.c"
    assert main(["export", str(rules), "--to", "qemu-c", "-o", str(c_file)]) == 0
    assert "arm_register_cpreg_mig_tolerance(cpu, 0x603000000013c030" in c_file.read_text()
    capsys.readouterr()
    assert main(["check", A57_72, A57_11, "--rules", str(c_file)]) == 0


def test_bad_rule_file_exits_2_naming_the_line(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('version = 1\n\n[[rule]]\nregister = "ID_AA64ISAR0_EL1"\ntype = "nope"\n')
    assert main(["check", A57_72, A57_11, "--rules", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "line 3" in err and str(bad) in err


def test_markdown_report_names_verdict_rules_and_blocking(tmp_path, capsys):
    rules = tmp_path / "rules.toml"
    main(["suggest", A57_72, A57_11, "-o", str(rules)])
    empty = tmp_path / "empty.toml"
    empty.write_text("version = 1\n")
    capsys.readouterr()
    assert main(["export", str(empty), "--to", "markdown", "--diff", A57_72, A57_11]) == 0
    before = capsys.readouterr().out
    assert "## Verdict: **rejected** by QEMU 11.1" in before
    assert "| 0 | PAR | 0x40200000200f3a00 | unexpected |" in before
    assert main(["export", str(rules), "--to", "markdown", "--diff", A57_72, A57_11]) == 0
    after = capsys.readouterr().out
    assert "## Verdict: **accepted**" in after and "## Tolerated rows" in after
    assert main(["export", str(rules), "--to", "markdown"]) == 2
