"""app.model must never import Qt: checked in a fresh interpreter and in the source text."""

from __future__ import annotations

import ast
import subprocess
import sys

from testdata import REPO

FORBIDDEN = ("PySide6", "shiboken6", "pyqtgraph", "app.ui")


def _model_modules() -> list[str]:
    out = []
    for path in sorted((REPO / "app" / "model").rglob("*.py")):
        rel = path.relative_to(REPO).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        out.append(".".join(parts))
    return out


def test_model_imports_without_qt_in_fresh_interpreter():
    modules = _model_modules()
    assert "app.model.sources.readers.stream.migstream" in modules
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN[:3]!r} "
        "or m.startswith('app.ui'))\n"
        "print(','.join(bad))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "", f"app.model pulled in: {proc.stdout.strip()}"


def test_model_source_has_no_qt_imports():
    offenders = []
    for path in (REPO / "app" / "model").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.ImportFrom) and node.level >= 2 and node.module == "ui":
                names = ["app.ui"]
            offenders += [f"{path.name}: {n}" for n in names if n.startswith(FORBIDDEN)]
    assert offenders == []
