"""``cpreg-explorer``'s entry point: pick the command, run it, turn errors into exit codes.

Exit codes: 0 ok, 1 migration rejected (``check``), 2 bad input — with one line on stderr,
never a traceback — and 130 when the user interrupted. Without a command the explorer window
opens (app.cli.explore). A reader that stops early (``cpreg-explorer show X | head -1``) is
not an error: exit 0, nothing on stderr.
"""

from __future__ import annotations

import os
import sys

from app.cli.parser import COMMANDS, build_gui_parser, build_parser
from app.model.errors import Cancelled, FormatError


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        code: int = _run(argv)
        # Flushed here, inside the try: a reader gone before the last buffered block is a
        # BrokenPipeError below, not one at interpreter exit.
        sys.stdout.flush()
        return code
    except BrokenPipeError:  # before OSError, of which it is a subclass
        _stdout_to_devnull()
        return 0
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
    except KeyboardInterrupt:
        return 130


def _run(argv: list[str]) -> int:
    if argv and argv[0] in COMMANDS:
        args = build_parser().parse_args(argv)
        code: int = args.handler(args)
        return code
    if argv and argv[0] in ("-h", "--help") and len(argv) == 1:
        build_parser().print_help()
        return 0
    from app.cli import explore

    return explore.launch(build_gui_parser().parse_args(argv))


def _stdout_to_devnull() -> None:
    """The reader of stdout is gone. Python flushes stdout once more at exit and would print
    "Exception ignored ... BrokenPipeError" (exit status 120) for the bytes still buffered, so
    stdout's descriptor now points at devnull (the Python docs' note on SIGPIPE, in ``signal``)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # replaced by a StringIO (tests): no fd
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)
