"""Issue 13 regressions: bounded, escaped error messages and saves that respect the user's files.

Each test fails on the code before the fix (quoted whole lines, replaced symlinks, stale
temporaries, errors naming the temporary file).
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
import sys

import pytest

from app.model.atomic_write import write_atomic
from app.model.errors import FormatError, quote
from app.model.rules import rulefile
from app.model.rules.rule import Rule, RuleType
from app.model.rules.ruleset import RuleSet
from app.model.sources.readers import load
from testdata import DATA, REPO


def test_quote_escapes_and_cuts():
    assert quote("a\nb") == "'a\\nb'"
    assert quote("x" * 1000) == repr("x" * 80) + "…"
    assert quote(1) == "1"


@pytest.mark.parametrize("line", ["garbage " * 2_500_000, "MIDR_EL1 zz" + "\x1b[31m" * 1000])
def test_an_error_quotes_at_most_80_characters_of_a_huge_line(tmp_path, line):
    path = tmp_path / "dump.txt"
    path.write_text("MIDR_EL1 0x1\n" + line + "\n")
    with pytest.raises(FormatError) as info:
        load(path)
    text = str(info.value)
    assert len(text) < 400 and "\n" not in text and "\x1b" not in text, text[:500]


def test_proc_environ_does_not_copy_the_environment_into_the_error(tmp_path):
    env = dict(os.environ, CPREG_SECRET="s3cr3t-" + "x" * 200)
    code = ("import sys\nfrom app.cli import main\n"
            "sys.exit(main(['show', '/proc/self/environ']))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert len(proc.stderr) < 1500 and proc.stderr.count("\n") == 1, proc.stderr
    assert "x" * 100 not in proc.stderr


def test_a_newline_in_a_file_name_keeps_the_error_on_one_line(tmp_path):
    path = tmp_path / "two\nlines.txt"
    path.write_text("not a register dump at all\n")
    with pytest.raises(FormatError) as info:
        load(path)
    assert "\n" not in str(info.value) and "two\\nlines.txt" in str(info.value)


RULES = RuleSet((Rule(0x603000000013C020, RuleType.NOT_ON_BOTH_ENDS, reason="test"),))


def test_saving_over_a_symlink_writes_through_and_keeps_the_link(tmp_path):
    repo = tmp_path / "git-tree"
    repo.mkdir()
    target = repo / "rules.toml"
    target.write_text("# old\n")
    link = tmp_path / "rules.toml"
    link.symlink_to(target)
    rulefile.save(RULES, link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert rulefile.load(target) == RULES
    assert (repo / "rules.toml.bak").read_text() == "# old\n"
    write_atomic(link, b"exported\n")
    assert link.is_symlink() and target.read_bytes() == b"exported\n"


def test_a_killed_saves_temporary_is_removed_by_the_next_save(tmp_path):
    path = tmp_path / "rules.toml"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    stale = [tmp_path / f".rules.toml.{dead}.0badc0de.tmp",
             tmp_path / ".rules.toml.123456789012345678901.0badc0de.tmp"]
    for tmp in stale:
        tmp.write_bytes(b"half a file")
    live = tmp_path / f".rules.toml.{os.getppid()}.0badc0de.tmp"  # a live process's save
    live.write_bytes(b"in progress")
    other = tmp_path / ".other.toml.1.0badc0de.tmp"
    other.write_bytes(b"not ours")
    rulefile.save(RULES, path)
    assert not any(t.exists() for t in stale)
    assert live.exists() and other.exists()


def test_a_failed_save_names_the_users_file_not_the_temporary(tmp_path, monkeypatch):
    path = tmp_path / "rules.toml"

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError) as info:
        write_atomic(path, b"x" * 100)
    assert info.value.filename == str(path) and "No space left" in str(info.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_a_read_only_directory_names_the_users_file(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(OSError) as info:
            write_atomic(folder / "rules.toml", b"x")
        assert info.value.filename == str(folder / "rules.toml")
    finally:
        folder.chmod(0o700)


def test_capture_refuses_machine_sub_options_that_write_files(tmp_path):
    from app.model.sources.capture import CaptureError, capture_stream

    dtb = tmp_path / "planted.dtb"
    for machine, words in ((f"virt,dumpdtb={dtb}", "'dumpdtb' is not accepted"),
                           ("virt,gic-version=$(id)", "the value is not a plain word"),
                           ("virt,its", "is not key=value"),
                           ("virt -drive", "is not a machine name")):
        with pytest.raises(CaptureError, match=re.escape(words)):
            capture_stream(tmp_path / "out.mig", machine=machine)
    with pytest.raises(CaptureError, match="is not key=value"):
        capture_stream(tmp_path / "out.mig", cpu="max,sve=off,x")
    assert not dtb.exists() and not (tmp_path / "out.mig").exists()


@pytest.mark.skipif(shutil.which("qemu-system-aarch64") is None, reason="needs QEMU")
def test_capture_never_writes_through_a_planted_partial_symlink(tmp_path):
    from app.model.sources.capture import capture_stream

    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    out = tmp_path / "out.mig"
    (tmp_path / ".out.mig.partial").symlink_to(victim)  # the name the old code used
    capture_stream(out, cpu="cortex-a57", timeout=60)
    assert victim.read_text() == "precious\n"
    assert out.read_bytes()[:4] == b"QEVM"
    assert load(out).provenance.format == "qemu-stream"


def test_a_rule_header_inside_a_multi_line_string_does_not_shift_error_lines(tmp_path):
    text = ('version = 1\n\n[[rule]]\nregister = "MIDR_EL1"\ntype = "not-on-both-ends"\n'
            'reason = """copied from a review:\n[[rule]]\nregister = "x"\n"""\n\n'
            '[[rule]]\nregister = "REVIDR_EL1"\ntype = "NoSuchTolerance"\n')
    path = tmp_path / "rules.toml"
    path.write_text(text)
    with pytest.raises(FormatError) as info:
        rulefile.load(path)
    assert info.value.line == 11, str(info.value)  # the second real [[rule]] header
    assert "rule 2" in str(info.value)


GDB_SESSION = DATA / "dumps" / "q72-max.gdb-session.txt"


def test_a_pasted_gdb_session_opens_with_the_non_register_lines_counted():
    """A real session (tools/capture_gdb_session.py, gdb 13.1 against QEMU 7.2 -cpu max):
    prompts, the architecture line, the wrapped warning, the frame line, SVE aggregates and
    the detach trailer around `info all-registers`."""
    regs = load(GDB_SESSION)
    assert regs.provenance.format == "gdb-registers"
    notes = "\n".join(regs.provenance.notes)
    assert "skipped 15 lines that are not registers" in notes
    assert "skipped 49 SVE registers" in notes
    only = [line for line in GDB_SESSION.read_text().splitlines()
            if re.match(r"^[A-Za-z_][\w.]*\s+(0x|-?\d|\{|<unavailable>)", line)]
    plain = GDB_SESSION.parent / "plain.txt"
    try:
        plain.write_text("\n".join(only) + "\n")
        bare = load(plain)
    finally:
        plain.unlink()
    assert regs.vcpus[0].ids == bare.vcpus[0].ids and regs.vcpus[0].values == bare.vcpus[0].values
    assert len(regs.vcpus[0].ids) > 250


def test_a_gdb_session_without_register_lines_is_still_an_error(tmp_path):
    lines = [line for line in GDB_SESSION.read_text().splitlines()
             if not re.match(r"^[A-Za-z_][\w.]*\s+(0x|-?\d|\{|<unavailable>)", line)]
    path = tmp_path / "session.txt"
    path.write_text("\n".join(lines) + "\n")
    from app.model.sources.readers import gdbregs

    with pytest.raises(FormatError, match="no register gdb printed maps"):
        gdbregs.read_gdb_registers(str(path))


def test_a_fifo_is_refused_up_front_instead_of_hanging(tmp_path):
    fifo = tmp_path / "pipe.mig"
    os.mkfifo(fifo)
    code = ("import sys\nfrom app.cli import main\n"
            f"sys.exit(main(['show', {str(fifo)!r}]))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=60)  # the old code blocked in open() forever
    assert proc.returncode == 2
    assert "FIFO" in proc.stderr and str(fifo) in proc.stderr
    with pytest.raises(FormatError, match="a directory"):
        load(tmp_path)


def _cli(*argv: str) -> subprocess.CompletedProcess:
    code = f"import sys\nfrom app.cli import main\nsys.exit(main({list(argv)!r}))"
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=120)


def _flipped_stream(tmp_path) -> str:
    """A real QEMU 11.1 stream with one bit flipped inside vCPU 0's cpreg index array, so
    one index is no longer an ARM register id (bits 32..51 set)."""
    stream = DATA / "q11-max-smp2.mig"
    cpu = load(stream).vcpu(0)
    data = bytearray(stream.read_bytes())
    needle = cpu.ids[5].to_bytes(8, "big") + cpu.ids[6].to_bytes(8, "big")
    at = data.find(needle)
    assert at > 0
    data[at + 3] ^= 0x08  # bit 35 of the big-endian id
    out = tmp_path / "flipped.mig"
    out.write_bytes(bytes(data))
    return str(out)


@pytest.mark.parametrize("source", ["dump", "flipped"])
def test_ids_that_are_not_arm_register_ids_never_end_in_a_traceback(tmp_path, source):
    if source == "dump":
        src = tmp_path / "one.txt"
        src.write_text("0x603000080013c036 0x0\n")
        src = str(src)
    else:
        src = _flipped_stream(tmp_path)
    dst = str(DATA / "q11-max-smp2.mig")
    for argv in (("check", src, dst, "--policy", "qemu-11.1"),
                 ("check", src, dst, "--policy", "qemu-11.1", "--json"),
                 ("suggest", src, dst, "--policy", "qemu-11.1"),
                 ("diff", src, dst, "--json")):
        proc = _cli(*argv)
        assert "Traceback" not in proc.stderr and proc.returncode in (0, 1), (argv, proc.stderr)
    rules = tmp_path / "r.toml"
    _cli("suggest", src, dst, "--policy", "qemu-11.1", "-o", str(rules))
    proc = _cli("export", str(rules), "--to", "markdown", "--diff", src, dst,
                "--policy", "qemu-11.1")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    check = _cli("check", src, dst, "--policy", "qemu-11.1")
    assert "system register 0x" in check.stdout and check.returncode == 1
