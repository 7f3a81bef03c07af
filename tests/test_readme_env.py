"""Every environment variable the application reads is documented in the README.

The variables are found in the source (string literals ``"CPREG_…"`` under app/), so a new
switch without a README line fails here instead of staying a secret of the code."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LITERAL = re.compile(r"""["'](CPREG_[A-Z0-9_]+)["']""")


def _variables_read_by_app() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "app").rglob("*.py"):
        found |= set(LITERAL.findall(path.read_text(encoding="utf-8")))
    return found


def test_the_app_reads_the_known_switches():
    # Guards the scan itself: an empty set would make the next test pass vacuously.
    assert {"CPREG_COLOR_SCHEME", "CPREG_SCREENSHOT"} <= _variables_read_by_app()


def test_every_variable_is_in_the_readme_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `(CPREG_[A-Z0-9_]+)` \|", readme, flags=re.M))
    missing = _variables_read_by_app() - rows
    assert not missing, f"README's environment table lacks {sorted(missing)}"
