#!/usr/bin/env python3
"""Generate resources/regdb.json, the register database app.model.registers.regdb reads.

Inputs (defaults under ../shared/reference relative to the repository): Linux 7.2.13's
arch/arm64/tools/sysreg (names, encodings, fields, enums), asm/cputype.h (MIDR implementers and
parts), uapi asm/kvm.h + Documentation/virt/kvm/{api.rst,arm/fw-pseudo-registers.rst} (KVM-only
ids: core, firmware, SVE, timers), the KVM get-reg-list selftest (names of blessed ids), and the
fact tables ftr-safety.csv (ID-field safety), qemu72-cpregs.csv (QEMU 7.2 cpreg names) and
qemu-cpu-model-cpregs.csv (the CPU-model-specific registers of current QEMU and the models that
register them: names, per-model names and model fingerprints, see tools/regdb_models.py).
Hand-kept facts are in tools/regdb_facts.py, those for state QEMU migrates outside the cpreg
arrays (GIC, special-purpose registers) in tools/regdb_state.py. A register narrower than 64
bits (AArch32, 32-bit KVM ids) gets a layout of its own width: its Arm ARM AArch32 layout
(regdb_facts.AA32_LAYOUTS), its AArch64 partner's restricted to bits [31:0] where that is the
same register (narrow_views), or none. Output is deterministic:
re-running on the same inputs gives a byte-identical file (``--check`` verifies that). What
was read is recorded under "versions" (table versions, the QEMU files and commits the CPU-model
table was read from, a hash of every input). Usage:

    python tools/gen_regdb.py [--reference DIR] [--output resources/regdb.json] [--check]
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import re
import sys
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
REPO = TOOLS.parent
sys.path[:0] = [str(TOOLS), str(REPO)]

import regdb_facts as facts  # noqa: E402
import regdb_models as models  # noqa: E402
import regdb_sources as src  # noqa: E402
import regdb_state as state  # noqa: E402
from app.model.registers import regid  # noqa: E402

GENERATOR_VERSION = "3"
FORMAT = 1
LINUX_FILES = {
    "sysreg": "arch/arm64/tools/sysreg",
    "cputype": "arch/arm64/include/asm/cputype.h",
    "kvm_h": "arch/arm64/include/uapi/asm/kvm.h",
    "api_rst": "Documentation/virt/kvm/api.rst",
    "fw_rst": "Documentation/virt/kvm/arm/fw-pseudo-registers.rst",
    "get_reg_list": "tools/testing/selftests/kvm/arm64/get-reg-list.c",
}


class Builder:
    """Accumulates entries (id -> name, aliases, layout) and layouts, then finishes classes."""

    def __init__(self) -> None:
        self.entries: dict[int, dict] = {}
        self.layouts: dict[str, list] = {}
        self.kvm: dict[int, dict] = {}

    def add(self, reg_id: int, name: str, aliases=(), layout: str | None = None) -> dict:
        """Name ``reg_id`` unless already named (earlier sources win); always keep aliases."""
        entry = self.entries.setdefault(reg_id, {"n": name, "a": set()})
        entry["a"].update(a for a in (name, *aliases) if a)
        if layout and not entry.get("l"):
            entry["l"] = layout
        return entry

    def named_anywhere(self, name: str) -> int | None:
        """The id (any kind) whose primary name is ``name`` (None if none)."""
        return next((i for i, e in self.entries.items() if e["n"] == name), None)

    def named(self, name: str) -> int | None:
        """The AArch64 sysreg id whose primary name is ``name`` (None if none)."""
        for reg_id, entry in self.entries.items():
            if entry["n"] == name and regid.decode(reg_id).kind == "sysreg64":
                return reg_id
        return None


def add_sysreg_file(b: Builder, registers: dict, fieldsets: dict) -> None:
    for name, fields in fieldsets.items():
        b.layouts[name] = fields
    for name, reg in registers.items():
        if reg["fields"]:
            b.layouts[name] = reg["fields"]
    for name, reg in registers.items():
        target, layout = reg, None
        for _ in range(3):  # Mapping -> register (-> Fields): at most two hops
            if target["fields"]:
                layout = next(n for n, r in registers.items() if r is target)
                break
            if target["ref"]:
                layout = target["ref"]
                break
            if not target["mapping"]:
                break
            target = registers[target["mapping"]]
        if layout is not None and layout not in b.layouts:
            print(f"warning: sysreg {name} refers to undefined fields {layout}", file=sys.stderr)
            layout = None
        b.add(regid.encode_sysreg(*reg["enc"]), name, layout=layout)


def aa64_name(row: dict) -> str:
    """AArch64 name for a QEMU row: BOTH registers named after their AArch32 view get _EL1."""
    name = row["name"]
    if row["state"] != "ARM_CP_STATE_BOTH" or re.search(r"_EL\d+$", name) \
            or name.startswith("RES_"):
        return name
    return facts.AA64_ARCH_NAMES.get(name, name + "_EL1")


def aa32_name(qemu_name: str) -> str:
    """AArch32 architectural name for a QEMU name (QEMU uses AArch64 names for BOTH views)."""
    base, secure = (qemu_name[:-2], "_S") if qemu_name.endswith("_S") else (qemu_name, "")
    if base in facts.AA32_ARCH_NAMES:
        return facts.AA32_ARCH_NAMES[base] + secure
    return re.sub(r"_EL1$", "", base) + secure


def add_qemu_table(b: Builder, rows: list[dict]) -> None:
    """QEMU 7.2 names: AArch64 ids (registers, not op0=1 instructions) and AArch32 ids."""
    def usable(r):
        return r["wildcard_primary"] != "no" and (
            r["builds"] == "all" or "system-aarch64" in r["builds"])

    ranked = sorted((r for r in rows if usable(r)), key=lambda r: (
        r["migrate_aa64"] not in ("yes", "pre-v8 only"), int(r["line"] or 0), r["name"]))
    for row in ranked:
        if row["kvm_id_aa64"] and row["opc0"] in ("2", "3"):
            name = aa64_name(row)
            b.add(int(row["kvm_id_aa64"], 16), name, aliases=(row["name"],))
    candidates: dict[int, list] = {}
    for row in rows:
        if not usable(row) or not row["name"]:
            continue
        for col, mig, suffix in (("kvm_id_aa32", "migrate_aa32", ""),
                                 ("kvm_id_aa32_s", "migrate_aa32_s", "_S")):
            if row[col]:
                rank = (row[mig] not in ("yes", "pre-v8 only"),
                        bool(facts.NOT_ON_V8_ARRAYS.search(row["array"])), bool(row["wildcard"]))
                candidates.setdefault(int(row[col], 16), []).append((rank, row["name"] + suffix))
    for reg_id, cands in sorted(candidates.items()):
        best = min(rank for rank, _ in cands)
        names = sorted({n for rank, n in cands if rank == best}, key=lambda n: (n == "DUMMY", n))
        preferred = facts.PREFERRED_AA32.get(reg_id | regid.AA32_NS)
        if preferred and not reg_id & regid.AA32_NS:
            preferred += "_S"
        chosen = preferred or names[0]
        if len(names) > 1 and not preferred and not best[0]:
            print(f"warning: {regid.format_id(reg_id)} has names {names}; using {chosen}",
                  file=sys.stderr)
        others = {n for _, n in cands if n} - {chosen}
        b.add(reg_id, aa32_name(chosen), aliases=(chosen, *sorted(others)))


def add_kvm_ids(b: Builder, kvm: dict, api: dict, fw_bits: dict[str, int]) -> None:
    """Core registers, SVE, CCSIDR demux, firmware pseudo-registers and the KVM timer names."""
    for row in api["core"]:
        reg_id = regid.ARCH_ARM64 | (row["size"] // 8).bit_length() - 1 << 52 \
            | regid.GROUP_CORE << 16 | row["index"]
        layout = row["name"] if row["name"] in b.layouts else None
        b.add(reg_id, row["name"], aliases=(*row["aliases"], row["member"]), layout=layout)
    base = kvm["sve_base"]
    for n in range(32):
        b.add(regid.parse_register(f"KVM_REG_ARM64_SVE_ZREG({n}, 0)"), f"Z{n}")
    for n in range(16):
        b.add(regid.parse_register(f"KVM_REG_ARM64_SVE_PREG({n}, 0)"), f"P{n}")
    b.add(regid.parse_register("KVM_REG_ARM64_SVE_FFR(0)"), "FFR")
    b.add(regid.parse_register("KVM_REG_ARM64_SVE_VLS"), "SVE_VLS", aliases=("KVM_REG_ARM64_SVE_VLS",))
    if (base.get("ZREG"), base.get("PREG"), base.get("FFR")) != (
            0, regid.SVE_PREG_BASE, regid.SVE_FFR_BASE):
        raise ValueError(f"kvm.h SVE bases {base} differ from app.model.registers.regid")
    for csselr in range(14):
        name = f"CCSIDR_L{csselr // 2 + 1}{'I' if csselr & 1 else 'D'}"
        b.add(regid.parse_register(f"KVM_REG_ARM_DEMUX_CCSIDR({csselr})"), name,
              aliases=(f"CCSIDR({csselr})",), layout="CCSIDR_EL1")
    for n, name in kvm["fw"].items():
        b.layouts[name] = firmware_layout(name, kvm["workaround"].get(int(name[-1]))
                                          if "WORKAROUND" in name else None)
        b.add(regid.fw_reg(n), name, aliases=("KVM_REG_ARM_" + name,), layout=name)
    for n, name in kvm["bmap"].items():
        bits = kvm["bmap_bits"].get(n, {})
        for bit, field in bits.items():
            full = f"KVM_REG_ARM_{name.removesuffix('_BMAP').removesuffix('_BMAP_2')}_BIT_{field}"
            if fw_bits.get(full) != bit:
                raise ValueError(f"fw-pseudo-registers.rst and kvm.h disagree on {full}")
        b.layouts[name] = [{"n": f, "h": bit, "l": bit} for bit, f in sorted(bits.items(),
                                                                              reverse=True)]
        b.add(regid.fw_feat_bmap_reg(n), name, aliases=("KVM_REG_ARM_" + name,), layout=name)
    for macro, enc in kvm["timers"].items():
        reg_id, full = regid.encode_sysreg(*enc), "KVM_REG_ARM_" + macro
        if full in api["timer_swap"]:
            meant = b.named(api["timer_swap"][full])
            b.kvm[reg_id] = {"n": full, "a": {full, macro, api["timer_swap"][full]},
                             "l": b.entries.get(meant, {}).get("l")}
        else:
            b.add(reg_id, full, aliases=(macro,))


def firmware_layout(name: str, values) -> list:
    if name in facts.HAND_LAYOUTS:
        return copy.deepcopy(facts.HAND_LAYOUTS[name])
    enums, fields = [], []
    for label, value in values or ():
        m = re.fullmatch(r"\(1U?\s*<<\s*(\d+)\)", value)
        if m:
            fields.append({"n": label, "h": int(m.group(1)), "l": int(m.group(1))})
        else:
            enums.append([int(value, 0), label])
    return fields + [{"n": "State", "h": 3, "l": 0, "e": sorted(enums)}]


def add_hand_layouts(b: Builder, implementers: dict, parts: dict) -> None:
    for key, fields in (*facts.HAND_LAYOUTS.items(), *facts.AA32_LAYOUTS.items()):
        if key in b.layouts:
            raise ValueError(f"hand layout {key} clashes with the sysreg file")
        b.layouts[key] = copy.deepcopy(fields)
    for field in b.layouts["MIDR_EL1"]:
        if field["n"] == "Implementer":
            field["e"] = sorted([v, n] for v, n in implementers.items())
        if field["n"] == "PartNum":
            field["ke"] = [[imp, sorted([p, n] for p, n in table.items())]
                           for imp, table in sorted(parts.items())]
    for reg_id, entry in b.entries.items():
        enc = regid.decode(reg_id)
        if entry.get("l") or enc.kind != "sysreg64":
            continue
        name = entry["n"]
        fieldset = re.sub(r"_EL\d+$", "_ELx", name)
        if name in facts.HAND_LAYOUT_OF:
            entry["l"] = facts.HAND_LAYOUT_OF[name]
        elif facts.TIMER_CTL.match(name):
            entry["l"] = "CNT_CTL"
        elif fieldset != name and fieldset in b.layouts:
            entry["l"] = fieldset


def attach_safety(b: Builder, rows: list[dict]) -> int:
    """Put ftr-safety.csv rules on the fields of each register's own layout; returns count."""
    attached = 0
    for row in rows:
        reg_id = regid.encode_sysreg(*(int(row[k]) for k in ("op0", "op1", "crn", "crm", "op2")))
        entry = b.entries.get(reg_id)
        if entry is None or not entry.get("l"):
            raise ValueError(f"ftr-safety.csv: {row['register']} has no layout to attach to")
        if entry["l"] != row["register"]:
            b.layouts[row["register"]] = copy.deepcopy(b.layouts[entry["l"]])
            entry["l"] = row["register"]
        msb, lsb = int(row["msb"]), int(row["lsb"])
        field = next((f for f in b.layouts[entry["l"]] if (f["h"], f["l"]) == (msb, lsb)), None)
        if field is None:
            raise ValueError(f"ftr-safety.csv: {row['register']} has no field at {msb}:{lsb}")
        field["f"], field["v"] = row["safety"], int(row["safe_val"])
        if row["signed"] == "1":
            field["s"] = 1
        attached += 1
    return attached


def add_aa32_layouts(b: Builder, rows: list[dict]) -> None:
    """32-bit AArch32 registers: those facts.AA32_LAYOUT_OF names get their own (Arm ARM)
    layout; the other ID/timer registers share the layout of their AArch64 counterpart, which
    narrow_views then restricts to bits [31:0] (or drops, where it cannot be restricted)."""
    pairs = {}
    for row in rows:
        if row["kvm_id_aa64"]:
            for col in ("kvm_id_aa32", "kvm_id_aa32_s"):
                if row[col]:
                    pairs[int(row[col], 16)] = int(row["kvm_id_aa64"], 16)
    for reg_id, entry in b.entries.items():
        enc = regid.decode(reg_id)
        if enc.kind != "aa32" or enc.is64 or entry.get("l"):
            continue
        own = facts.AA32_LAYOUT_OF.get(entry["n"].removesuffix("_S"))
        if own:
            entry["l"] = own
            continue
        if facts.TIMER_CTL.match(entry["n"]):
            entry["l"] = "CNT_CTL"
            continue
        partner = pairs.get(reg_id)
        # AArch32 c0 ID registers (crm 0-2) are views of (3, opc1, 0, crm, opc2); c0,c3 and up
        # are reserved in AArch32 (MVFRn are read with VMRS, not MRC).
        if partner is None and enc.cp == 15 and enc.crn == 0 and enc.opc1 in (0, 1) \
                and enc.crm <= 2:
            op1 = 3 if (enc.opc1, enc.crm, enc.opc2) == (0, 0, 1) else enc.opc1  # CTR -> CTR_EL0
            partner = regid.encode_sysreg(3, op1, 0, enc.crm, enc.opc2)
        other = b.entries.get(partner)
        if other and other.get("l") and other["c"] in ("id", "timer"):
            entry["l"] = other["l"]


def narrow_layout(layouts: dict[str, list], key: str, size: int) -> str | None:
    """The key of layout ``key`` as a ``size``-bit register shows it (bits [size-1:0] of the
    wider register; see facts.AA32_LAYOUTS for why): ``key`` itself when every field fits,
    else a new layout ``key[size-1:0]`` without the fields above and with reserved ranges
    clipped; None when a field that is not reserved crosses bit ``size`` (the narrow register
    has a format of its own, which the database does not know)."""
    fields = layouts[key]
    if all(f["h"] < size for f in fields):
        return key
    kept = []
    for field in fields:
        if field["l"] >= size:
            continue
        if field["h"] >= size:
            if not field.get("r"):
                return None
            field = {**field, "h": size - 1}
        kept.append(copy.deepcopy(field))
    narrow = f"{key}[{size - 1}:0]"
    if layouts.setdefault(narrow, kept) != kept:
        raise ValueError(f"layout {narrow} is already defined differently")
    return narrow


def narrow_views(b: Builder) -> list[str]:
    """Give every id narrower than 64 bits (AArch32 registers, the 32-bit KVM core and CCSIDR
    ids) a layout that fits in it; returns the names of those left without one."""
    lost = []
    for table in (b.entries, b.kvm):
        for reg_id, entry in table.items():
            size = regid.decode(reg_id).size_bits
            if not entry.get("l") or size >= 64:
                continue
            narrow = narrow_layout(b.layouts, entry["l"], size)
            if narrow is None:
                lost.append(entry["n"])
                del entry["l"]
            else:
                entry["l"] = narrow
    return sorted(lost)


def check_layouts(b: Builder) -> None:
    """Every layout named exists, every class is known, and no field lies beyond its register's
    width (a 32-bit register never shows bit 32 or above)."""
    for table in (b.entries, b.kvm):
        for reg_id, entry in table.items():
            key = entry.get("l")
            if (key and key not in b.layouts) or entry["c"] not in facts.CLASSES:
                raise ValueError(f"{entry['n']}: bad layout {key} or class {entry['c']}")
            size = regid.decode(reg_id).size_bits
            wide = [f["n"] for f in b.layouts[key] if f["h"] >= size] if key else []
            if wide:
                raise ValueError(f"{entry['n']} is {size}-bit but layout {key} has {wide}")


def model_table_version(rows: list[dict]) -> str:
    """Which QEMU files (at which commits) qemu-cpu-model-cpregs.csv was read from."""
    commits = sorted({(r["source_file"], r["source_commit"]) for r in rows})
    return "QEMU master " + ", ".join(f"{f}@{c[:12]}" for f, c in commits)


def build(reference: Path, linux: Path, qemu_table_version: str) -> dict:
    texts = {key: (linux / rel).read_text(encoding="utf-8") for key, rel in LINUX_FILES.items()}
    ftr_path, qemu_path = reference / "ftr-safety.csv", reference / "qemu72-cpregs.csv"
    model_path = reference / "qemu-cpu-model-cpregs.csv"
    ftr_rows, qemu_rows = src.read_csv(ftr_path), src.read_csv(qemu_path)
    model_rows = src.read_csv(model_path)
    registers, fieldsets = src.parse_sysreg(texts["sysreg"])
    implementers, parts = src.parse_cputype(texts["cputype"])
    kvm, api = src.parse_kvm_h(texts["kvm_h"]), src.parse_api_rst(texts["api_rst"])
    b = Builder()
    add_sysreg_file(b, registers, fieldsets)
    for enc, name in sorted(src.parse_get_reg_list(texts["get_reg_list"]).items()):
        b.add(regid.encode_sysreg(*enc), name)
    add_qemu_table(b, qemu_rows)
    cpu_models = models.add_cpu_model_table(b, model_rows, qemu_rows, parts, aa64_name, aa32_name)
    for enc, (name, aliases) in sorted(facts.NEWER_QEMU_AA64.items()):
        b.add(regid.encode_sysreg(*enc), name, aliases=aliases)
    for (cp, opc1, crn, crm, opc2), (name, aliases) in sorted(facts.NEWER_QEMU_AA32.items()):
        b.add(regid.encode_aa32(cp, opc1, crn, crm, opc2), name, aliases=aliases)
    add_hand_layouts(b, implementers, parts)
    add_kvm_ids(b, kvm, api, src.parse_fw_rst(texts["fw_rst"]))
    state.add_state_registers(b, regid.encode_sysreg, regid.private_reg)
    for reg_id, entry in b.entries.items():
        entry["c"] = facts.classify(entry["n"], regid.decode(reg_id))
    attached = attach_safety(b, ftr_rows)
    add_aa32_layouts(b, qemu_rows)
    for entry in b.kvm.values():
        entry["c"] = "timer"
    lost = narrow_views(b)
    check_layouts(b)
    inputs = {f"linux/{rel}": texts[key] for key, rel in LINUX_FILES.items()}
    inputs.update({path.name: path.read_text(encoding="utf-8")
                   for path in (ftr_path, qemu_path, model_path)})
    print(f"{len(b.entries)} ids, {len(b.kvm)} KVM overrides, {len(b.layouts)} layouts, "
          f"{attached} safety rules, {len(cpu_models)} CPU models", file=sys.stderr)
    if lost:
        print(f"no layout for the narrow view of: {', '.join(lost)}", file=sys.stderr)
    return {
        "format": FORMAT,
        "versions": {"generator": GENERATOR_VERSION, "linux": src.linux_version(linux),
                     "qemu_cpregs_table": qemu_table_version,
                     "qemu_cpu_model_table": model_table_version(model_rows),
                     "inputs": {k: hashlib.sha256(v.encode()).hexdigest()[:16]
                                for k, v in inputs.items()}},
        "layouts": b.layouts,
        "regs": {regid.format_id(i): _entry_json(e) for i, e in b.entries.items()},
        "kvm": {regid.format_id(i): _entry_json(e) for i, e in b.kvm.items()},
        "models": {model: {**m, "ids": [regid.format_id(i) for i in m["ids"]],
                           "regs": {regid.format_id(i): n for i, n in m["regs"].items()}}
                   for model, m in cpu_models.items()},
    }


def _entry_json(entry: dict) -> dict:
    out = {"n": entry["n"], "c": entry["c"]}
    aliases = sorted(set(entry["a"]) - {entry["n"]})
    if aliases:
        out["a"] = aliases
    if entry.get("l"):
        out["l"] = entry["l"]
    if entry.get("dup"):
        out["d"] = 1  # another id had this primary name first: find() resolves to that one
    return out


def dumps(db: dict) -> str:
    """Sorted JSON with one line per register and per layout (small diffs, byte-stable)."""
    def line(value) -> str:
        return json.dumps(value, sort_keys=True, separators=(",", ":"))

    parts = []
    for key in sorted(db):
        value = db[key]
        if key in ("layouts", "regs", "kvm", "models"):
            body = ",\n".join(f"{json.dumps(k)}:{line(v)}" for k, v in sorted(value.items()))
            parts.append(f'"{key}":{{\n{body}\n}}')
        else:
            parts.append(f"{json.dumps(key)}:{line(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reference", type=Path, default=REPO.parent / "shared" / "reference")
    ap.add_argument("--linux", type=Path, help="Linux tree (default REFERENCE/linux-7.2.13)")
    ap.add_argument("--qemu-table-version", default="7.2.22",
                    help="QEMU release qemu72-cpregs.csv was read from")
    ap.add_argument("--output", "-o", type=Path, default=REPO / "resources" / "regdb.json")
    ap.add_argument("--check", action="store_true",
                    help="do not write; exit 1 if OUTPUT differs from what would be generated")
    args = ap.parse_args(argv)
    text = dumps(build(args.reference, args.linux or args.reference / "linux-7.2.13",
                       args.qemu_table_version))
    if args.check:
        same = args.output.exists() and args.output.read_text(encoding="utf-8") == text
        print(f"{args.output}: {'up to date' if same else 'OUT OF DATE'}", file=sys.stderr)
        return 0 if same else 1
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({len(text)} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
