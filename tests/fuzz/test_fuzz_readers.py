"""CI fuzz pass over every text/JSON reader in formats.READERS, plus regressions.

Seeds are every non-stream fixture under tests/data/** (and a hand-written text dump), so a
reader added to READERS with its fixtures is fuzzed without editing this file; a reader
without fixtures is still reached by the generated inputs, which are fed to each reader
directly. Each must return a well-formed RegisterSet or a DumpError with a line or offset.
"""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.model.sources import readers as formats
from app.model.errors import DumpError, FormatError
from app.model.sources.readers import firecracker, reglist, textdump, textfile

from . import harness, mutate, seeds, strategies

SEEDS = [s for s in seeds.fixture_seeds() + seeds.builtin_seeds() if s.data[:4] != b"QEVM"]
MUTANTS = 10
CI = settings(max_examples=40, derandomize=True, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
GENERATED = st.one_of(strategies.text_dumps(), strategies.json_docs(), st.binary(max_size=300))


def reader_names() -> list[str]:
    return [r.name for r in formats.READERS]


@pytest.mark.parametrize("seed", SEEDS, ids=[s.name for s in SEEDS])
def test_reader_mutants(seed, tmp_path):
    rng = random.Random(f"ci/{seed.name}")
    cases = []
    for n in range(MUTANTS):
        data = mutate.mutant(seed, rng)
        cases.append((f"{seed.name} #{n}", data, harness.reader_targets(data)))
    assert harness.first_failure(cases, tmp_path / "input") is None


@pytest.mark.parametrize("name", reader_names())
@CI
@given(data=GENERATED)
def test_generated_inputs(tmp_path_factory, name, data):
    targets = [t for t in harness.all_reader_targets() if t.name.endswith(":" + name)]
    targets.append(harness.target_named(f"sniff:{name}"))
    path = tmp_path_factory.getbasetemp() / f"generated-{name}"
    assert harness.first_failure([(name, data, targets)], path) is None


RUN_PREFIXES = ("", "x0 ", "ARM64_SYS_REG(", "id,value\n", "[vcpu 0]\nTCR2_EL1",
                "qemu-system-aarch64: Could not set register ")


@pytest.mark.parametrize("name", reader_names())
def test_long_runs_take_linear_time(tmp_path, name):
    """Lines of 100,000 spaces, tabs or commas: regexes whose runs can be split two ways
    backtracked quadratically (textdump._VALUE, reglist._ENTRY, csvdump._ROW took seconds)."""
    targets = [t for t in harness.all_reader_targets() if t.name == f"read:{name}"]
    targets.append(harness.target_named(f"sniff:{name}"))
    cases = [(f"{prefix!r} + {run!r} * 100000", (prefix + run * 100_000 + "!\n").encode(),
              targets) for prefix in RUN_PREFIXES for run in (" ", "\t", ", ", "a,")]
    assert harness.first_failure(cases, tmp_path / "input") is None


def test_every_reader_is_a_target():
    names = {t.name for t in harness.all_reader_targets()}
    assert {f"read:{n}" for n in reader_names()} <= names


# Regressions: each input raised something other than a DumpError, a DumpError without a
# line or offset, or built an invalid RegisterSet, before the fix named in the test.

def load(tmp_path, data: bytes, target: str = "load"):
    path = tmp_path / "input"
    path.write_bytes(data)
    with harness.time_limit():
        return harness.target_named(target).run(data, str(path))


def rejects(tmp_path, data: bytes, words: str, target: str = "load") -> FormatError:
    with pytest.raises(DumpError) as info:
        load(tmp_path, data, target)
    assert info.value.line is not None or info.value.offset is not None, str(info.value)
    assert words in info.value.message
    return info.value


@pytest.mark.parametrize("data, words", [
    # textfile.load_json: RecursionError and int() ValueError escaped
    (b'{"vcpus": ' + b"[" * 5000 + b"]" * 5000 + b"}", "nests too deeply"),
    (b'{"vcpus": [{"vcpu": 0, "registers": [{"id": 1' + b"0" * 5000 + b"}]}]}",
     "number too long"),
    # textfile.line_of found no line for these keys: DumpErrors without a line
    (b'{"reg_modifiers": [1]}', "not an {addr, bitmap} object"),
    (b'{"reg_modifiers": [], "\\u00e9": 1}', "unknown key"),
    (b'{"ram (2)": {}, "\\u00e9x": {}}', "is not a section name"),
    (b'{"vcpus": [{"vcpu": 0, "registers": [5]}]}', 'has no "id"'),
    # textdump: int() ValueError escaped ("0x_", 4300+ digits, a 20-digit vCPU index)
    (b"TCR2_EL1 0x_\n", "is not a number"),
    (b"TCR2_EL1 " + b"9" * 5000 + b"\n", "is not a number"),
    (b"[vcpu 99999999999999999999]\nTCR2_EL1 1\n", "out of range"),
    # qemulog: a 17-digit id became a register id >= 2**64
    (b"qemu-system-aarch64: kvm_arm_cpu_post_load Unexpected register in input stream: 0 "
     b"0x603000000013c5133 op0:3\n", "does not fit 64 bits"),
    # csvdump: csv.Error escaped
    (b"id,value\n0x603000000013c103,1\rx\n", "unreadable CSV"),
])
def test_reader_regressions(tmp_path, data, words):
    rejects(tmp_path, data, words)


def test_locating_a_long_json_number_is_linear(tmp_path):
    """textfile._json_trouble rescanned every shorter digit run from each of its digits."""
    data = ("[" + ",".join(["9" * 3999] * 250) + "," + "1" * 5000 + "]").encode()
    err = rejects(tmp_path, b'{"vcpus": ' + data + b"}", "number too long")
    assert err.offset == 10 + 250 * 4000 + 1


@pytest.mark.parametrize("data, target, words", [
    (b"x0 0x0 0\nx1 " + b"1" * 4400 + b" 1\n", "read:gdb-registers", "is not a number"),
    (b"x99 0x0 0\n", "read:gdb-registers", "no register gdb printed"),
    (b"static __u64 base_regs[] = {\n};\n", "read:kvm-reg-list", "no register entries"),
    (b"hello\n", "read:qemu-log", "no QEMU migration messages"),
])
def test_readers_locate_nothing_found_errors(tmp_path, data, target, words):
    rejects(tmp_path, data, words, target)


def test_text_dump_long_whitespace_is_linear(tmp_path):
    """``^(.*?)(\\s*[=:]\\s*|\\s+)(number)$`` backtracked quadratically: 20,000 spaces took
    7 s in textdump._register_and_value, 100,000 minutes."""
    rejects(tmp_path, b"x0" + b" " * 100_000 + b"!\n", "cannot read register")


def test_text_dump_leading_zero_is_decimal(tmp_path):
    regs = load(tmp_path, b"TCR2_EL1 0123\n")  # int("0123", 0) raised ValueError
    assert regs.vcpus[0].values == (123,)


def test_text_dump_cpregs_per_vcpu_are_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(textdump, "MAX_CPREGS", 2)
    rejects(tmp_path, b"TCR2_EL1 1\nMIDR_EL1 2\nID_AA64PFR0_EL1 3\n", "more than 2 registers")


def test_list_and_template_cpregs_are_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(reglist, "MAX_CPREGS", 2)
    entries = b"".join(b"ARM64_SYS_REG(3, 0, 0, 0, %d),\n" % n for n in range(3))
    assert rejects(tmp_path, entries, "more than 2 registers").line == 3
    monkeypatch.setattr(firecracker, "MAX_CPREGS", 1)
    mods = [{"addr": hex(0x603000000013C020 + n), "bitmap": "0b1"} for n in range(2)]
    rejects(tmp_path, json.dumps({"reg_modifiers": mods}).encode(), "2 reg_modifiers")


def test_text_dump_size_is_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(textfile, "MAX_TEXT_BYTES", 64)
    err = rejects(tmp_path, b"TCR2_EL1 1\n" * 10, "larger than")
    assert err.offset == 64
