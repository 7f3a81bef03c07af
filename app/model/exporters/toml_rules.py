"""toml: the native rule file (see app.model.rulefile), offered as an export format too."""

from __future__ import annotations

from .. import rulefile
from ..ruleset import RuleSet
from .result import ExportResult, Exporter


def render(ruleset: RuleSet) -> ExportResult:
    return ExportResult(rulefile.dumps(ruleset))


EXPORTER = Exporter("toml", ".toml", "Cpreg Explorer rule file (TOML)", render)
