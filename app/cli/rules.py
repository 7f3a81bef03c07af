"""``cpreg-explorer check|suggest|export``: verdicts, proposed rules, rule-file exports.

``check`` exits 0 when the destination would accept the stream, 1 when it would reject it.
"""

from __future__ import annotations

import sys

from app.model.errors import FormatError

POLICIES = ("qemu-7.2", "qemu-10.0", "qemu-11.1")


def add_rule_parsers(sub) -> None:
    from app.cli import _lazy
    from app.model.exporters import EXPORTERS

    chk = sub.add_parser("check", help="would the destination QEMU accept SRC? (exit 0/1)")
    chk.add_argument("src", help="the incoming stream or dump")
    chk.add_argument("dst", help="what the destination would save")
    chk.add_argument("--rules", help="tolerance rules to apply (TOML or QEMU C export)")
    chk.add_argument("--policy", choices=POLICIES,
                     help="destination QEMU behaviour (default: the release that wrote DST)")
    chk.add_argument("--json", action="store_true")
    chk.set_defaults(handler=_lazy("cmd_check", "cli.rules"))

    sug = sub.add_parser("suggest", help="propose the smallest rule set that lets SRC load")
    sug.add_argument("src")
    sug.add_argument("dst")
    sug.add_argument("--policy", choices=POLICIES)
    sug.add_argument("--rules", help="rules you already have (kept; only additions proposed)")
    sug.add_argument("-o", "--output", help="save the proposed rules as a TOML rule file")
    sug.set_defaults(handler=_lazy("cmd_suggest", "cli.rules"))

    exp = sub.add_parser("export", help="convert a rule file to another format")
    exp.add_argument("rules", help="native TOML rule file or a QEMU C export")
    exp.add_argument("--to", required=True, choices=sorted(EXPORTERS),
                     help="target format")
    exp.add_argument("--diff", nargs=2, metavar=("SRC", "DST"),
                     help="the pair the rules are for (needed by the markdown report)")
    exp.add_argument("--policy", choices=POLICIES, help="with --diff: destination behaviour")
    exp.add_argument("-o", "--output", help="write here (atomically) instead of stdout")
    exp.set_defaults(handler=_lazy("cmd_export", "cli.rules"))


def _load_pair(args):
    from app.cli.inspect import load_sides

    return load_sides(args.src, args.dst)


def _rules(path):
    from app.model.rules import rulefile
    from app.model.rules.ruleset import RuleSet

    return rulefile.load_any(path) if path else RuleSet(())


def cmd_check(args) -> int:
    from app.cli import print_json
    from app.model.reports.verdict_report import verdict_json, verdict_text
    from app.model.verdict.evaluate import evaluate

    src, dst = _load_pair(args)
    verdict = evaluate(src, dst, _rules(args.rules), args.policy)
    if args.json:
        print_json(verdict_json(verdict))
    else:
        sys.stdout.write("\n".join(verdict_text(verdict)) + "\n")
    return 0 if verdict.accepted else 1


def cmd_suggest(args) -> int:
    from pathlib import Path

    from app.model.advice.suggest import suggest
    from app.model.rules import rulefile

    src, dst = _load_pair(args)
    given = _rules(args.rules)
    proposal = suggest(src, dst, args.policy, given)
    out = sys.stdout
    out.write(f"before: {proposal.before.verdict} by {proposal.before.policy.name}; with the "
              f"{len(proposal.rules.rules)} proposed rule(s): {proposal.after.verdict}\n")
    for rule in proposal.rules.rules:
        out.write(f"  + {rule.describe()}: {rule.reason}\n")
    for refusal in proposal.refused:
        out.write(f"  refused {refusal.name}: {refusal.why}\n")
    for reason in proposal.unfixable:
        out.write(f"  no cpreg rule can fix: {reason.message}\n")
    if args.output:
        merged = given.with_rules(proposal.rules.rules) if given.rules else proposal.rules
        rulefile.save(merged, Path(args.output))
        out.write(f"saved {len(merged.rules)} rule(s) to {args.output}\n")
    elif proposal.rules.rules:
        out.write("\n" + rulefile.dumps(proposal.rules))
    return 0 if proposal.accepted else 1


def cmd_export(args) -> int:
    from app.model import exporters
    from app.model.rules import rulefile

    rules = rulefile.load_any(args.rules)
    context = {}
    exporter = exporters.EXPORTERS.get(args.to)
    if exporter.needs:
        if not args.diff:
            raise FormatError(f"--to {args.to} describes a diff: give --diff SRC DST")
        context = _report_context(args.diff, rules, args.policy)
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


def _report_context(pair, rules, policy) -> dict:
    from app.cli.inspect import load_sides
    from app.model.verdict.evaluate import evaluate

    src, dst = load_sides(pair[0], pair[1])
    return {"src": src, "dst": dst, "verdict": evaluate(src, dst, rules, policy)}
