"""``cpreg-explorer fleet``: exit codes, the JSON shape, the text matrix, -o, bad input."""

from __future__ import annotations

import io
import itertools
import json
import sys

import pytest
from streamfiles import matrix_stream
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
                               "baseline_verdict": "accepted", "unfixable_reason": None,
                               "remedy": None, "deployment": None}]
    assert data["baseline"]["fixes"] == [] and data["baseline"]["unfixable"] == []
    assert data["baseline"]["deployment"] == []  # no rule: nothing to build in
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
        assert set(pair) == {"src_path", "dst_path", "reason", "remedy", "remedies"}
        assert pair["reason"]
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


# -- what would fix an unfixable pair, and what a fixed pair takes (issue 15 follow-ups) -------

def fleet_json(capsys, *args) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["fleet", *args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def check_json(capsys, *args) -> dict:
    capsys.readouterr()
    main(["check", *args, "--json"])
    return json.loads(capsys.readouterr().out)


def stream_level(remedies: list[dict]) -> list[dict]:
    """check's remedies without the array-length one (safe-missing rules, the baseline's
    business, fix that)."""
    return [m for m in remedies if m["status"] != "array-length"]


def test_unfixable_pairs_say_what_would_fix_them_in_checks_words(tmp_path, capsys):
    """Real QEMU 7.2 streams that differ in vCPU count (a57 smp1) and RAM size (m128): each
    unfixable pair carries the remedies check prints for it, -smp and -m included."""
    m128 = str(matrix_stream("q72-a57-smp2-m128.mig", tmp_path))
    code, data = fleet_json(capsys, A57, A57_SMP1, m128)
    assert code == 1
    unfixable = data["baseline"]["unfixable"]
    assert unfixable
    for pair in unfixable:
        expected = stream_level(check_json(capsys, pair["src_path"], pair["dst_path"]).get(
            "remedies", []))
        if pair["reason"].startswith(("vCPU count:", "RAM:", "devices (", "machine type:")):
            assert pair["remedies"] == expected and expected, pair
            assert pair["remedy"] == expected[0]["action"]
        else:
            assert pair["remedy"] is None and pair["remedies"] == [], pair
    by_pair = {(u["src_path"], u["dst_path"]): u for u in unfixable}
    assert by_pair[A57, A57_SMP1]["remedy"] == "start the destination with -smp 2"
    assert by_pair[m128, A57]["remedy"] == "start the destination with -m 128M"
    assert by_pair[A57, m128]["remedy"] == "start the destination with -m 64M"
    group = {s["path"]: s["group"] for s in data["sources"]}
    cell = next(c for c in data["matrix"]
                if (c["src"], c["dst"]) == (group[A57], group[A57_SMP1]))
    assert cell["remedy"] == "start the destination with -smp 2"
    # the text prints each remedy under its pairs, as suggest does ("→ action (why)")
    capsys.readouterr()
    main(["fleet", A57, A57_SMP1, m128])
    out = capsys.readouterr().out
    assert "    → start the destination with -smp 2 (the same vCPU count as the source)" in out
    assert "    → start the destination with -m 128M (" in out


def test_a_newer_source_into_an_older_release_names_that_remedy(tmp_path, capsys):
    """Real streams of QEMU 7.2 and 11.1 (per-destination policy): 11.1's wfxt-timer
    subsection cannot load into 7.2, and no start option fixes that."""
    q72 = str(matrix_stream("q72-a57-smp2.mig", tmp_path))
    q11 = str(matrix_stream("q11-a57-smp2-virt-7.2.mig", tmp_path))
    _code, data = fleet_json(capsys, q72, q11)
    [pair] = data["baseline"]["unfixable"]
    assert (pair["src_path"], pair["dst_path"]) == (q11, q72)
    expected = stream_level(check_json(capsys, q11, q72)["remedies"])
    assert pair["remedies"] == expected
    assert pair["remedy"] == "migrate to a QEMU release at least as new as the source's"


def deployments_for(data: dict, group: int) -> dict[str, dict]:
    """The fleet's deployment entries that hold for destination ``group``, by rule id."""
    return {d["id"]: d for d in data["baseline"]["deployment"] if group in d["groups"]}


@pytest.mark.parametrize("policy", [None, "qemu-11.1"])
def test_each_baseline_rule_says_how_it_deploys_as_check_does(policy, tmp_path, capsys):
    """The fleet's per-rule deployment and a fixed pair's words equal check --rules' for the
    same pair and release: 7.2 needs the patch series; on 11.1 a diff-in-mask rule is not
    expressible at all, so "+" is no promise."""
    rules = tmp_path / "baseline.toml"
    extra = ["--policy", policy] if policy else []
    _code, data = fleet_json(capsys, A57, MAX, "-o", str(rules), *extra)
    group = {s["path"]: s["group"] for s in data["sources"]}
    fixed = [c for c in data["matrix"] if c["verdict"] == "rejected"
             and c["baseline_verdict"] == "accepted"]
    assert fixed and data["baseline"]["deployment"]
    for cell in fixed:
        src = next(p for p, g in group.items() if g == cell["src"])
        dst = next(p for p, g in group.items() if g == cell["dst"])
        check = check_json(capsys, src, dst, "--rules", str(rules), *extra)
        assert check["verdict"] == "accepted"
        assert check["headline"].endswith(" — " + cell["deployment"]["words"])
        assert cell["deployment"]["how"] == check["deployment"]["how"]
        mine = deployments_for(data, cell["dst"])
        assert set(mine) == {r["id"] for r in check["deployment"]["rules"]}
        for rule in check["deployment"]["rules"]:
            assert (mine[rule["id"]]["how"], mine[rule["id"]]["reason"]) == (
                rule["how"], rule["reason"]), rule
    hows = {d["how"] for d in data["baseline"]["deployment"]}
    if policy is None:
        assert hows == {"needs the tolerance patch series"}
    else:
        assert "not expressible" in hows
    # the text: one line per rule type and the "+" pairs in the deployability words
    capsys.readouterr()
    main(["fleet", A57, MAX, *extra])
    out = capsys.readouterr().out
    assert "once the baseline rules are built in" in out
    for cell in fixed:
        assert f": {cell['deployment']['words']}" in out
    types = [line for line in out.splitlines() if line.startswith("  diff-in-mask (")]
    assert len(types) == 1 and ("needs the tolerance patch series" if policy is None
                                else "not expressible") in types[0]


def test_mixed_releases_deploy_per_destination_group(tmp_path, capsys):
    """Real QEMU 7.2 and 11.1 streams, no --policy: each destination gets its own release,
    and so its own deployment of the same baseline rules."""
    q72 = str(matrix_stream("q72-a57-smp2.mig", tmp_path))
    q11 = str(matrix_stream("q11-a57-smp2-virt-7.2.mig", tmp_path))
    rules = tmp_path / "baseline.toml"
    _code, data = fleet_json(capsys, q72, q11, "-o", str(rules))
    assert data["policy"] == "per-destination"
    dests = {d["group"]: d for d in data["baseline"]["destinations"]}
    assert (dests[0]["policy"], dests[1]["policy"]) == ("qemu-7.2", "qemu-11.1")
    for group, path in ((0, q72), (1, q11)):
        check = check_json(capsys, q72 if group else q11, path, "--rules", str(rules))
        mine = deployments_for(data, group)
        assert {d["policy"] for d in mine.values()} == {check["policy"]}
        assert dests[group]["policy"] == check["policy"]
        for rule in check["deployment"]["rules"]:
            assert (mine[rule["id"]]["how"], mine[rule["id"]]["reason"]) == (
                rule["how"], rule["reason"])
    assert {d["how"] for d in deployments_for(data, 0).values()} == {
        "needs the tolerance patch series"}
    assert "needs the tolerance patch series" not in {
        d["how"] for d in deployments_for(data, 1).values()}
