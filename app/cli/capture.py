"""``cpreg-explorer capture``: this host's register set in one command.

Runs the locally installed ``qemu-system-aarch64`` paused (``-S``), saves its migration
stream to ``-o FILE`` (app.model.sources.capture) and reads it back, so the file is known to load.
TCG CPU models work on any host; ``--cpu host`` (which implies ``--accel kvm``) and every KVM
capture need an arm64 host with /dev/kvm, which is checked first so the user gets that
sentence rather than QEMU's. Every failure is one line on stderr and exit code 2.
"""

from __future__ import annotations

import os
import platform
import shutil
import sys

from app.model.sources.capture import CaptureError, capture_stream
from app.model.sources.readers import load

ARM64_MACHINES = ("aarch64", "arm64")


def _fail(message: str) -> int:
    print(f"cpreg-explorer: capture: {message}", file=sys.stderr)
    return 2


def kvm_problem(machine: str | None = None, kvm_path: str = "/dev/kvm") -> str | None:
    """Why a KVM capture cannot run here, or None when it can."""
    machine = machine or platform.machine()
    if machine.lower() not in ARM64_MACHINES:
        return (f"KVM capture needs an arm64 host with /dev/kvm; this host is {machine} "
                "(use a TCG CPU model such as --cpu cortex-a57, or run on an arm64 host)")
    if not os.path.exists(kvm_path):
        return "KVM capture needs /dev/kvm, which this arm64 host does not have"
    if not os.access(kvm_path, os.R_OK | os.W_OK):
        return f"KVM capture needs read/write access to {kvm_path} (add yourself to group kvm)"
    return None


def cmd_capture(args) -> int:
    accel = args.accel or ("kvm" if args.cpu == "host" else "tcg")
    if args.cpu == "host" and accel != "kvm":
        return _fail("--cpu host needs --accel kvm (TCG has no 'host' CPU)")
    if args.smp < 1:
        return _fail(f"--smp {args.smp}: need at least 1 vCPU")
    if shutil.which(args.qemu) is None:
        return _fail(f"{args.qemu} is not installed (Debian/Ubuntu: apt-get install "
                     "qemu-system-arm)")
    if accel == "kvm":
        problem = kvm_problem()
        if problem:
            return _fail(problem)
    try:
        result = capture_stream(args.output, cpu=args.cpu, machine=args.machine, accel=accel,
                                smp=args.smp, qemu_binary=args.qemu, timeout=args.timeout)
    except CaptureError as exc:
        return _fail(" ".join(str(exc).split()) or "QEMU failed")
    regs = load(str(result.output_path))
    counts = "/".join(str(n) for n in sorted({len(c) for c in regs.vcpus}))
    print(f"saved {result.output_path}: QEMU {result.qemu_version}, {accel}, cpu {args.cpu}, "
          f"{len(regs.vcpus)} vCPU(s), {counts} cpregs each, machine {regs.provenance.machine}")
    return 0
