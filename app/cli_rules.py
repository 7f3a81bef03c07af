"""``cpreg-explorer export``: rule files to every format QEMU and its users take."""

from __future__ import annotations

import sys

from .model.errors import FormatError


def add_rule_parsers(sub) -> None:
    from .cli import _lazy
    from .model.exporters import EXPORTERS

    exp = sub.add_parser("export", help="convert a rule file to another format")
    exp.add_argument("rules", help="native TOML rule file or a QEMU C export")
    exp.add_argument("--to", required=True, choices=sorted(EXPORTERS) + ["markdown"],
                     help="target format")
    exp.add_argument("--diff", nargs=2, metavar=("SRC", "DST"),
                     help="the pair the rules are for (needed by the markdown report)")
    exp.add_argument("-o", "--output", help="write here (atomically) instead of stdout")
    exp.set_defaults(handler=_lazy("cmd_export", "cli_rules"))


def cmd_export(args) -> int:
    from .model import exporters, rulefile

    rules = rulefile.load_any(args.rules)
    context = {}
    exporter = exporters.EXPORTERS.get(args.to)
    if exporter is None or exporter.needs:
        if not args.diff:
            raise FormatError(f"--to {args.to} describes a diff: give --diff SRC DST")
        context = _report_context(args.diff, rules)
    if args.to not in exporters.EXPORTERS:
        raise FormatError(f"export format {args.to!r} is not available in this version")
    result = exporters.export(rules, args.to, **context)
    for skipped in result.skipped:
        print(f"cpreg-explorer: warning: not exported: {skipped}", file=sys.stderr)
    for note in result.notes:
        print(f"cpreg-explorer: note: {note}", file=sys.stderr)
    if args.output:
        from pathlib import Path

        rulefile.write_atomic(Path(args.output), result.text.encode("utf-8"))
    else:
        sys.stdout.write(result.text)
    return 0


def _report_context(pair, rules) -> dict:
    from .model.diff import diff
    from .model.formats import load

    src, dst = load(pair[0]), load(pair[1])
    return {"src": src, "dst": dst, "diff": diff(src, dst), "rules": rules}
