"""A reader that stops early (``cpreg-explorer show X | head -1``) is not an error: the
command exits 0 with nothing on stderr — no "error: Broken pipe", no "Exception ignored ...
BrokenPipeError" from the interpreter's last flush (issue 13, item 9)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
STREAM = DATA / "q72-cortex-a57-smp2.mig"


def env() -> dict[str, str]:
    # Buffered stdout, as users have it: PYTHONUNBUFFERED would hide the final flush.
    return {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def run_into_closed_pipe(*argv: str) -> subprocess.CompletedProcess:
    """Run the CLI with stdout a pipe whose reader has already gone (deterministic EPIPE)."""
    r, w = os.pipe()
    os.close(r)
    try:
        return subprocess.run([sys.executable, "-m", "app", *argv], cwd=ROOT, env=env(),
                              stdout=w, stderr=subprocess.PIPE, timeout=120)
    finally:
        os.close(w)


@pytest.mark.parametrize("argv", [
    ("decode", "0x603000000013c030"),  # small: all of it is still buffered at exit
    ("show", str(STREAM)),  # larger than the buffer: the error comes mid-command
    ("show", "--json", str(STREAM)),
    ("diff", str(STREAM), str(DATA / "q11-cortex-a57-smp2-virt-7.2.mig")),
])
def test_a_reader_gone_before_the_output_is_exit_0_and_silent(argv):
    done = run_into_closed_pipe(*argv)
    assert done.stderr.decode() == "" and done.returncode == 0


def test_show_piped_into_head(tmp_path):
    big = tmp_path / "big.txt"  # ~1 MB of output: far more than a pipe holds
    big.write_text("".join(f"0x{0x6030000000130000 + i:016x} 0x{i:x}\n" for i in range(20000)))
    show = subprocess.Popen([sys.executable, "-m", "app", "show", str(big)], cwd=ROOT,
                            env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    head = subprocess.run(["head", "-1"], stdin=show.stdout, capture_output=True, timeout=120)
    show.stdout.close()
    err = show.stderr.read().decode()
    show.stderr.close()
    assert show.wait(timeout=120) == 0 and err == ""  # 141 (killed by SIGPIPE) is no good
    assert head.stdout.decode().startswith(f"source: {big} (text-dump;")
