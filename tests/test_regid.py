"""Register ids: encodings, QEMU keys, canonical text and parsing of every accepted form."""

from __future__ import annotations

import csv
import random

import pytest

from app.model.registers import regdb
from app.model.errors import RegisterNameError
from app.model.registers.regid import (
    decode,
    encode_aa32,
    encode_sysreg,
    format_id,
    fw_feat_bmap_reg,
    fw_reg,
    kvm_id_from_qemu_key,
    qemu_key_from_kvm_id,
)
from app.model.registers.regdb import parse_register
from app.model.sources.register_set import ACCEL_KVM, ACCEL_TCG, ACCEL_UNKNOWN
from testdata import SHARED

TCR2_EL1 = 0x603000000013C103


def test_format_id_is_fixed_width_hex():
    assert format_id(TCR2_EL1) == "0x603000000013c103"
    assert format_id(1) == "0x0000000000000001"


def test_every_sysreg_spelling_means_tcr2_el1():
    # ARM64_SYS_REG(op0, op1, crn, crm, op2) = 0x6030000000130000 | op0<<14 | op1<<11 | ...
    assert encode_sysreg(3, 0, 2, 0, 3) == TCR2_EL1
    for text in ("ARM64_SYS_REG(3, 0, 2, 0, 3)", "S3_0_C2_C0_3", "s3_0_c2_c0_3",
                 "op0:3 op1:0 crn:2 crm:0 op2:3", "TCR2_EL1", "tcr2_el1", "0x603000000013c103",
                 str(TCR2_EL1), "system register 0x1013c103"):
        assert parse_register(text) == TCR2_EL1, text
    enc = decode(TCR2_EL1)
    assert (enc.kind, enc.op0, enc.op1, enc.crn, enc.crm, enc.op2) == ("sysreg64", 3, 0, 2, 0, 3)
    assert enc.text() == "S3_0_C2_C0_3"
    assert enc.text("long") == "op0:3 op1:0 crn:2 crm:0 op2:3"
    assert enc.size_bits == 64


def test_aa32_id_as_qemu_writes_it():
    # p14, 3, c0, c5, 0 with QEMU's non-secure bit 29: cp<<16 | crn<<11 | crm<<7 | opc1<<3 | opc2
    reg_id = encode_aa32(14, 3, 0, 5, 0)
    assert reg_id == 0x40200000200E0298
    enc = decode(reg_id)
    assert (enc.kind, enc.cp, enc.opc1, enc.crn, enc.crm, enc.opc2) == ("aa32", 14, 3, 0, 5, 0)
    assert enc.ns and not enc.is64 and enc.size_bits == 32
    assert enc.text() == "p14, 3, c0, c5, 0"
    assert parse_register("p14, 3, c0, c5, 0") == reg_id
    assert parse_register("cp14, 3, c0, c5, 0") == reg_id


def test_aa32_secure_and_64bit_forms():
    secure = encode_aa32(15, 0, 13, 0, 0, ns=False)
    assert secure == 0x40200000000F6800
    assert decode(secure).text() == "p15, 0, c13, c0, 0 (secure)"
    par64 = encode_aa32(15, 0, 0, 7, 0, is64=True)
    assert par64 == 0x40300000200F0380
    assert decode(par64).text() == "p15, 0, c7"
    assert parse_register("p15, 0, c7") == par64
    assert parse_register("p15, 0, c1, c0, 0") == 0x40200000200F0800


def test_qemu_11_log_keys():
    assert kvm_id_from_qemu_key(0x1013C030) == 0x603000000013C030
    assert regdb.lookup(kvm_id_from_qemu_key(0x1013C030)).name == "ID_AA64ISAR0_EL1"
    assert parse_register("system register 0x1013c030") == 0x603000000013C030
    assert kvm_id_from_qemu_key(0x200F3A00) == 0x40200000200F3A00
    assert qemu_key_from_kvm_id(0x40200000200F3A00) == 0x200F3A00
    # 64-bit AArch32 registers set bit 15 in the key and drop it in the id
    assert qemu_key_from_kvm_id(0x40300000200F0380) == 0x200F8380
    assert kvm_id_from_qemu_key(0x200F8380) == 0x40300000200F0380
    assert qemu_key_from_kvm_id(0x603000000013C030) == 0x1013C030


def test_firmware_registers():
    assert fw_reg(0) == 0x6030000000140000
    assert fw_feat_bmap_reg(3) == 0x6030000000160003
    assert parse_register("KVM_REG_ARM_FW_REG(0)") == fw_reg(0)
    assert parse_register("KVM_REG_ARM_FW_FEAT_BMAP_REG(3)") == fw_feat_bmap_reg(3)
    assert decode(fw_reg(2)).kind == "firmware" and decode(fw_reg(2)).index == 2
    assert decode(fw_feat_bmap_reg(1)).kind == "fw-feat-bmap"
    assert parse_register("PSCI_VERSION") == fw_reg(0)
    assert parse_register("KVM_REG_ARM_VENDOR_HYP_BMAP_2") == fw_feat_bmap_reg(3)


def test_timer_ids_depend_on_the_writer():
    # KVM swapped the encodings of TIMER_CVAL and TIMER_CNT (api.rst); TCG uses the architecture
    cvct, cval = 0x603000000013DF02, 0x603000000013DF1A
    assert decode(cvct).text() == "S3_3_C14_C0_2" and decode(cval).text() == "S3_3_C14_C3_2"
    assert parse_register("CNTV_CVAL_EL0", accel=ACCEL_TCG) == cval
    assert parse_register("CNTV_CVAL_EL0", accel=ACCEL_KVM) == cvct
    assert parse_register("KVM_REG_ARM_TIMER_CVAL") == cvct
    assert parse_register("KVM_REG_ARM_TIMER_CNT") == cval
    assert regdb.lookup(cvct, ACCEL_KVM).name == "KVM_REG_ARM_TIMER_CVAL"
    assert regdb.lookup(cval, ACCEL_KVM).name == "KVM_REG_ARM_TIMER_CNT"
    assert regdb.lookup(cval, ACCEL_TCG).name == "CNTV_CVAL_EL0"
    assert regdb.lookup(cvct, ACCEL_TCG).name == "CNTVCT_EL0"
    assert regdb.lookup(cval, ACCEL_UNKNOWN).name == "CNTV_CVAL_EL0"


ROUND_TRIP = [
    TCR2_EL1, 0x603000000013C000,                       # sysreg
    0x6030000000100000, 0x6030000000100042,             # core X0, PSTATE
    0x6040000000100054, 0x6020000000100054 | 0x80,      # core V0, FPSR
    0x6020000000110001,                                 # demux CCSIDR (L1 I-cache)
    fw_reg(0), fw_reg(3), fw_feat_bmap_reg(0), fw_feat_bmap_reg(3),
    0x6080000000150000, 0x60800000001503E1,             # SVE Z0 slice 0, Z31 slice 1
    0x6050000000150400, 0x60500000001505E0,             # SVE P0, P15
    0x6050000000150600, 0x606000000015FFFF,             # SVE FFR, VLS
    0x40200000200E0298, 0x40200000000F6800, 0x40300000200F0380,  # aa32 32/secure/64-bit
    0x6030000000100054,                                 # core offset of V0 with a 64-bit size
    0x1234, 0x6030000000990000, 0x4020000000100000,     # unknown
]


@pytest.mark.parametrize("reg_id", ROUND_TRIP, ids=format_id)
def test_text_parses_back_to_the_same_id(reg_id):
    enc = decode(reg_id)
    assert parse_register(enc.text()) == reg_id
    assert parse_register(enc.text("long")) == reg_id
    assert parse_register(format_id(reg_id)) == reg_id or reg_id < 1 << 32


def test_kinds_decoded():
    kinds = {format_id(i): decode(i).kind for i in ROUND_TRIP}
    assert set(kinds.values()) == {"sysreg64", "core", "demux", "firmware", "fw-feat-bmap", "sve",
                                   "aa32", "unknown"}
    assert decode(0x6080000000150000).size_bits == 2048
    assert decode(0x606000000015FFFF).sve_reg == "VLS"


def test_every_sysreg_encoding_round_trips():
    for low in range(1 << 16):
        reg_id = 0x6030000000130000 | low
        enc = decode(reg_id)
        assert parse_register(enc.text(), db=object()) == reg_id
        assert kvm_id_from_qemu_key(qemu_key_from_kvm_id(reg_id)) == reg_id


def test_random_aa32_encodings_round_trip():
    rng = random.Random(7)
    for _ in range(3000):
        is64, ns = rng.random() < 0.3, rng.random() < 0.7
        cp = rng.choice((14, 15))
        if is64:
            reg_id = encode_aa32(cp, rng.randrange(16), 0, rng.randrange(16), 0, is64=True, ns=ns)
        else:
            reg_id = encode_aa32(cp, rng.randrange(8), rng.randrange(16), rng.randrange(16),
                                 rng.randrange(8), ns=ns)
        assert parse_register(decode(reg_id).text(), db=object()) == reg_id
        assert kvm_id_from_qemu_key(qemu_key_from_kvm_id(reg_id)) == reg_id


@pytest.mark.parametrize("text", [
    "", "   ", "NOT_A_REGISTER_EL9", "S3_9_C0_C0_0", "S4_0_C0_C0_0", "op0:3 op1:0 crn:16 crm:0 op2:0",
    "ARM64_SYS_REG(3, 0, 2, 0, 8)", "p13, 0, c0, c0, 0", "p15, 8, c0, c0, 0",
    "0x1234", str(1 << 64), "KVM_REG_ARM_FW_REG(70000)", "KVM_REG_ARM64_SVE_ZREG(32, 0)",
])
def test_bad_input_raises_register_name_error(text):
    with pytest.raises(RegisterNameError) as info:
        parse_register(text)
    message = str(info.value)
    assert repr(text) in message or text.strip() == ""
    assert "S3_0_C2_C0_3" in message and "system register" in message  # lists accepted forms


def test_encoders_reject_out_of_range_fields():
    for bad in ((4, 0, 0, 0, 0), (3, 8, 0, 0, 0), (3, 0, 16, 0, 0), (3, 0, 0, 16, 0),
                (3, 0, 0, 0, 8)):
        with pytest.raises(ValueError):
            encode_sysreg(*bad)
    with pytest.raises(ValueError):
        encode_aa32(10, 0, 0, 0, 0)
    with pytest.raises(ValueError):
        encode_aa32(15, 0, 1, 2, 0, is64=True)


@pytest.mark.skipif(not (SHARED / "reference" / "qemu72-cpregs.csv").is_file(),
                    reason="optional ../shared/reference is not present")
def test_aa32_encoding_matches_qemu_table():
    with open(SHARED / "reference" / "qemu72-cpregs.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    checked = 0
    for row in rows:
        cp, is64 = int(row["cp"] or 0) or 15, row["is64"] == "1"
        for col, ns in (("kvm_id_aa32", row["secure"] != "S"), ("kvm_id_aa32_s", False)):
            if row[col]:
                crn, opc2 = (0, 0) if is64 else (int(row["crn"]), int(row["opc2"]))
                got = encode_aa32(cp, int(row["opc1"]), crn, int(row["crm"]), opc2, is64=is64,
                                  ns=ns)
                assert got == int(row[col], 16), row["name"]
                checked += 1
        if row["kvm_id_aa64"]:
            enc = tuple(int(row[k]) for k in ("opc0", "opc1", "crn", "crm", "opc2"))
            assert encode_sysreg(*enc) == int(row["kvm_id_aa64"], 16), row["name"]
    assert checked > 8000
