"""The fleet as plain data and text: what ``cpreg-explorer fleet`` prints.

JSON shape (stable): ``{"policy", "policy_reason", "sources": [{"path", "group"}], "groups":
[{"group", "label", "members", "summary"}], "matrix": [{"src", "dst", "verdict", "blocking",
"first_failure", "unexamined", "baseline_verdict", "unfixable_reason"}], "baseline":
{"rules_toml", "rules", "added", "fixes": [{"src_path", "dst_path"}], "unfixable":
[{"src_path", "dst_path", "reason"}]}, "spread": [{"id", "name", "values": [{"value",
"hosts"}], "fields": [{"field", "values": [{"value", "hosts"}]}], "absent", "unknown"}]}``.
``policy`` is a release name or "per-destination"; ``unexamined`` counts the parts of a pair
the tool could not judge (an accepted cell holds only if QEMU accepts those too; the text
marks such cells ``?``). Pairs under ``baseline`` are named by their groups' first members.
"""

from __future__ import annotations

from app.model.fleet.fleet import Fleet
from app.model.fleet.matrix import FleetCell
from app.model.fleet.spread import SpreadEntry
from app.model.registers.regid import format_id

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LEGEND = (". accepted, ? accepted but parts unexamined, + accepted with the baseline rules, "
          "x rejected even with them")


def group_label(group: int, count: int) -> str:
    """"A".."Z" for up to 26 groups, else the group number (0-based)."""
    return LETTERS[group] if count <= len(LETTERS) else str(group)


def cell_symbol(cell: FleetCell) -> str:
    if cell.accepted:
        return "?" if cell.verdict.unexamined else "."
    return "+" if cell.baseline_accepted else "x"


def _verdict(accepted: bool | None) -> str | None:
    return None if accepted is None else ("accepted" if accepted else "rejected")


def _cell(cell: FleetCell) -> dict:
    return {"src": cell.src, "dst": cell.dst, "verdict": _verdict(cell.accepted),
            "blocking": cell.blocking, "first_failure": cell.first_failure,
            "unexamined": len(cell.verdict.unexamined),
            "baseline_verdict": _verdict(cell.baseline_accepted),
            "unfixable_reason": cell.unfixable_reason}


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
        "matrix": [_cell(c) for c in fleet.cells],
        "baseline": {
            "rules_toml": base.rules_toml, "rules": len(base.rules.rules),
            "added": len(base.added),
            "fixes": [{"src_path": s, "dst_path": d} for s, d in base.fixes],
            "unfixable": [{"src_path": s, "dst_path": d, "reason": why}
                          for s, d, why in base.unfixable]},
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
    with_base = sum(bool(c.baseline_accepted) for c in cells)
    base = fleet.baseline
    lines.append(f"pairs: {accepted} of {len(cells)} accepted; {with_base} with the baseline "
                 f"({len(base.added)} rule(s) added to {len(fleet.rules.rules)} given); "
                 f"{len(base.unfixable)} no rule can fix")
    if base.added:
        lines.append("  note: '+' pairs load once the baseline rules are built into the "
                     "destination QEMU (check SRC DST --rules FILE says what that takes on "
                     "its release)")
    by_reason: dict[str, list[str]] = {}
    for cell in cells:
        if cell.unfixable_reason is not None:
            by_reason.setdefault(cell.unfixable_reason, []).append(
                f"{group_label(cell.src, count)}->{group_label(cell.dst, count)}")
    for why, pairs in by_reason.items():
        lines.append(f"  {', '.join(pairs)}: {why}")
    lines.append(f"spread: {len(fleet.spread)} register(s) differ across the pool")
    lines += [_spread_line(e) for e in fleet.spread]
    return lines
