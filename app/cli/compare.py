"""``cpreg-explorer diff``: QEMU's sorted merge of the incoming side into the local one.

Prints the rows scripts and people look at (differences by default), the stream's RAM blocks
and device sections side by side, then the CPU state QEMU migrates outside the cpreg arrays,
as text or JSON.
"""

from __future__ import annotations

import sys

from app.cli import state as cli_state
from app.cli.inspect import describe_source, load_sides, vcpu_filter
from app.cli.output import print_json
from app.model.compare.diff import Diff, Status, diff
from app.model.compare.state_diff import diff_state
from app.model.compare.stream_diff import diff_stream
from app.model.registers import regdb, regid
from app.model.registers.regdb import ModelSpec
from app.model.reports.diff_report import diff_json, hex_or_none
from app.model.reports.state_report import add_diff_state
from app.model.reports.stream_report import add_stream, stream_text
from app.model.sources.register_set import shared_cpu_model


def selected_rows(rows, args, only: int | None, accel: str, model: ModelSpec = None):
    """The rows ``diff`` prints (cpreg or CPU-state rows): --vcpu, --all and --hide-state."""
    for row in rows:
        if only is not None and row.vcpu != only:
            continue
        if not args.all and row.status is Status.MATCH:
            continue
        if (args.hide_state and row.status is Status.VALUE_MISMATCH
                and regdb.lookup(row.id, accel, model).cls in regdb.GUEST_STATE_CLASSES):
            continue
        yield row


def cmd_diff(args) -> int:
    src, dst = load_sides(args.src, args.dst)
    result = diff(src, dst)
    accel = src.accel if src.accel != "unknown" else dst.accel
    model = shared_cpu_model(src, dst)  # names IMPDEF registers the way both sides' model does
    only = vcpu_filter(args.vcpu)
    rows = list(selected_rows(result.rows, args, only, accel, model))
    state = None if args.no_state_groups else diff_state(src, dst)
    state_rows = [] if state is None else list(selected_rows(state.rows, args, only, accel,
                                                             model))
    stream = diff_stream(src, dst)
    if args.json:
        data = add_stream(diff_json(src, dst, result, rows), src, dst, stream)
        print_json(data if state is None else add_diff_state(data, state, state_rows, accel))
        return 0
    write_diff_text(sys.stdout, src, dst, result, rows, accel, model)
    sys.stdout.write("\n".join(stream_text(src, dst, stream, args.all)) + "\n")
    if state is not None:
        cli_state.write_diff_state(sys.stdout, state, state_rows, accel, model)
    return 0


def write_diff_text(out, src, dst, result: Diff, rows, accel: str,
                    model: ModelSpec = None) -> None:
    out.write(describe_source("source (incoming)", src) + "\n")
    out.write(describe_source("destination (local)", dst) + "\n")
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
        info = regdb.lookup(row.id, accel, model)
        status = row.status.value
        if row.status is Status.VALUE_MISMATCH and info.cls in regdb.GUEST_STATE_CLASSES:
            status += "*"
        out.write(f"{row.vcpu:>4}  {status:<15} {info.name:<24} {regid.format_id(row.id):<18} "
                  f"{info.cls:<9} {hex_or_none(row.src) or '-':<18} "
                  f"{hex_or_none(row.dst) or '-':<18}\n")
    if any(r.status is Status.VALUE_MISMATCH
           and regdb.lookup(r.id, accel, model).cls in regdb.GUEST_STATE_CLASSES for r in rows):
        out.write("\n* guest state: values legitimately differ between VMs; not a migration "
                  "problem (--hide-state hides them)\n")
