"""Registers are named for the CPU model the stream comes from, everywhere names are shown.

0x603000000013f796 (S3_6_C15_C2_6) is CPUPPMCR6_EL3 on a neoverse-n2 and CPUPPMCR3_EL3 on a
neoverse-v1 (QEMU's own tables). ``RegisterSet.cpu_model`` tells the model from the list, a
pair is named by the model both sides agree on, and ``show``/``diff`` (text and JSON) use it.
The window's table: tests/ui/test_ui_cpu_model_names.py.
"""

from __future__ import annotations

import json
import lzma

import pytest

from app.cli.dispatch import main
from app.model.reports.diff_report import show_json
from app.model.sources.readers import load
from app.model.sources.register_set import RegisterSet, shared_cpu_model
from testdata import DATA

PPMCR = 0x603000000013F796
PPMCR_ID = f"0x{PPMCR:016x}"
V1 = DATA / "q11-neoverse-v1-smp2.mig"


@pytest.fixture(scope="module")
def n2(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("n2") / "q11-neoverse-n2-smp2.mig"
    path.write_bytes(lzma.decompress((DATA / "q11-neoverse-n2-smp2.mig.xz").read_bytes()))
    return str(path)


def run_json(capsys, *argv) -> dict:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def names_of(rows) -> set[str]:
    return {r["name"] for r in rows if r["id"] == PPMCR_ID}


def test_the_model_is_told_from_the_list_and_cached(n2):
    a, b = load(n2), load(str(V1))
    assert a.cpu_model.models == ("neoverse-n2",) and b.cpu_model.models == ("neoverse-v1",)
    assert a.cpu_model is a.cpu_model  # identify runs once per list
    assert RegisterSet(a.provenance).cpu_model.models == ()  # no vCPU: no model


def test_a_pair_is_named_by_the_model_both_sides_agree_on(n2):
    a, b, a57 = load(n2), load(str(V1)), load(str(DATA / "q72-cortex-a57-smp2.mig"))
    assert shared_cpu_model(a, a) == ("neoverse-n2",)
    assert shared_cpu_model(a, None) == ("neoverse-n2",)  # the other side has no vote
    assert shared_cpu_model(a, b) == ()  # they disagree: neutral names
    assert shared_cpu_model(a57, a57) == a57.cpu_model.models and len(a57.cpu_model.models) > 1
    assert shared_cpu_model() == ()


@pytest.mark.parametrize("which, name", [("n2", "CPUPPMCR6_EL3"), ("v1", "CPUPPMCR3_EL3")])
def test_show_names_the_models_register(capsys, n2, which, name):
    path = n2 if which == "n2" else str(V1)
    data = run_json(capsys, "show", "--json", path)
    for cpu in data["vcpus"]:
        assert names_of(cpu["registers"]) == {name}
    assert data["source"]["cpu_model"] == [f"neoverse-{which}"]
    assert main(["show", path]) == 0
    lines = [ln for ln in capsys.readouterr().out.splitlines() if PPMCR_ID in ln]
    assert len(lines) == 2 and all(ln.split()[1] == name for ln in lines)
    assert names_of(show_json(load(path))["vcpus"][0]["registers"]) == {name}


@pytest.mark.parametrize("which, name", [("n2", "CPUPPMCR6_EL3"), ("v1", "CPUPPMCR3_EL3")])
def test_diff_names_the_models_register(capsys, n2, which, name):
    path = n2 if which == "n2" else str(V1)
    data = run_json(capsys, "diff", "--all", "--json", path, path)
    assert names_of(data["rows"]) == {name} and data["cpu_model"] == [f"neoverse-{which}"]
    assert main(["diff", "--all", path, path]) == 0
    lines = [ln for ln in capsys.readouterr().out.splitlines() if PPMCR_ID in ln]
    assert len(lines) == 2 and all(ln.split()[2] == name for ln in lines)


def test_a_pair_of_two_models_keeps_the_neutral_name(capsys, n2):
    data = run_json(capsys, "diff", "--all", "--json", n2, str(V1))
    assert data["cpu_model"] == []
    assert names_of(data["rows"]) == {"CPUPPMCR3_EL3/CPUPPMCR6_EL3"}
