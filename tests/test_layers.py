"""The tree keeps its layers: no upward import, no import circle, no crowded folder, and the
CLI builds its parser and runs ``show`` without the exporters, the capture code or Qt."""

from __future__ import annotations

import subprocess
import sys

from layering import LAYERS, crowded_folders, cycles, import_graph, layer_of, upward_imports
from testdata import REPO, fixture


def test_every_module_has_a_layer_and_no_import_goes_up():
    graph = import_graph(REPO)
    assert "app.model.sources.readers.stream.migstream" in graph
    assert upward_imports(graph) == []


def test_there_is_no_import_circle_even_through_function_level_imports():
    assert cycles(import_graph(REPO)) == []


def test_no_folder_of_app_holds_more_than_16_modules():
    assert crowded_folders(REPO) == {}


def test_the_checker_sees_lazy_imports_circles_and_upward_imports(tmp_path):
    """The rules above only mean something if the checker catches what they forbid."""
    pkg = tmp_path / "app"
    (pkg / "model" / "registers").mkdir(parents=True)
    (pkg / "ui").mkdir()
    for init in ("", "model", "model/registers", "ui"):
        (pkg / init / "__init__.py").write_text("")
    (pkg / "model" / "registers" / "a.py").write_text(
        "def f():\n    from app.model.registers import b\n")
    (pkg / "model" / "registers" / "b.py").write_text("from . import a\n")
    (pkg / "model" / "errors.py").write_text("import app.ui.window\n")
    (pkg / "ui" / "window.py").write_text("from app.model.registers.a import f\n")
    graph = import_graph(tmp_path)
    assert graph["app.model.registers.a"] == {"app.model.registers.b"}
    assert graph["app.model.registers.b"] == {"app.model.registers.a"}
    assert ["app.model.registers.a", "app.model.registers.b"] in cycles(graph)
    assert upward_imports(graph) == ["app.model.errors (base) imports app.ui.window (ui)"]
    for n in range(17):
        (pkg / "ui" / f"m{n}.py").write_text("")
    assert crowded_folders(tmp_path) == {"app/ui": 18}


def test_layers_run_from_the_core_to_the_entry_points():
    names = [name for name, _ in LAYERS]
    assert names[0] == "base" and names[-1] == "cli"
    assert layer_of("app.model.registers.regid") < layer_of("app.model.sources.register_set")
    assert layer_of("app.ui.window.main_window") < layer_of("app.launcher") < layer_of("app.cli")


def _imported_after(code: str) -> list[str]:
    probe = (f"{code}\nimport sys\n"
             "print('\\n'.join(sorted(m for m in sys.modules if m.startswith('app.') "
             "or m.split('.')[0] in ('PySide6', 'pyqtgraph', 'numpy', 'construct'))))")
    proc = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def test_building_the_parser_imports_no_command():
    loaded = _imported_after("from app.cli.parser import build_parser; build_parser()")
    # app.cli's package imports dispatch, which needs the error classes; nothing else.
    assert {m for m in loaded if not m.startswith("app.cli")} <= {"app.model", "app.model.errors"}
    assert not any(m.startswith(("app.cli.inspect", "app.cli.rules", "app.cli.capture"))
                   for m in loaded)


def test_show_imports_only_what_it_needs():
    stream = fixture("q72-cortex-a57-smp2.mig")
    loaded = _imported_after(
        "import contextlib, io\nfrom app.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['show', '--json', {str(stream)!r}]) == 0")
    assert "app.model.sources.readers.stream.migstream" in loaded
    unneeded = ("app.model.exporters", "app.model.sources.capture", "app.model.verdict",
                "app.model.rules", "app.ui", "app.launcher", "PySide6", "pyqtgraph")
    assert [m for m in loaded if m.startswith(unneeded)] == []


def test_the_parser_offers_exactly_the_registered_export_formats():
    from app.cli.parser import EXPORT_FORMATS
    from app.model import exporters

    assert exporters.formats() == EXPORT_FORMATS


def test_each_reader_entry_names_its_module_format():
    """READERS spells the names out so that reading a stream imports one reader, not ten."""
    import importlib

    from app.model.sources import readers

    for reader in readers.READERS:
        module = importlib.import_module(f"app.model.sources.readers.{reader.module}")
        assert reader.name == module.FORMAT
        assert callable(reader.sniff) and callable(reader.read)
