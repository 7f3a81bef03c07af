"""Odd autosave files are FormatErrors, never crashes (issue 13, item 2; the window's side is
tests/ui/test_ui_hostile_state.py): times and vCPUs out of range, JSON nested 100,000 deep, a
FIFO in the file's place, a 20-digit pid in the file name."""

from __future__ import annotations

import json
import os
import threading

import pytest

from app.model import session_file
from app.model.errors import FormatError
from app.model.session_file import Snapshot


def doc(**kw) -> dict:
    d = json.loads(session_file.dumps(Snapshot(src_path="/a.mig", saved_at=1.7e9, pid=10)))
    d.update(kw)
    return d


@pytest.mark.parametrize("text, message", [
    (json.dumps(doc(saved_at=1e300)), "saved_at is out of range (1e+300)"),
    (json.dumps(doc(saved_at=float("nan"))), "saved_at is out of range (nan)"),
    (json.dumps(doc(saved_at=float("-inf"))), "saved_at is out of range (-inf)"),
    (json.dumps(doc(saved_at=-1)), "saved_at is out of range"),
    (json.dumps(doc(saved_at=10 ** 400)), "a 401-digit number"),
    (json.dumps(doc(pid=2 ** 70)), "pid is out of range"),
    (json.dumps(doc(filters={"vcpu": 2 ** 70})), "filters.vcpu is out of range"),
    (json.dumps(doc(filters={"vcpu": -1})), "filters.vcpu is out of range (-1)"),
    ("[" * 100_000 + "]" * 100_000, "JSON nested too deeply"),
    ('{"format": ' * 100_000 + "1" + "}" * 100_000, "JSON nested too deeply"),
])
def test_odd_values_are_format_errors(text, message):
    with pytest.raises(FormatError) as err:
        session_file.loads(text.encode(), "/s/autosave-1.json")
    assert message in err.value.message and err.value.path == "/s/autosave-1.json"


def test_in_range_values_still_load():
    snap = session_file.loads(json.dumps(doc(filters={"vcpu": 4095}, saved_at=0)).encode())
    assert snap.filters.vcpu == 4095 and snap.saved_at == 0


def test_a_twenty_digit_pid_in_a_file_name_is_an_orphan_not_a_crash(tmp_path):
    big = tmp_path / "autosave-12345678901234567890.json"
    big.write_bytes(session_file.dumps(Snapshot(src_path="/x")))
    (tmp_path / "autosave-0.json").write_text("{}")  # not a name autosave_name writes
    (tmp_path / "autosave-007.json").write_text("{}")
    assert session_file.orphans(tmp_path) == [big]
    assert not session_file.pid_alive(12345678901234567890) and not session_file.pid_alive(0)
    assert session_file.pid_alive(os.getpid())


def test_a_fifo_in_the_autosaves_place_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "autosave-1.json"
    os.mkfifo(fifo)
    errors: list[Exception] = []

    def read() -> None:
        try:
            session_file.load(fifo)
        except FormatError as exc:
            errors.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(10)
    assert not reader.is_alive(), "reading a FIFO blocked"
    assert "not a regular file" in errors[0].message


def test_a_huge_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "autosave-1.json"
    with open(path, "wb") as f:
        f.truncate(session_file.MAX_BYTES + 1)  # sparse: no disk spent
    with pytest.raises(FormatError, match="too large"):
        session_file.load(path)


def test_set_aside_renames_and_never_replaces_an_older_copy(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text("first")
    assert session_file.set_aside(path) == tmp_path / "settings.json.unreadable"
    path.write_text("second")
    assert session_file.set_aside(path) == tmp_path / "settings.json.unreadable-2"
    assert not path.exists()
    assert (tmp_path / "settings.json.unreadable").read_text() == "first"
    assert (tmp_path / "settings.json.unreadable-2").read_text() == "second"
