"""Save a real ARM64 migration stream from a paused QEMU, for fixtures and for users' own captures.

QEMU is started stopped (``-S``) with no devices, so the stream holds only the machine and vCPU
state of a fresh VM: exactly what Cpreg Explorer diffs. QEMU is driven through a tiny QMP client
over a unix socket in a private temp dir. The output file is opened here and handed to QEMU with
``getfd`` (SCM_RIGHTS) and migrated with ``fd:NAME``: unlike ``exec:cat > FILE`` no shell ever sees
the path, and no helper process can be killed before it has flushed the end of the stream.
``transport="file"`` instead puts the fd in an fd set (``add-fd``) and migrates to
``file:/dev/fdset/N``: QEMU (8.2+) then treats it as a seekable file, which the ``mapped-ram``
capability (9.0+) requires; ``fd:`` is refused for it ("requires seekable transport"), and
QEMU 11.1 refuses ``fd:`` to any regular file ("Use file: instead"). ``transport="auto"`` (the
default) asks QEMU its version first (``query-version``) and uses ``file:`` from 8.2 on, ``fd:``
before.
Apart from DTB random seeds and the RTC offset the bytes equal an ``exec:cat`` capture. RAM
defaults to 64 MiB, the size of the reference streams, since zero pages still cost ~9 bytes each.
Qt-free, so the CLI, tools/capture_stream.py and tests use it directly.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.model.errors import quote

_INSTALL_HINT = "install it (Debian/Ubuntu: apt-get install qemu-system-arm)"
_MIGRATION_FDNAME = "cpreg-capture"
TRANSPORTS = ("auto", "fd", "file")
FILE_TRANSPORT_SINCE = (8, 2)  # the first QEMU with migration to file:/dev/fdset/N


class CaptureError(Exception):
    """QEMU could not be started, failed, or did not finish saving the stream in time."""


@dataclass(frozen=True)
class CaptureResult:
    """What a capture produced: the writer's version, how QEMU was run, and where the stream is."""

    qemu_version: str
    command: tuple[str, ...]
    output_path: Path
    transport: str = "fd"  # how QEMU was told to write: "fd" (migrate fd:) or "file"


class _Qmp:
    """Minimal QMP client: one JSON object per line, events skipped, errors raised."""

    def __init__(self, path: str, deadline: float, proc: subprocess.Popen, stderr_path: str):
        self._deadline = deadline
        self._proc = proc
        self._stderr_path = stderr_path
        self._sock = self._connect(path)
        self._buf = b""
        try:
            self.greeting = self._read_message()
            self.execute("qmp_capabilities")
        except BaseException:
            self._sock.close()
            raise

    def _connect(self, path: str) -> socket.socket:
        """Connect once QEMU listens, noticing an early exit instead of waiting for the timeout."""
        while True:
            self._check_alive()
            if os.path.exists(path):
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    sock.connect(path)
                    return sock
                except OSError:
                    sock.close()
            self._check_deadline("connecting to the QMP socket")
            time.sleep(0.02)

    def _check_alive(self) -> None:
        if self._proc.poll() is not None:
            raise CaptureError(f"QEMU exited early with status {self._proc.returncode}: "
                               f"{_read_text(self._stderr_path) or '(no stderr output)'}")

    def _connection_lost(self, exc: OSError | None) -> None:
        """Report a dropped QMP connection with QEMU's own reason when it has just exited."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._proc.wait(timeout=2)
        self._check_alive()
        raise CaptureError(f"QEMU dropped the QMP connection ({exc or 'end of file'}): "
                           f"{_read_text(self._stderr_path) or '(no stderr output)'}")

    def _check_deadline(self, doing: str) -> None:
        if time.monotonic() > self._deadline:
            raise TimeoutError(doing)

    def _read_message(self) -> dict:
        while b"\n" not in self._buf:
            self._check_deadline("waiting for a QMP reply")
            self._sock.settimeout(max(0.05, min(1.0, self._deadline - time.monotonic())))
            try:
                chunk = self._sock.recv(65536)
            except TimeoutError:
                continue
            except OSError as exc:
                self._connection_lost(exc)
            if not chunk:
                self._connection_lost(None)
            self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        return json.loads(line)

    def execute(self, command: str, arguments: Mapping | None = None, fds: Sequence[int] = ()):
        """Run one command and return its ``return`` value; a QMP error becomes CaptureError."""
        message: dict[str, object] = {"execute": command}
        if arguments:
            message["arguments"] = dict(arguments)
        data = json.dumps(message).encode() + b"\n"
        try:
            if fds:
                socket.send_fds(self._sock, [data], list(fds))
            else:
                self._sock.sendall(data)
        except OSError as exc:
            self._connection_lost(exc)
        while True:
            reply = self._read_message()
            if "event" in reply:
                continue
            if "error" in reply:
                err = reply["error"]
                raise CaptureError(f"QMP {command} failed: {err.get('class')}: {err.get('desc')}")
            return reply.get("return")

    def close(self) -> None:
        self._sock.close()


def _read_text(path: str) -> str:
    try:
        return Path(path).read_text(errors="replace").strip()
    except OSError:
        return ""


# -M/-cpu sub-options a capture needs. Others can make QEMU write files (virt's dumpdtb=PATH)
# or load firmware, so they are refused rather than passed on.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # not on Windows
MACHINE_OPTIONS = frozenset({"gic-version", "its", "suppress-vmdesc", "virtualization", "secure",
                             "highmem", "mte", "ras", "acpi"})
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def check_options(what: str, text: str, allowed: frozenset[str] | None) -> None:
    """CaptureError unless ``text`` is ``NAME[,key=value...]`` with plain words only and, when
    ``allowed`` is given, only those keys (CPU properties such as sve=off are any word)."""
    name, *options = text.split(",")
    if not _WORD.fullmatch(name):
        raise CaptureError(f"{what} {quote(text)}: {quote(name)} is not a {what} name")
    for option in options:
        key, eq, value = option.partition("=")
        if not (eq and _WORD.fullmatch(key)):
            raise CaptureError(f"{what} {quote(text)}: {quote(option)} is not key=value")
        if allowed is not None and key not in allowed:
            raise CaptureError(f"{what} option {quote(key)} is not accepted by capture "
                               f"(accepted: {', '.join(sorted(allowed))})")
        if not _WORD.fullmatch(value):
            raise CaptureError(f"{what} option {quote(option)}: the value is not a plain word")


def build_command(*, cpu: str = "cortex-a57", machine: str = "virt", accel: str = "tcg",
                  smp: int = 1, memory_mb: int = 64, suppress_vmdesc: bool = False,
                  extra_args: Sequence[str] = (), qemu_binary: str = "qemu-system-aarch64",
                  qmp_path: str = "QMP.sock") -> list[str]:
    """The argument list (no shell) of a paused, device-less VM with a QMP server at qmp_path."""
    if suppress_vmdesc:
        machine += ",suppress-vmdesc=on"
    return [qemu_binary, "-S", "-nodefaults", "-display", "none", "-M", machine, "-cpu", cpu,
            "-smp", str(smp), "-accel", accel, "-m", str(memory_mb),
            "-qmp", f"unix:{qmp_path},server=on,wait=off", *extra_args]


def capture_stream(output_path, *, cpu: str = "cortex-a57", machine: str = "virt",
                   accel: str = "tcg", smp: int = 1, extra_args: Sequence[str] = (),
                   qemu_binary: str = "qemu-system-aarch64", timeout: float = 60,
                   migrate_params: Mapping | None = None,
                   migrate_capabilities: Mapping[str, bool] | None = None,
                   suppress_vmdesc: bool = False, memory_mb: int = 64,
                   transport: str = "auto") -> CaptureResult:
    """Run QEMU paused, migrate its state into output_path, quit, and report what was done.

    migrate_params go to ``migrate-set-parameters`` and migrate_capabilities (name -> bool) to
    ``migrate-set-capabilities`` before migrating. transport is ``"fd"`` (``migrate fd:``,
    refused for a regular file by QEMU 11.1), ``"file"`` (``migrate file:/dev/fdset/N``, QEMU
    8.2+, needed for ``mapped-ram``) or ``"auto"``: ``file`` when QEMU is 8.2 or newer, else
    ``fd``. Either way QEMU writes to a file opened here. The whole run is bounded by
    ``timeout`` seconds; on expiry QEMU is killed. The stream is written beside output_path and
    renamed into place only when complete, so a failure never leaves a truncated file or
    clobbers an old one.
    """
    if transport not in TRANSPORTS:
        raise ValueError(f"transport must be one of {TRANSPORTS}, not {transport!r}")
    check_options("machine", machine, MACHINE_OPTIONS)
    check_options("cpu", cpu, None)
    binary = shutil.which(qemu_binary)
    if binary is None:
        raise CaptureError(f"QEMU binary {qemu_binary!r} not found on PATH; {_INSTALL_HINT}")
    output = Path(output_path)
    deadline = time.monotonic() + timeout
    with tempfile.TemporaryDirectory(prefix="cpreg-capture-") as tmp:
        qmp_path = os.path.join(tmp, "qmp.sock")
        stderr_path = os.path.join(tmp, "stderr.txt")
        command = build_command(cpu=cpu, machine=machine, accel=accel, smp=smp,
                                memory_mb=memory_mb, suppress_vmdesc=suppress_vmdesc,
                                extra_args=extra_args, qemu_binary=qemu_binary, qmp_path=qmp_path)
        with open(stderr_path, "wb") as err:
            try:
                proc = subprocess.Popen([binary, *command[1:]], stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=err)
            except OSError as exc:
                raise CaptureError(f"cannot run QEMU binary {qemu_binary!r}: {exc}; "
                                   f"{_INSTALL_HINT}") from exc
        # Unpredictable and created exclusively (O_EXCL|O_NOFOLLOW in _drive): a symlink
        # planted beside the output cannot redirect the stream.
        partial = output.with_name(f".{output.name}.{os.getpid()}.{secrets.token_hex(4)}.partial")
        try:
            version, transport = _drive(proc, qmp_path, stderr_path, partial, deadline,
                                        migrate_params, migrate_capabilities, transport)
            proc.wait(timeout=max(1.0, deadline - time.monotonic()))
            os.replace(partial, output)
        except (TimeoutError, subprocess.TimeoutExpired) as exc:
            _discard(proc, partial)
            raise CaptureError(f"timed out after {timeout:g} s ({exc}); QEMU was killed") from None
        except BaseException:
            _discard(proc, partial)
            raise
    return CaptureResult(qemu_version=version, command=tuple(command), output_path=output,
                         transport=transport)


def choose_transport(transport: str, qemu: tuple[int, int]) -> str:
    """``transport`` itself, or for ``"auto"`` what QEMU (major, minor) accepts for a file:
    ``file`` from 8.2 on (11.1 refuses ``fd:`` to a regular file), else ``fd``."""
    if transport != "auto":
        return transport
    return "file" if qemu >= FILE_TRANSPORT_SINCE else "fd"


def _drive(proc, qmp_path, stderr_path, output: Path, deadline, params, capabilities,
           transport: str = "auto") -> tuple[str, str]:
    """The QMP conversation: version, migration setup, fd: or file: migration, polling, quit.
    Returns QEMU's version and the transport used."""
    qmp = _Qmp(qmp_path, deadline, proc, stderr_path)
    try:
        info = qmp.execute("query-version")
        q = info["qemu"]
        version = f"{q['major']}.{q['minor']}.{q['micro']}"
        if info.get("package", "").strip():
            version += f" ({info['package'].strip()})"
        transport = choose_transport(transport, (int(q["major"]), int(q["minor"])))
        if capabilities:
            caps = [{"capability": k, "state": bool(v)} for k, v in capabilities.items()]
            qmp.execute("migrate-set-capabilities", {"capabilities": caps})
        if params:
            qmp.execute("migrate-set-parameters", params)
        try:
            fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644)
        except OSError as exc:
            raise CaptureError(f"cannot write the stream file {output}: {exc.strerror}") from exc
        try:
            if transport == "file":
                fdset = qmp.execute("add-fd", {"opaque": _MIGRATION_FDNAME}, fds=[fd])
                uri = f"file:/dev/fdset/{fdset['fdset-id']}"
            else:
                qmp.execute("getfd", {"fdname": _MIGRATION_FDNAME}, fds=[fd])
                uri = f"fd:{_MIGRATION_FDNAME}"
        finally:
            os.close(fd)
        qmp.execute("migrate", {"uri": uri})
        while True:
            state = qmp.execute("query-migrate")
            status = state.get("status")
            if status == "completed":
                break
            if status in ("failed", "cancelled"):
                why = state.get("error-desc", "no reason given")
                raise CaptureError(f"migration {status}: {why}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"migration still {status!r}")
            time.sleep(0.05)
        qmp.execute("quit")
    finally:
        qmp.close()
    return version, transport


def _discard(proc: subprocess.Popen, output: Path) -> None:
    """Kill QEMU if still running and remove a stream that may be incomplete."""
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    with contextlib.suppress(OSError):
        output.unlink()
