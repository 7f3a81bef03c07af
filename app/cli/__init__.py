"""``cpreg-explorer``: headless commands for scripts and CI, and the GUI launcher.

Exit codes: 0 ok, 1 migration rejected (``check``), 2 bad input — with one line on stderr,
never a traceback. Keep the command names, options and JSON shapes stable: others script them.
"""

from __future__ import annotations

import argparse
import json
import sys

from app import __version__
from app.model.errors import Cancelled, FormatError

COMMANDS = ("show", "diff", "decode", "check", "suggest", "export", "capture")


def _lazy(name: str, module: str = "cli.inspect"):
    """A handler that imports its module only when run (keeps --help and the GUI fast)."""

    def handler(args):
        import importlib

        return getattr(importlib.import_module(f"app.{module}"), name)(args)

    return handler


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cpreg-explorer",
        description="See, diff and tolerate ARM64 cpreg mismatches behind QEMU migration "
                    "failures. Without a command, opens the explorer window.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    show = sub.add_parser("show", help="list every vCPU's registers with names and values")
    show.add_argument("file")
    show.add_argument("--vcpu", default="all", help="vCPU index or 'all' (default)")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.add_argument("--no-state-groups", action="store_true",
                      help="leave out the core and GIC registers QEMU migrates outside the "
                           "cpreg arrays")
    show.set_defaults(handler=_lazy("cmd_show"))

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
    diff.set_defaults(handler=_lazy("cmd_diff"))

    dec = sub.add_parser("decode", help="name, encoding, class and fields of one register")
    dec.add_argument("words", nargs="+", metavar="REGISTER [VALUE]",
                     help="id, name, S3_0_C2_C0_3, ARM64_SYS_REG(...), 'p15, 0, c1, c0, 0', "
                          "'system register 0x1013c030' (quotes optional), then a value")
    dec.add_argument("--accel", choices=("tcg", "kvm", "unknown"), default="unknown",
                     help="who wrote the id (the timer ids differ under KVM)")
    dec.add_argument("--json", action="store_true")
    dec.set_defaults(handler=_lazy("cmd_decode"))
    from app.cli.capture import add_capture_parser
    from app.cli.rules import add_rule_parsers

    add_rule_parsers(sub)
    add_capture_parser(sub)
    return parser


def build_gui_parser() -> argparse.ArgumentParser:
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


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in COMMANDS:
            args = build_parser().parse_args(argv)
            return args.handler(args)
        if argv and argv[0] in ("-h", "--help") and len(argv) == 1:
            build_parser().print_help()
            return 0
        args = build_gui_parser().parse_args(argv)
        from app import launcher

        return launcher.launch(args)
    except FormatError as exc:
        print(f"cpreg-explorer: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"cpreg-explorer: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except Cancelled as exc:
        print(f"cpreg-explorer: {exc}", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


def print_json(data) -> None:
    json.dump(data, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
