"""What ``cpreg-explorer [SRC DST | LOG] [--rules FILE] [--demo]`` does without a command.

Opens the explorer window when the GUI package is available and a display can be had;
otherwise (and on headless CI) it prints the same diff and verdict the window would show, so
the demo is useful everywhere.
"""

from __future__ import annotations

import sys
from contextlib import ExitStack

from app.assets import demo_paths
from app.cli.parser import build_parser
from app.launcher import gui_entry as _gui_entry
from app.model.errors import FormatError
from app.model.sources.readers import describes_both_sides


def launch(args) -> int:
    with ExitStack() as stack:
        sources = list(args.sources)
        if args.demo:
            if sources:
                print("cpreg-explorer: error: --demo opens the bundled pair; give no files",
                      file=sys.stderr)
                return 2
            sources = list(demo_paths(stack))
        problem = _check_sources(sources)
        if problem:
            print(f"cpreg-explorer: error: {problem}", file=sys.stderr)
            return 2
        gui = _gui_entry()
        if gui is not None:
            return gui(sources, args.rules)
        if not sources:
            print("cpreg-explorer: the explorer window is not available here; try "
                  "'cpreg-explorer --demo' or 'cpreg-explorer diff SRC DST'", file=sys.stderr)
            return 2
        return _print_diff(sources)


def _check_sources(sources: list[str]) -> str | None:
    """Why ``sources`` cannot be opened (None when they can): two sources, none, or one file
    that names both sides (a QEMU destination log)."""
    if len(sources) in (0, 2):
        return None
    if len(sources) > 2:
        return "give two sources (SRC DST), one QEMU log, or none"
    try:
        if describes_both_sides(sources[0]):
            return None
    except FormatError as exc:
        return str(exc)
    return (f"{sources[0]} describes one side only: give two sources (SRC DST); a QEMU "
            "destination log alone also works")


def _print_diff(sources: list[str]) -> int:
    """What ``cpreg-explorer diff`` and then ``check`` print for the pair (the window's table
    and verdict banner, as text); their own parsers supply every option's default, so options
    added to those commands later need nothing here. Exit code: the diff's."""
    args = build_parser().parse_args(["diff", "--", *sources])
    code: int = args.handler(args)
    if code == 0 and len(sources) == 2:
        sys.stdout.write("\n")
        check = build_parser().parse_args(["check", "--", *sources])
        check.handler(check)
    return code
