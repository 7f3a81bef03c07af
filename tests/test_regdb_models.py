"""CPU-model-specific registers: every id of every model's stream is named, and an encoding two
models name differently is named per model (issue 13, "every QEMU CPU model named").

The database side comes from ``shared/reference/qemu-cpu-model-cpregs.csv`` through
tools/gen_regdb.py (tools/regdb_models.py); the model of a list from
app.model.registers.cpu_model.identify.
"""

from __future__ import annotations

import csv
import lzma
import re

import pytest

from app.model.registers import cpu_model, regdb
from app.model.registers.regid import encode_aa32, encode_sysreg
from testdata import DATA, SHARED, fixture

REFERENCE = SHARED / "reference"
MODEL_CSV = REFERENCE / "qemu-cpu-model-cpregs.csv"
needs_model_csv = pytest.mark.skipif(not MODEL_CSV.is_file(),
                                     reason="optional ../shared/reference is not present")

SHARED_ENCODING = 0x603000000013F796  # S3_6_C15_C2_6
# An encoding's text instead of a name: S3_6_C15_C0_0, S1_6_C15_C0_0, "p15, 4, c0, c0, 4".
ENCODING_TEXT = re.compile(r"^(S\d_\d_C\d+_C\d+_\d|p1[45], \d, c\d+(, c\d+, \d)?)$")


def _load(path):
    from app.model.sources.readers import load
    return load(str(path))


@pytest.fixture(scope="module")
def streams(tmp_path_factory):
    """Every real stream of tests/data (the .mig.xz ones unpacked), except the 157 MB sparse
    mapped-ram twin of q10-cortex-a57-smp2-plain.mig."""
    out = {}
    unpacked = tmp_path_factory.mktemp("streams")
    for path in sorted(DATA.glob("*.mig")) + sorted(DATA.glob("*.mig.xz")):
        if "mapped-ram" in path.name:
            continue
        if path.suffix == ".xz":
            target = unpacked / path.name.removesuffix(".xz")
            target.write_bytes(lzma.decompress(path.read_bytes()))
            path = target
        out[path.name] = _load(path)
    return out


def test_fixtures_of_the_models_with_new_impdef_registers_are_committed(streams):
    for name in ("q11-neoverse-n2-smp2.mig.xz", "q11-cortex-a710-smp2.mig.xz"):
        fixture(name)
    assert {"q11-neoverse-n2-smp2.mig", "q11-cortex-a710-smp2.mig",
            "q11-neoverse-v1-smp2.mig", "q72-cortex-a57-smp2.mig"} <= set(streams)


def test_every_id_of_every_stream_has_a_name(streams):
    """No cpreg of any model's stream is left as an encoding, with or without its model."""
    unnamed = {}
    for name, regs in streams.items():
        guess = cpu_model.identify(regs.vcpus[0].ids, regs.vcpus[0].values)
        for cpu in regs.vcpus:
            for reg_id in cpu.ids:
                for model in (None, guess):
                    info = regdb.lookup(reg_id, regs.accel, model)
                    if not info.known or ENCODING_TEXT.match(info.name):
                        unnamed.setdefault(name, set()).add(f"{reg_id:#x} {info.name}")
    assert not unnamed


def test_neoverse_n2_and_cortex_a710_impdef_registers_by_name(streams):
    expected = {
        0x6030000000137780: "RAMINDEX_EL3",  # defined with op0=1 by QEMU
        0x603000000013C78B: "CPUACTLR4_EL1", 0x603000000013C794: "CPUPPMCR_EL3",
        0x603000000013C7C0: "CPUACTLR5_EL1", 0x603000000013C7C2: "CPUACTLR7_EL1",
        0x603000000013F780: "IDATA0_EL3", 0x603000000013F782: "IDATA2_EL3",
        0x603000000013F788: "DDATA0_EL3", 0x603000000013F78A: "DDATA2_EL3",
        0x603000000013F794: "CPUPPMCR4_EL3", 0x603000000013F795: "CPUPPMCR5_EL3",
        0x603000000013F7A0: "CPUACTLR_EL3", 0x603000000013F7C4: "CPUPOR2_EL3",
        0x603000000013F7C5: "CPUPMR2_EL3", 0x603000000013F7C6: "CPUPFR_EL3",
    }
    n2_only = {0x603000000013F798: "CPURNDBR_EL3", 0x603000000013F799: "CPURNDPEID_EL3"}
    for stream, names in (("q11-neoverse-n2-smp2.mig", expected | n2_only),
                          ("q11-cortex-a710-smp2.mig", expected)):
        ids = set(streams[stream].vcpus[0].ids)
        assert set(names) <= ids, stream
        assert not set(n2_only) & ids or stream.startswith("q11-neoverse-n2")
        for reg_id, name in names.items():
            info = regdb.lookup(reg_id)
            assert (info.name, info.cls, info.known) == (name, "impdef", True), hex(reg_id)
    assert regdb.find("RAMINDEX_EL3") == 0x6030000000137780
    assert regdb.find("cpurndpeid_el3") == 0x603000000013F799


def test_an_encoding_two_models_name_differently_is_named_per_model():
    assert regdb.lookup(SHARED_ENCODING, model="neoverse-v1").name == "CPUPPMCR3_EL3"
    assert regdb.lookup(SHARED_ENCODING, model="neoverse-n2").name == "CPUPPMCR6_EL3"
    assert regdb.lookup(SHARED_ENCODING, model="cortex-a710").name == "CPUPPMCR6_EL3"
    assert regdb.lookup(SHARED_ENCODING, model="Neoverse-N2,sve=off").name == "CPUPPMCR6_EL3"
    # Without a model, or for two models that disagree (a diff of a v1 and an n2 stream), the
    # name says it is either; a model that does not register the id has no say.
    neutral = regdb.lookup(SHARED_ENCODING)
    assert neutral.name == "CPUPPMCR3_EL3/CPUPPMCR6_EL3" and neutral.cls == "impdef"
    assert {"CPUPPMCR3_EL3", "CPUPPMCR6_EL3"} <= set(neutral.aliases)
    assert regdb.lookup(SHARED_ENCODING, model=("neoverse-v1", "neoverse-n2")) == neutral
    assert regdb.lookup(SHARED_ENCODING, model=("neoverse-v1", "cortex-a57")).name == \
        "CPUPPMCR3_EL3"
    assert regdb.lookup(SHARED_ENCODING, model="no-such-cpu") == neutral
    per_model = regdb.lookup(SHARED_ENCODING, model="neoverse-n2")
    assert (per_model.cls, per_model.encoding, per_model.fields) == (
        neutral.cls, neutral.encoding, neutral.fields)
    assert "CPUPPMCR3_EL3" in per_model.aliases
    # every spelling finds the id
    for name in ("CPUPPMCR3_EL3", "CPUPPMCR6_EL3", "CPUPPMCR3_EL3/CPUPPMCR6_EL3"):
        assert regdb.find(name) == SHARED_ENCODING
    # AArch32: cortex-a8 calls p15,1,c9,c0,2 L2AUXCR, every v7/v8 model L2CTLR
    l2 = encode_aa32(15, 1, 9, 0, 2)
    assert regdb.lookup(l2).name == "L2CTLR"
    assert regdb.lookup(l2, model="cortex-a8").name == "L2AUXCR"
    assert regdb.lookup(l2, model="cortex-a15").name == "L2CTLR"
    # an id one model names and others do not register keeps its name for everyone else
    assert regdb.lookup(0x603000000013F798, model="neoverse-v1").name == "CPURNDBR_EL3"


def test_the_stream_says_which_model_it_is(streams):
    def models(name):
        cpu = streams[name].vcpus[0]
        return cpu_model.identify(cpu.ids, cpu.values).models

    assert models("q11-neoverse-n2-smp2.mig") == ("neoverse-n2",)
    assert models("q11-cortex-a710-smp2.mig") == ("cortex-a710",)
    assert models("q11-neoverse-v1-smp2.mig") == ("neoverse-v1",)
    # the cortex-a53/-a57/-a72 family and max register the same IMPDEF set: not told apart
    assert {"cortex-a53", "cortex-a57", "cortex-a72", "max"} <= set(
        models("q72-cortex-a57-smp2.mig"))
    for name, regs in streams.items():
        guess = cpu_model.identify(regs.vcpus[0].ids, regs.vcpus[0].values)
        for cpu in regs.vcpus[1:]:  # every vCPU of a VM is the same model
            assert cpu_model.identify(cpu.ids, cpu.values) == guess, name
    for name, model, reg_name in (("q11-neoverse-v1-smp2.mig", "neoverse-v1", "CPUPPMCR3_EL3"),
                                  ("q11-neoverse-n2-smp2.mig", "neoverse-n2", "CPUPPMCR6_EL3"),
                                  ("q11-cortex-a710-smp2.mig", "cortex-a710", "CPUPPMCR6_EL3")):
        cpu = streams[name].vcpus[0]
        guess = cpu_model.identify(cpu.ids, cpu.values)
        assert guess.label == model and model in guess.evidence
        assert SHARED_ENCODING in cpu.ids
        assert regdb.lookup(SHARED_ENCODING, streams[name].accel, guess).name == reg_name


def test_midr_names_the_model_when_no_impdef_register_does():
    midr_el1 = encode_sysreg(3, 0, 0, 0, 0)
    # QEMU's MIDR values: neoverse-n2 r0p3, cortex-a710 r2p1 (target/arm/tcg/cpu64.c)
    assert cpu_model.identify([midr_el1], [0x410FD493]).models == ("neoverse-n2",)
    assert cpu_model.identify([midr_el1], [0x412FD471]).models == ("cortex-a710",)
    assert cpu_model.identify([midr_el1], [0x411FD402]).models == ("neoverse-v1",)
    guess = cpu_model.identify([midr_el1], [0x414FD0B1])  # cortex-a76: no model registers
    assert not guess and "0x414fd0b1" in guess.evidence
    assert cpu_model.identify([midr_el1], [None]) == cpu_model.ModelGuess()
    assert cpu_model.identify([midr_el1]).label == "unknown"
    # the registers a list holds beat a MIDR value (``-cpu X,midr=...`` can set any)
    n2 = regdb.cpu_models()["neoverse-n2"]
    ids = [*sorted(n2.ids), midr_el1]
    assert cpu_model.identify(ids, [0] * len(n2.ids) + [0x412FD471]).models == ("neoverse-n2",)


def test_find_with_a_model_prefers_that_models_register():
    a57_actlr, n1_actlr = encode_sysreg(3, 1, 15, 2, 0), encode_sysreg(3, 0, 15, 1, 0)
    assert regdb.find("CPUACTLR_EL1", model="cortex-a57") == a57_actlr
    assert regdb.find("CPUACTLR_EL1", model="neoverse-n1") == n1_actlr
    assert regdb.find("CPUACTLR_EL1") == a57_actlr  # the id named first (QEMU 7.2 table)
    # cortex-a710 defines CPUPPMCR_EL3 twice (op1=0 and op1=6): the usual one wins
    assert regdb.find("CPUPPMCR_EL3") == encode_sysreg(3, 6, 15, 2, 0)
    assert regdb.find("CPUPPMCR_EL3", model="cortex-a710") == encode_sysreg(3, 6, 15, 2, 0)
    assert regdb.find("CPUPPMCR6_EL3", model="neoverse-n2") == SHARED_ENCODING


def test_versions_record_the_cpu_model_table():
    versions = regdb.db_versions()
    assert "qemu-cpu-model-cpregs.csv" in versions["inputs"]
    assert "target/arm/tcg/cpu64.c@" in versions["qemu_cpu_model_table"]
    assert int(versions["generator"]) >= 2


@needs_model_csv
def test_every_row_of_the_cpu_model_table_is_named_for_its_models():
    with open(MODEL_CSV, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) > 100
    checked = 0
    for row in rows:
        for model in row["cpu_models"].split():
            if row["kvm_id_aa64"]:
                info = regdb.lookup(int(row["kvm_id_aa64"], 16), model=model)
                aa64 = row["state"] == "ARM_CP_STATE_AA64"
                want = row["name"] if aa64 else row["name"] + "_EL1"
                assert (info.name, info.known) == (want, True), (model, row["name"])
                checked += 1
            if row["kvm_id_aa32"]:
                info = regdb.lookup(int(row["kvm_id_aa32"], 16), model=model)
                assert (info.name, info.known) == (row["name"], True), (model, row["name"])
                checked += 1
            if row["migrated"] == "yes":
                assert regdb.cpu_models()[model].regs, model
    assert checked > 250
