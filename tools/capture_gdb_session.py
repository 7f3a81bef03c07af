"""Capture a real gdb session against QEMU's gdbstub, as a user pastes it from a terminal.

    python tools/capture_gdb_session.py CPU OUT.txt   (needs qemu-system-aarch64, gdb-multiarch)

gdb runs on a pseudo-terminal and each command is typed after its ``(gdb)`` prompt, so the file
holds what an interactive session shows: prompts and echoed commands, the architecture line,
the "No executable" warning wrapped over two lines, the frame line, ``info all-registers``
(SVE z/p/ffr aggregates with ``-cpu max``) and the detach trailer. Colours and readline's
bracketed-paste codes are off: a terminal copy carries no escape codes either.
"""

from __future__ import annotations

import os
import pty
import random
import subprocess
import sys
import tempfile
import time

COMMANDS = ("set style enabled off", "set pagination off", "set architecture aarch64",
            "target remote 127.0.0.1:{port}", "info all-registers", "detach", "quit")


def _until_prompt(fd: int, deadline: float) -> bytes:
    out = b""
    while not out.endswith(b"(gdb) ") and time.monotonic() < deadline:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the child closed the terminal (after quit)
            break
        if not chunk:
            break
        out += chunk
    return out


def capture(cpu: str, out_path: str) -> None:
    port = random.randint(20000, 40000)
    qemu = subprocess.Popen(["qemu-system-aarch64", "-M", "virt", "-cpu", cpu, "-smp", "1",
                             "-nodefaults", "-display", "none", "-m", "64", "-S",
                             "-gdb", f"tcp:127.0.0.1:{port}"])
    with tempfile.NamedTemporaryFile("w", suffix=".inputrc") as inputrc:
        inputrc.write("set enable-bracketed-paste off\n")
        inputrc.flush()
        try:
            time.sleep(1)
            pid, fd = pty.fork()
            if pid == 0:
                os.environ["INPUTRC"] = inputrc.name
                os.execvp("gdb-multiarch", ["gdb-multiarch", "-q", "-nx"])
            deadline = time.monotonic() + 60
            session = _until_prompt(fd, deadline)
            for command in COMMANDS:
                os.write(fd, command.format(port=port).encode() + b"\n")
                session += _until_prompt(fd, deadline)
            os.waitpid(pid, 0)
        finally:
            qemu.kill()
            qemu.wait()
    with open(out_path, "wb") as f:
        f.write(session.replace(b"\r\n", b"\n"))


if __name__ == "__main__":
    capture(sys.argv[1], sys.argv[2])
    version = subprocess.run(["gdb-multiarch", "--version"], capture_output=True, text=True)
    print(f"saved {sys.argv[2]}: {version.stdout.splitlines()[0]}, -cpu {sys.argv[1]}")
