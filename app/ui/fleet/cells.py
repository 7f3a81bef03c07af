"""What one cell of the fleet matrix means: its category, colour, and the text shown on hover.

Rows are source groups, columns destination groups, both in the fleet's group order and
labelled as ``fleet`` prints them (A..Z, or numbers beyond 26 groups). A cell is *accepted*
when ``check`` accepts the pair as it is, *accepted, parts unexamined* when it does so with
parts of the stream it could not judge (as ``check`` says, the cell never passes for a
plain accept), *fixable* when it is rejected but the baseline rules make it accepted,
*rejected* when no cpreg rule can fix it (the model says why and what would fix it instead:
a start option, a device), and *same group* on the
diagonal (a group against itself, accepted and fully examined). The colours are the status
colours of app.ui.theme, so red means "rejected" here as in the table. No pyqtgraph here: the
heat map, legend and tests share these.
"""

from __future__ import annotations

import os
from enum import IntEnum

import numpy as np
from PySide6.QtGui import QColor, QPalette

from app.model.fleet import Fleet, FleetCell
from app.model.reports.fleet_report import group_label as report_label
from app.model.wording import plural
from app.ui import theme


class Category(IntEnum):
    ACCEPTED = 0
    UNEXAMINED = 1
    FIXABLE = 2
    REJECTED = 3
    SAME = 4


LABELS = {Category.ACCEPTED: "Accepted",
          Category.UNEXAMINED: "Accepted, parts unexamined",
          Category.FIXABLE: "Fixable by the baseline",
          Category.REJECTED: "Rejected: no rule fixes it",
          Category.SAME: "Same group"}
MEANINGS = {Category.ACCEPTED: "the destination accepts this source as it is",
            Category.UNEXAMINED: "accepted as far as examined: some parts of the stream "
                                 "could not be judged (hover for which)",
            Category.FIXABLE: "rejected now; accepted once the baseline rules are built into "
                              "the destination (hover for what that takes)",
            Category.REJECTED: "rejected, and no cpreg rule can fix it",
            Category.SAME: "a group against itself: identical register sets"}
# Each category borrows the status colour that means the same thing in the merged view:
# "present" (a value not known) for what was not examined. The diagonal gets the neutral
# tint of the "present" rows: there is nothing to migrate between identical hosts.
THEME_KEYS = {Category.ACCEPTED: "match", Category.UNEXAMINED: "present",
              Category.FIXABLE: "value-mismatch", Category.REJECTED: "unexpected"}
GLYPHS = {Category.ACCEPTED: "✓", Category.UNEXAMINED: "?", Category.FIXABLE: "+",
          Category.REJECTED: "✗", Category.SAME: "="}


def category(cell: FleetCell) -> Category:
    if cell.accepted:
        if cell.verdict.unexamined:
            return Category.UNEXAMINED
        return Category.SAME if cell.src == cell.dst else Category.ACCEPTED
    return Category.FIXABLE if cell.baseline_accepted else Category.REJECTED


def colour(cat: Category) -> QColor:
    if cat is Category.SAME:
        return theme.row_background("present") or QColor("#ececec")
    return theme.accent(THEME_KEYS[cat])


def glyph_colour(cat: Category, palette: QPalette) -> QColor:
    """White on the saturated accents; the text colour on the diagonal's pale tint."""
    return palette.color(QPalette.ColorRole.Text) if cat is Category.SAME else QColor("white")


def categories(fleet: Fleet) -> np.ndarray:
    """K x K category codes: [i, j] is source group i against destination group j."""
    groups = [g.group for g in fleet.groups]
    codes = np.zeros((len(groups), len(groups)), dtype=np.uint8)
    for i, src in enumerate(groups):
        for j, dst in enumerate(groups):
            codes[i, j] = category(fleet.cell(src, dst))
    return codes


def group_label(fleet: Fleet, group: int) -> str:
    """The group's name as ``cpreg-explorer fleet`` prints it."""
    return report_label(group, len(fleet.groups))


def _members(paths: tuple[str, ...], limit: int = 6) -> str:
    names = [os.path.basename(p) for p in paths[:limit]]
    more = len(paths) - len(names)
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


def hover_text(fleet: Fleet, i: int, j: int) -> str:
    """Both groups' members, the verdict and QEMU's first failure, and what the baseline
    does for the pair: what building its rules into the destination takes (the words
    ``check --rules`` prints), or what would fix it instead (plain text; the plot passes it
    through app.ui.plain_text.tip)."""
    src, dst = fleet.groups[i], fleet.groups[j]
    cell = fleet.cell(src.group, dst.group)
    cat = category(cell)
    lines = [f"Source {group_label(fleet, src.group)} ({plural(len(src.members), 'host')}): "
             f"{_members(src.members)}",
             f"Destination {group_label(fleet, dst.group)} ({plural(len(dst.members), 'host')}): "
             f"{_members(dst.members)}",
             f"{LABELS[cat]} — check says {'ACCEPTED' if cell.accepted else 'REJECTED'}"
             + (f", {cell.blocking} blocking" if cell.blocking else "")]
    if cell.first_failure:
        lines.append(f"First failure: {cell.first_failure}")
    if cell.accepted and cell.verdict.unexamined:
        lines.append("Not examined: " + "; ".join(r.message for r in cell.verdict.unexamined))
    deploy = fleet.deployability(src.group, dst.group)
    if cat is Category.FIXABLE:
        words = deploy.with_rules_words() if deploy is not None else ""
        lines.append(f"With the baseline rules: {words or 'ACCEPTED'}. "
                     "Click to open it with them.")
    elif cat is Category.REJECTED and cell.unfixable_reason:
        lines.append(f"No rule can fix it: {cell.unfixable_reason}")
        lines += [f"What would fix it: {m}" for m in cell.remedies]
    elif deploy is not None and deploy.with_rules_words():
        lines.append(f"With the given rules: {deploy.with_rules_words()}")
    if cat is not Category.FIXABLE:
        lines.append("Click to open this pair in the explorer.")
    return "\n".join(lines)


def counts(codes: np.ndarray) -> dict[Category, int]:
    """Cells per category (group pairs, not host pairs)."""
    return {cat: int((codes == cat).sum()) for cat in Category}
