"""Exporters (toml, json, qemu-c, qemu-props, compat) and the qemu-c importer."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.model import exporters
from app.model.rules import rulefile
from app.model.errors import RuleError
from app.model.rules import c_syntax as comment
from app.model.exporters.result import Exporter, ExportResult
from app.model.rules.qemu_c_import import load_qemu_c, parse_qemu_c
from app.model.rules.rule import Rule, RuleType
from app.model.rules.ruleset import RuleSet

ISAR0 = 0x603000000013c030
BMAP2 = 0x6030000000160003  # KVM_REG_ARM_VENDOR_HYP_BMAP_2 (v6 11/11), regdb: VENDOR_HYP_BMAP_2
TCR = 0x603000000013c103  # TCR2_EL1
PIRE0 = 0x603000000013c512
T = RuleType

TOLERANCES = RuleSet((
    Rule(ISAR0, T.DIFF_IN_MASK, 0xF0, 0, "kernel fixed the field"),
    Rule(ISAR0 + 1, T.NOT_ON_BOTH_ENDS, reason='quotes " and */ inside\nand a newline'),
    Rule(ISAR0 + 2, T.ONLY_SRC_TEST_VALUE, 0xF, 0x1, "", enabled=False),
    Rule(ISAR0 + 3, T.FIELD_LT, (1 << 64) - 1, 0x30, "back\\slash \\n ünïcødé: colon"),
    Rule(ISAR0 + 4, T.FIELD_GT, 0xF00, 0x100, "  padded  "),
))
PROPS = RuleSet((Rule(BMAP2, T.HIDDEN, reason="not used by QEMU"), Rule(TCR, T.SAFE_MISSING),
                 Rule(PIRE0, T.SAFE_MISSING, enabled=False)))


def test_registry():
    assert exporters.formats() == ("toml", "json", "qemu-c", "qemu-props", "compat", "firecracker",
                                  "markdown")
    with pytest.raises(ValueError):
        exporters.export(PROPS, "yaml")
    with pytest.raises(ValueError):
        exporters.register(Exporter("json", ".json", "dup", lambda rs: ExportResult("")))


def test_context_is_passed_only_to_formats_that_need_it(monkeypatch):
    seen = {}

    def render(ruleset, diff):
        seen["diff"] = diff
        return ExportResult(f"{len(ruleset)} rules, {diff}")

    monkeypatch.setitem(exporters.EXPORTERS, "report",
                        Exporter("report", ".md", "test", render, needs=("diff",)))
    with pytest.raises(ValueError, match="needs diff"):
        exporters.export(PROPS, "report")
    assert exporters.export(PROPS, "report", diff="D", verdict="ignored").text == "3 rules, D"
    assert exporters.export(PROPS, "json", diff="ignored by rule formats").skipped == ()


def test_toml_and_json_carry_everything():
    both = RuleSet(TOLERANCES.rules + PROPS.rules)
    assert exporters.export(both, "toml").text == rulefile.dumps(both)
    result = exporters.export(both, "json")
    data = json.loads(result.text)
    assert result.skipped == () and data["version"] == 1 and len(data["rules"]) == 8
    assert data["rules"][0] == {"register": "0x603000000013c030", "name": "ID_AA64ISAR0_EL1",
                                "type": "diff-in-mask", "mask": "0x00000000000000f0",
                                "value": "0x0000000000000000",
                                "reason": "kernel fixed the field", "enabled": True}
    assert data["rules"][2]["enabled"] is False


def test_qemu_c_lines():
    result = exporters.export(RuleSet(TOLERANCES.rules + PROPS.rules), "qemu-c")
    lines = result.text.splitlines()
    assert ("arm_register_cpreg_mig_tolerance(cpu, 0x603000000013c030ULL, 0x00000000000000f0ULL,"
            " 0x0000000000000000ULL, ToleranceDiffInMask); "
            "/* ID_AA64ISAR0_EL1: kernel fixed the field */") in lines
    assert any(ln.startswith("// disabled: arm_register_cpreg_mig_tolerance(cpu, "
                             "0x603000000013c032ULL") for ln in lines)
    assert "*/ inside" not in result.text and "*\\/ inside\\nand a newline */" in result.text
    for line in lines:  # every comment closes on its own line
        assert line.count("/*") == line.count("*/")
    assert [(s.rule.register, "QEMU tolerance" in s.why) for s in result.skipped] == \
        [(BMAP2, True), (TCR, True), (PIRE0, True)]
    assert "/* not expressible as a QEMU tolerance (use the qemu-props or compat export): " \
           "hidden rule for " in result.text
    assert len(result.notes) == 1 and "asserts" in result.notes[0]
    quiet = exporters.export(RuleSet((Rule(ISAR0, T.NOT_ON_BOTH_ENDS),)), "qemu-c")
    assert quiet.notes == () and "note:" not in quiet.text


def test_qemu_c_round_trip():
    text = exporters.export(RuleSet(TOLERANCES.rules + PROPS.rules), "qemu-c").text
    assert parse_qemu_c(text) == TOLERANCES


@given(st.text())
def test_comment_escape_round_trips(text):
    escaped = comment.escape(text)
    assert "*/" not in escaped and "\n" not in escaped and "\r" not in escaped
    assert comment.unescape(escaped) == text


@given(st.text(st.characters(blacklist_categories=("Cs",))))
def test_qemu_c_round_trip_any_reason(reason):
    rs = RuleSet((Rule(ISAR0, T.DIFF_IN_MASK, 0xF, reason=reason),))
    assert parse_qemu_c(exporters.export(rs, "qemu-c").text) == rs


def test_qemu_c_import_accepts_hand_written_c(tmp_path):
    text = """/* tolerances
   for the 10.1 machine */
// a comment
arm_register_cpreg_mig_tolerance(ARM_CPU(cs), 0x603000000013c030, 0xf0ull, 16,
"""
    with pytest.raises(RuleError) as err:
        parse_qemu_c(text, "t.c")
    assert err.value.line == 4 and str(err.value).startswith("t.c: line 4: ")
    path = tmp_path / "t.c"
    path.write_text("  arm_register_cpreg_mig_tolerance(ARM_CPU(cs), 6931039826524487728, "
                    "0xf0ULL, 16u, ToleranceFieldGT) ;  // why\n", encoding="utf-8")
    assert load_qemu_c(path).rules == (Rule(ISAR0, T.FIELD_GT, 0xF0, 16),)


@pytest.mark.parametrize("line,words", [
    ("arm_register_cpreg_mig_tolerance(cpu, 0x1ULL, 0, 0, ToleranceEverything);",
     "ToleranceDiffInMask"),
    ("arm_register_cpreg_mig_tolerance(cpu, 0x10000000000000000ULL, 0, 0, ToleranceFieldLT);",
     "2**64"),
    ("int x = 3;", "arm_register_cpreg_mig_tolerance(cpu, ID, MASK, VALUE, TYPE)"),
    ("arm_register_cpreg_mig_tolerance(cpu, 0x603000000013c030ULL, 0, 0, "
     "ToleranceFieldLT); /* second */", "first at line 2"),
])
def test_qemu_c_import_errors_have_lines(line, words):
    text = ("/* header */\n"
            "arm_register_cpreg_mig_tolerance(cpu, 0x603000000013c030ULL, 0, 0, "
            "ToleranceNotOnBothEnds);\n\n" + line + "\n")
    with pytest.raises(RuleError) as err:
        parse_qemu_c(text)
    assert err.value.line == 4 and words in str(err.value)


def test_qemu_props_global_form_and_skips():
    result = exporters.export(RuleSet(PROPS.rules + (Rule(ISAR0, T.DIFF_IN_MASK, 0xF0),)),
                              "qemu-props")
    lines = result.text.splitlines()
    assert "-global arm-cpu.x-mig-hidden-regs=0x6030000000160003" in lines
    assert "-global arm-cpu.x-mig-safe-missing-regs=0x603000000013c103" in lines
    assert "-cpu host,x-mig-hidden-regs=0x6030000000160003," \
           "x-mig-safe-missing-regs=0x603000000013c103" in lines
    assert "# hidden: 0x6030000000160003 VENDOR_HYP_BMAP_2: not used by QEMU" in lines
    assert [(s.rule.register, s.why) for s in result.skipped] == [
        (PIRE0, "disabled"),
        (ISAR0, "not expressible as a QEMU property (use the qemu-c export)")]
    assert "# not expressible as a QEMU property (use the qemu-c export): diff-in-mask rule " \
           "for ID_AA64ISAR0_EL1" in lines
    assert "# disabled: safe-missing rule for PIRE0_EL1" in lines


def test_qemu_props_several_ids_only_in_global_form():
    rs = RuleSet((Rule(TCR, T.SAFE_MISSING), Rule(PIRE0, T.SAFE_MISSING),
                  Rule(BMAP2, T.HIDDEN)))
    lines = exporters.export(rs, "qemu-props").text.splitlines()
    assert "-global arm-cpu.x-mig-safe-missing-regs=0x603000000013c103,0x603000000013c512" in lines
    assert not any(ln.startswith("-cpu") for ln in lines)
    assert any("x-mig-safe-missing-regs lists several registers" in ln for ln in lines)
    empty = exporters.export(RuleSet(), "qemu-props")
    assert "-global" not in empty.text and "nothing to set" in empty.text


def test_compat_lines():
    rs = RuleSet(PROPS.rules + (Rule(ISAR0, T.FIELD_LT, 0xF, 2), Rule(1 << 63, T.HIDDEN)))
    result = exporters.export(rs, "compat")
    lines = result.text.splitlines()
    assert ("arm_virt_compat_register_hidden_reg(vmc, 0x6030000000160003 "
            "/* VENDOR_HYP_BMAP_2 */); /* not used by QEMU */") in lines
    assert "arm_virt_compat_register_safe_missing_reg(vmc, 0x603000000013c103 /* TCR2_EL1 */);" \
        in lines
    assert "// disabled: arm_virt_compat_register_safe_missing_reg(vmc, 0x603000000013c512 " \
           "/* PIRE0_EL1 */);" in lines
    assert [s.rule.register for s in result.skipped] == [ISAR0, 1 << 63]
    assert "int64_t" in result.skipped[1].why
    assert sum(ln.startswith("/* not expressible") or "int64_t" in ln for ln in lines) == 2
