"""32-bit registers (AArch32 views, 32-bit KVM ids) have layouts of their own width.

An AArch32 register is a 32-bit register: where the Arm ARM maps it to bits [31:0] of an
AArch64 register with the same fields, the database restricts the AArch64 layout to [31:0]; where
the formats differ (CLIDR's ICB is [31:30], CLIDR_EL1's [32:30]; MPIDR bit 31 is M, MPIDR_EL1's
is RES1) it has the Arm ARM's AArch32 layout (tools/regdb_facts.py AA32_LAYOUTS), and where the
project knows neither, no fields.
"""

from __future__ import annotations

import importlib
import json
import sys

import pytest

from app import assets
from app.cli import main
from app.model.registers import regdb, regid
from app.model.registers.accel import ACCEL_KVM
from app.model.registers.regid import encode_aa32, encode_sysreg
from app.model.sources.readers import load
from testdata import DATA, REPO

CLIDR = encode_aa32(15, 1, 0, 0, 1)
CLIDR_S = CLIDR & ~regid.AA32_NS
CLIDR_EL1 = encode_sysreg(3, 1, 0, 0, 1)


def fields(reg_id: int, accel: str = "unknown") -> dict[str, tuple[int, int]]:
    return {f.name: (f.msb, f.lsb) for f in regdb.fields_of(reg_id, accel)}


@pytest.fixture(scope="module")
def gen():
    sys.path.insert(0, str(REPO / "tools"))
    try:
        yield importlib.import_module("gen_regdb")
    finally:
        sys.path.remove(str(REPO / "tools"))


# --- CLIDR -------------------------------------------------------------------------------------


@pytest.mark.parametrize("reg_id", [CLIDR, CLIDR_S])
def test_aarch32_clidr_has_its_own_layout(reg_id):
    assert regdb.lookup(reg_id).name in ("CLIDR", "CLIDR_S")
    layout = fields(reg_id)
    assert layout["ICB"] == (31, 30)  # CLIDR_EL1.ICB is [32:30]
    assert (layout["LoUU"], layout["LoC"], layout["LoUIS"]) == ((29, 27), (26, 24), (23, 21))
    assert [layout[f"Ctype{n}"] for n in range(1, 8)] == [
        (3 * n - 1, 3 * n - 3) for n in range(1, 8)]
    assert "Ttypen" not in layout and all(msb < 32 for msb, _ in layout.values())


def test_aarch64_clidr_keeps_the_aarch64_layout():
    layout = fields(CLIDR_EL1)
    assert layout["ICB"] == (32, 30) and layout["Ttypen"] == (46, 33)


def test_clidr_values_from_real_streams_decode_as_aarch32():
    # cortex-a57 under QEMU 7.2: L1 separate I/D, L2 unified, LoC 2, no ICB
    decoded = {f.name: (v, m) for f, v, m in regdb.decode_value(CLIDR, 0x0A200023)}
    assert decoded["ICB"] == (0, "NOT_DISCLOSED")
    assert decoded["LoUU"][0] == 1 and decoded["LoC"][0] == 2 and decoded["LoUIS"][0] == 1
    assert decoded["Ctype1"] == (3, "SEPARATE") and decoded["Ctype2"] == (4, "UNIFIED")
    assert decoded["Ctype3"] == (0, "NO_CACHE")
    # -cpu max reports ICB = L2 in the AArch32 view's two bits
    assert {f.name: v for f, v, _ in regdb.decode_value(CLIDR, 0x82000023)}["ICB"] == 2


def test_cli_decode_shows_the_aarch32_layout(capsys):
    assert main(["decode", "p15, 1, c0, c0, 1", "0x0a200023", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["name"] == "CLIDR" and data["encoding"] == "p15, 1, c0, c0, 1"
    shown = {f["name"]: f for f in data["fields"]}
    assert (shown["ICB"]["msb"], shown["ICB"]["lsb"], shown["ICB"]["value"]) == (31, 30, 0)
    assert shown["ICB"]["meaning"] == "NOT_DISCLOSED"
    assert (shown["Ctype2"]["value"], shown["Ctype2"]["meaning"]) == (4, "UNIFIED")
    assert max(f["msb"] for f in data["fields"]) == 31
    assert main(["decode", "p15, 1, c0, c0, 1", "0x0a200023"]) == 0
    text = capsys.readouterr().out
    assert "[31:30]" in text and "[32:30]" not in text


# --- other registers whose AArch32 format differs ---------------------------------------------


def test_mpidr_bit_31_is_m_in_aarch32_and_res1_in_aarch64():
    aa32 = {f.name: f for f in regdb.fields_of(encode_aa32(15, 0, 0, 0, 5))}
    assert (aa32["M"].msb, aa32["M"].reserved) == (31, None) and "Aff3" not in aa32
    assert (aa32["U"].msb, aa32["Aff2"].lsb) == (30, 16)
    aa64 = {f.name: (f.msb, f.lsb) for f in regdb.fields_of(encode_sysreg(3, 0, 0, 0, 5))}
    assert aa64["RES1"] == (31, 31) and aa64["Aff3"] == (39, 32)


@pytest.mark.parametrize("name", ["REVIDR", "AIDR"])
def test_implementation_defined_id_registers_are_32_bits(name):
    assert fields(regdb.find(name)) == {"IMPDEF": (31, 0)}
    assert fields(regdb.find(name + "_EL1")) == {"IMPDEF": (63, 0)}


def test_aarch32_debug_id_registers_qemu_migrates():
    didr = {f.name: v for f, v, _ in regdb.decode_value(regdb.find("DBGDIDR"), 0x3516D000)}
    assert (didr["WRPs"], didr["BRPs"], didr["CTX_CMPs"], didr["Version"]) == (3, 5, 1, 6)
    assert didr["SE_imp"] == 1 and didr["nSUHD_imp"] == 1
    devid = {f.name: v for f, v, _ in regdb.decode_value(regdb.find("DBGDEVID"), 0x110F13)}
    assert (devid["PCSample"], devid["WPAddrMask"], devid["BPAddrMask"]) == (3, 1, 0xF)
    assert (devid["DoubleLock"], devid["VirtExtns"]) == (1, 1)
    assert fields(regdb.find("DBGDEVID1")) == {"RES0": (31, 4), "PCSROffset": (3, 0)}


# --- registers whose AArch32 view is the low word of the AArch64 layout -------------------------


def test_id_registers_keep_the_low_word_with_its_safety_rules():
    aa32 = {f.name: f for f in regdb.fields_of(regdb.find("ID_ISAR0"))}
    aa64 = {f.name: f for f in regdb.fields_of(regdb.find("ID_ISAR0_EL1"))}
    assert (aa32["RES0"].msb, aa32["RES0"].lsb) == (31, 28)  # RES0 [63:28] clipped
    assert aa32["Divide"] == aa64["Divide"] and aa32["Divide"].safety == "FTR_LOWER_SAFE"
    ctr = fields(regdb.find("CTR"))
    assert "TminLine" not in ctr and ctr["DminLine"] == (19, 16) and ctr["RES1"] == (31, 31)
    assert fields(regdb.find("CNTV_CTL")) == {"RES0": (31, 3), "ISTATUS": (2, 2),
                                              "IMASK": (1, 1), "ENABLE": (0, 0)}
    midr = {f.name: f for f in regdb.fields_of(regdb.find("MIDR"))}
    assert midr["PartNum"].keyed_by == "Implementer" and max(f.msb for f in midr.values()) == 31


def test_32_bit_kvm_ids_fit_too():
    fpcr = regdb.fields_of(0x60200000001000D5)  # KVM core fp_regs.fpcr (__u32)
    assert regdb.lookup(0x60200000001000D5).name == "FPCR"
    assert (fpcr[0].name, fpcr[0].msb, fpcr[0].lsb) == ("RES0", 31, 27)
    assert {f.name: f.msb for f in fpcr}["AHP"] == 26
    ccsidr = fields(0x6020000000110000)  # KVM_REG_ARM_DEMUX_CCSIDR(0), CCSIDR_EL1's low word
    assert ccsidr["NumSets"] == (27, 13) and max(msb for msb, _ in ccsidr.values()) == 31


# --- the property, over the whole database ------------------------------------------------------


def _raw_entries():
    raw = assets.read_json("regdb.json")
    for table in ("regs", "kvm"):
        for key, entry in raw[table].items():
            yield int(key, 16), entry, raw["layouts"]


def test_no_register_in_the_database_has_a_field_beyond_its_width():
    narrow = 0
    for reg_id, entry, layouts in _raw_entries():
        if not entry.get("l"):
            continue
        size = regid.decode(reg_id).size_bits
        wide = [f["n"] for f in layouts[entry["l"]] if f["h"] >= size]
        assert not wide, (entry["n"], entry["l"], wide)
        narrow += size < 64
    assert narrow > 50  # AArch32 ID/timer registers, FPSR/FPCR, the CCSIDR demux ids


def test_no_32_bit_register_shows_a_field_at_bit_32_or_above():
    ids = [i for i in regdb.all_ids() if regid.decode(i).size_bits < 64]
    assert ids
    for reg_id in ids:
        for accel in ("unknown", ACCEL_KVM):
            assert all(f.msb < 32 for f in regdb.fields_of(reg_id, accel)), hex(reg_id)


def test_32_bit_layouts_do_not_overlap():
    for reg_id, entry, layouts in _raw_entries():
        if not entry.get("l") or regid.decode(reg_id).size_bits >= 64:
            continue
        used = 0
        for f in layouts[entry["l"]]:
            mask = ((1 << (f["h"] - f["l"] + 1)) - 1) << f["l"]
            assert not used & mask, (entry["n"], f["n"])
            used |= mask


def test_the_aarch32_registers_in_the_fixture_streams_fit():
    seen: set[int] = set()
    for path in ("q72-cortex-a57-smp1.mig", "q72-cortex-a53-smp1.mig", "q11-max-smp2.mig"):
        for cpu in load(str(DATA / path)).vcpus:
            seen.update(i for i in cpu.ids if regid.decode(i).kind == "aa32")
    with_fields = {regdb.lookup(i).name for i in seen if regdb.fields_of(i)}
    assert {"CLIDR", "CTR", "ID_PFR0", "ID_ISAR5", "DBGDIDR", "DBGDEVID", "REVIDR"} <= with_fields
    for reg_id in seen:
        width = 64 if regid.decode(reg_id).is64 else 32
        assert all(f.msb < width for f in regdb.fields_of(reg_id)), regdb.lookup(reg_id).name


# --- the generator's rule -----------------------------------------------------------------------


def test_narrowing_rule(gen):
    layouts = {
        "A": [{"n": "RES0", "h": 63, "l": 28, "r": "RES0"}, {"n": "X", "h": 27, "l": 0}],
        "B": [{"n": "Hi", "h": 39, "l": 32}, {"n": "Lo", "h": 31, "l": 0}],
        "C": [{"n": "ICB", "h": 32, "l": 30}, {"n": "Lo", "h": 29, "l": 0}],
        "D": [{"n": "IMPDEF", "h": 63, "l": 0}],
        "E": [{"n": "Lo", "h": 31, "l": 0}],
    }
    assert gen.narrow_layout(layouts, "A", 32) == "A[31:0]"
    assert layouts["A[31:0]"] == [{"n": "RES0", "h": 31, "l": 28, "r": "RES0"},
                                  {"n": "X", "h": 27, "l": 0}]
    assert layouts["A"][0]["h"] == 63  # the 64-bit layout is left alone
    assert gen.narrow_layout(layouts, "B", 32) == "B[31:0]" and \
        layouts["B[31:0]"] == [{"n": "Lo", "h": 31, "l": 0}]
    assert gen.narrow_layout(layouts, "C", 32) is None  # a field crossing bit 31/32
    assert gen.narrow_layout(layouts, "D", 32) is None
    assert gen.narrow_layout(layouts, "E", 32) == "E"  # already fits: shared, not copied


def test_aarch32_fact_layouts_tile_the_32_bits(gen):
    for name, layout in gen.facts.AA32_LAYOUTS.items():
        used = 0
        for f in layout:
            mask = ((1 << (f["h"] - f["l"] + 1)) - 1) << f["l"]
            assert 0 <= f["l"] <= f["h"] <= 31 and not used & mask, (name, f["n"])
            used |= mask
        assert used == 0xFFFFFFFF, name
        assert regdb.find(name) is not None and regdb.fields_of(regdb.find(name)), name


def test_without_its_aarch32_layout_clidr_would_have_no_fields(gen):
    raw = assets.read_json("regdb.json")
    layouts = {"CLIDR_EL1": raw["layouts"]["CLIDR_EL1"],
               "REVIDR_EL1": raw["layouts"]["REVIDR_EL1"]}
    assert gen.narrow_layout(layouts, "CLIDR_EL1", 32) is None  # never ICB [31:30] by accident
    assert gen.narrow_layout(layouts, "REVIDR_EL1", 32) is None
