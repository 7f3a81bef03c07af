"""Dumps: analyze-migration JSON, gdb register dumps, Firecracker templates, CSV and JSON."""

from __future__ import annotations

import json

import pytest

from app.cli import main
from app.model import exporters
from app.model.registers import regdb
from app.model.errors import DumpError
from app.model.sources.readers import load
from app.model.sources.readers.analyze import read_analyze_json
from app.model.sources.readers.firecracker import format_bitmap, parse_bitmap, read_firecracker
from app.model.sources.readers.gdbregs import read_gdb_registers
from app.model.rules.rule import Rule, RuleType
from app.model.rules.ruleset import RuleSet
from testdata import DATA, fixture

DUMPS = "dumps/"
STREAMS = sorted(p.name for p in DATA.glob("*.mig"))


@pytest.mark.parametrize("name", ["q72-cortex-a57-smp2", "q11-max-smp2"])
def test_analyze_migration_equals_the_stream(name):
    dump = read_analyze_json(fixture(f"{DUMPS}{name}.analyze-migration.json"))
    stream = load(fixture(f"{name}.mig"))
    assert [(c.index, c.ids, c.values) for c in dump.vcpus] == \
        [(c.index, c.ids, c.values) for c in stream.vcpus]
    assert dump.provenance.format == "analyze-migration" and dump.accel == "tcg"


def test_analyze_migration_errors_name_key_and_line(tmp_path):
    text = fixture(f"{DUMPS}q72-cortex-a57-smp2.analyze-migration.json").read_text()
    data = json.loads(text)
    data["cpu (9)"]["cpreg_vmstate_values"].pop()
    bad = tmp_path / "short.json"
    bad.write_text(json.dumps(data, indent=4))
    with pytest.raises(DumpError) as err:
        read_analyze_json(bad)
    assert "cpu (9): cpreg_vmstate_values has 257 entries" in str(err.value)
    assert err.value.line == bad.read_text().splitlines().index(
        '        "cpreg_vmstate_values": [', 1_000) + 1  # the second cpu section's array
    (tmp_path / "cut.json").write_text(text[:5000])
    with pytest.raises(DumpError, match="invalid JSON") as err:
        read_analyze_json(tmp_path / "cut.json")
    assert err.value.line is not None


def test_gdb_dump_agrees_with_the_stream_of_the_same_cpu():
    gdb = read_gdb_registers(fixture(f"{DUMPS}q72-cortex-a72.gdb-info-all-registers.txt"))
    stream = load(fixture("q72-cortex-a72-smp1.mig")).vcpu(0).as_dict()
    regs = gdb.vcpu(0).as_dict()
    common = set(regs) & set(stream)
    assert len(common) == 144 and all(regs[i] == stream[i] for i in common)
    # QEMU 7.2 names SCTLR_EL1 "SCTLR": the AArch64 register, not AArch32 SCTLR
    assert regs[regdb.find("SCTLR_EL1")] == 0xC50838
    assert regs[regdb.find("CNTFRQ_EL0")] == 62500000
    assert regs[regdb.find("fp_regs.fpsr")] == 0 and regs[regdb.find("V31")] == 0


@pytest.mark.parametrize("name, count", [("q72-cortex-a72", 224), ("q11-neoverse-n1", 251)])
def test_gdb_dump_reports_what_it_cannot_map(name, count):
    gdb = read_gdb_registers(fixture(f"{DUMPS}{name}.gdb-info-all-registers.txt"))
    assert [len(c) for c in gdb.vcpus] == [count]
    notes = " ".join(gdb.provenance.notes)
    assert "not mapped (4): sp (" in notes and "cpsr (" in notes
    assert "CPUACTLR_EL1 (ambiguous: 0x603000000013c788 or 0x603000000013cf90)" in notes
    assert regdb.find("X30") in gdb.vcpu(0).ids and regdb.find("PC") in gdb.vcpu(0).ids


def test_gdb_dump_errors(tmp_path):
    bad = tmp_path / "gdb.txt"
    bad.write_text("x0             0x0                 0\ncpsr           0x3c5  965\n"
                   "SCTLR          zero                0\n")
    with pytest.raises(DumpError) as err:
        read_gdb_registers(bad)
    assert err.value.line == 3 and "SCTLR: no value" in str(err.value)
    # Issue 13: a pasted session holds lines that are not registers; they are skipped and
    # counted, not fatal (a file with no register line at all still is: test_hardening.py).
    bad.write_text("x0             0x0                 0\n!!! not a register\n")
    notes = read_gdb_registers(bad).provenance.notes
    assert any("skipped 1 lines that are not registers" in n and "line 2" in n for n in notes)


def test_firecracker_dump_is_the_stream_it_was_made_from():
    fc = read_firecracker(fixture(f"{DUMPS}firecracker-dump-from-q72-cortex-a57-smp1.json"))
    cpu = load(fixture("q72-cortex-a57-smp1.mig")).vcpu(0)
    arm64 = {i: v for i, v in cpu.items() if i >> 56 == 0x60}
    assert fc.vcpu(0).as_dict() == arm64 and fc.accel == "kvm"
    assert fc.provenance.notes[0].startswith("Firecracker cpu-template-helper dump")


def test_firecracker_documented_template_keeps_unknown_values_unknown():
    fc = read_firecracker(fixture(f"{DUMPS}firecracker-template-docs-example.json"))
    assert fc.vcpu(0).as_dict() == {regdb.find("ID_AA64PFR0_EL1"): None}
    assert any("kvm_capabilities" in n for n in fc.provenance.notes)


def test_firecracker_bitmaps_and_errors(tmp_path):
    assert parse_bitmap("0b1x_0") == (0b100, 0b101)
    assert parse_bitmap(format_bitmap(0x5, 0xF, 8)) == (0x5, 0xF)
    bad = tmp_path / "t.json"
    bad.write_text('{\n "reg_modifiers": [\n  {"addr": "0x603000000013c020", '
                   '"bitmap": "0b012"}\n ]\n}\n')
    with pytest.raises(DumpError) as err:
        read_firecracker(bad)
    assert err.value.line == 3 and "reg_modifiers[0]" in str(err.value)
    bad.write_text('{"cpuid_modifiers": []}')
    with pytest.raises(DumpError, match="x86_64"):
        read_firecracker(bad)


def test_firecracker_export_pins_only_src_test_value_rules(tmp_path):
    pfr0, psci = regdb.find("ID_AA64PFR0_EL1"), regdb.find("KVM_REG_ARM_PSCI_VERSION")
    rules = RuleSet((Rule(pfr0, RuleType.ONLY_SRC_TEST_VALUE, mask=0xF0000, value=0x10000),
                     Rule(psci, RuleType.DIFF_IN_MASK, mask=0xFF),
                     Rule(0x40200000200E0298, RuleType.ONLY_SRC_TEST_VALUE, mask=1, value=1)))
    result = exporters.export(rules, "firecracker")
    assert [(u.rule.register, u.why.split(":")[0]) for u in result.skipped] == [
        (psci, "a template pins bits to one value; it cannot tolerate a difference"),
        (0x40200000200E0298, "Firecracker templates take KVM arm64 register ids only")]
    out = tmp_path / "template.json"
    out.write_text(result.text)
    mod = json.loads(result.text)["reg_modifiers"][0]
    assert mod["addr"] == "0x603000000013c020" and len(mod["bitmap"]) == 130
    assert parse_bitmap(mod["bitmap"]) == (0x10000, 0xF0000)
    assert load(out).vcpu(0).as_dict() == {pfr0: None}  # the other bits stay unknown


def test_csv_dump_forms(tmp_path):
    path = tmp_path / "regs.csv"
    path.write_text("# from a script\nvcpu,id,value\n0,MIDR_EL1,0x410fd070\n"
                    '1,"p15, 0, c1, c0, 0",5\n1,0x603000000013c020,\n')
    regs = load(path)
    assert regs.vcpu(0).as_dict() == {regdb.find("MIDR_EL1"): 0x410FD070}
    assert regs.vcpu(1).as_dict() == {0x40200000200F0800: 5, regdb.find("ID_AA64PFR0_EL1"): None}
    path.write_text("0x603000000013c000,0x410fd070\nTCR2_EL1,0\n")
    assert len(load(path).vcpu(0)) == 2 and load(path).provenance.format == "csv-dump"
    path.write_text("id,value\nMIDR_EL1,0x410fd070\nMIDR_EL1,12z\n")
    with pytest.raises(DumpError) as err:
        load(path)
    assert err.value.line == 3 and "'12z'" in str(err.value)


@pytest.mark.parametrize("name", [n for n in STREAMS if n.endswith(".mig")])
def test_show_json_loads_back_identically(tmp_path, capsys, name):
    assert main(["show", str(fixture(name)), "--json"]) == 0
    out = tmp_path / "shown.json"
    out.write_text(capsys.readouterr().out)
    back, stream = load(out), load(fixture(name))
    assert [(c.index, c.ids, c.values) for c in back.vcpus] == \
        [(c.index, c.ids, c.values) for c in stream.vcpus]
    assert (back.accel, back.provenance.machine) == (stream.accel, stream.provenance.machine)
    assert back.provenance.format == "json-dump"


def test_json_dump_shapes_and_errors(tmp_path):
    path = tmp_path / "d.json"
    path.write_text('[{"id": "MIDR_EL1", "value": "0x410fd070"}, {"id": 1, "vcpu": 1}]')
    with pytest.raises(DumpError, match="cannot read register 1"):
        load(path)
    path.write_text('[{"id": "MIDR_EL1", "value": "0x410fd070"},\n'
                    ' {"id": "0x603000000013c020", "vcpu": 1, "value": null}]')
    regs = load(path)
    assert regs.vcpu(1).as_dict() == {regdb.find("ID_AA64PFR0_EL1"): None}
    path.write_text('{"MIDR_EL1": "0x410fd070",\n "TCR2_EL1": "0xnope"}')
    with pytest.raises(DumpError) as err:
        load(path)
    assert err.value.line == 2 and "'0xnope'" in str(err.value)


def test_diff_json_is_not_mistaken_for_a_dump(tmp_path, capsys):
    a57, a53 = fixture("q72-cortex-a57-smp1.mig"), fixture("q72-cortex-a53-smp1.mig")
    assert main(["diff", str(a57), str(a53), "--json"]) == 0
    path = tmp_path / "diff.json"
    path.write_text(capsys.readouterr().out)
    with pytest.raises(DumpError, match="no register list"):
        load(path)
