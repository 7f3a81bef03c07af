"""Session snapshots: round trip, strict loading, atomic save with backup, orphan discovery."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from app.model.rules import rulefile
from app.model import session_file
from app.model.errors import FormatError
from app.model.rules.rule import Rule, RuleType
from app.model.rules.ruleset import RuleSet
from app.model.session_file import Snapshot, ViewFilters

ISAR0 = 0x603000000013C030


def snapshot(**kw) -> Snapshot:
    rule = Rule(ISAR0, RuleType.DIFF_IN_MASK, mask=0xF0, reason='naïve "x"')
    rules = rulefile.dumps(RuleSet((rule,)))
    base = dict(src_path="/a/src.mig", dst_path="/b/dst ✓.mig", rules=rules,
                rules_path="/r/rules.toml", rules_dirty=True, policy="qemu-7.2",
                filters=ViewFilters(("unexpected", "missing"), False, "sctlr", 1),
                pid=1234, saved_at=1700000000.5)
    base.update(kw)
    return Snapshot(**base)


def test_round_trip_keeps_everything_including_the_rules():
    snap = snapshot()
    back = session_file.loads(session_file.dumps(snap))
    assert back == snap
    assert rulefile.loads(back.rules).get(ISAR0).reason == 'naïve "x"'
    assert session_file.loads(session_file.dumps(Snapshot())) == Snapshot()


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d.update(format="other"), "not a session file"),
    (lambda d: d.update(version=2), "unsupported session file version 2"),
    (lambda d: d.update(src_path=3), "src_path has the wrong type (int)"),
    (lambda d: d.update(rules_dirty="yes"), "rules_dirty has the wrong type"),
    (lambda d: d.update(pid=True), "pid has the wrong type (bool)"),
    (lambda d: d.update(surprise=1), "unknown key 'surprise'"),
    (lambda d: d["filters"].update(vcpu="0"), "vcpu in filters has the wrong type"),
    (lambda d: d["filters"].update(statuses=[1]), "statuses holds a non-string"),
    (lambda d: d.update(filters=[]), "filters is not an object"),
])
def test_strict_loading(mutate, message):
    doc = json.loads(session_file.dumps(snapshot()))
    mutate(doc)
    with pytest.raises(FormatError) as err:
        session_file.loads(json.dumps(doc).encode(), "/x/s.json")
    assert message in err.value.message and err.value.path == "/x/s.json"


def test_garbage_is_a_format_error():
    with pytest.raises(FormatError, match="not a session file"):
        session_file.loads(b"\xff\x00{")


def test_save_keeps_a_backup_and_load_falls_back_to_it(tmp_path):
    path = tmp_path / "state" / "autosave-1.json"
    first, second = snapshot(src_path="/first"), snapshot(src_path="/second")
    session_file.save(first, path)
    assert not session_file.backup_path(path).exists()
    session_file.save(second, path)
    assert session_file.load(path) == (second, None)
    assert session_file.loads(session_file.backup_path(path).read_bytes()) == first
    path.write_bytes(b'{"format": "cpreg-explorer-session", "ver')  # a torn file
    snap, note = session_file.load(path)
    assert snap == first and "autosave-1.json was unreadable" in note
    session_file.backup_path(path).unlink()
    with pytest.raises(FormatError):
        session_file.load(path)
    assert not list(tmp_path.glob("**/*.tmp"))


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_orphans_are_files_of_dead_processes_newest_first(tmp_path):
    dead1, dead2 = _dead_pid(), _dead_pid()
    alive = os.getppid()
    for pid, mtime in ((dead1, 100), (dead2, 200), (alive, 300), (os.getpid(), 400)):
        path = tmp_path / session_file.autosave_name(pid)
        session_file.save(snapshot(pid=pid), path)
        os.utime(path, (mtime, mtime))
    (tmp_path / "window.json").write_text("{}")
    assert session_file.orphans(tmp_path) == [tmp_path / f"autosave-{dead2}.json",
                                              tmp_path / f"autosave-{dead1}.json"]
    assert session_file.orphans(tmp_path / "nowhere") == []


def test_a_lone_backup_is_still_an_orphan_and_discard_removes_everything(tmp_path):
    pid = _dead_pid()
    path = tmp_path / session_file.autosave_name(pid)
    session_file.save(snapshot(), path)
    session_file.save(snapshot(), path)
    stray = tmp_path / f".{path.name}.{pid}.abcd.tmp"
    stray.write_text("half")
    path.unlink()  # killed between the backup write and the new file's rename
    assert session_file.orphans(tmp_path) == [path]
    assert session_file.load(path)[0] == snapshot()
    session_file.discard(path)
    assert list(tmp_path.iterdir()) == []


def test_worth_keeping():
    assert not Snapshot().worth_keeping()
    assert not Snapshot(rules=rulefile.dumps(RuleSet())).worth_keeping()
    assert Snapshot(src_path="/x").worth_keeping()
    assert snapshot(src_path=None, dst_path=None, rules_path=None).worth_keeping()
