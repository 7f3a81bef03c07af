"""Readers for the reference inputs of tools/gen_regdb.py (one function per input format).

Each reader turns one upstream file into plain Python data (lists, dicts) and raises
ValueError with the line number when the file does not look as expected, so a newer kernel or
table that changed format stops the generator instead of silently producing a thinner database.
Fields are dicts in the database's compact form: n(ame) h(igh bit) l(ow bit) s(igned)
e(nums: [[value, name], ...]) r(eserved marker).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

RESERVED_KEYWORDS = {"Res0": "RES0", "Res1": "RES1", "Raz": "RAZ", "Unkn": "UNKN"}
ENUM_KEYWORDS = {"Enum": False, "UnsignedEnum": False, "SignedEnum": True}


def _bits(spec: str, where: str) -> tuple[int, int]:
    hi, _, lo = spec.partition(":")
    msb, lsb = int(hi), int(lo or hi)
    if not 0 <= lsb <= msb <= 63:
        raise ValueError(f"{where}: bad bit range {spec!r}")
    return msb, lsb


def parse_sysreg(text: str) -> tuple[dict, dict]:
    """Parse arch/arm64/tools/sysreg.

    Returns (registers, fieldsets): registers maps name -> {"enc": (op0, op1, crn, crm, op2),
    "fields": [...], "ref": SysregFields name or None, "mapping": register name or None};
    fieldsets maps SysregFields name -> [...]. ``Prefix`` blocks (an alternative layout used
    only when a feature is present) are skipped: the database keeps the default layout.
    """
    registers: dict[str, dict] = {}
    fieldsets: dict[str, list] = {}
    current: dict | None = None
    fields: list | None = None
    enum: dict | None = None
    in_prefix = False
    for lineno, raw in enumerate(text.splitlines(), 1):
        tok = raw.split("#", 1)[0].split()
        if not tok:
            continue
        where = f"sysreg line {lineno}"
        kw = tok[0]
        if in_prefix:
            in_prefix = kw != "EndPrefix"
            continue
        if enum is not None and kw != "EndEnum":
            enum["e"].append([int(tok[0], 0), tok[1]])
            continue
        if kw == "Sysreg":
            enc = tuple(int(t) for t in tok[2:7])
            if len(enc) != 5 or tok[1] in registers:
                raise ValueError(f"{where}: bad or repeated Sysreg {tok[1:]}")
            current = {"enc": enc, "fields": [], "ref": None, "mapping": None}
            registers[tok[1]] = current
            fields = current["fields"]
        elif kw == "SysregFields":
            current, fields = None, fieldsets.setdefault(tok[1], [])
        elif kw in ("EndSysreg", "EndSysregFields"):
            _check_overlaps(fields or [], where)
            current = fields = None
        elif kw in RESERVED_KEYWORDS:
            msb, lsb = _bits(tok[1], where)
            name = RESERVED_KEYWORDS[kw]
            fields.append({"n": name, "h": msb, "l": lsb, "r": name})
        elif kw == "Field":
            msb, lsb = _bits(tok[1], where)
            fields.append({"n": tok[2], "h": msb, "l": lsb})
        elif kw in ENUM_KEYWORDS:
            msb, lsb = _bits(tok[1], where)
            enum = {"n": tok[2], "h": msb, "l": lsb, "e": []}
            if ENUM_KEYWORDS[kw]:
                enum["s"] = 1
            fields.append(enum)
        elif kw == "EndEnum":
            enum = None
        elif kw in ("Fields", "Mapping") and current is not None:
            current["ref" if kw == "Fields" else "mapping"] = tok[1]
        elif kw == "Prefix":
            in_prefix = True
        else:
            raise ValueError(f"{where}: unexpected {kw!r}")
    return registers, fieldsets


def _check_overlaps(fields: list, where: str) -> None:
    used = 0
    for f in fields:
        mask = ((1 << (f["h"] - f["l"] + 1)) - 1) << f["l"]
        if used & mask:
            raise ValueError(f"{where}: field {f['n']} overlaps another field")
        used |= mask


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def parse_cputype(text: str) -> tuple[dict[int, str], dict[int, dict[int, str]]]:
    """MIDR implementer codes and per-implementer part numbers from asm/cputype.h."""
    implementers = {int(v, 16): n for n, v in
                    re.findall(r"#define\s+ARM_CPU_IMP_(\w+)\s+(0x[0-9A-Fa-f]+)", text)}
    by_name = {n: v for v, n in implementers.items()}
    parts: dict[int, dict[int, str]] = {}
    for prefix, name, value in re.findall(r"#define\s+([A-Z]+)_CPU_PART_(\w+)\s+(0x[0-9A-Fa-f]+)",
                                          text):
        if prefix not in by_name:
            raise ValueError(f"cputype.h: part {prefix}_CPU_PART_{name} has no implementer")
        table = parts.setdefault(by_name[prefix], {})
        part = int(value, 16)
        table[part] = f"{table[part]}/{name}" if part in table else name
    if 0x41 not in implementers or not parts.get(0x41):
        raise ValueError("cputype.h: no Arm implementer or parts found")
    return implementers, parts


def parse_kvm_h(text: str) -> dict:
    """Firmware registers, their value encodings, bitmap bits, timer ids and SVE bases."""
    out: dict = {"fw": {}, "bmap": {}, "bmap_bits": {}, "workaround": {}, "timers": {},
                 "sve_base": {}}
    current_bmap = None
    for line in text.splitlines():
        m = re.match(r"#define\s+KVM_REG_ARM_(\w+)\s+KVM_REG_ARM_FW_REG\((\d+)\)", line)
        if m:
            out["fw"][int(m.group(2))] = m.group(1)
        m = re.match(r"#define\s+KVM_REG_ARM_(\w+)\s+KVM_REG_ARM_FW_FEAT_BMAP_REG\((\d+)\)", line)
        if m:
            current_bmap = int(m.group(2))
            out["bmap"][current_bmap] = m.group(1)
        m = re.match(r"\s*KVM_REG_ARM_(\w+?)_BIT_(\w+)\s*=\s*(\d+)", line)
        if m:
            if current_bmap is None:
                raise ValueError(f"kvm.h: bitmap bit before any bitmap register: {line!r}")
            out["bmap_bits"].setdefault(current_bmap, {})[int(m.group(3))] = m.group(2)
        m = re.match(r"#define\s+KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_(\d)_(\w+)\s+(.+?)\s*$", line)
        if m:
            out["workaround"].setdefault(int(m.group(1)), []).append((m.group(2), m.group(3)))
        m = re.match(r"#define\s+KVM_REG_ARM_(P?TIMER_\w+)\s+ARM64_SYS_REG\(([\d,\s]+)\)", line)
        if m:
            out["timers"][m.group(1)] = tuple(int(x) for x in m.group(2).split(","))
        m = re.match(r"#define\s+KVM_REG_ARM64_SVE_(\w+)_BASE\s+(\w+)", line)
        if m:
            out["sve_base"][m.group(1)] = int(m.group(2), 0)
    if not out["fw"] or not out["bmap_bits"] or "TIMER_CVAL" not in out["timers"]:
        raise ValueError("kvm.h: firmware registers, bitmaps or timer ids not found")
    return out


def parse_fw_rst(text: str) -> dict[str, int]:
    """Bitmap bit numbers as fw-pseudo-registers.rst documents them ("Bit-0: KVM_REG_...")."""
    return {name: int(bit) for bit, name in re.findall(r"Bit-(\d+):\s*(KVM_REG_ARM_\w+)", text)}


def parse_api_rst(text: str) -> dict:
    """The arm64 core-register table and the timer-swap warning of api.rst.

    Core rows are {"index", "size", "name", "member", "aliases"}; "..." rows are expanded from
    the spacing of the rows around them (X1..X29, V2..V30).
    """
    rows: list[dict] = []
    gap = False
    pat = re.compile(r"^\s+0x60([0-9a-f])0 0000 0010 ([0-9a-f]{4}) (\w+)\s+(\d+)\s+(\S+)(.*)$")
    for line in text.splitlines():
        if line.strip() == "..." and rows:
            gap = True
            continue
        m = pat.match(line)
        if not m:
            continue
        row = {"index": int(m.group(2), 16), "size": int(m.group(4)), "name": m.group(3),
               "member": m.group(5), "aliases": re.findall(r"\(alias (\w+)\)", m.group(6))}
        if gap:
            rows.extend(_fill_gap(rows[-2], rows[-1], row))
            gap = False
        rows.append(row)
    flat = " ".join(text.split())
    m = re.search(r"are (KVM_REG_ARM_\w+) and (KVM_REG_ARM_\w+), which map to system "
                  r"registers (\w+) and (\w+) respectively", flat)
    if len(rows) < 60 or not m:
        raise ValueError("api.rst: arm64 core register table or timer warning not found")
    swapped = {m.group(1): m.group(3), m.group(2): m.group(4)}
    return {"core": rows, "timer_swap": swapped}


def _fill_gap(first: dict, second: dict, last: dict) -> list[dict]:
    """Rows between ``second`` and ``last`` of a "..." gap, numbered like X1 -> X2 -> ..."""
    step = second["index"] - first["index"]
    name_re = re.compile(r"^(\D+)(\d+)$")
    a, b = name_re.match(second["name"]), name_re.match(last["name"])
    mem = re.compile(r"^(.*\[)(\d+)(\].*)$")
    ma = mem.match(second["member"])
    if not (a and b and ma and step > 0):
        raise ValueError(f"api.rst: cannot expand '...' after {second['name']}")
    out = []
    for k in range(int(a.group(2)) + 1, int(b.group(2))):
        idx = second["index"] + step * (k - int(a.group(2)))
        out.append({"index": idx, "size": second["size"], "name": f"{a.group(1)}{k}",
                    "member": f"{ma.group(1)}{k}{ma.group(3)}", "aliases": []})
    if out and out[-1]["index"] + step != last["index"]:
        raise ValueError(f"api.rst: '...' between {second['name']} and {last['name']} is uneven")
    return out


def parse_get_reg_list(text: str) -> dict[tuple, str]:
    """Names the KVM selftest's blessed list gives in comments: ARM64_SYS_REG(...), /* NAME */."""
    found = re.findall(r"ARM64_SYS_REG\((\d+), (\d+), (\d+), (\d+), (\d+)\),\s*/\*\s*(\w+)\s*\*/",
                       text)
    return {tuple(int(x) for x in row[:5]): row[5] for row in found}


def linux_version(path: Path) -> str:
    """'7.2.13' from a path under a linux-7.2.13/ directory."""
    m = re.search(r"linux-(\d+\.\d+(?:\.\d+)?)", str(path))
    if not m:
        raise ValueError(f"cannot tell the Linux version from {path}")
    return m.group(1)
