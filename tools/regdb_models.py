"""CPU-model-specific registers for tools/gen_regdb.py, from qemu-cpu-model-cpregs.csv.

The table lists the definition arrays current QEMU registers per ``-cpu`` model (the
IMPLEMENTATION DEFINED registers of neoverse-n1/-v1/-n2, cortex-a710, the cortex-a53/a57/a72
family, the 32-bit cortex-a8/a9/a15/r5/r52 ...) with the models that register each array. From
it the generator derives:

- names for the ids no earlier source names (earlier sources win: Linux's sysreg file, the
  KVM selftest, the QEMU 7.2 table); every spelling becomes an alias;
- where models give one encoding different names (0x603000000013f796 is CPUPPMCR3_EL3 on a
  neoverse-v1 and CPUPPMCR6_EL3 on a cortex-a710/neoverse-n2), a neutral name that says so
  ("CPUPPMCR3_EL3/CPUPPMCR6_EL3") and the name per model;
- per model: the ids that tell it apart in a cpreg list (its migrated model-specific ids that
  no generic QEMU definition also registers) and its MIDR implementer/part number, matched by
  name against Linux's asm/cputype.h (``cortex-a710`` -> ``ARM_CPU_PART_CORTEX_A710``).

The result is the ``models`` section of regdb.json; app.model.registers.cpu_model reads it.
"""

from __future__ import annotations

import re
import sys

ARM_IMPLEMENTER = 0x41
# qemu72-cpregs.csv rows from these files are CPU-independent definitions (registered by
# feature, not by model): an id they migrate says nothing about which model wrote a list.
GENERIC_FILES = ("target/arm/helper.c", "target/arm/debug_helper.c")
MIGRATED = ("yes", "pre-v8 only")


def _models(row: dict) -> list[str]:
    return row["cpu_models"].split()


def row_names(row: dict, aa64_name, aa32_name) -> list[tuple[int, str]]:
    """(id, name) of each view a row defines: the AArch64 id (any op0: QEMU defines
    RAMINDEX_EL3 with op0=1 and migrates it) and the AArch32 non-secure/only instance. The
    secure-bank alias (kvm_id_aa32_s) is never migrated and is not named from here."""
    out = []
    if row["kvm_id_aa64"]:
        out.append((int(row["kvm_id_aa64"], 16), aa64_name(row)))
    if row["kvm_id_aa32"]:
        out.append((int(row["kvm_id_aa32"], 16), aa32_name(row["name"])))
    return out


def generic_ids(qemu72_rows: list[dict]) -> set[int]:
    """Ids QEMU 7.2 migrates from a definition in generic code (helper.c, debug_helper.c)."""
    ids = set()
    for row in qemu72_rows:
        if row["source_file"] not in GENERIC_FILES or row["wildcard_primary"] == "no":
            continue
        for col, mig in (("kvm_id_aa64", "migrate_aa64"), ("kvm_id_aa32", "migrate_aa32"),
                         ("kvm_id_aa32_s", "migrate_aa32_s")):
            if row[col] and row[mig] in MIGRATED:
                ids.add(int(row[col], 16))
    return ids


def model_midr(model: str, parts: dict[int, dict[int, str]]) -> list[int] | None:
    """[implementer, part number] of a ``-cpu`` name whose Linux part macro has the same name
    (``neoverse-n2`` -> ARM_CPU_PART_NEOVERSE_N2 = 0xD49); None for QEMU's own models (max,
    implementer 0) and the 32-bit cores arm64's cputype.h does not list."""
    wanted = re.sub(r"[^A-Z0-9]", "_", model.upper())
    for part, name in parts.get(ARM_IMPLEMENTER, {}).items():
        if name == wanted:
            return [ARM_IMPLEMENTER, part]
    return None


def add_cpu_model_table(b, rows: list[dict], qemu72_rows: list[dict], parts: dict,
                        aa64_name, aa32_name) -> dict:
    """Name the table's ids in ``b`` (a gen_regdb.Builder) and return the ``models`` section:
    ``{model: {"ids": [...], "regs": {id: name}, "midr": [implementer, part]}}`` where ``ids``
    is the model's fingerprint (its migrated ids no generic definition registers) and ``regs``
    every id its arrays register with the name the model gives it."""
    by_id: dict[int, dict[str, set[str]]] = {}  # id -> name -> models using that name
    order: dict[int, int] = {}
    migrated: dict[str, set[int]] = {}
    for n, row in enumerate(rows):
        for reg_id, name in row_names(row, aa64_name, aa32_name):
            by_id.setdefault(reg_id, {}).setdefault(name, set()).update(_models(row))
            order.setdefault(reg_id, n)
            if row["migrated"] == "yes":
                for model in _models(row):
                    migrated.setdefault(model, set()).add(reg_id)
    per_model: dict[str, dict[int, str]] = {}
    for reg_id in sorted(by_id, key=order.__getitem__):
        names = by_id[reg_id]
        for name, models in names.items():
            for model in models:
                if per_model.setdefault(model, {}).setdefault(reg_id, name) != name:
                    print(f"warning: {model} names {reg_id:#x} both "
                          f"{per_model[model][reg_id]} and {name}", file=sys.stderr)
        spellings = sorted(names)
        neutral = spellings[0] if len(spellings) == 1 else "/".join(spellings)
        earlier = b.entries.get(reg_id)
        if earlier is not None and earlier["n"] in names and len(spellings) > 1:
            # An earlier source chose one of the model names: it stays the model-less name.
            others = ", ".join(s for s in spellings if s != earlier["n"])
            print(f"note: {reg_id:#x} stays {earlier['n']}; per model also {others}",
                  file=sys.stderr)
        if earlier is not None:
            b.add(reg_id, earlier["n"], aliases=spellings)
            continue
        holder = b.named_anywhere(neutral)
        entry = b.add(reg_id, neutral, aliases=spellings)
        if holder is not None:
            # Same name, another encoding, named before (cortex-a710's second CPUPPMCR_EL3;
            # neoverse-n1's CPUACTLR_EL1 vs the cortex-a57's): a model-less find() keeps
            # resolving the name to the id named first.
            entry["dup"] = True
    generic = generic_ids(qemu72_rows)
    section = {}
    for model in sorted(per_model):
        out: dict = {"ids": sorted(migrated.get(model, set()) - generic),
                     "regs": dict(sorted(per_model[model].items()))}
        midr = model_midr(model, parts)
        if midr:
            out["midr"] = midr
        section[model] = out
    return section
