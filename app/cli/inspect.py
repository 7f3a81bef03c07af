"""The headless commands behind ``cpreg-explorer show|diff|decode``.

Each returns the process exit code. Bad input raises FormatError, which app.cli turns into a
one-line message and exit code 2.
"""

from __future__ import annotations

import sys

from app.cli import state as cli_state
from app.cli.output import print_json
from app.cli.progress import load_with_progress as load
from app.model.errors import FormatError
from app.model.reports.diff_report import show_json
from app.model.reports.state_report import add_show_state
from app.model.sources.register_set import RegisterSet


def vcpu_filter(text: str, regs: RegisterSet | None = None) -> int | None:
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


def describe_source(label: str, regs: RegisterSet) -> str:
    p = regs.provenance
    counts = sorted({len(c) for c in regs.vcpus})
    per = "/".join(str(n) for n in counts)
    return (f"{label}: {p.path} ({p.format}; machine {p.machine or '?'}; writer "
            f"{p.writer or '?'}; {p.accel}; {len(regs.vcpus)} vCPU(s), {per} cpregs each)")


def cmd_show(args) -> int:
    regs = load(args.file)
    only = vcpu_filter(args.vcpu, regs)
    data = show_json(regs)
    if only is not None:
        data["vcpus"] = [c for c in data["vcpus"] if c["vcpu"] == only]
    state = not args.no_state_groups
    if args.json:
        print_json(add_show_state(data, regs, only) if state else data)
        return 0
    out = sys.stdout
    out.write(describe_source("source", regs) + "\n")
    for cpu in data["vcpus"]:
        out.write(f"\nvCPU {cpu['vcpu']}: {len(cpu['registers'])} registers\n")
        for reg in cpu["registers"]:
            value = reg["value"] or "(no value)"
            out.write(f"  {reg['id']}  {reg['name']:<24} {reg['class']:<9} {value}\n")
        if state:
            cli_state.write_vcpu_groups(out, regs.cpu_state.vcpu(cpu["vcpu"]), regs.accel,
                                        regs.cpu_model.models)
    if state:
        cli_state.write_show_summary(out, regs, only)
    return 0


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
