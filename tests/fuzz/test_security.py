"""Rule and dump files are data only: a static scan of app/ and a check of how capture runs QEMU.

The scan walks the AST of every module under app/ and refuses code evaluation (eval, exec,
compile, __import__, an import_module outside app.*), unsafe deserialisation (pickle,
marshal, shelve, dill, yaml other than safe_load), shell commands (os.system, os.popen,
os.exec*/spawn*, shell=True, a subprocess command given as one string) and process
creation anywhere but app/model/sources/capture.py. The scanner is first shown each pattern so a
clean result means something. capture must hand QEMU an argument list, never a shell line.
"""

from __future__ import annotations

import ast
import inspect
import subprocess
from pathlib import Path

import pytest

from app.model.sources import capture

APP = Path(__file__).resolve().parents[2] / "app"
PROCESS_MODULES = {"model/sources/capture.py"}  # the only code allowed to start processes
BUILTINS = {"eval", "exec", "compile", "__import__"}
UNSAFE_MODULES = {"pickle", "cPickle", "_pickle", "marshal", "shelve", "dill", "cloudpickle"}
OS_SHELL = {"system", "popen", "startfile", "execl", "execle", "execlp", "execlpe", "execv",
            "execve", "execvp", "execvpe", "spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnv",
            "spawnve", "spawnvp", "spawnvpe", "posix_spawn", "posix_spawnp"}
SUBPROCESS = {"run", "Popen", "call", "check_call", "check_output", "getoutput",
              "getstatusoutput"}


def _name(node: ast.AST) -> str:
    """Dotted name of a call target (``subprocess.Popen``), '' when not a plain name."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _name(node.value)
        return f"{base}.{node.attr}" if base else ""
    return ""


def _is_text(node: ast.AST) -> bool:
    """A string expression: literal, f-string, concatenation or ``.format()``."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_text(node.left) or _is_text(node.right)
    return isinstance(node, ast.Call) and _name(node.func).endswith(".format")


def _call_problem(call: ast.Call, may_spawn: bool) -> str | None:
    name = _name(call.func)
    head, _, attr = name.rpartition(".")
    if name in BUILTINS:
        return f"{name}() evaluates code"
    if name.endswith("import_module"):
        arg = call.args[0] if call.args else None
        first = arg.values[0] if isinstance(arg, ast.JoinedStr) and arg.values else arg
        if not (isinstance(first, ast.Constant) and str(first.value).startswith("app.")):
            return "import_module of a name that is not app.*"
    if head == "os" and attr in OS_SHELL:
        return f"os.{attr} runs a command"
    if head == "yaml" and attr not in ("safe_load", "safe_dump", "safe_load_all"):
        return f"yaml.{attr} can build arbitrary objects"
    if head == "subprocess" and attr in SUBPROCESS or name.endswith("QProcess"):
        if not may_spawn:
            return f"{name} outside {sorted(PROCESS_MODULES)}"
        if attr in ("getoutput", "getstatusoutput"):
            return f"subprocess.{attr} runs a shell"
        if call.args and _is_text(call.args[0]):
            return f"{name} with a command string"
    for kw in call.keywords:
        if kw.arg == "shell" and not (isinstance(kw.value, ast.Constant) and not kw.value.value):
            return "shell=True"
    return None


def scan(source: str, may_spawn: bool = False) -> list[tuple[int, str]]:
    """(line, problem) for every unsafe construct in ``source``."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [
                node.module or ""]
            for mod in names:
                if mod.split(".")[0] in UNSAFE_MODULES:
                    out.append((node.lineno, f"imports {mod}"))
        elif isinstance(node, ast.Call):
            problem = _call_problem(node, may_spawn)
            if problem:
                out.append((node.lineno, problem))
    return out


@pytest.mark.parametrize("source", [
    "eval(text)", "exec(code)", "compile(src, 'f', 'exec')", "__import__(name)",
    "import pickle", "from marshal import loads", "import shelve.x", "yaml.load(text)",
    "os.system('qemu ' + path)", "os.popen(cmd)", "os.execvp(a, b)",
    "subprocess.run(cmd, shell=True)", "subprocess.Popen(f'qemu {path}')",
    "subprocess.getoutput(x)", "importlib.import_module(name)",
])
def test_scanner_finds_each_pattern(source):
    assert scan(source, may_spawn=True), source


def test_scanner_accepts_safe_code():
    safe = ("box.exec()\nre.compile('x')\nyaml.safe_load(t)\nimportlib.import_module(f'app.{m}')"
            "\nsubprocess.Popen([binary, *args], stdin=subprocess.DEVNULL)")
    assert scan(safe, may_spawn=True) == []
    assert scan("subprocess.Popen([b])") == [(1, "subprocess.Popen outside ['model/sources/capture.py']")]


def test_app_is_free_of_code_evaluation_and_shell_commands():
    modules = sorted(APP.rglob("*.py"))
    assert len(modules) > 20
    problems = [f"app/{path.relative_to(APP)}:{line}: {why}"
                for path in modules
                for line, why in scan(path.read_text(encoding="utf-8"),
                                      str(path.relative_to(APP)) in PROCESS_MODULES)]
    assert problems == []


def test_capture_passes_an_argument_list_without_a_shell(tmp_path, monkeypatch):
    """A hostile output path and CPU name reach QEMU as single argv items, never via a shell."""
    seen = {}

    def fake_popen(args, **kwargs):
        seen.update(args=args, kwargs=kwargs)
        raise OSError("not really starting QEMU")

    monkeypatch.setattr(capture.shutil, "which", lambda name: "/usr/bin/qemu-system-aarch64")
    monkeypatch.setattr(capture.subprocess, "Popen", fake_popen)
    output = tmp_path / "out; touch pwned $(id).mig"
    with pytest.raises(capture.CaptureError, match="is not a cpu name"):
        capture.capture_stream(output, cpu="max;reboot")  # refused before QEMU starts
    assert seen == {}
    with pytest.raises(capture.CaptureError):
        capture.capture_stream(output, cpu="max", extra_args=["-name", "a b|c"])
    args = seen["args"]
    assert isinstance(args, list) and all(isinstance(a, str) for a in args)
    assert not seen["kwargs"].get("shell", False)
    assert args[0] == "/usr/bin/qemu-system-aarch64"
    assert "max" in args and "a b|c" in args  # verbatim, one item each
    assert not any(str(output) in a or "pwned" in a for a in args)  # passed as an fd instead
    assert not (tmp_path / "pwned").exists()


def test_subprocess_default_is_no_shell():
    """The argument-list form relies on Popen's default; guard the assumption."""
    assert inspect.signature(subprocess.Popen).parameters["shell"].default is False
