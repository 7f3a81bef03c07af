"""Export a RuleSet to the formats engineers paste into QEMU, scripts or reviews (layer 8,
above reports; only session_file sits higher).

``export(ruleset, fmt)`` returns an ExportResult: the text, the rules the format could not
express (each also written as a comment in the text) and notes. Formats: toml, json, qemu-c,
qemu-props, compat. The registry is a plain dict so a format needing more than rules — the
Markdown report of diff + rules + verdict — plugs in with ``register(Exporter(...,
needs=("diff", "verdict")))`` and callers pass those as keyword arguments to ``export``.
"""

from __future__ import annotations

from app.model.exporters import (
    compat,
    firecracker,
    json_rules,
    markdown,
    qemu_c,
    qemu_props,
    toml_rules,
)
from app.model.exporters.result import Exporter, ExportResult, Unexpressible
from app.model.rules.ruleset import RuleSet

__all__ = ["EXPORTERS", "ExportResult", "Exporter", "Unexpressible", "export", "formats",
           "register"]

EXPORTERS: dict[str, Exporter] = {}


def register(exporter: Exporter) -> None:
    """Add a format; a name already taken is a ValueError (no silent override)."""
    if exporter.name in EXPORTERS:
        raise ValueError(f"export format {exporter.name!r} is already registered")
    EXPORTERS[exporter.name] = exporter


def formats() -> tuple[str, ...]:
    """Registered format names, in registration order."""
    return tuple(EXPORTERS)


def export(ruleset: RuleSet, fmt: str, **context) -> ExportResult:
    """Render ``ruleset`` as ``fmt``; ``context`` supplies what the format's ``needs`` lists."""
    try:
        exporter = EXPORTERS[fmt]
    except KeyError:
        raise ValueError(f"unknown export format {fmt!r} (expected one of "
                         f"{', '.join(EXPORTERS)})") from None
    missing = [key for key in exporter.needs if key not in context]
    if missing:
        raise ValueError(f"export format {fmt!r} needs {', '.join(missing)}")
    return exporter.render(ruleset, **{key: context[key] for key in exporter.needs})


for _module in (toml_rules, json_rules, qemu_c, qemu_props, compat, firecracker, markdown):
    register(_module.EXPORTER)
