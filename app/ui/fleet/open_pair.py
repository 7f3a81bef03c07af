"""Opening one cell of the fleet matrix in the explorer, with the baseline rules applied.

The pair is the two groups' representatives (their first members: every member pair gets the
same verdict, app.model.fleet.grouping). The explorer's rules become the baseline's as one
undo step (``UseBaseline`` through the rules layer's editor, so Edit → Undo brings the
previous rules back), the rule file is detached (Save then asks where to write, rather than
overwriting the file the previous rules came from), and the policy becomes the one the fleet
run used, so the explorer's verdict is the one ``check --rules BASELINE SRC DST`` prints.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.model.fleet import Fleet
from app.model.rules.ruleset import RuleSet


@dataclass(frozen=True)
class UseBaseline:
    """Replace the whole rule set (a model edit command: apply / revert / text)."""

    old: RuleSet
    new: RuleSet
    text: str = "Use the fleet's baseline rules"

    def apply(self, ruleset: RuleSet) -> RuleSet:
        if ruleset != self.old:
            raise ValueError("the rules changed since this command was made")
        return self.new

    def revert(self, ruleset: RuleSet) -> RuleSet:
        if ruleset != self.new:
            raise ValueError("the rules are no longer the fleet's baseline")
        return self.old


def representatives(fleet: Fleet, row: int, col: int) -> tuple[str, str]:
    """(source path, destination path) of the matrix cell at ``row``, ``col``."""
    return fleet.groups[row].members[0], fleet.groups[col].members[0]


def apply_baseline(window, fleet: Fleet) -> bool:
    """Make ``window``'s rules the baseline's (one undo step); False when the rules layer
    refused (it says why)."""
    session, layer = window.session, window.rules_layer
    wanted = fleet.baseline.rules
    if session.rules != wanted:
        if not layer.actions.run(UseBaseline(session.rules, wanted)):
            return False
        session.set_rules_file(None, dirty=True)
    return True


def open_in_explorer(window, fleet: Fleet, row: int, col: int,
                     policy: object = None) -> tuple[str, str] | None:
    """Load the cell's pair into ``window`` (the explorer) with the baseline applied and
    bring it to the front; returns the paths opened (None when the rules were refused).
    ``policy`` is what the fleet run was asked to use (None: each destination's default,
    as in the explorer), so both evaluate the pair alike."""
    if not apply_baseline(window, fleet):
        return None
    window.session.set_policy(policy)
    src, dst = representatives(fleet, row, col)
    # The rules for the new pair are set: the new-pair question (keep or start clean) would
    # only offer to throw the baseline away.
    window.session.open(src, dst, ask=False)
    window.show()
    window.raise_()
    window.activateWindow()
    return src, dst
