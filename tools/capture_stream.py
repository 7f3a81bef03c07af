#!/usr/bin/env python3
"""Save a migration stream from a fresh, paused ARM64 QEMU VM into a file.

This is how the project makes its own test fixtures (see tests/data/README.md) and how a user
can produce a stream of the exact QEMU/CPU/machine combination they want to compare. It is a thin
command line over app.model.capture.capture_stream and prints the command, QEMU version and size
so the provenance of every file can be recorded.

Example:
    tools/capture_stream.py --cpu max,sve=off --smp 2 -o tests/data/q72-max-sve-off-smp2.mig
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.model.sources.capture import TRANSPORTS, CaptureError, capture_stream  # noqa: E402


def build_parser() -> argparse.ArgumentParser:
    """The options: what VM to start and where to save its state."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("-o", "--output", required=True, help="stream file to write")
    p.add_argument("--cpu", default="cortex-a57", help="-cpu value, properties allowed "
                   "(default: %(default)s; e.g. max,sve=off)")
    p.add_argument("--machine", default="virt", help="-M value, properties allowed "
                   "(default: %(default)s; e.g. virt-7.2 or virt,gic-version=3)")
    p.add_argument("--accel", default="tcg", help="accelerator (default: %(default)s)")
    p.add_argument("--smp", type=int, default=1, help="number of vCPUs (default: %(default)s)")
    p.add_argument("--memory-mb", type=int, default=64,
                   help="guest RAM in MiB; every page costs stream bytes (default: %(default)s)")
    p.add_argument("--suppress-vmdesc", action="store_true",
                   help="add suppress-vmdesc=on to the machine: no JSON description at the end")
    p.add_argument("--qemu", default="qemu-system-aarch64",
                   help="QEMU binary name or path (default: %(default)s)")
    p.add_argument("--extra", action="append", default=[], metavar="ARGS",
                   help="extra QEMU arguments, split like a shell would; repeatable")
    p.add_argument("--timeout", type=float, default=60, help="seconds (default: %(default)s)")
    p.add_argument("--transport", choices=TRANSPORTS, default="auto",
                   help="how QEMU writes the file: migrate fd: or file:/dev/fdset/N; auto picks "
                        "file: for QEMU 8.2+ (11.1 refuses fd: to a file) (default: %(default)s)")
    return p


def main(argv: list[str] | None = None) -> int:
    """Capture one stream; exit 0 on success, 1 with a one-line reason on failure."""
    args = build_parser().parse_args(argv)
    extra = [word for chunk in args.extra for word in shlex.split(chunk)]
    try:
        result = capture_stream(
            args.output, cpu=args.cpu, machine=args.machine, accel=args.accel, smp=args.smp,
            extra_args=extra, qemu_binary=args.qemu, timeout=args.timeout,
            suppress_vmdesc=args.suppress_vmdesc, memory_mb=args.memory_mb,
            transport=args.transport)
    except CaptureError as exc:
        print(f"capture_stream: error: {exc}", file=sys.stderr)
        return 1
    size = result.output_path.stat().st_size
    print(f"QEMU:    {result.qemu_version}")
    print(f"command: {shlex.join(result.command)}")
    print(f"migrate: {result.transport}:")
    print(f"wrote:   {result.output_path} ({size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
