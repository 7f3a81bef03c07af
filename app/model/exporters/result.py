"""ExportResult and friends: what every exporter returns, so nothing is dropped silently.

A target format may be unable to say what a rule says (a diff-in-mask rule has no QEMU
property). Exporters then write a comment line in the output *and* list the rule as
``Unexpressible`` so the CLI can warn and the GUI can show it next to the export.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.model.rules.rule import Rule


@dataclass(frozen=True)
class Unexpressible:
    """A rule left out of an export, and why (e.g. "disabled", "no QEMU property")."""

    rule: Rule
    why: str

    def __str__(self) -> str:
        return f"{self.rule.describe()}: {self.why}"


@dataclass(frozen=True)
class ExportResult:
    """Exported ``text``, the rules it could not carry, and caveats worth showing."""

    text: str
    skipped: tuple[Unexpressible, ...] = ()
    notes: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Exporter:
    """One registered format.

    ``render(ruleset, **context)`` receives exactly the context keys listed in ``needs``: rule
    formats need none; a report format (Markdown of diff + rules + verdict) would declare
    ``needs=("diff", "verdict")`` and ``export()`` refuses to run it without them.
    """

    name: str
    suffix: str
    description: str
    render: Callable[..., ExportResult]
    needs: tuple[str, ...] = ()
