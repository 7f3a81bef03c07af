"""tools/capture_matrix.py (tools/matrix/): its tables are the ones the committed matrix was
made with, and it captures, loads and exports with the host's real QEMU.

The full matrix needs QEMU 10.0/11.1 chroots and takes minutes; here the tables are checked
against what tests/data/matrix recorded (every pair, every command), and one identity pair is
run end to end with the host QEMU when it is installed (about a second).
"""

from __future__ import annotations

import json
import lzma
import shutil
import subprocess
import sys

import matrix
import pytest
from testdata import REPO

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tools.matrix import runner, tables

QEMU = tables.QEMU_BIN
needs_qemu = pytest.mark.skipif(
    shutil.which(QEMU) is None,
    reason=f"{QEMU} not installed (apt-get install qemu-system-arm) - real capture skipped")
TOOL = REPO / "tools" / "capture_matrix.py"


def _without_temp_paths(argv: list[str]) -> list[str]:
    """Drop the per-run temp paths (-qmp socket, guest serial log) from a command."""
    out, skip = [], False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg in ("-qmp", "-serial"):
            skip = True
            continue
        out.append(arg)
    return out


def test_pairs_table_is_the_recorded_matrix():
    recorded = [(p["class"], p["stream"][8:], p["dest_qemu_series"], p["dest_config"])
                for p in matrix.pairs() + matrix.guest_pairs()]
    planned = [(cls, tables.stream_file(sq, sc), dq, dc)
               for cls, sq, sc, dq, dc in tables.PAIRS]
    assert planned == recorded


def test_commands_are_the_recorded_commands():
    """argv() rebuilds every recorded capture and load command (work dir of the run)."""
    streams = matrix.streams()
    root = {s["chroot"] for s in streams.values() if s["chroot"]}
    assert len({r.rsplit("/", 1)[0] for r in root}) == 1
    work = tables.Work(next(iter(root)).rsplit("/", 1)[0])
    for name, s in streams.items():
        c = tables.CONFIGS[s["config"]]
        extra = [] if c["guest"] else ["-S"]
        assert _without_temp_paths(runner.argv(work, c, "SOCK", extra)) == \
            _without_temp_paths(s["command"]), name
        assert s["chroot"] == work.chroot(s["qemu"]), name
    for p in matrix.pairs() + matrix.guest_pairs():
        c = tables.CONFIGS[p["dest_config"]]
        extra = ([] if c["guest"] else ["-S"]) + ["-incoming", "defer"]
        assert _without_temp_paths(runner.argv(work, c, "SOCK", extra)) == \
            _without_temp_paths(p["dest_command"]), matrix.pair_id(p)


def test_unknown_class_is_refused(tmp_path):
    proc = subprocess.run([sys.executable, str(TOOL), "--work", str(tmp_path), "--only",
                           "no-such-class"], capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0 and "unknown class: no-such-class" in proc.stderr


@needs_qemu
def test_one_identity_pair_with_the_host_qemu(tmp_path):
    work, fixtures = tmp_path / "work", tmp_path / "fixtures"
    work.mkdir()
    proc = subprocess.run([sys.executable, str(TOOL), "--work", str(work), "--qemus", "7.2",
                           "--configs", "a57-smp2", "--only", "identity"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = work / "out"
    verdicts = json.loads((out / "verdicts.json").read_text())
    [pair] = verdicts["pairs"]
    assert (pair["stream"], pair["dest_stream"]) == ("streams/q72-a57-smp2.mig",) * 2
    assert pair["verdict"] == "accepted" and pair["dest_exit_code"] == 0
    assert pair["dest_status_after_load"] == "prelaunch"
    assert verdicts["qemu"]["7.2"].startswith("QEMU emulator version 7.2")
    data = (out / "streams" / "q72-a57-smp2.mig").read_bytes()
    assert data[:4] == b"QEVM"
    assert "`q72-a57-smp2.mig`" in (out / "README.md").read_text()

    proc = subprocess.run([sys.executable, str(TOOL), "--out", str(out), "--export",
                           str(fixtures)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert lzma.decompress((fixtures / "q72-a57-smp2.mig.xz").read_bytes()) == data
    assert json.loads((fixtures / "verdicts.json").read_text())["pairs"] == [pair]
    assert json.loads((fixtures / "verdicts-guest.json").read_text())["pairs"] == []
    assert (fixtures / "streams.json").read_bytes() == (out / "streams.json").read_bytes()
    assert "`q72-a57-smp2.mig.xz`" in (fixtures / "README.md").read_text()
