"""Native TOML rule file: round trip, strict loading with line numbers, atomic save."""

from __future__ import annotations

import os
import tomllib

import pytest

from app.model.rules import rulefile
from app.model.errors import RuleError
from app.model.rules.rule import Rule, RuleType
from app.model.rules.ruleset import RuleSet

ISAR0 = 0x603000000013c030
TRICKY = ['say "hi"', "back\\slash \\n not a newline", "naïve – ünïcødé ✓ 日本",
          "two\nlines\r\nand\ttab", "nul\x00 and del\x7f", "", "ends with backslash\\",
          "*/ and /* and ''' and \"\"\"", "line\u2028sep\x85nel\x1erecord"]


def tricky_set() -> RuleSet:
    rules = [Rule(ISAR0 + i, list(RuleType)[i % len(RuleType)], mask=(1 << 64) - 1 - i,
                  value=i * 0x10, reason=reason, enabled=bool(i % 2))
             for i, reason in enumerate(TRICKY)]
    return RuleSet(tuple(rules))


def test_round_trip_is_equal_and_byte_identical(tmp_path):
    path = tmp_path / "rules.toml"
    rs = tricky_set()
    rulefile.save(rs, path)
    first = path.read_bytes()
    loaded = rulefile.load(path)
    assert loaded == rs
    rulefile.save(loaded, path)
    assert path.read_bytes() == first
    assert tomllib.loads(first.decode())["rule"][2]["reason"] == TRICKY[2]


def test_written_shape():
    text = rulefile.dumps(RuleSet((Rule(ISAR0, RuleType.DIFF_IN_MASK, 0xF0, reason="r"),)))
    assert 'register = "0x603000000013c030"\nname = "ID_AA64ISAR0_EL1"\n' in text
    assert 'type = "diff-in-mask"\nmask = "0x00000000000000f0"\nvalue = "0x0000000000000000"' \
        in text
    assert text.startswith("#") and "\nversion = 1\n" in text and text.endswith("enabled = true\n")


def test_load_accepts_names_ints_and_hex_strings():
    text = """version = 1
[[rule]]
register = "ID_AA64ISAR0_EL1"
type = "field-lt"
mask = 240
value = "0x30"
[[rule]]
register = "0x603000000013c031"
name = "whatever: the id decides"
type = "hidden"
"""
    rs = rulefile.loads(text)
    assert rs.rules == (Rule(ISAR0, RuleType.FIELD_LT, 0xF0, 0x30),
                        Rule(ISAR0 + 1, RuleType.HIDDEN))


def _error(text: str) -> RuleError:
    with pytest.raises(RuleError) as err:
        rulefile.loads(text, path="my.toml")
    assert str(err.value).startswith("my.toml: ")
    return err.value


GOOD = '[[rule]]\nregister = "0x603000000013c030"\ntype = "hidden"\n'


@pytest.mark.parametrize("body,line,words", [
    ('[[rule]]\nregister = "0x603000000013c031"\ntype = "diff_in_mask"\n', 6, "diff-in-mask"),
    ('[[rule]]\nregister = "0x603000000013c031"\ntype = "hidden"\nmask = "0x1' + "0" * 16 +
     '"\n', 6, "2**64"),
    ('[[rule]]\nregister = "0x603000000013c031"\ntype = "hidden"\nvalue = -1\n', 6, "2**64"),
    ('[[rule]]\nregister = "NO_SUCH_REG_EL1"\ntype = "hidden"\n', 6, "known register name"),
    ('[[rule]]\nregister = "0x603000000013c030"\ntype = "hidden"\n', 6, "one rule per register"),
    ('[[rule]]\nregister = "0x603000000013c031"\ntype = "hidden"\nmaks = 1\n', 6, "keys"),
    ('[[rule]]\ntype = "hidden"\n', 6, "register key"),
    ('[[rule]]\nregister = "0x603000000013c031"\ntype = "hidden"\nenabled = "yes"\n', 6,
     "boolean"),
    ('[[rule]]\nregister = "0x603000000013c031"\ntype = "hidden"\nmask = "lots"\n', 6, "hex"),
])
def test_bad_rule_names_line_of_its_header(body, line, words):
    err = _error("version = 1\n" + GOOD + "\n" + body)
    assert err.line == line and f"line {line}" in str(err)
    assert words in str(err)
    assert "rule 2" in err.message


def test_line_numbers_ignore_unicode_line_separators():
    first = rulefile.dumps(RuleSet((Rule(ISAR0, RuleType.HIDDEN, reason="a\u2028b\x85c"),)))
    err = _error(first + '[[rule]]\nregister = "0x603000000013c031"\ntype = "nope"\n')
    assert err.line == first.count("\n") + 1


def test_duplicate_mentions_first_rule():
    err = _error("version = 1\n" + GOOD + GOOD.replace("hidden", "safe-missing"))
    assert err.line == 5 and "rule 1, line 2" in err.message


@pytest.mark.parametrize("head", ["version = 2\n", "version = 1.0\n", "version = true\n", ""])
def test_unsupported_version(head):
    err = _error(head + GOOD)
    assert "version" in err.message and err.expected == "version = 1"
    if head:
        assert err.line == 1


def test_toml_syntax_error_has_its_line():
    err = _error("version = 1\n\n[[rule]]\nregister = 0x603000000013c030\ntype = hidden\n")
    assert err.line == 5 and "TOML syntax error" in err.message and "(at line" not in err.message


def test_unknown_top_level_key():
    err = _error("version = 1\n[[rules]]\nregister = 1\n")
    assert err.line == 2 and "'rules'" in err.message


def test_load_reports_undecodable_bytes(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_bytes(b"version = 1\n# \xff\n")
    with pytest.raises(RuleError) as err:
        rulefile.load(path)
    assert err.value.offset == 14 and str(path) in str(err.value)


def test_save_keeps_backup_and_mode(tmp_path):
    path = tmp_path / "rules.toml"
    one = RuleSet((Rule(ISAR0, RuleType.HIDDEN),))
    two = one.with_rule(Rule(ISAR0 + 1, RuleType.SAFE_MISSING))
    rulefile.save(one, path)
    assert not (tmp_path / "rules.toml.bak").exists()
    os.chmod(path, 0o640)
    rulefile.save(two, path)
    assert rulefile.load(tmp_path / "rules.toml.bak") == one
    assert rulefile.load(path) == two
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rules.toml", "rules.toml.bak"]


def test_failed_save_leaves_original_and_no_temp(tmp_path, monkeypatch):
    path = tmp_path / "rules.toml"
    one = RuleSet((Rule(ISAR0, RuleType.HIDDEN),))
    rulefile.save(one, path)
    before = path.read_bytes()

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(rulefile.os, "replace", boom)
    with pytest.raises(OSError):
        rulefile.save(RuleSet(), path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rules.toml"]
