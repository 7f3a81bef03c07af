"""``cpreg-explorer fleet``: exit codes, the JSON shape, the text matrix, -o, bad input."""

from __future__ import annotations

import io
import itertools
import json
import sys

from testdata import fixture

from app.cli import main
from app.model.rules import rulefile

A57 = str(fixture("q72-cortex-a57-smp2.mig"))
A57_GICV3 = str(fixture("q72-cortex-a57-smp2-gicv3.mig"))
MAX = str(fixture("q72-max-smp2.mig"))
A57_SMP1 = str(fixture("q72-cortex-a57-smp1.mig"))


def test_one_host_twice_is_all_accepted_exit_0(capsys):
    assert main(["fleet", A57, A57, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["policy"] == "qemu-7.2"
    assert data["sources"] == [{"path": A57, "group": 0}, {"path": A57, "group": 0}]
    [group] = data["groups"]
    assert group["members"] == [A57, A57] and group["label"] == "A"
    assert data["matrix"] == [{"src": 0, "dst": 0, "verdict": "accepted", "blocking": 0,
                               "first_failure": None, "unexamined": 0,
                               "baseline_verdict": "accepted", "unfixable_reason": None}]
    assert data["baseline"]["fixes"] == [] and data["baseline"]["unfixable"] == []
    assert data["spread"] == []


def test_a_mixed_pool_is_exit_1_with_the_issues_json_shape(capsys):
    assert main(["fleet", A57, MAX, A57_GICV3, "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"policy", "sources", "groups", "matrix", "baseline", "spread"}
    assert len(data["groups"]) == 3 and len(data["matrix"]) == 9
    for cell in data["matrix"]:
        assert set(cell) >= {"src", "dst", "verdict", "blocking", "first_failure"}
        assert (cell["verdict"] == "rejected") == (cell["blocking"] > 0)
        assert (cell["first_failure"] is None) == (cell["verdict"] == "accepted")
    assert set(data["baseline"]) >= {"rules_toml", "fixes", "unfixable"}
    for pair in data["baseline"]["unfixable"]:
        assert set(pair) == {"src_path", "dst_path", "reason"} and pair["reason"]
    rejected = [c for c in data["matrix"] if c["verdict"] == "rejected"]
    assert len(rejected) == 6  # the three configurations cannot migrate to one another
    entry = next(e for e in data["spread"] if e["name"] == "ID_DFR0_EL1")
    assert sum(v["hosts"] for v in entry["values"]) + entry["absent"] == 3
    assert entry["fields"] and all(f["values"] for f in entry["fields"])


def test_the_matrix_agrees_with_check_for_every_pair(capsys):
    paths = [A57, MAX, A57_SMP1]
    main(["fleet", *paths, "--json"])
    data = json.loads(capsys.readouterr().out)
    group = {s["path"]: s["group"] for s in data["sources"]}
    cells = {(c["src"], c["dst"]): c for c in data["matrix"]}
    for src in paths:
        for dst in paths:
            code = main(["check", src, dst, "--json"])
            verdict = json.loads(capsys.readouterr().out)
            cell = cells[group[src], group[dst]]
            assert cell["verdict"] == verdict["verdict"] and code == (cell["verdict"]
                                                                       != "accepted")
            assert cell["blocking"] == len(verdict["reasons"])
            first = verdict["reasons"][0]["message"] if verdict["reasons"] else None
            assert cell["first_failure"] == first


def test_text_shows_a_lettered_matrix_with_a_legend(capsys):
    assert main(["fleet", A57, MAX, A57]) == 1
    out = capsys.readouterr().out
    assert "2 group(s)" in out and f"      {A57}" in out and f"      {MAX}" in out
    lines = out.splitlines()
    header = lines.index(next(line for line in lines if line.startswith("matrix")))
    assert lines[header + 1].split() == ["A", "B"]
    # a57 -> max: only features the guest did not see differ; max -> a57 would lose some
    assert lines[header + 2].split() == ["A", ".", "+"]
    assert lines[header + 3].split() == ["B", "x", "."]
    assert "accepted with the baseline" in lines[header]


def test_output_writes_the_baseline_rule_file(tmp_path, capsys):
    target = tmp_path / "baseline.toml"
    main(["fleet", A57, A57_SMP1, "--json", "-o", str(target)])
    data = json.loads(capsys.readouterr().out)
    assert target.read_text() == data["baseline"]["rules_toml"]
    loaded = rulefile.load(target)
    # L2CTLR (the vCPU count) differs: a narrow diff-in-mask lets 1 vCPU into 2; 2 into 1
    # fails on the second vCPU's sections, which no cpreg rule can fix
    assert {r.name for r in loaded.rules} == {"L2CTLR", "L2CTLR_EL1"}
    assert data["baseline"]["fixes"] == [{"src_path": A57_SMP1, "dst_path": A57}]
    [unfixable] = data["baseline"]["unfixable"]
    assert (unfixable["src_path"], unfixable["dst_path"]) == (A57, A57_SMP1)
    assert unfixable["reason"].startswith("vCPU count: Unknown savevm section or instance "
                                          "'cpu_common' 1")
    assert main(["check", A57_SMP1, A57, "--rules", str(target)]) == 0
    capsys.readouterr()
    # given as --rules, the baseline applies first: the fixed pair is now accepted as it is
    assert main(["fleet", A57, A57_SMP1, "--json", "--rules", str(target)]) == 1
    again = json.loads(capsys.readouterr().out)
    assert [c["verdict"] for c in again["matrix"]] == ["accepted", "rejected", "accepted",
                                                      "accepted"]
    assert again["baseline"]["fixes"] == []


def test_policy_option_applies_to_every_destination(capsys):
    main(["fleet", A57, MAX, "--json", "--policy", "qemu-11.1"])
    data = json.loads(capsys.readouterr().out)
    assert data["policy"] == "qemu-11.1"
    assert data["policy_reason"] == "chosen by the user: QEMU 11.1"


def test_bad_input_is_exit_2_naming_the_file(tmp_path, capsys):
    missing = tmp_path / "gone.mig"
    assert main(["fleet", A57, str(missing)]) == 2
    err = capsys.readouterr().err
    assert "gone.mig" in err and "Traceback" not in err
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 4)
    assert main(["fleet", str(junk), A57]) == 2
    assert "junk.bin" in capsys.readouterr().err
    rules = tmp_path / "rules.toml"
    rules.write_text("version = 1\n[[rule]]\nregister = 'nonsense'\n")
    assert main(["fleet", A57, "--rules", str(rules)]) == 2
    assert "rules.toml" in capsys.readouterr().err


def test_progress_goes_to_stderr_on_a_terminal_only(monkeypatch, capsys):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    clock = itertools.count(0, 1)  # every look at the clock is one second later
    monkeypatch.setattr("app.cli.progress.time.monotonic", lambda: next(clock))
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["fleet", A57, MAX]) == 1
    shown = terminal.getvalue()
    assert "fleet: reading 2 files [" in shown and "fleet: checking [" in shown
    assert "100%" in shown and "matrix" not in shown
    monkeypatch.undo()
    assert main(["fleet", A57, MAX]) == 1
    assert capsys.readouterr().err == ""  # not a terminal: no bar


def test_groups_are_letters_up_to_26_then_numbers():
    from app.model.reports.fleet_report import group_label

    assert [group_label(g, 26) for g in (0, 1, 25)] == ["A", "B", "Z"]
    assert [group_label(g, 27) for g in (0, 26)] == ["0", "26"]
