#!/usr/bin/env python3
"""A stand-in for ``qemu-system-aarch64`` that speaks just enough QMP for a capture.

It answers ``query-version`` with ``FAKE_QEMU_VERSION`` (e.g. ``11.1.3``) and migrates like that
release does to the file descriptor the client passed: QEMU 11.1 refuses ``migrate fd:`` when
the fd is a regular file ("fd: migration to a file is not supported. Use file: instead."),
releases before 8.2 have no ``file:`` transport, and every release in between takes both. The
"stream" it writes is ``FAKE_QEMU_STREAM`` (a real capture from tests/data), so what the
client saves loads like a real one. Every command it gets is appended to ``FAKE_QEMU_LOG``.
Used by tests/test_capture_transport.py: the transport choice is tested without QEMU 11.1.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import sys


def version() -> tuple[int, int, int]:
    major, minor, micro = (int(x) for x in os.environ["FAKE_QEMU_VERSION"].split("."))
    return major, minor, micro


def log(entry: dict) -> None:
    with open(os.environ["FAKE_QEMU_LOG"], "a", encoding="utf-8") as f:
        f.write(json.dumps(entry) + "\n")


class Fake:
    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buf = b""
        self.fds: list[int] = []  # received, not yet claimed by getfd/add-fd
        self.named: dict[str, int] = {}
        self.fdsets: dict[int, int] = {}
        self.migrated = False

    def send(self, obj: dict) -> None:
        self.sock.sendall(json.dumps(obj).encode() + b"\n")

    def messages(self):
        while True:
            while b"\n" not in self.buf:
                data, fds, _flags, _addr = socket.recv_fds(self.sock, 65536, 8)
                if not data:
                    return
                self.buf += data
                self.fds += fds
            line, self.buf = self.buf.split(b"\n", 1)
            if line.strip():
                yield json.loads(line)

    def error(self, desc: str) -> None:
        self.send({"error": {"class": "GenericError", "desc": desc}})

    def migrate(self, uri: str) -> None:
        major, minor, _ = version()
        if uri.startswith("fd:"):
            fd = self.named.get(uri[3:])
            if fd is None:
                return self.error(f"File descriptor named '{uri[3:]}' has not been found")
            if (major, minor) >= (11, 1) and stat.S_ISREG(os.fstat(fd).st_mode):
                return self.error("fd: migration to a file is not supported. Use file: instead.")
        elif uri.startswith("file:/dev/fdset/") and (major, minor) >= (8, 2):
            fd = self.fdsets[int(uri.rsplit("/", 1)[1])]
        else:
            return self.error(f"unknown migration protocol: {uri}")
        with open(os.environ["FAKE_QEMU_STREAM"], "rb") as f:
            os.write(fd, f.read())
        self.migrated = True
        self.send({"return": {}})

    def run(self) -> None:
        major, minor, micro = version()
        self.send({"QMP": {"version": {"qemu": {"major": major, "minor": minor,
                                                "micro": micro}, "package": "fake"},
                           "capabilities": []}})
        for msg in self.messages():
            cmd, args = msg.get("execute"), msg.get("arguments", {})
            log({"execute": cmd, "arguments": args})
            if cmd == "query-version":
                self.send({"return": {"qemu": {"major": major, "minor": minor,
                                               "micro": micro}, "package": "fake"}})
            elif cmd == "getfd":
                self.named[args["fdname"]] = self.fds.pop(0)
                self.send({"return": {}})
            elif cmd == "add-fd":
                if (major, minor) < (8, 2):
                    self.error("The command add-fd has not been found")
                    continue
                self.fdsets[0] = self.fds.pop(0)
                self.send({"return": {"fdset-id": 0, "fd": 99}})
            elif cmd == "migrate":
                self.migrate(args["uri"])
            elif cmd == "query-migrate":
                self.send({"return": {"status": "completed" if self.migrated else "setup"}})
            elif cmd == "quit":
                self.send({"return": {}})
                return
            else:  # qmp_capabilities, migrate-set-*
                self.send({"return": {}})


def main(argv: list[str]) -> int:
    qmp = argv[argv.index("-qmp") + 1]
    path = qmp.removeprefix("unix:").split(",", 1)[0]
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    conn, _ = server.accept()
    Fake(conn).run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
