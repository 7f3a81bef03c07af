"""The argument parsers of ``cpreg-explorer``: every command, option and default in one place.

Building a parser imports nothing but argparse: each command's handler is named by module and
function and imported only when that command runs, so ``--help``, ``show`` and the GUI start do
not pay for the exporters, the capture code or Qt.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable

from app import __version__

COMMANDS = ("show", "diff", "decode", "check", "suggest", "export", "capture", "fleet")
POLICIES = ("qemu-7.2", "qemu-10.0", "qemu-11.1")
# The names app.model.exporters registers (a test keeps the two equal); spelled out here so
# building the parser does not import every exporter.
EXPORT_FORMATS = ("toml", "json", "qemu-c", "qemu-props", "compat", "firecracker", "markdown")
QEMU = "qemu-system-aarch64"

Handler = Callable[[argparse.Namespace], int]


def lazy(module: str, name: str) -> Handler:
    """A handler that imports ``app.cli.<module>`` only when the command runs."""

    def handler(args: argparse.Namespace) -> int:
        command: Handler = getattr(importlib.import_module(f"app.cli.{module}"), name)
        return command(args)

    return handler


def build_parser() -> argparse.ArgumentParser:
    """The parser of the headless commands (``cpreg-explorer COMMAND ...``)."""
    parser = argparse.ArgumentParser(
        prog="cpreg-explorer",
        description="See, diff and tolerate ARM64 cpreg mismatches behind QEMU migration "
                    "failures. Without a command, opens the explorer window.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_inspect_parsers(sub)
    add_rule_parsers(sub)
    add_capture_parser(sub)
    add_fleet_parser(sub)
    return parser


def build_gui_parser() -> argparse.ArgumentParser:
    """The parser of ``cpreg-explorer [SRC DST | LOG] [--rules FILE] [--demo]``."""
    parser = argparse.ArgumentParser(
        prog="cpreg-explorer",
        epilog=f"Headless commands: {', '.join(COMMANDS)} (cpreg-explorer COMMAND --help).")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("sources", nargs="*", metavar="SRC DST",
                        help="incoming (source) and local (destination) register sources, "
                             "or one QEMU destination log naming both")
    parser.add_argument("--rules", help="a rule file to open with the sources")
    parser.add_argument("--demo", action="store_true",
                        help="open the bundled real pair: QEMU 7.2 -> QEMU 11.1, cortex-a57")
    return parser


def add_inspect_parsers(sub) -> None:
    show = sub.add_parser("show", help="list every vCPU's registers with names and values")
    show.add_argument("file")
    show.add_argument("--vcpu", default="all", help="vCPU index or 'all' (default)")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.add_argument("--no-state-groups", action="store_true",
                      help="leave out the core and GIC registers QEMU migrates outside the "
                           "cpreg arrays")
    show.set_defaults(handler=lazy("inspect", "cmd_show"))

    diff = sub.add_parser("diff", help="QEMU's sorted merge of SRC (incoming) into DST (local)")
    diff.add_argument("src", help="the incoming side: stream or dump the source saved "
                                  "(or a QEMU log alone: it names both sides' anomalies)")
    diff.add_argument("dst", nargs="?", help="the local side: what the destination would save")
    diff.add_argument("--vcpu", default="all", help="vCPU index or 'all' (default)")
    diff.add_argument("--all", action="store_true", help="include matching rows")
    diff.add_argument("--hide-state", action="store_true",
                      help="hide value differences of guest-state registers")
    diff.add_argument("--json", action="store_true", help="machine-readable output")
    diff.add_argument("--no-state-groups", action="store_true",
                      help="leave out the comparison of core/GIC registers and vCPU "
                           "enablement (state outside the cpreg arrays; never in the verdict)")
    diff.set_defaults(handler=lazy("compare", "cmd_diff"))

    dec = sub.add_parser("decode", help="name, encoding, class and fields of one register")
    dec.add_argument("words", nargs="+", metavar="REGISTER [VALUE]",
                     help="id, name, S3_0_C2_C0_3, ARM64_SYS_REG(...), 'p15, 0, c1, c0, 0', "
                          "'system register 0x1013c030' (quotes optional), then a value")
    dec.add_argument("--accel", choices=("tcg", "kvm", "unknown"), default="unknown",
                     help="who wrote the id (the timer ids differ under KVM)")
    dec.add_argument("--json", action="store_true")
    dec.set_defaults(handler=lazy("inspect", "cmd_decode"))


def add_rule_parsers(sub) -> None:
    chk = sub.add_parser("check", help="would the destination QEMU accept SRC? (exit 0/1)")
    chk.add_argument("src", help="the incoming stream or dump")
    chk.add_argument("dst", help="what the destination would save")
    chk.add_argument("--rules", help="tolerance rules to apply (TOML or QEMU C export)")
    chk.add_argument("--policy", choices=POLICIES,
                     help="destination QEMU behaviour (default: the release that wrote DST)")
    chk.add_argument("--json", action="store_true")
    chk.set_defaults(handler=lazy("rules", "cmd_check"))

    sug = sub.add_parser("suggest", help="propose the smallest rule set that lets SRC load")
    sug.add_argument("src")
    sug.add_argument("dst")
    sug.add_argument("--policy", choices=POLICIES)
    sug.add_argument("--rules", help="rules you already have (kept; only additions proposed)")
    sug.add_argument("-o", "--output", help="save the proposed rules as a TOML rule file")
    sug.set_defaults(handler=lazy("rules", "cmd_suggest"))

    exp = sub.add_parser("export", help="convert a rule file to another format")
    exp.add_argument("rules", help="native TOML rule file or a QEMU C export")
    exp.add_argument("--to", required=True, choices=sorted(EXPORT_FORMATS),
                     help="target format")
    exp.add_argument("--diff", nargs=2, metavar=("SRC", "DST"),
                     help="the pair the rules are for (needed by the markdown report)")
    exp.add_argument("--policy", choices=POLICIES, help="with --diff: destination behaviour")
    exp.add_argument("-o", "--output", help="write here (atomically) instead of stdout")
    exp.set_defaults(handler=lazy("rules", "cmd_export"))


def add_fleet_parser(sub) -> None:
    flt = sub.add_parser("fleet", help="which of N hosts can migrate to which, and one "
                                       "baseline rule set for the pool (exit 0/1)")
    flt.add_argument("files", nargs="+", metavar="FILE",
                     help="one source per host: a stream it saved, or a dump")
    flt.add_argument("--policy", choices=POLICIES,
                     help="destination QEMU behaviour (default: per destination, the release "
                          "that wrote it)")
    flt.add_argument("--rules", help="tolerance rules applied to every pair first")
    flt.add_argument("--json", action="store_true")
    flt.add_argument("-o", "--output", metavar="RULES.toml",
                     help="save the baseline (given plus added rules) as a TOML rule file")
    flt.set_defaults(handler=lazy("fleet", "cmd_fleet"))


def add_capture_parser(sub) -> argparse.ArgumentParser:
    """Add ``capture`` to the CLI's subparsers; its handler is ``args.handler``."""
    cap = sub.add_parser(
        "capture", help="save this host's register set: a paused QEMU's migration stream")
    cap.add_argument("-o", "--output", required=True, metavar="FILE",
                     help="where to write the migration stream")
    cap.add_argument("--cpu", default="cortex-a57",
                     help="QEMU CPU model, or 'host' (KVM on an arm64 host); default cortex-a57")
    cap.add_argument("--accel", choices=("tcg", "kvm"), default=None,
                     help="accelerator (default: kvm for --cpu host, else tcg)")
    cap.add_argument("--smp", type=int, default=1, metavar="N", help="vCPUs (default 1)")
    cap.add_argument("--machine", default="virt", help="machine type (default virt)")
    cap.add_argument("--qemu", default=QEMU, metavar="BINARY",
                     help=f"QEMU binary to run (default {QEMU} from PATH)")
    cap.add_argument("--timeout", type=float, default=60, metavar="SECONDS")
    cap.set_defaults(handler=lazy("capture", "cmd_capture"))
    return cap
