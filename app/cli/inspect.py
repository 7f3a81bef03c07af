"""The headless commands behind ``cpreg-explorer show|diff|decode``.

Each returns the process exit code. Bad input raises FormatError, which app.cli turns into a
one-line message and exit code 2.
"""

from __future__ import annotations

import sys

from app.cli import print_json
from app.cli import state as cli_state
from app.cli.progress import load_with_progress as load
from app.model.compare.diff import Diff, Status, diff
from app.model.compare.state_diff import diff_state
from app.model.errors import FormatError
from app.model.registers import regdb, regid
from app.model.reports.diff_report import diff_json, hex_or_none, show_json
from app.model.reports.state_report import add_diff_state, add_show_state
from app.model.sources.register_set import RegisterSet


def _vcpu_filter(text: str, regs: RegisterSet | None = None) -> int | None:
    if text == "all":
        return None
    try:
        index = int(text, 0)
    except ValueError:
        raise FormatError(f"--vcpu takes a vCPU index or 'all', not {text!r}") from None
    if regs is not None and index not in {c.index for c in regs.vcpus}:
        raise FormatError(f"--vcpu {index}: the source has vCPUs "
                          f"0..{len(regs.vcpus) - 1}", path=regs.provenance.path)
    return index


def _describe(label: str, regs: RegisterSet) -> str:
    p = regs.provenance
    counts = sorted({len(c) for c in regs.vcpus})
    per = "/".join(str(n) for n in counts)
    return (f"{label}: {p.path} ({p.format}; machine {p.machine or '?'}; writer "
            f"{p.writer or '?'}; {p.accel}; {len(regs.vcpus)} vCPU(s), {per} cpregs each)")


def cmd_show(args) -> int:
    regs = load(args.file)
    only = _vcpu_filter(args.vcpu, regs)
    data = show_json(regs)
    if only is not None:
        data["vcpus"] = [c for c in data["vcpus"] if c["vcpu"] == only]
    state = not args.no_state_groups
    if args.json:
        print_json(add_show_state(data, regs, only) if state else data)
        return 0
    out = sys.stdout
    out.write(_describe("source", regs) + "\n")
    for cpu in data["vcpus"]:
        out.write(f"\nvCPU {cpu['vcpu']}: {len(cpu['registers'])} registers\n")
        for reg in cpu["registers"]:
            value = reg["value"] or "(no value)"
            out.write(f"  {reg['id']}  {reg['name']:<24} {reg['class']:<9} {value}\n")
        if state:
            cli_state.write_vcpu_groups(out, regs.cpu_state.vcpu(cpu["vcpu"]), regs.accel)
    if state:
        cli_state.write_show_summary(out, regs, only)
    return 0


def selected_rows(rows, args, only: int | None, accel: str):
    """The rows ``diff`` prints (cpreg or CPU-state rows): --vcpu, --all and --hide-state."""
    for row in rows:
        if only is not None and row.vcpu != only:
            continue
        if not args.all and row.status is Status.MATCH:
            continue
        if (args.hide_state and row.status is Status.VALUE_MISMATCH
                and regdb.lookup(row.id, accel).cls in regdb.GUEST_STATE_CLASSES):
            continue
        yield row


def load_sides(src_path: str, dst_path: str | None) -> tuple[RegisterSet, RegisterSet]:
    """Two sources, or one file that names both sides (a QEMU destination log)."""
    if dst_path is not None:
        return load(src_path), load(dst_path)
    from app.model.sources.readers import load_pair

    pair = load_pair(src_path)
    if pair is None:
        raise FormatError("this source describes one side only: give SRC and DST",
                          path=src_path)
    return pair


def cmd_diff(args) -> int:
    src, dst = load_sides(args.src, args.dst)
    result = diff(src, dst)
    accel = src.accel if src.accel != "unknown" else dst.accel
    only = _vcpu_filter(args.vcpu)
    rows = list(selected_rows(result.rows, args, only, accel))
    state = None if args.no_state_groups else diff_state(src, dst)
    state_rows = [] if state is None else list(selected_rows(state.rows, args, only, accel))
    if args.json:
        data = diff_json(src, dst, result, rows)
        print_json(data if state is None else add_diff_state(data, state, state_rows, accel))
        return 0
    write_diff_text(sys.stdout, src, dst, result, rows, accel)
    if state is not None:
        cli_state.write_diff_state(sys.stdout, state, state_rows, accel)
    return 0


def write_diff_text(out, src, dst, result: Diff, rows, accel: str) -> None:
    out.write(_describe("source (incoming)", src) + "\n")
    out.write(_describe("destination (local)", dst) + "\n")
    notes = dict.fromkeys(n for side in (src, dst) for n in side.provenance.notes)
    for note in notes:
        out.write(f"note: {note}\n")
    if result.src_vcpus != result.dst_vcpus:
        out.write(f"vCPUs differ: the source has {result.src_vcpus}, the destination "
                  f"{result.dst_vcpus}\n")
    counts = result.counts()
    summary = ", ".join(f"{n} {s.value}" for s, n in counts.items() if n) or "none"
    out.write(f"rows: {summary}\n\n")
    out.write(f"{'vcpu':>4}  {'status':<15} {'name':<24} {'id':<18} {'class':<9} "
              f"{'source':<18} {'destination':<18}\n")
    for row in rows:
        info = regdb.lookup(row.id, accel)
        status = row.status.value
        if row.status is Status.VALUE_MISMATCH and info.cls in regdb.GUEST_STATE_CLASSES:
            status += "*"
        out.write(f"{row.vcpu:>4}  {status:<15} {info.name:<24} {regid.format_id(row.id):<18} "
                  f"{info.cls:<9} {hex_or_none(row.src) or '-':<18} "
                  f"{hex_or_none(row.dst) or '-':<18}\n")
    if any(r.status is Status.VALUE_MISMATCH
           and regdb.lookup(r.id, accel).cls in regdb.GUEST_STATE_CLASSES for r in rows):
        out.write("\n* guest state: values legitimately differ between VMs; not a migration "
                  "problem (--hide-state hides them)\n")


def cmd_decode(args) -> int:
    from app.model.registers.decode import decode_words

    data = decode_words(args.words, args.accel)
    if args.json:
        print_json(data)
        return 0
    out = sys.stdout
    out.write(f"{data['name']}  {data['id']}  class {data['class']}\n")
    out.write(f"encoding: {data['encoding']}\n")
    if data.get("aliases"):
        out.write(f"also known as: {', '.join(data['aliases'])}\n")
    if data.get("value") is not None:
        out.write(f"value: {data['value']}\n")
    for fld in data.get("fields", []):
        bits = f"{fld['msb']}:{fld['lsb']}" if fld["msb"] != fld["lsb"] else str(fld["msb"])
        line = f"  {fld['name']:<16} [{bits:>5}]"
        if "value" in fld:
            line += f"  {fld['value']:#x}"
            if fld.get("meaning"):
                line += f"  {fld['meaning']}"
        if fld.get("safety"):
            line += f"  ({fld['safety']})"
        out.write(line + "\n")
    return 0
