"""One QEMU destination log names both sides: it opens as a diff on its own — dropped,
through File → Open, or as ``cpreg-explorer LOG`` — and a one-sided file alone is an error."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from app.cli import explore as launcher
from app.model.sources.readers import load_pair
from PySide6.QtWidgets import QFileDialog
from app.ui.session.autosave import Autosaver
from ui_helpers import DATA, DST, SRC

LOG = DATA / "logs" / "q72-cortex-a57-smp2__into__q11-cortex-a57-smp2-virt-7.2.log"


def wait_loaded(qtbot, win) -> None:
    qtbot.waitUntil(lambda: win.session.diff is not None and not win.session.busy,
                    timeout=20000)


def test_a_dropped_log_opens_both_sides_and_reloads_as_one(qtbot, window):
    window.open_dropped([str(LOG)])
    wait_loaded(qtbot, window)
    src, dst = load_pair(str(LOG))
    assert window.session.src_path == window.session.dst_path == str(LOG)
    assert window.session.src == src and window.session.dst == dst
    assert window.model.counts()["missing"] == 18 and window.model.counts()["unexpected"] == 2
    snap = Autosaver(window).snapshot()  # recovery reopens it the same way
    assert snap.src_path == snap.dst_path == str(LOG)
    window.session.reload()  # as one log again, not its incoming side twice
    qtbot.waitUntil(lambda: not window.session.busy)
    assert window.model.counts()["missing"] == 18


def test_file_open_of_a_log_fills_both_sides_even_over_a_loaded_pair(qtbot, loaded,
                                                                      monkeypatch):
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(LOG), "")))
    loaded.actions.open_dst.trigger()
    qtbot.waitUntil(lambda: loaded.session.src_path == str(LOG) and not loaded.session.busy)
    assert loaded.session.dst_path == str(LOG)


def test_file_open_of_a_stream_still_goes_to_the_side_asked_for(qtbot, loaded, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(SRC), "")))
    loaded.actions.open_dst.trigger()
    qtbot.waitUntil(lambda: loaded.session.dst_path == str(SRC) and not loaded.session.busy)
    assert loaded.session.src_path == str(SRC)


def launch(monkeypatch, sources):
    opened = []
    monkeypatch.setattr(launcher, "_gui_entry",
                        lambda: lambda srcs, rules: opened.append(srcs) or 0)
    code = launcher.launch(SimpleNamespace(sources=sources, demo=False, rules=None))
    return code, opened


def test_the_launcher_takes_one_log(monkeypatch):
    assert launch(monkeypatch, [str(LOG)]) == (0, [[str(LOG)]])


@pytest.mark.parametrize("sources, message", [
    ([str(SRC)], "describes one side only: give two sources (SRC DST)"),
    (["/no/such/file.log"], "cannot open"),
    ([str(SRC), str(DST), str(LOG)], "give two sources (SRC DST), one QEMU log, or none"),
])
def test_the_launcher_rejects_other_single_files_clearly(monkeypatch, capsys, sources,
                                                         message):
    assert launch(monkeypatch, sources) == (2, [])
    err = capsys.readouterr().err
    assert err.startswith("cpreg-explorer: error: ") and message in err


def test_the_headless_fallback_prints_the_log_diff(monkeypatch, capsys):
    monkeypatch.setattr(launcher, "_gui_entry", lambda: None)
    code = launcher.launch(SimpleNamespace(sources=[str(LOG)], demo=False, rules=None))
    out = capsys.readouterr().out
    assert code == 0 and "missing" in out and "unexpected" in out


def test_start_opens_a_log_given_on_the_command_line(qtbot):
    from app.ui.app import start

    win = start([str(LOG)])
    qtbot.addWidget(win)
    try:
        wait_loaded(qtbot, win)
        assert win.session.src_path == win.session.dst_path == str(LOG)
    finally:
        win.crash_guard.uninstall()
