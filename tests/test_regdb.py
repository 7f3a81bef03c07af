"""The register database: names, classes, field layouts, ID-field safety and coverage."""

from __future__ import annotations

import csv
import re
import subprocess
import sys

import pytest

from app.model.registers import regdb
from app.model.registers.fields import EnumValue, Field, field_safety_direction
from app.model.registers.regid import decode, encode_aa32, encode_sysreg, fw_feat_bmap_reg, fw_reg
from app.model.sources.register_set import ACCEL_KVM, ACCEL_TCG
from testdata import DATA, REPO, SHARED, SHARED_DATA

REFERENCE = SHARED / "reference"
needs_reference = pytest.mark.skipif(not (REFERENCE / "linux-7.2.13").is_dir(),
                                     reason="optional ../shared/reference is not present")
ID_AA64PFR0_EL1 = encode_sysreg(3, 0, 0, 4, 0)
CTR_EL0 = encode_sysreg(3, 3, 0, 0, 1)
MIDR_EL1 = encode_sysreg(3, 0, 0, 0, 0)


def field(reg_id: int, name: str) -> Field:
    return next(f for f in regdb.fields_of(reg_id) if f.name == name)


def test_id_aa64pfr0_layout_and_safety():
    info = regdb.lookup(ID_AA64PFR0_EL1)
    assert (info.name, info.cls, info.known) == ("ID_AA64PFR0_EL1", "id", True)
    el0 = field(ID_AA64PFR0_EL1, "EL0")
    assert (el0.msb, el0.lsb, el0.safety, el0.safe_val, el0.signed) == (
        3, 0, "FTR_LOWER_SAFE", 1, False)
    advsimd = field(ID_AA64PFR0_EL1, "AdvSIMD")
    assert (advsimd.msb, advsimd.lsb, advsimd.signed) == (23, 20, True)
    # AdvSIMD 0b1111 is "not implemented", the lowest value of a signed field
    assert advsimd.extract(0xF << 20) == -1 and advsimd.meaning(-1) == "NI"
    assert advsimd.extract(1 << 20) == 1 and advsimd.mask == 0xF << 20
    assert field(ID_AA64PFR0_EL1, "SVE").msb == 35 and field(ID_AA64PFR0_EL1, "GIC").lsb == 24


def test_midr_of_a_real_cortex_a57():
    decoded = {f.name: (value, meaning) for f, value, meaning in
               regdb.decode_value(MIDR_EL1, 0x411FD070)}
    assert decoded["Implementer"][0] == 0x41 and decoded["Implementer"][1].lower() == "arm"
    assert decoded["PartNum"] == (0xD07, "CORTEX_A57")
    assert decoded["Variant"][0] == 1 and decoded["Revision"][0] == 0
    assert decoded["Architecture"][0] == 0xF
    # the AArch32 MIDR and VPIDR_EL2 have the same format
    assert [f.name for f in regdb.fields_of(encode_sysreg(3, 4, 0, 0, 0))] == \
        [f.name for f in regdb.fields_of(MIDR_EL1)]


def test_ctr_el0_layout_from_kernel_and_architecture():
    names = {f.name: f for f in regdb.fields_of(CTR_EL0)}
    for name in ("IminLine", "L1Ip", "DminLine", "ERG", "CWG", "IDC", "DIC", "TminLine"):
        assert name in names
    assert (names["DminLine"].msb, names["DminLine"].lsb) == (19, 16)
    assert names["CWG"].safety == "FTR_HIGHER_OR_ZERO_SAFE"
    res1 = [f for f in regdb.fields_of(CTR_EL0) if f.reserved == "RES1"]
    assert [(f.msb, f.lsb) for f in res1] == [(31, 31)]


def test_safety_direction_follows_the_kernel_rules():
    el1 = field(ID_AA64PFR0_EL1, "EL1")
    assert field_safety_direction(el1, 1, 2) == "safe"  # destination offers more
    assert field_safety_direction(el1, 2, 1) == "unsafe"  # guest saw AArch32 EL1, dst lacks it
    assert field_safety_direction(el1, 1, 1) == "safe"
    fp = field(ID_AA64PFR0_EL1, "FP")
    assert field_safety_direction(fp, 0x0, 0xF) == "unsafe"  # FP implemented -> not implemented
    assert field_safety_direction(fp, 0xF, 0x1) == "safe"
    cwg = field(CTR_EL0, "CWG")
    assert field_safety_direction(cwg, 0, 4) == "safe"  # guest assumed the worst
    assert field_safety_direction(cwg, 4, 0) == "unsafe"  # destination's granule unknown
    assert field_safety_direction(cwg, 4, 3) == "safe"
    assert field_safety_direction(cwg, 3, 4) == "unsafe"
    l1ip = field(CTR_EL0, "L1Ip")
    assert l1ip.safety == "FTR_EXACT" and field_safety_direction(l1ip, 2, 3) == "unsafe"
    higher = Field("X", 3, 0, safety="FTR_HIGHER_SAFE")
    assert field_safety_direction(higher, 2, 1) == "safe"
    assert field_safety_direction(higher, 1, 2) == "unsafe"
    assert field_safety_direction(Field("Y", 7, 0), 1, 2) == "n/a"


def test_classes_separate_identification_from_guest_state():
    expect = {
        "id": ["MIDR_EL1", "ID_AA64PFR0_EL1", "ID_AA64ISAR0_EL1", "CTR_EL0", "CLIDR_EL1",
               "MVFR0_EL1", "DCZID_EL0", "REVIDR_EL1", "ID_PFR0", "ID_ISAR5", "CTR"],
        "state": ["SCTLR_EL1", "TCR_EL1", "TTBR0_EL1", "MAIR_EL1", "VBAR_EL1", "ESR_EL1",
                  "FAR_EL1", "PAR_EL1", "TPIDR_EL0", "CONTEXTIDR_EL1", "AFSR0_EL1",
                  "ACTLR_EL1", "CSSELR_EL1", "DACR", "PAR"],
        "core": ["X0", "PC", "PSTATE", "SP_EL1", "ELR_EL2", "SPSR_EL3", "SP_EL3"],
        "gic": ["ICC_PMR_EL1", "ICC_CTLR_EL1", "ICC_SRE_EL1", "ICH_LR15_EL2", "GICR_WAKER",
                "ICC_BPR1_EL1_S", "GICC_CTLR", "ICC_IDR0_EL1"],
        "timer": ["CNTV_CTL_EL0", "CNTKCTL_EL1", "CNTFRQ_EL0", "CNTKCTL"],
        "debug": ["MDSCR_EL1", "DBGBCR0_EL1", "OSLSR_EL1", "DBGDSCRext", "DBGBVR0"],
        "pmu": ["PMCR_EL0", "PMCCNTR_EL0", "PMEVTYPER0_EL0", "PMOVSR"],
        "impdef": ["L2CTLR_EL1", "CBAR_EL1", "L2CTLR", "CPUACTLR", "CPUECTLR_EL1"],
        "firmware": ["PSCI_VERSION", "SMCCC_ARCH_WORKAROUND_2", "VENDOR_HYP_BMAP_2"],
    }
    for cls, names in expect.items():
        for name in names:
            reg_id = regdb.find(name)
            assert reg_id is not None, name
            assert regdb.lookup(reg_id).cls == cls, name


def test_names_and_aliases():
    assert regdb.lookup(encode_sysreg(3, 0, 2, 0, 3)).name == "TCR2_EL1"
    actlr = regdb.lookup(encode_aa32(15, 0, 1, 0, 1))
    assert actlr.name == "ACTLR" and {"ACTLR_EL1", "XSCALE_AUXCR"} <= set(actlr.aliases)
    assert regdb.lookup(encode_aa32(15, 1, 9, 0, 2)).name == "L2CTLR"
    assert regdb.find("actlr_el1") == encode_sysreg(3, 0, 1, 0, 1)  # primary beats alias
    assert regdb.find("XSCALE_AUXCR") == encode_aa32(15, 0, 1, 0, 1)
    assert regdb.find("regs.pc") == 0x6030000000100040
    assert regdb.find("NO_SUCH_REGISTER") is None
    assert regdb.lookup(fw_reg(0)).name == "PSCI_VERSION"
    assert regdb.lookup(fw_feat_bmap_reg(3)).name == "VENDOR_HYP_BMAP_2"


def test_aarch32_id_registers_share_the_aarch64_layout():
    aa32, aa64 = regdb.fields_of(regdb.find("ID_PFR0")), regdb.fields_of(regdb.find("ID_PFR0_EL1"))
    assert aa32 and all(f.msb < 32 for f in aa32)
    assert aa32 == tuple(f for f in aa64 if f.lsb < 32)  # same fields, same safety rules
    assert field(regdb.find("ID_PFR0"), "State0").safety == "FTR_LOWER_SAFE"


def test_firmware_layouts():
    decoded = {f.name: (v, m) for f, v, m in regdb.decode_value(fw_reg(2), 0x12)}
    assert decoded["ENABLED"][0] == 1 and decoded["State"] == (2, "AVAIL")
    bits = {f.name: f.lsb for f in regdb.fields_of(fw_feat_bmap_reg(2))}
    assert bits == {"FUNC_FEAT": 0, "PTP": 1}
    psci = {f.name: v for f, v, _ in regdb.decode_value(fw_reg(0), 0x10001)}
    assert (psci["Major"], psci["Minor"]) == (1, 1)


def test_unknown_ids_get_an_encoding_name():
    reg_id = encode_sysreg(1, 0, 0, 0, 0)  # op0=1 is instruction space, never a register
    info = regdb.lookup(reg_id)
    assert (info.known, info.cls, info.name, info.fields) == (False, "unknown", "S1_0_C0_C0_0", ())
    assert regdb.lookup(0x1234).name == "0x0000000000001234"
    assert regdb.lookup(reg_id) is regdb.lookup(reg_id)


def test_no_architecturally_named_register_is_left_as_an_encoding():
    pattern = re.compile(r"^S\d_\d_C\d+_C\d+_\d$")
    for reg_id in regdb.all_ids():
        info = regdb.lookup(reg_id)
        assert not pattern.match(info.name), info.name
        assert info.cls in regdb.CLASSES and info.cls != "unknown"


def test_kvm_timer_names_by_accelerator():
    assert regdb.find("CNTVCT_EL0", ACCEL_KVM) == 0x603000000013DF1A
    assert regdb.find("CNTVCT_EL0", ACCEL_TCG) == 0x603000000013DF02
    assert regdb.lookup(0x603000000013DF02, ACCEL_KVM).cls == "timer"


def test_versions_are_recorded():
    versions = regdb.db_versions()
    assert versions["linux"] == "7.2.13" and versions["qemu_cpregs_table"] == "7.2.22"
    assert versions["generator"] and versions["inputs"]


def _load_or_skip():
    try:
        from app.model.sources.readers import load
    except ImportError as exc:  # the stream reader lands separately
        pytest.skip(f"app.model.sources.readers is not importable yet: {exc}")
    return load


def test_every_register_in_the_fixture_streams_is_named():
    load = _load_or_skip()
    streams = sorted(DATA.glob("*.mig"))
    assert streams, "tests/data/*.mig fixtures are missing"
    seen: set[int] = set()
    for path in streams:
        regs = load(str(path))
        for cpu in regs.vcpus:
            seen.update(cpu.ids)
    unnamed = sorted(hex(i) for i in seen if not regdb.lookup(i, ACCEL_TCG).known)
    assert not unnamed
    assert len(seen) > 350  # QEMU 7.2, 10.0 and 11.1 lists together


@pytest.mark.skipif(not (SHARED_DATA / "streams").is_dir(), reason="optional ../shared/data absent")
def test_every_register_in_the_shared_streams_is_named():
    load = _load_or_skip()
    seen = {i for path in (SHARED_DATA / "streams").glob("*.mig")
            for cpu in load(str(path)).vcpus for i in cpu.ids}
    assert seen and not [hex(i) for i in seen if not regdb.lookup(i).known]


@needs_reference
def test_safety_matches_ftr_safety_csv():
    with open(REFERENCE / "ftr-safety.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        reg_id = encode_sysreg(*(int(row[k]) for k in ("op0", "op1", "crn", "crm", "op2")))
        match = [f for f in regdb.fields_of(reg_id)
                 if (f.msb, f.lsb) == (int(row["msb"]), int(row["lsb"]))]
        assert len(match) == 1, (row["register"], row["field"])
        f = match[0]
        assert (f.safety, f.safe_val) == (row["safety"], int(row["safe_val"])), row["register"]
        assert f.signed == (row["signed"] == "1")
        if row["field"] and row["field"] != "RES1":
            assert f.name == row["field"]


@needs_reference
def test_regenerating_gives_the_committed_file(tmp_path):
    out = tmp_path / "regdb.json"
    result = subprocess.run([sys.executable, str(REPO / "tools" / "gen_regdb.py"),
                             "--reference", str(REFERENCE), "--output", str(out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == (REPO / "resources" / "regdb.json").read_bytes()


def test_enum_value_and_field_basics():
    f = Field("F", 7, 4, enums=(EnumValue(2, "TWO"),))
    assert f.width == 4 and f.mask == 0xF0 and f.extract(0x2F) == 2 and f.meaning(2) == "TWO"
    assert f.meaning(3) is None
    assert decode(ID_AA64PFR0_EL1).text() == "S3_0_C0_C4_0"
