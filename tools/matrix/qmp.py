"""A minimal QMP client (stdlib only): line-based JSON over a unix socket, events skipped."""

from __future__ import annotations

import json
import socket
import time

from .tables import TIMEOUT


class QMP:
    """Connects (retrying until QEMU has created the socket), negotiates capabilities, and
    runs commands; ``cmd`` returns QEMU's reply dict ({"return": ...} or {"error": ...})."""

    def __init__(self, path: str, proc, timeout: float = TIMEOUT):
        end = time.time() + timeout
        while True:
            self.s = socket.socket(socket.AF_UNIX)
            try:
                self.s.connect(path)
                break
            except OSError:
                self.s.close()
                if proc.poll() is not None or time.time() > end:
                    raise RuntimeError("QMP socket never came up") from None
                time.sleep(0.05)
        self.f = self.s.makefile("rwb")
        self.s.settimeout(timeout)
        self._read()  # greeting
        self.cmd("qmp_capabilities")

    def _read(self) -> dict:
        while True:
            line = self.f.readline()
            if not line:
                raise EOFError("QMP connection closed")
            msg = json.loads(line)
            if "event" not in msg:
                return msg

    def cmd(self, name: str, **args) -> dict:
        self.f.write(json.dumps({"execute": name, "arguments": args}).encode() + b"\n")
        self.f.flush()
        return self._read()
