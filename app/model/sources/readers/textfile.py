"""Shared plumbing of the text and JSON readers (logs, lists, dumps, templates).

Each text reader needs the same few things: read a whole file as UTF-8 with a DumpError that
says where decoding failed, find the first meaningful line for sniffing, turn a JSON syntax
error into a line number, and assemble per-vCPU dicts into sorted VCpu tuples. Keeping them
here keeps every reader's errors worded and located the same way.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator

from app.model.errors import DumpError
from app.model.sources.readers.stream.migstream import MAX_CPREGS, MAX_VCPUS
from app.model.sources.register_set import VCpu

MAX_TEXT_BYTES = 256 << 20  # far above any real dump; stops a wrong file from eating memory
# Counted while reading, before anything is split or parsed: 250 MiB of newlines is 262
# million lines, and splitting them costs gigabytes; a real dump of 4096 vCPUs stays far below.
MAX_TEXT_LINES = 4_000_000
MAX_JSON_CONTAINERS = 2_000_000  # "{" and "[": a JSON dump has one object per register
_CHUNK = 1 << 20


def _past(chunk: bytes, byte: bytes, seen: int, limit: int) -> int:
    """Offset in ``chunk`` of the occurrence of ``byte`` that makes ``seen`` exceed ``limit``."""
    at = -1
    for _ in range(limit - seen + 1):
        at = chunk.find(byte, at + 1)
    return at


def read_text(path: str) -> str:
    """The whole file as text; DumpError (with the byte offset) when it is not UTF-8, larger
    than MAX_TEXT_BYTES, or has more than MAX_TEXT_LINES lines or MAX_JSON_CONTAINERS JSON
    objects and arrays — all counted chunk by chunk while reading."""
    path = os.fspath(path)
    chunks: list[bytes] = []
    size = lines = containers = 0
    try:
        with open(path, "rb") as f:
            while chunk := f.read(_CHUNK):
                if size + len(chunk) > MAX_TEXT_BYTES:
                    raise DumpError(f"larger than {MAX_TEXT_BYTES >> 20} MiB", path=path,
                                    offset=MAX_TEXT_BYTES,
                                    expected="a register dump, list or log")
                newlines = chunk.count(b"\n")
                if lines + newlines > MAX_TEXT_LINES:
                    at = size + _past(chunk, b"\n", lines, MAX_TEXT_LINES)
                    raise DumpError(f"more than {MAX_TEXT_LINES} lines", path=path, offset=at,
                                    line=MAX_TEXT_LINES + 1, expected="a register dump")
                opened = chunk.count(b"{") + chunk.count(b"[")
                if containers + opened > MAX_JSON_CONTAINERS:
                    raise DumpError(f"more than {MAX_JSON_CONTAINERS} JSON objects and arrays",
                                    path=path, offset=size, line=lines + 1,
                                    expected="one JSON object per register")
                size, lines, containers = size + len(chunk), lines + newlines, containers + opened
                chunks.append(chunk)
    except OSError as exc:
        raise DumpError(f"cannot open: {exc.strerror}", path=path) from None
    data = b"".join(chunks)
    del chunks
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DumpError(f"not UTF-8 text: {exc.reason}", path=path, offset=exc.start) from None


def head_text(head: bytes) -> str | None:
    """The sniffed bytes as text, or None when they are not UTF-8.

    The head may end in the middle of a multi-byte character: only that tail is forgiven.
    """
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:
            return head[:exc.start].decode("utf-8", errors="strict")
        return None


def significant_lines(text: str, comment: str = "#") -> Iterator[tuple[int, str]]:
    """(1-based line number, stripped line) for every line that is not blank or a comment."""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line and not line.startswith(comment):
            yield number, line


def first_significant(text: str, comment: str = "#") -> str | None:
    return next((line for _, line in significant_lines(text, comment)), None)


def load_json(text: str, path: str):
    """Parse JSON keeping key order; a syntax error becomes a DumpError with line and offset."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DumpError(f"invalid JSON: {exc.msg}", path=path, line=exc.lineno,
                        offset=exc.pos) from None
    except (RecursionError, ValueError) as exc:  # nesting beyond the stack, 4300+ digit ints
        at = _json_trouble(text)
        why = "nests too deeply" if isinstance(exc, RecursionError) else "has a number too long"
        raise DumpError(f"JSON {why} to read", path=path, offset=at,
                        line=text.count("\n", 0, at) + 1, expected="a register dump") from None


def json_object_head(head: bytes) -> tuple[str | None, str | None]:
    """(text, None) when the sniffed bytes start a JSON object, else (None, why not)."""
    text = head_text(head)
    if text is None:
        return None, "not UTF-8 text"
    if not text.lstrip().startswith("{"):
        return None, "not a JSON object"
    return text, None


def read_json_object(path: str, expected: str) -> tuple[str, dict]:
    """(text, parsed object) of a JSON file that must hold one object, else DumpError."""
    text = read_text(path)
    data = load_json(text, path)
    if not isinstance(data, dict):
        raise DumpError("not a JSON object", path=path, line=1, expected=expected)
    return text, data


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]|(?<!\d)\d{4000,}')


def _json_trouble(text: str, depth_limit: int = 500) -> int:
    """Offset of the first over-long number or of nesting past ``depth_limit`` (else 0)."""
    depth = 0
    for m in _JSON_TOKEN.finditer(text):
        token = m.group()
        if token[0] in "[{":
            depth += 1
            if depth > depth_limit:
                return m.start()
        elif token[0] in "]}":
            depth -= 1
        elif token[0] != '"':
            return m.start()
    return 0


def line_of(text: str, needle: str, start: int = 0) -> int:
    """1-based line of the first ``needle`` at or after ``start`` (to locate JSON keys).

    A key the file spells with escapes (``"\\u00e9"``) is searched in that spelling too;
    when neither is found the line of ``start`` is the closest known place, so an error
    always carries a line.
    """
    at = text.find(needle, start)
    if at < 0:
        at = text.find(json.dumps(needle[1:-1]) if needle[:1] == '"' == needle[-1:] else needle,
                       start)
    return text.count("\n", 0, at if at >= 0 else max(0, min(start, len(text)))) + 1


def parse_int(text: object) -> int | None:
    """``0x..``/``0b..``/decimal text (``_`` separators allowed) as an int, else None."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        return text
    if not isinstance(text, str):
        return None
    try:
        return int(text.strip().replace("_", ""), 0)
    except ValueError:
        return None


def build_vcpus(cpus: dict[int, dict[int, int | None]], path: str | None = None,
                line: int = 1) -> tuple[VCpu, ...]:
    """Per-vCPU {id: value} dicts as VCpus sorted by index, each list sorted by id like QEMU's.

    Refuses the inputs beyond the documented bounds (a DumpError at ``line``, where the caller
    stopped reading): a vCPU index outside 0..MAX_VCPUS-1 or more than MAX_CPREGS registers.
    """
    bad = next((i for i in cpus if not 0 <= i < MAX_VCPUS), None)
    if bad is not None:
        raise DumpError(f"vCPU index {bad} is out of range", path=path, line=line,
                        expected=f"at most {MAX_VCPUS} vCPUs, numbered 0..{MAX_VCPUS - 1}")
    big = next((i for i, regs in cpus.items() if len(regs) > MAX_CPREGS), None)
    if big is not None:
        raise DumpError(f"vCPU {big} has {len(cpus[big])} registers", path=path, line=line,
                        expected=f"at most {MAX_CPREGS} per vCPU")
    out = []
    for index in sorted(cpus):
        regs = cpus[index]
        ids = tuple(sorted(regs))
        out.append(VCpu(index, ids, tuple(regs[i] for i in ids)))
    return tuple(out)
