"""CSV register dumps: ``id,value`` rows (optionally ``vcpu,id,value`` with a header).

What a spreadsheet or a one-line script writes. A header row is optional for two columns and
required otherwise; it names the columns (case-insensitive): ``vcpu``, ``id`` (or
``register``/``reg``/``name``) and ``value``; other columns are ignored. The register may be
written in any form the register parser accepts — quote it when it contains commas
(``"p15, 0, c1, c0, 0"``). An empty value means the register exists with an unknown value.
``#`` lines are comments.
"""

from __future__ import annotations

import csv
import io
import os
import re

from app.model.errors import DumpError, FormatError, quote
from app.model.registers import regdb, regid
from app.model.sources.readers.textfile import (
    build_vcpus,
    first_significant,
    head_text,
    parse_int,
    read_text,
)
from app.model.sources.register_set import Provenance, RegisterSet, guess_accel

FORMAT = "csv-dump"
_COLUMNS = {"vcpu": "vcpu", "cpu": "vcpu", "id": "id", "register": "id", "reg": "id",
            "name": "name", "value": "value", "val": "value"}
# Possessive *+ where a run of spaces could be split two ways: backtracking over every split
# made sniffing a line of 40,000 spaces take 1.5 s (quadratic).
_ROW = re.compile(r'^\s*"?[^",\s][^",]*+"?\s*,\s*+"?(?:0[xX][0-9a-fA-F_]+|\d+)?"?\s*$')


def _header(fields: list[str]) -> dict[str, int] | None:
    names = [f.strip().lower() for f in fields]
    cols: dict[str, int] = {}
    for n, name in enumerate(names):
        if name in _COLUMNS:
            cols.setdefault(_COLUMNS[name], n)
    if "id" not in cols and "name" in cols:
        cols["id"] = cols["name"]
    return cols if {"id", "value"} <= set(cols) else None


def sniff(head: bytes) -> str | None:
    text = head_text(head)
    if text is None:
        return "not UTF-8 text"
    line = first_significant(text)
    if line is None:
        return "no rows"
    if _header(next(csv.reader([line]))) is not None or _ROW.match(line):
        return None
    return "first row is neither an 'id,value' header nor 'register,value'"


def read_csv_dump(path: str, *, progress=None) -> RegisterSet:
    path = os.fspath(path)
    text = read_text(path)
    rows = csv.reader(io.StringIO(text))
    cols: dict[str, int] | None = None
    cpus: dict[int, dict[int, int | None]] = {}
    for fields in _rows(rows, path):
        number = rows.line_num
        if not fields or not "".join(fields).strip() or fields[0].lstrip().startswith("#"):
            continue
        if cols is None:
            cols = _header(fields)
            if cols is not None:
                continue
            if len(fields) != 2:
                raise DumpError(f"{len(fields)} columns without a header row", path=path,
                                line=number, expected="id,value rows or a header row naming "
                                                      "vcpu,id,value")
            cols = {"id": 0, "value": 1}
        _row(fields, cols, cpus, path, number)
    if not cpus:
        raise DumpError("no register rows", path=path, line=1, expected="id,value rows")
    vcpus = build_vcpus(cpus, path, rows.line_num)
    ids = [i for c in vcpus for i in c.ids]
    return RegisterSet(Provenance(path=path, format=FORMAT, accel=guess_accel(ids)), vcpus)


def _rows(rows, path: str):
    """The csv reader's rows; its syntax errors (NUL, stray quotes) as DumpErrors."""
    while True:
        try:
            yield next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            raise DumpError(f"unreadable CSV: {exc}", path=path, line=max(1, rows.line_num),
                            expected="comma-separated id,value rows") from None


def _row(fields, cols, cpus, path: str, number: int) -> None:
    if max(cols.values()) >= len(fields):
        raise DumpError(f"{len(fields)} columns, the header names {max(cols.values()) + 1}",
                        path=path, line=number, expected="a value for every named column")
    vcpu: int | None = 0
    if "vcpu" in cols:
        vcpu = parse_int(fields[cols["vcpu"]])
    if vcpu is None or not 0 <= vcpu < 4096:
        raise DumpError(f"vcpu {quote(fields[cols['vcpu']])} is not a vCPU index", path=path,
                        line=number, expected="0..4095")
    reg_text = fields[cols["id"]].strip()
    try:
        reg_id = regdb.parse_register(reg_text)
    except FormatError as exc:
        raise DumpError(f"cannot read register {quote(reg_text)}: {exc.message}", path=path,
                        line=number, expected=exc.expected) from None
    raw = fields[cols["value"]].strip()
    value = parse_int(raw) if raw else None
    bits = max(64, regid.decode(reg_id).size_bits)
    if raw and (value is None or not 0 <= value < 1 << bits):
        raise DumpError(f"value {quote(raw)} of {reg_text} is not a {bits}-bit number", path=path,
                        line=number, expected="0x... or decimal, or empty for unknown")
    regs = cpus.setdefault(vcpu, {})
    if reg_id in regs:
        raise DumpError(f"register {quote(reg_text)} appears twice for vCPU {vcpu}", path=path,
                        line=number, expected="each register once per vCPU")
    regs[reg_id] = value
