"""``cpreg-explorer fleet FILE...``: which of N hosts can migrate to which, and one baseline.

Exit codes: 0 when every ordered pair of hosts (each into itself too) is accepted as it
is (with ``--rules``: with those rules, as ``check`` counts it), 1 otherwise, 2 on bad input
(an unreadable file, named with the reader's error). Progress goes to stderr on a terminal,
as for other long loads (app/cli/progress.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

from app.cli.output import print_json
from app.cli.progress import ProgressBar
from app.model.fleet import analyse, read_pool
from app.model.reports.fleet_report import fleet_json, fleet_text
from app.model.rules import rulefile
from app.model.rules.ruleset import RuleSet


class _Phases:
    """(done, total, what) progress of the fleet model, shown as one bar per phase; silent
    when stderr is not a terminal."""

    def __init__(self) -> None:
        self.bar: ProgressBar | None = None
        self.phase = ""
        self.enabled = sys.stderr.isatty()

    def __call__(self, done: int, total: int, what: str) -> None:
        if not self.enabled:
            return
        phase = what.split(" group", 1)[0] if what else self.phase
        if self.bar is None or phase != self.phase:
            self.close()
            self.bar, self.phase = ProgressBar(f"fleet: {phase}"), phase
        self.bar(done, total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def cmd_fleet(args) -> int:
    given = rulefile.load_any(args.rules) if args.rules else RuleSet()
    progress = _Phases()
    try:
        pool = read_pool(args.files, progress=lambda done, total, _path: progress(
            done, total, f"reading {total} files"))
        fleet = analyse(pool, policy=args.policy, rules=given, progress=progress)
    finally:
        progress.close()
    if args.output:
        rulefile.save(fleet.baseline.rules, Path(args.output))
    if args.json:
        print_json(fleet_json(fleet))
    else:
        sys.stdout.write("\n".join(fleet_text(fleet)) + "\n")
        if args.output:
            sys.stdout.write(f"saved {len(fleet.baseline.rules.rules)} rule(s) to "
                             f"{args.output}\n")
    return 0 if fleet.accepted else 1
