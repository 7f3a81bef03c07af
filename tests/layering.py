"""The import graph of app/ read from source with ast, and the rules the tree must keep.

Every import counts wherever it is written (module level, inside a function, under
TYPE_CHECKING): a lazy import still ties two modules together, and an upward one is how an
import circle starts. Layers are listed bottom to top; a module may import its own layer and
the ones below, never above.
"""

from __future__ import annotations

import ast
from pathlib import Path

# (layer name, module prefixes); the longest matching prefix decides a module's layer.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("app", "app.assets", "app.model", "app.model.errors")),
    ("registers", ("app.model.registers",)),
    ("sources", ("app.model.sources",)),
    ("compare", ("app.model.compare",)),
    ("rules", ("app.model.rules",)),
    ("verdict", ("app.model.verdict",)),
    ("advice", ("app.model.advice",)),
    ("fleet", ("app.model.fleet",)),
    ("reports", ("app.model.reports",)),
    ("exporters", ("app.model.exporters",)),
    ("session file", ("app.model.session_file",)),
    ("ui", ("app.ui",)),
    ("launcher", ("app.launcher",)),
    ("cli", ("app.cli", "app.__main__")),
)

MAX_MODULES_PER_FOLDER = 16


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(root: Path, package: str = "app") -> dict[str, Path]:
    """Every module of ``package`` under ``root`` (the repository), by dotted name."""
    return {module_name(root, p): p for p in sorted((root / package).rglob("*.py"))}


def _imported(node: ast.AST, here: str, is_package: bool, known: set[str]) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        parts = here.split(".") if is_package else here.split(".")[:-1]
        parts = parts[:len(parts) - node.level + 1]
        base = ".".join(parts + ([base] if base else []))
    # ``from pkg import mod`` depends on pkg.mod when that is a module, else on pkg itself.
    return [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]


def import_graph(root: Path, package: str = "app") -> dict[str, set[str]]:
    """module -> the app modules it imports (anywhere in its source)."""
    found = modules(root, package)
    known = set(found)
    graph: dict[str, set[str]] = {}
    for name, path in found.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        targets: set[str] = set()
        for node in ast.walk(tree):
            for target in _imported(node, name, is_package, known):
                while target and target not in known:  # ``import app.x.y.attr`` forms
                    target = target.rpartition(".")[0]
                if target and target != name:
                    targets.add(target)
        graph[name] = targets
    return graph


def layer_of(module: str) -> int:
    best, rank = -1, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, rank = len(prefix), index
    if rank < 0:
        raise ValueError(f"{module} belongs to no layer: add it to tests/layering.py LAYERS")
    return rank


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """'a imports b' for every import of a higher layer."""
    out = []
    for module, targets in sorted(graph.items()):
        for target in sorted(targets):
            if layer_of(target) > layer_of(module):
                out.append(f"{module} ({LAYERS[layer_of(module)][0]}) imports {target} "
                           f"({LAYERS[layer_of(target)][0]})")
    return out


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def crowded_folders(root: Path, package: str = "app") -> dict[str, int]:
    """Folders holding more than MAX_MODULES_PER_FOLDER modules directly (``__init__`` aside)."""
    out = {}
    for folder in [root / package, *sorted(p for p in (root / package).rglob("*") if p.is_dir())]:
        count = len([p for p in folder.glob("*.py") if p.name != "__init__.py"])
        if count > MAX_MODULES_PER_FOLDER:
            out[str(folder.relative_to(root))] = count
    return out
