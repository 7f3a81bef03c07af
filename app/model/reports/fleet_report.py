"""The fleet as plain data and text: what ``cpreg-explorer fleet`` prints.

JSON shape (stable): ``{"policy", "policy_reason", "sources": [{"path", "group"}], "groups":
[{"group", "label", "members", "summary"}], "matrix": [{"src", "dst", "verdict", "blocking",
"first_failure", "unexamined", "baseline_verdict", "unfixable_reason", "remedy",
"deployment"}], "baseline": {"rules_toml", "rules", "added", "fixes": [{"src_path",
"dst_path"}], "unfixable": [{"src_path", "dst_path", "reason", "remedy", "remedies":
[{"status", "message", "action", "why"}]}], "deployment": [{"rule", "id", "name", "type",
"how", "reason", "evidence", "option", "policy", "groups"}], "destinations": [{"group",
"policy", "machine", "how", "summary"}]}, "spread": [{"id", "name", "values": [{"value",
"hosts"}], "fields": [{"field", "values": [{"value", "hosts"}]}], "absent", "unknown"}]}``.
``policy`` is a release name or "per-destination"; ``unexamined`` counts the parts of a pair
the tool could not judge (an accepted cell holds only if QEMU accepts those too; the text
marks such cells ``?``). Pairs under ``baseline`` are named by their groups' first members.
``remedy`` is what would fix an unfixable pair instead (the first remedy's action, null when
none is known; ``remedies`` all of them, as ``check --json`` lists them). ``deployment``
says, per baseline rule and destination release, how it reaches that QEMU (advice.
deployability's words; ``groups``: the destination groups it holds for); a matrix cell's
``deployment`` (null when it needs no rule) is ``{"how", "words", "rules"}``: what its
acceptance takes, in the words ``check --rules`` prints.
"""

from __future__ import annotations

from app.model.advice.remedy import Remedy
from app.model.fleet.deployment import by_rule, by_type
from app.model.fleet.fleet import Fleet
from app.model.fleet.matrix import FleetCell
from app.model.fleet.spread import SpreadEntry
from app.model.registers.regid import format_id
from app.model.reports.verdict_report import honest_json

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LEGEND = (". accepted, ? accepted but parts unexamined, + accepted with the baseline rules "
          "built in, x rejected even with them")


def group_label(group: int, count: int) -> str:
    """"A".."Z" for up to 26 groups, else the group number (0-based)."""
    return LETTERS[group] if count <= len(LETTERS) else str(group)


def cell_symbol(cell: FleetCell) -> str:
    if cell.accepted:
        return "?" if cell.verdict.unexamined else "."
    return "+" if cell.baseline_accepted else "x"


def _verdict(accepted: bool | None) -> str | None:
    return None if accepted is None else ("accepted" if accepted else "rejected")


def _remedies(remedies: tuple[Remedy, ...]) -> list[dict]:
    """The "remedies" of ``check --json`` (verdict_report.honest_json), [] when none."""
    return honest_json(None, remedies).get("remedies", [])


def _cell(fleet: Fleet, cell: FleetCell) -> dict:
    deploy = fleet.deployability(cell.src, cell.dst)
    return {"src": cell.src, "dst": cell.dst, "verdict": _verdict(cell.accepted),
            "blocking": cell.blocking, "first_failure": cell.first_failure,
            "unexamined": len(cell.verdict.unexamined),
            "baseline_verdict": _verdict(cell.baseline_accepted),
            "unfixable_reason": cell.unfixable_reason,
            "remedy": cell.remedies[0].action if cell.remedies else None,
            "deployment": None if deploy is None else {
                "how": None if deploy.how is None else deploy.how.value,
                "words": deploy.with_rules_words(), "rules": len(deploy.needed)}}


def _deployment(fleet: Fleet) -> dict:
    return {
        "deployment": [{"rule": g.deployment.rule.describe(),
                        "id": format_id(g.deployment.rule.register),
                        "name": g.deployment.rule.name, "type": g.deployment.rule.type.value,
                        "how": g.deployment.how.value, "reason": g.deployment.reason,
                        "evidence": g.deployment.evidence, "option": g.deployment.option,
                        "policy": g.policy.name, "groups": list(g.groups)}
                       for g in by_rule(fleet.baseline.deployment)],
        "destinations": [{"group": d.group, "policy": d.policy.name, "machine": d.machine,
                          "how": None if d.how is None else d.how.value,
                          "summary": d.summary_line()} for d in fleet.baseline.deployment]}


def _counts(values: tuple[tuple[int, int], ...], as_hex: bool) -> list[dict]:
    return [{"value": f"{v:#x}" if as_hex else v, "hosts": n} for v, n in values]


def _spread(entry: SpreadEntry) -> dict:
    return {"id": format_id(entry.reg_id), "name": entry.name,
            "values": _counts(entry.values, True),
            "fields": [{"field": name, "values": _counts(values, False)}
                       for name, values in entry.fields],
            "absent": entry.absent, "unknown": entry.unknown}


def fleet_json(fleet: Fleet) -> dict:
    count = len(fleet.groups)
    base = fleet.baseline
    return {
        "policy": fleet.policy_name, "policy_reason": fleet.policy_reason,
        "sources": [{"path": path, "group": group} for path, group in fleet.sources],
        "groups": [{"group": g.group, "label": group_label(g.group, count),
                    "members": list(g.members), "summary": g.summary} for g in fleet.groups],
        "matrix": [_cell(fleet, c) for c in fleet.cells],
        "baseline": {
            "rules_toml": base.rules_toml, "rules": len(base.rules.rules),
            "added": len(base.added),
            "fixes": [{"src_path": s, "dst_path": d} for s, d in base.fixes],
            "unfixable": [{"src_path": u.src_path, "dst_path": u.dst_path, "reason": u.reason,
                           "remedy": u.remedy, "remedies": _remedies(u.remedies)}
                          for u in base.unfixable]} | _deployment(fleet),
        "spread": [_spread(e) for e in fleet.spread],
    }


def _matrix_lines(fleet: Fleet) -> list[str]:
    count = len(fleet.groups)
    labels = [group_label(g, count) for g in range(count)]
    width = max(len(label) for label in labels) + 1
    lines = [f"matrix (rows: source group, columns: destination group; {LEGEND}):",
             " " * (width + 2) + "".join(label.rjust(width) for label in labels)]
    for src in range(count):
        row = "".join(cell_symbol(fleet.cell(src, dst)).rjust(width) for dst in range(count))
        lines.append(f"  {labels[src].rjust(width)}{row}")
    return lines


def _spread_line(entry: SpreadEntry) -> str:
    values = ", ".join(f"{v:#x} x{n}" for v, n in entry.values) or "values not compared"
    extra = [f"absent on {entry.absent}"] if entry.absent else []
    extra += [f"no value on {entry.unknown}"] if entry.unknown else []
    line = f"  {entry.name} ({format_id(entry.reg_id)}): {values}"
    line += f" ({', '.join(extra)})" if extra else ""
    for name, per in entry.fields:
        line += f"; {name}: " + ", ".join(f"{v} x{n}" for v, n in per)
    return line


def _pair_names(fleet: Fleet, pairs: list[tuple[int, int]]) -> str:
    count = len(fleet.groups)
    return ", ".join(f"{group_label(s, count)}->{group_label(d, count)}" for s, d in pairs)


def _groups_named(fleet: Fleet, groups: tuple[int, ...]) -> str:
    count = len(fleet.groups)
    if len(groups) == count:
        return "every destination"
    return "destination" + ("s " if len(groups) > 1 else " ") + ", ".join(
        group_label(g, count) for g in groups)


def _with_rules_lines(fleet: Fleet) -> list[str]:
    """Each pair accepted only with rules, grouped by what that takes (Deployability's
    words, as ``check --rules`` prints them)."""
    by_words: dict[str, list[tuple[int, int]]] = {}
    for cell in fleet.cells:
        deploy = fleet.deployability(cell.src, cell.dst)
        if deploy is not None:
            words = deploy.with_rules_words() or deploy.headline()
            if fleet.policy is None and deploy.title not in words:
                words += f" ({deploy.title})"  # a mixed pool: say which release
            by_words.setdefault(words, []).append((cell.src, cell.dst))
    return [f"  {_pair_names(fleet, pairs)}: {words}" for words, pairs in by_words.items()]


def deployment_lines(fleet: Fleet) -> list[str]:
    """How the baseline's rules reach the destination QEMU: one line per release, rule type
    and deployment (advice.deployability's words)."""
    dests = fleet.baseline.deployment
    if not dests or not fleet.baseline.rules.rules:
        return []
    lines = [f"deploying the baseline's {len(fleet.baseline.rules)} rule(s) (per rule type; "
             "check SRC DST --rules FILE lists them per rule):"]
    for t in by_type(dests):
        why = t.reason if t.same_reason else f"e.g. {t.reason}"
        lines.append(f"  {t.type.value} ({t.rules} rule(s)) on {t.title}, "
                     f"{_groups_named(fleet, t.groups)}: {t.how} — {why}")
    return lines


def fleet_text(fleet: Fleet) -> list[str]:
    count = len(fleet.groups)
    cells = fleet.cells
    lines = [f"policy: {fleet.policy_name} ({fleet.policy_reason})",
             f"{len(fleet.sources)} source(s) in {count} group(s):"]
    for g in fleet.groups:
        lines.append(f"  {group_label(g.group, count)}: {g.summary}")
        lines += [f"      {member}" for member in g.members]
    lines += _matrix_lines(fleet)
    accepted = sum(c.accepted for c in cells)
    base = fleet.baseline
    how = "as they are" if not fleet.rules.rules else "with the given rules built in"
    lines.append(f"pairs: {accepted} of {len(cells)} accepted {how}; {len(base.fixes)} more "
                 f"once the baseline rules are built in ({len(base.added)} rule(s) added to "
                 f"{len(fleet.rules.rules)} given); {len(base.unfixable)} no rule can fix")
    with_rules = _with_rules_lines(fleet)
    if with_rules:
        lines.append("accepted only with rules (what it takes on the destination's QEMU):")
        lines += with_rules
    lines += deployment_lines(fleet)
    by_reason: dict[tuple[str, tuple[str, ...]], list[tuple[int, int]]] = {}
    for cell in cells:
        if cell.unfixable_reason is not None:
            key = (cell.unfixable_reason, tuple(str(m) for m in cell.remedies))
            by_reason.setdefault(key, []).append((cell.src, cell.dst))
    if by_reason:
        lines.append("no rule can fix (→ what would fix it instead):")
    for (why, fixes), pairs in by_reason.items():
        lines.append(f"  {_pair_names(fleet, pairs)}: {why}")
        lines += [f"    → {fix}" for fix in dict.fromkeys(fixes)]
    lines.append(f"spread: {len(fleet.spread)} register(s) differ across the pool")
    lines += [_spread_line(e) for e in fleet.spread]
    return lines
