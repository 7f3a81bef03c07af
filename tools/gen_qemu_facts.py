#!/usr/bin/env python3
"""Generate resources/qemu-facts.json: what a destination QEMU does with a migrated cpreg value.

The verdict engine needs two facts the register database does not carry:

* which cpregs QEMU 7.2 treats as constants under TCG. ``write_list_to_cpustate`` writes every
  incoming value and reads it back; a register declared ``ARM_CP_CONST`` ignores the write, so
  any other value fails the load (EPERM). Read from ``type_flags`` of qemu72-cpregs.csv, per
  migrated id (``migrate_*`` yes / pre-v8 only, qemu-system-aarch64 build). An id shared by
  several CPU families' definitions is ``mixed`` unless every definition is constant.
  ``WRITE_IGNORED`` adds the few registers that are not ARM_CP_CONST yet behave the same way
  (a readfn computes the value, ``arm_cp_write_ignore`` drops the write): the CSV records
  flags, not hooks, so these come from reading the definitions it points to.
* which ID-register fields the kernel shows to user space (ftr-safety.csv ``visible``): a
  visible or conditional field is a feature software may discover and use; hidden ones are not.

Deterministic: the same inputs give a byte-identical file (``--check`` verifies). Usage:

    python tools/gen_qemu_facts.py [--reference DIR] [--output resources/qemu-facts.json] [--check]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_REFERENCE = REPO.parent / "shared" / "reference"
DEFAULT_OUTPUT = REPO / "resources" / "qemu-facts.json"
FORMAT = 1
GENERATOR_VERSION = "1"

# (name, CSV source line) -> why the register behaves as a constant although not ARM_CP_CONST.
WRITE_IGNORED = {
    ("L2CTLR_EL1", "target/arm/cpu_tcg.c:102"):
        "readfn a57_l2ctlr_read returns (number of CPUs - 1) << 24; writefn arm_cp_write_ignore",
    ("L2CTLR", "target/arm/cpu_tcg.c:106"):
        "AArch32 view of L2CTLR_EL1: readfn a57_l2ctlr_read, writefn arm_cp_write_ignore",
    ("L2CTLR", "target/arm/cpu_tcg.c:523"):
        "Cortex-A15 L2CTLR: readfn a15_l2ctlr_read (number of CPUs), writefn arm_cp_write_ignore",
}
_VIEWS = (("kvm_id_aa64", "migrate_aa64"), ("kvm_id_aa32", "migrate_aa32"),
          ("kvm_id_aa32_s", "migrate_aa32_s"))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _in_system_aarch64(row: dict) -> bool:
    return row["builds"] == "all" or "system-aarch64" in row["builds"].split()


def _behaviour(row: dict) -> str:
    """'const', 'write-ignored' or 'writable' for one CSV definition."""
    if "CONST" in row["type_flags"].split("|"):
        return "const"
    if (row["name"], f"{row['source_file']}:{row['line']}") in WRITE_IGNORED:
        return "write-ignored"
    return "writable"


def migrated_ids(rows: list[dict]) -> dict[str, str]:
    """Hex id -> 'const' | 'write-ignored' | 'writable' | 'mixed' for every migrated id."""
    seen: dict[int, set[str]] = {}
    for row in rows:
        if not _in_system_aarch64(row):
            continue
        for id_col, mig_col in _VIEWS:
            if row[id_col] and row[mig_col] in ("yes", "pre-v8 only"):
                seen.setdefault(int(row[id_col], 16), set()).add(_behaviour(row))
    out = {}
    for reg_id, kinds in sorted(seen.items()):
        if len(kinds) == 1:
            out["0x%016x" % reg_id] = kinds.pop()
        elif "writable" not in kinds:  # every definition refuses a different value
            out["0x%016x" % reg_id] = "write-ignored" if "write-ignored" in kinds else "const"
        else:
            out["0x%016x" % reg_id] = "mixed"
    return out


def field_visibility(rows: list[dict]) -> dict[str, dict[str, str]]:
    """Register name -> field name -> 'visible' | 'hidden' | 'conditional'."""
    out: dict[str, dict[str, str]] = {}
    for row in rows:
        if row["field"]:
            out.setdefault(row["register"], {})[row["field"]] = row["visible"]
    return {reg: dict(sorted(fields.items())) for reg, fields in sorted(out.items())}


def build(reference: Path) -> dict:
    cpregs, ftr = reference / "qemu72-cpregs.csv", reference / "ftr-safety.csv"
    with open(cpregs, newline="") as f:
        cpreg_rows = list(csv.DictReader(f))
    with open(ftr, newline="") as f:
        ftr_rows = list(csv.DictReader(f))
    return {
        "format": FORMAT,
        "generator": f"tools/gen_qemu_facts.py {GENERATOR_VERSION}",
        "sources": {"qemu72-cpregs.csv": _sha256(cpregs), "ftr-safety.csv": _sha256(ftr)},
        "write_ignored": [f"{name} ({where}): {why}"
                          for (name, where), why in sorted(WRITE_IGNORED.items())],
        "qemu72_tcg": migrated_ids(cpreg_rows),
        "ftr_visibility": field_visibility(ftr_rows),
    }


def render(facts: dict) -> str:
    return json.dumps(facts, indent=1, sort_keys=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--check", action="store_true",
                        help="fail if the output file differs from what the inputs give")
    args = parser.parse_args(argv)
    text = render(build(args.reference))
    if args.check:
        current = args.output.read_text() if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is stale: rerun tools/gen_qemu_facts.py", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
