"""``cpreg-explorer``'s entry point: pick the command, run it, turn errors into exit codes.

Exit codes: 0 ok, 1 migration rejected (``check``), 2 bad input — with one line on stderr,
never a traceback — and 130 when the user interrupted. Without a command the explorer window
opens (app.cli.explore).
"""

from __future__ import annotations

import sys

from app.cli.parser import COMMANDS, build_gui_parser, build_parser
from app.model.errors import Cancelled, FormatError


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in COMMANDS:
            args = build_parser().parse_args(argv)
            code: int = args.handler(args)
            return code
        if argv and argv[0] in ("-h", "--help") and len(argv) == 1:
            build_parser().print_help()
            return 0
        from app.cli import explore

        return explore.launch(build_gui_parser().parse_args(argv))
    except FormatError as exc:
        print(f"cpreg-explorer: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"cpreg-explorer: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except Cancelled as exc:
        print(f"cpreg-explorer: {exc}", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        return 130
