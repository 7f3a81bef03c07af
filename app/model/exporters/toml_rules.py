"""toml: the native rule file (see app.model.rulefile), offered as an export format too."""

from __future__ import annotations

from app.model.exporters.result import Exporter, ExportResult
from app.model.rules import rulefile
from app.model.rules.ruleset import RuleSet


def render(ruleset: RuleSet) -> ExportResult:
    return ExportResult(rulefile.dumps(ruleset))


EXPORTER = Exporter("toml", ".toml", "Cpreg Explorer rule file (TOML)", render)
