"""The verdict engine against what real QEMU 7.2.22, 10.0.13 and 11.1.3 did.

tests/data/qemu/qemu-verdicts.json (copied from the shared reference set) records, for 93
(stream, destination) pairs, QEMU's verdict and every line it printed. For each pair:
evaluate(stream, dest_stream, no rules, policy for dest_qemu) must give the same verdict, the
default policy (from the destination stream's writer) must be that release, the registers
QEMU 11.1 names must be exactly those our reached reasons name with the same status, and the
lines our model says QEMU prints must be QEMU's lines.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

import pytest

from app.model.compare.diff import Status
from app.model.sources.readers import load
from app.model.verdict.policy import get_policy
from app.model.verdict.qemu_log import PREFIX, qemu_log
from app.model.registers.regid import qemu_key_from_kvm_id
from app.model.verdict.evaluate import evaluate
from testdata import DATA

VERDICTS = DATA / "qemu" / "qemu-verdicts.json"
LOGS = DATA / "qemu" / "logs"
PAIRS = json.loads(VERDICTS.read_text())["pairs"]
_UNEXPECTED = re.compile(r"system register (0x[0-9a-f]+) in the incoming stream but unknown")
_MISSING = re.compile(r"system register (0x[0-9a-f]+) expected by the destination")


def _stream(name: str) -> str:
    """'streams/q72-max-smp2.mig' -> the committed copy in tests/data."""
    return str(DATA / name.split("/", 1)[1])


@lru_cache(maxsize=None)
def _load(name: str):
    return load(_stream(name))


def _pair_id(pair: dict) -> str:
    return f"{pair['stream'][8:-4]}->{pair['dest_stream'][8:-4]}@{pair['dest_qemu']}"


def _evaluate(pair: dict):
    return evaluate(_load(pair["stream"]), _load(pair["dest_stream"]),
                    policy=get_policy(pair["dest_qemu"]))


def _named(verdict, status: str, blocking: bool) -> set[int]:
    """QEMU keys of the registers our reached reasons name with ``status``."""
    return {qemu_key_from_kvm_id(r.register) for r in verdict.trail
            if r.reached and r.is_cpreg and r.status == status and r.blocking is blocking}


def test_every_pair_is_here_and_every_stream_is_committed():
    assert len(PAIRS) == 93
    for pair in PAIRS:
        for key in ("stream", "dest_stream"):
            assert (DATA / pair[key].split("/", 1)[1]).is_file(), pair[key]


@pytest.mark.parametrize("pair", PAIRS, ids=_pair_id)
def test_verdict_agrees_with_real_qemu(pair):
    v = _evaluate(pair)
    assert v.verdict == pair["verdict"], [r.message for r in v.reasons[:3]]
    assert v.policy is get_policy(pair["dest_qemu"])
    default = evaluate(_load(pair["stream"]), _load(pair["dest_stream"]))
    assert default.policy is v.policy and default.verdict == v.verdict
    assert "destination stream was written by" in default.policy_reason


@pytest.mark.parametrize("pair", PAIRS, ids=_pair_id)
def test_reasons_name_the_registers_qemu_named(pair):
    v = _evaluate(pair)
    text = "\n".join(pair["messages"])
    qemu_unexpected = {int(k, 16) for k in _UNEXPECTED.findall(text)}
    qemu_missing = {int(k, 16) for k in _MISSING.findall(text)}
    ours_unexpected = _named(v, Status.UNEXPECTED.value, True)
    ours_missing = _named(v, Status.MISSING.value, False)
    assert qemu_unexpected <= ours_unexpected and qemu_missing <= ours_missing
    if v.policy.names_registers:  # 11.1 names every one: the sets must be equal
        assert ours_unexpected == qemu_unexpected
        assert ours_missing == qemu_missing
    for n, m in re.findall(r"Invalid value (\d+) expecting positive value <= (\d+)", text):
        assert v.first_failure.message == f"Invalid value {n} expecting positive value <= {m}"


@pytest.mark.parametrize("pair", PAIRS, ids=_pair_id)
def test_predicted_qemu_output_is_qemus_output(pair):
    ours = [PREFIX + line for line in qemu_log(_evaluate(pair))]
    assert ours == pair["messages"]


@pytest.mark.parametrize("pair", [p for p in PAIRS if p["verdict"] == "rejected"],
                         ids=_pair_id)
def test_log_files_hold_the_same_lines(pair):
    name = f"{pair['stream'][8:-4]}__into__{pair['dest_stream'][8:-4]}.log"
    assert (LOGS / name).read_text().splitlines() == pair["messages"]
