"""The fleet command against real QEMU: for a pool of one release's real streams
(tests/data/matrix), every matrix cell that real QEMU was run for (verdicts.json: a source
stream loaded into a destination configuration) has real QEMU's verdict, and the baseline the
command writes makes every pair under ``fixes`` pass ``check --rules`` and no pair it calls
unfixable by cpreg rules.

Each release's pool is run once through ``app.cli.main`` (``fleet ... --json -o``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import matrix
import pytest

from app.cli import main

RELEASES = {"7.2": "q72-", "10.0": "q10-", "11.1": "q11-"}
# unfixable reasons that come from the stream, not from the cpreg rules (checked separately)
STREAM_LEVEL = ("machine type:", "RAM:", "vCPU count:", "CPU configuration:", "devices (")


@dataclass(frozen=True)
class Run:
    code: int
    data: dict
    rules: Path
    paths: dict[str, str]  # stream name -> path given to fleet


@pytest.fixture(scope="module")
def streams(tmp_path_factory) -> matrix.StreamCache:
    return matrix.StreamCache(tmp_path_factory.mktemp("fleet-matrix"))


_RUNS: dict[str, Run] = {}


def fleet_run(release: str, streams: matrix.StreamCache, tmp_path_factory, capsys) -> Run:
    if release not in _RUNS:
        names = [n for n in matrix.committed_streams() if n.startswith(RELEASES[release])]
        paths = {n: str(streams.path(n)) for n in names}
        rules = tmp_path_factory.mktemp("fleet-baseline") / "baseline.toml"
        capsys.readouterr()
        code = main(["fleet", *paths.values(), "--json", "-o", str(rules)])
        _RUNS[release] = Run(code, json.loads(capsys.readouterr().out), rules, paths)
    return _RUNS[release]


def real_pairs(release: str) -> list[dict]:
    """verdicts.json pairs whose source and destination streams are both of ``release``."""
    prefix = RELEASES[release]
    return [p for p in matrix.pairs()
            if matrix.stream_name(p["stream"]).startswith(prefix)
            and matrix.stream_name(p["dest_stream"]).startswith(prefix)]


@pytest.mark.parametrize("release", RELEASES)
def test_every_cell_real_qemu_ran_has_real_qemus_verdict(release, streams, tmp_path_factory,
                                                          capsys):
    run = fleet_run(release, streams, tmp_path_factory, capsys)
    data = run.data
    assert run.code == 1  # real QEMU rejects some pairs of every release's pool
    assert data["policy"] == f"qemu-{release}"
    group = {s["path"]: s["group"] for s in data["sources"]}
    count = len(data["groups"])
    assert len(data["matrix"]) == count * count
    cells = {(c["src"], c["dst"]): c for c in data["matrix"]}
    compared = 0
    for pair in real_pairs(release):
        src = run.paths[matrix.stream_name(pair["stream"])]
        dst = run.paths[matrix.stream_name(pair["dest_stream"])]
        cell = cells[group[src], group[dst]]
        assert cell["verdict"] == pair["verdict"], (matrix.pair_id(pair), cell)
        compared += 1
    assert compared >= 30  # 31 (7.2), 36 (10.0), 36 (11.1) real pairs
    accepted = {c["verdict"] for c in data["matrix"]}
    assert accepted == {"accepted", "rejected"}


@pytest.mark.parametrize("release", RELEASES)
def test_every_fix_passes_check_with_the_written_baseline(release, streams, tmp_path_factory,
                                                          capsys):
    run = fleet_run(release, streams, tmp_path_factory, capsys)
    baseline = run.data["baseline"]
    assert run.rules.read_text() == baseline["rules_toml"]
    assert baseline["fixes"], "the pool has pairs cpreg rules can fix"
    group = {s["path"]: s["group"] for s in run.data["sources"]}
    cells = {(c["src"], c["dst"]): c for c in run.data["matrix"]}
    for fix in baseline["fixes"]:
        assert main(["check", fix["src_path"], fix["dst_path"]]) == 1, fix
        # suggest alone fixes it: nothing it refuses, nothing past the cpregs in the way
        assert main(["suggest", fix["src_path"], fix["dst_path"]]) == 0, fix
        capsys.readouterr()
        assert main(["check", fix["src_path"], fix["dst_path"], "--rules",
                     str(run.rules), "--json"]) == 0, fix
        check = json.loads(capsys.readouterr().out)
        # what the fleet says the pair takes is what check --rules says after "—"
        cell = cells[group[fix["src_path"]], group[fix["dst_path"]]]
        assert check["headline"].endswith(" — " + cell["deployment"]["words"]), (fix, cell)
        assert cell["deployment"]["how"] == check["deployment"]["how"]
    hows = {d["how"] for d in baseline["deployment"]}
    # 7.2 and 10.0 have no tolerances at all; 11.1 cannot register a diff-in-mask one
    if release == "11.1":
        assert "not expressible" in hows
    else:
        assert hows == {"needs the tolerance patch series"}
    capsys.readouterr()


@pytest.mark.parametrize("release", RELEASES)
def test_stream_level_unfixable_pairs_carry_checks_remedies(release, streams, tmp_path_factory,
                                                            capsys):
    """For one pair of each kind (machine type, RAM, vCPU count, devices), the remedies are
    the ones check prints for that pair (less the array-length one, which rules fix)."""
    run = fleet_run(release, streams, tmp_path_factory, capsys)
    seen: dict[str, dict] = {}
    for pair in run.data["baseline"]["unfixable"]:
        if pair["reason"].startswith(STREAM_LEVEL):
            seen.setdefault(pair["reason"].split(":")[0].split(" (")[0], pair)
        else:
            assert pair["remedies"] == [] and pair["remedy"] is None, pair
    assert {"RAM", "vCPU count", "devices"} <= set(seen)
    for kind, pair in seen.items():
        capsys.readouterr()
        main(["check", pair["src_path"], pair["dst_path"], "--json"])
        check = json.loads(capsys.readouterr().out)
        expected = [m for m in check["remedies"] if m["status"] != "array-length"]
        assert pair["remedies"] == expected and pair["remedy"] == expected[0]["action"], kind
    assert seen["RAM"]["remedy"].startswith("start the destination with -m ")
    assert seen["vCPU count"]["remedy"].startswith("start the destination with -smp ")
    if "machine type" in seen:
        assert seen["machine type"]["remedy"].startswith("start the destination with -M virt-")


@pytest.mark.parametrize("release", RELEASES)
def test_pairs_called_unfixable_by_cpreg_rules_still_fail_check_with_the_baseline(
        release, streams, tmp_path_factory, capsys):
    """The baseline never smuggles through a change ``suggest`` refuses (a merged diff-in-mask
    is symmetric), and an unfixable pair really is rejected with it."""
    run = fleet_run(release, streams, tmp_path_factory, capsys)
    cpreg_level = [u for u in run.data["baseline"]["unfixable"]
                   if not u["reason"].startswith(STREAM_LEVEL)]
    assert cpreg_level, "the pool mixes CPU models: some pairs need refused rules"
    kinds = {u["reason"].split(":")[0].split(" (")[0] for u in run.data["baseline"]["unfixable"]}
    expected = {"RAM", "vCPU count", "devices"} | ({"machine type"} if release != "7.2" else set())
    assert expected <= kinds, kinds
    assert any("refused" in u["reason"] for u in cpreg_level)
    for pair in cpreg_level:
        assert main(["check", pair["src_path"], pair["dst_path"], "--rules",
                     str(run.rules)]) == 1, pair
    capsys.readouterr()
