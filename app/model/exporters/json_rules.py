"""json: the rules as JSON for scripts and other tools.

``{"version": 1, "rules": [{register, name, type, mask, value, reason, enabled}]}``; ids,
masks and values are ``"0x..."`` strings because u64 values do not survive JSON readers that
use doubles (JavaScript, jq). Everything the native file holds is here, so nothing is skipped.
"""

from __future__ import annotations

import json

from app.model.exporters.result import Exporter, ExportResult
from app.model.registers.regid import format_id
from app.model.rules.ruleset import RuleSet

FORMAT_VERSION = 1


def to_data(ruleset: RuleSet) -> dict:
    """The JSON document as Python data."""
    return {"version": FORMAT_VERSION, "rules": [
        {"register": format_id(r.register), "name": r.name, "type": r.type.value,
         "mask": format_id(r.mask), "value": format_id(r.value), "reason": r.reason,
         "enabled": r.enabled}
        for r in ruleset]}


def render(ruleset: RuleSet) -> ExportResult:
    return ExportResult(json.dumps(to_data(ruleset), indent=2, ensure_ascii=False) + "\n")


EXPORTER = Exporter("json", ".json", "JSON: every rule with id, name, type, mask, value", render)
