"""``cpreg-explorer check|suggest|export``: verdicts, proposed rules, rule-file exports.

``check`` exits 0 when the destination would accept the stream with the given rules built
in, 1 when it would reject it; its first line says honestly which it is: accepted by that QEMU
as it is, or only once the rules are built into it (and what that takes on that release).
"""

from __future__ import annotations

import sys
from pathlib import Path

from app.cli.inspect import load_sides
from app.cli.output import print_json
from app.model import exporters
from app.model.advice.deployability import assess
from app.model.advice.remedy import remedies
from app.model.advice.suggest import suggest
from app.model.errors import FormatError
from app.model.reports.verdict_report import verdict_json, verdict_text
from app.model.rules import rulefile
from app.model.rules.ruleset import RuleSet
from app.model.verdict.evaluate import evaluate


def _load_pair(args):
    return load_sides(args.src, args.dst)


def _rules(path):
    return rulefile.load_any(path) if path else RuleSet(())


def cmd_check(args) -> int:
    src, dst = _load_pair(args)
    rules = _rules(args.rules)
    verdict = evaluate(src, dst, rules, args.policy)
    deploy = assess(src, dst, verdict, rules)
    fixes = remedies(verdict.reasons, src, verdict.policy, dst)
    if args.json:
        print_json(verdict_json(verdict, deploy, fixes))
    else:
        sys.stdout.write("\n".join(verdict_text(verdict, deploy, fixes)) + "\n")
    return 0 if verdict.accepted else 1


def cmd_suggest(args) -> int:
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
    fixes = {id(m.reason): m for m in proposal.remedies}
    for reason in proposal.unfixable:
        out.write(f"  no cpreg rule can fix: {reason.message}\n")
        fix = fixes.get(id(reason))
        if fix is not None:
            out.write(f"    → {fix}\n")
    if proposal.rules.rules:
        merged_rules = given.with_rules(proposal.rules.rules)
        # ``before`` has only the given rules: with none enabled it is the verdict as it is.
        as_is = None if given.enabled() else proposal.before.accepted
        after = assess(src, dst, proposal.after, merged_rules, as_is)
        out.write(f"{after.headline()}\n")
        for d in after.rules:
            if d.rule.register in proposal.rules:
                out.write(f"  {d.rule.describe()}: {d.how} — {d.reason}\n")
    if args.output:
        merged = given.with_rules(proposal.rules.rules) if given.rules else proposal.rules
        rulefile.save(merged, Path(args.output))
        out.write(f"saved {len(merged.rules)} rule(s) to {args.output}\n")
    elif proposal.rules.rules:
        out.write("\n" + rulefile.dumps(proposal.rules))
    return 0 if proposal.accepted else 1


def cmd_export(args) -> int:
    rules = rulefile.load_any(args.rules)
    context = {}
    exporter = exporters.EXPORTERS[args.to]
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
        rulefile.write_atomic(Path(args.output), result.text.encode("utf-8"))
    else:
        sys.stdout.write(result.text)
    return 0


def _report_context(pair, rules, policy) -> dict:
    src, dst = load_sides(pair[0], pair[1])
    return {"src": src, "dst": dst, "verdict": evaluate(src, dst, rules, policy)}
