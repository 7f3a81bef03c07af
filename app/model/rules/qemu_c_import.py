"""Read ``arm_register_cpreg_mig_tolerance()`` calls (the qemu-c export) back into a RuleSet.

Accepted per line: a call ``arm_register_cpreg_mig_tolerance(CPU, ID, MASK, VALUE, TYPE);``
with C integer literals (hex or decimal, optional U/L suffixes), optionally followed by the
export's ``/* NAME: reason */`` comment and optionally prefixed by ``// disabled: `` (rule
loaded disabled). The register comes from the id; NAME is ignored. Blank lines, ``//``
comments, ``/* ... */`` comments (also spanning lines) and a trailing ``//`` comment are
skipped; anything else — including a call split over several lines — is a RuleError with its
line, so a pasted snippet never loses a call silently.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from app.model.errors import RuleError, quote
from app.model.rules.c_syntax import CALL, DISABLED, unescape
from app.model.rules.rule import Rule, RuleType
from app.model.rules.ruleset import RuleSet

_INT = r"(0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*"
_LINE = re.compile(
    rf"^\s*(?P<disabled>{re.escape(DISABLED.strip())}\s*)?{CALL}\s*\(\s*[^,()]+(?:\([^()]*\))?"
    rf"\s*,\s*{_INT}\s*,\s*{_INT}\s*,\s*{_INT}\s*,\s*(?P<type>\w+)\s*\)\s*;"
    r"\s*(?:/\* (?P<comment>.*) \*/|//.*)?\s*$")
_DISABLED = DISABLED.strip()
_BY_QEMU_NAME = {t.qemu_tolerance: t for t in RuleType if t.qemu_tolerance}


def _reason(comment: str | None) -> str:
    """The reason part of ``NAME: reason`` (the export's comment), unescaped."""
    if not comment or ": " not in comment:
        return ""
    return unescape(comment.split(": ", 1)[1])


def _c_int(text: str) -> int:
    """A C integer literal's value: ``0x`` hex, leading-``0`` octal, else decimal."""
    base = 16 if text[:2] in ("0x", "0X") else 8 if text[:1] == "0" and len(text) > 1 else 10
    try:
        return int(text, base)
    except ValueError:  # 08/09, or 4300+ decimal digits
        raise RuleError(f"{quote(text)} is not a C integer literal",
                        expected="0x<hex>, 0<octal> or decimal") from None


def _rule(match: re.Match) -> Rule:
    reg, mask, value = (_c_int(match.group(i)) for i in (2, 3, 4))
    qemu_type = match.group("type")
    if qemu_type not in _BY_QEMU_NAME:
        raise RuleError(f"unknown tolerance type {quote(qemu_type)}",
                        expected="one of " + ", ".join(_BY_QEMU_NAME))
    return Rule(reg, _BY_QEMU_NAME[qemu_type], mask, value, _reason(match.group("comment")),
                enabled=match.group("disabled") is None)


def _code_lines(text: str):
    """(line number, stripped text) of lines holding code, block/line comments removed."""
    in_comment = False
    for number, line in enumerate(text.split("\n"), 1):  # C lines end at \n only
        rest = line.strip()
        while True:
            if in_comment:
                end = rest.find("*/")
                if end < 0:
                    break
                in_comment, rest = False, rest[end + 2:].strip()
            elif rest.startswith("/*"):
                in_comment, rest = True, rest[2:]
            else:
                if rest and not (rest.startswith("//") and not rest.startswith(_DISABLED)):
                    yield number, rest
                break


def parse_qemu_c(text: str, path: str | None = None) -> RuleSet:
    """Rules from qemu-c text, in line order; RuleError (with line) for anything unreadable."""
    rules: list[Rule] = []
    lines_of: dict[int, int] = {}
    for number, line in _code_lines(text):
        match = _LINE.match(line)
        if not match:
            raise RuleError(f"not a {CALL}() call", path=path, line=number,
                            expected=f"{CALL}(cpu, ID, MASK, VALUE, TYPE);")
        try:
            rule = _rule(match)
        except RuleError as exc:
            raise RuleError(exc.message, path=path, line=number, expected=exc.expected) from None
        if rule.register in lines_of:
            raise RuleError(f"duplicate tolerance for {rule.name} (first at line "
                            f"{lines_of[rule.register]})", path=path, line=number,
                            expected="one tolerance per register, as QEMU asserts")
        lines_of[rule.register] = number
        rules.append(rule)
    return RuleSet(tuple(rules))


def load_qemu_c(path: str | os.PathLike) -> RuleSet:
    """Read a qemu-c file (UTF-8) into a RuleSet."""
    return parse_qemu_c(Path(path).read_text(encoding="utf-8"), str(path))
