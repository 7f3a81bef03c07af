"""The native rule file: TOML with ``version = 1`` and one ``[[rule]]`` table per register.

Loading is strict, because a silently ignored typo ("maks") would let a migration pass in the
tool that fails in QEMU: unknown keys, types, registers, out-of-range numbers and duplicates
are RuleErrors naming the file and the line of the offending ``[[rule]]`` header. Saving
writes the TOML by hand (deterministic: save, load, save gives identical bytes), atomically,
keeping the previous file as ``FILE.bak``. ``name`` is written for humans; on load the
``register`` key alone decides (an id, or a name resolved through regdb).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

from app.model.atomic_write import real_target, write_atomic
from app.model.errors import RegisterNameError, RuleError, quote
from app.model.registers.regdb import parse_register
from app.model.registers.regid import format_id
from app.model.rules.rule import Rule, RuleType, check_u64
from app.model.rules.ruleset import RuleSet

FORMAT_VERSION = 1
_RULE_KEYS = ("register", "name", "type", "mask", "value", "reason", "enabled")
_RULE_HEADER = re.compile(r"^\s*\[\[\s*rule\s*\]\]\s*(#.*)?$")
_TOML_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
            "\r": "\\r"}


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string; control characters escaped, other unicode kept."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def dumps(ruleset: RuleSet) -> str:
    """The rule file text for ``ruleset``, rules in their order."""
    lines = ["# Cpreg Explorer rules: one [[rule]] per register, as QEMU allows one tolerance",
             "# per register id. register decides; name is informational.",
             f"version = {FORMAT_VERSION}"]
    for rule in ruleset:
        lines += ["", "[[rule]]",
                  f'register = "{format_id(rule.register)}"',
                  f"name = {toml_string(rule.name)}",
                  f'type = "{rule.type.value}"',
                  f'mask = "{format_id(rule.mask)}"',
                  f'value = "{format_id(rule.value)}"',
                  f"reason = {toml_string(rule.reason)}",
                  f"enabled = {'true' if rule.enabled else 'false'}"]
    return "\n".join(lines) + "\n"


def _u64(what: str, raw: object) -> int:
    if isinstance(raw, str):
        try:
            raw = int(raw, 0)
        except ValueError:
            raise RuleError(f"{what} {quote(raw)} is not a number",
                            expected='an integer or a hex string like "0x00f0"') from None
    return check_u64(what, raw)


def _register(raw: object) -> int:
    if isinstance(raw, str):
        try:
            return parse_register(raw)
        except RegisterNameError as exc:
            raise RuleError(f"unknown register {quote(raw)}: {exc.message}",
                            expected="a register id (0x...) or a known register name") from None
    return check_u64("register id", raw)


def _rule(table: object) -> Rule:
    if not isinstance(table, dict):
        raise RuleError("rule is not a table", expected="a [[rule]] table")
    unknown = sorted(set(table) - set(_RULE_KEYS))
    if unknown:
        raise RuleError(f"unknown key {quote(unknown[0])}",
                        expected="keys " + ", ".join(_RULE_KEYS))
    for key in ("register", "type"):
        if key not in table:
            raise RuleError(f"missing key {quote(key)}", expected=f"a {key} key in every rule")
    rule_type = table["type"]
    if not isinstance(rule_type, str):
        raise RuleError(f"type {quote(rule_type)} is not text", expected="a rule type string")
    return Rule(_register(table["register"]), RuleType.parse(rule_type),
                _u64("mask", table.get("mask", 0)), _u64("value", table.get("value", 0)),
                table.get("reason", ""), table.get("enabled", True))


def _lines_matching(text: str, pattern: re.Pattern) -> list[int]:
    """1-based numbers of the lines matching ``pattern`` that start outside a multi-line
    string (a ``[[rule]]`` inside a reason is text, not a table header). Computed once per
    file: a line search per rule would make loading quadratic in the number of rules."""
    return [i for i, line in _toml_code_lines(text) if pattern.match(line)]


def _toml_code_lines(text: str) -> Iterator[tuple[int, str]]:
    """(1-based number, line) of each line that does not begin inside a multi-line string.
    TOML (and tomllib's error lines) end lines at \\n only."""
    inside: str | None = None  # the open multi-line delimiter, \"\"\" or \'\'\'
    for number, line in enumerate(text.split("\n"), 1):
        if inside is None:
            yield number, line
        i = 0
        while i < len(line):
            if inside is not None:
                j = line.find(inside, i)
                while j > 0 and inside == '"""' and _escaped(line, j):
                    j = line.find(inside, j + 1)
                if j < 0:
                    break
                i, inside = j + 3, None
            elif line[i] == "#":
                break
            elif line.startswith(('"""', "'''"), i):
                inside, i = line[i:i + 3], i + 3
            elif line[i] in "\"'":
                i = _string_end(line, i)
            else:
                i += 1


def _escaped(line: str, at: int) -> bool:
    """Whether the character at ``at`` follows an odd number of backslashes."""
    run = len(line[:at]) - len(line[:at].rstrip("\\"))
    return run % 2 == 1


def _string_end(line: str, start: int) -> int:
    """Index after the one-line string opening at ``start`` (basic strings have escapes)."""
    quote_char, i = line[start], start + 1
    while i < len(line) and line[i] != quote_char:
        i += 2 if quote_char == '"' and line[i] == "\\" else 1
    return i + 1


def _line_of(text: str, pattern: re.Pattern, n: int = 0) -> int:
    """1-based line of the ``n``-th line matching ``pattern``; line 1 when none does (a
    missing key, or a rule written as an inline table), so every error still has a line."""
    hits = _lines_matching(text, pattern)
    return hits[n] if n < len(hits) else 1


_TROUBLE = re.compile(r"(?<!\d)\d{4000,}|(?<![\[{])[\[{]{200,}")  # run starts only: linear


def _toml_error(exc: Exception, text: str, path: str | None) -> RuleError:
    """A RuleError for what tomllib raises besides syntax errors (its recursion on deep
    nesting, int() on 4300+ digit numbers), pointing at the line that caused it."""
    m = _TROUBLE.search(text)
    line = text.count("\n", 0, m.start()) + 1 if m else 1
    why = "nests too deeply" if isinstance(exc, RecursionError) else "has a number too long"
    return RuleError(f"the TOML {why} to read", path=path, line=line, expected="a rule file")


def loads(text: str, path: str | None = None) -> RuleSet:
    """Parse rule file ``text``; every problem is a RuleError with path and line."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        at = _TOML_AT.search(msg)  # absent for "(at end of document)": the last line
        raise RuleError(f"TOML syntax error: {_TOML_AT.sub('', msg)}", path=path,
                        line=int(at.group(1)) if at else text.count("\n") + 1,
                        expected="valid TOML") from None
    except (ValueError, RecursionError) as exc:
        raise _toml_error(exc, text, path) from None
    version_line = _line_of(text, re.compile(r"^\s*version\s*="))
    version = doc.get("version")
    if type(version) is not int or version != FORMAT_VERSION:
        raise RuleError(f"unsupported rule file version {quote(version)}", path=path,
                        line=version_line, expected=f"version = {FORMAT_VERSION}")
    extra = sorted(set(doc) - {"version", "rule"})
    if extra:
        raise RuleError(f"unknown top-level key {quote(extra[0])}", path=path,
                        line=_line_of(text, re.compile(rf"^\s*\[*\s*{re.escape(extra[0])}\b")),
                        expected="version and [[rule]] tables")
    tables = doc.get("rule", [])
    if not isinstance(tables, list):
        raise RuleError("rule is not an array of tables", path=path, expected="[[rule]] tables",
                        line=_line_of(text, re.compile(r"^\s*\[*\s*rule\b")))
    rules: list[Rule] = []
    first: dict[int, int] = {}
    headers = _lines_matching(text, _RULE_HEADER)
    for n, table in enumerate(tables):
        line = headers[n] if n < len(headers) else 1
        try:
            rule = _rule(table)
        except RuleError as exc:
            raise RuleError(f"rule {n + 1}: {exc.message}", path=path, line=line,
                            expected=exc.expected) from None
        if rule.register in first:
            k = first[rule.register]
            raise RuleError(f"rule {n + 1}: duplicate rule for {rule.name} (rule {k + 1}, line "
                            f"{headers[k] if k < len(headers) else 1}, already has one)", path=path,
                            line=line, expected="one rule per register")
        first[rule.register] = n
        rules.append(rule)
    return RuleSet(tuple(rules))


def _read_text(path: str | os.PathLike) -> str:
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RuleError("rule file is not UTF-8", path=str(path), offset=exc.start,
                        expected="UTF-8 text") from None


def load(path: str | os.PathLike) -> RuleSet:
    """Read and parse a rule file (UTF-8)."""
    return loads(_read_text(path), str(path))


def save(ruleset: RuleSet, path: str | os.PathLike) -> None:
    """Write ``ruleset`` to ``path`` atomically; the previous file is kept as ``path.bak``
    (beside the real file when ``path`` is a symlink)."""
    path = real_target(Path(path))
    data = dumps(ruleset).encode("utf-8")
    if path.exists():
        write_atomic(path.with_name(path.name + ".bak"), path.read_bytes())
    write_atomic(path, data)


def load_any(path: str | os.PathLike) -> RuleSet:
    """A native TOML rule file or a QEMU C export (told apart by content), as a RuleSet."""
    from app.model.rules.qemu_c_import import parse_qemu_c

    text = _read_text(path)
    if is_qemu_c(text):
        return parse_qemu_c(text, str(path))
    return loads(text, str(path))


def is_qemu_c(text: str) -> bool:
    """Whether rule file ``text`` is a QEMU C export (what ``load_any`` reads as C), not TOML:
    saving back to such a file must not silently turn it into TOML."""
    return "arm_register_cpreg_mig_tolerance" in text and "[[rule]]" not in text
