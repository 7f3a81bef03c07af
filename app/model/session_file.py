"""A session snapshot: what the window needs to come back after a crash, as a small JSON file.

The snapshot names the two sources (paths, not contents: sources can be huge and are not the
user's work), the rules as rule-file text (``rulefile.dumps``, which is the user's work), the
rules file path and whether the rules were unsaved, the chosen policy and the view filters.

Writes are atomic (``atomic_write.write_atomic``: temp file, fsync, rename) and keep the previous
snapshot as ``FILE.bak``, so a crash in the middle of a write still leaves a readable copy.
Autosave files are named after the process that writes them (``autosave-PID.json``): several
windows can run side by side, and a file whose process is gone is an orphan to recover.

Reading never trusts the file: only a regular file of at most ``MAX_BYTES`` is read (a FIFO in
its place cannot block the start), JSON nested too deep, non-finite or out-of-range numbers and
anything of the wrong type are a FormatError, and ``set_aside`` moves an unreadable file out of
the way under a new name (never over an older one) instead of deleting it.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from app.model.atomic_write import write_atomic
from app.model.errors import FormatError

FORMAT = "cpreg-explorer-session"
VERSION = 1
# What autosave_name writes: a decimal pid without leading zeros (autosave-007.json is not ours).
_AUTOSAVE = re.compile(r"^autosave-([1-9][0-9]*)\.json$")
MAX_BYTES = 64 << 20  # a session is a few KiB plus the rule text
MAX_SAVED_AT = 253402300799.0  # 9999-12-31T23:59:59Z: any later "time" is no time.time()
MAX_U32 = (1 << 32) - 1  # pids and vCPU indexes (QEMU's instance ids are 32-bit)


@dataclass(frozen=True)
class ViewFilters:
    statuses: tuple[str, ...] = ()  # status keys shown (see app.ui.theme.STYLES)
    hide_state: bool = True
    text: str = ""
    vcpu: int | None = None


@dataclass(frozen=True)
class Snapshot:
    src_path: str | None = None
    dst_path: str | None = None
    rules: str | None = None  # rule file text; None when the session has no rules layer
    rules_path: str | None = None
    rules_dirty: bool = False
    policy: str | None = None  # a policy name; None = the destination's default
    filters: ViewFilters = field(default_factory=ViewFilters)
    pid: int = 0
    saved_at: float = 0.0  # time.time() of the write

    def worth_keeping(self) -> bool:
        """False for a session with nothing to recover (no sources, no rules)."""
        has_rules = any(line.strip() == "[[rule]]" for line in (self.rules or "").split("\n"))
        return bool(self.src_path or self.dst_path or has_rules or self.rules_path)


_TYPES = {"src_path": (str, None), "dst_path": (str, None), "rules": (str, None),
          "rules_path": (str, None), "rules_dirty": (bool,), "policy": (str, None),
          "pid": (int,), "saved_at": (int, float)}
_FILTER_TYPES = {"statuses": (list,), "hide_state": (bool,), "text": (str,), "vcpu": (int, None)}


def dumps(snap: Snapshot) -> bytes:
    doc = {"format": FORMAT, "version": VERSION, **asdict(snap)}
    return (json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def _check(doc: dict, types: dict, path: str | None, where: str) -> None:
    unknown = sorted(set(doc) - set(types))
    if unknown:
        raise FormatError(f"unknown key {unknown[0]!r}{where}", path=path,
                          expected="keys " + ", ".join(types))
    for key, allowed in types.items():
        value = doc.get(key)
        ok = any(value is None if t is None else type(value) is t for t in allowed)
        if key in doc and not ok:
            raise FormatError(f"{key}{where} has the wrong type ({type(value).__name__})",
                              path=path, expected=" or ".join(
                                  "null" if t is None else t.__name__ for t in allowed))


def _check_range(name: str, value, low: float, high: float, path: str | None) -> None:
    if value is None:
        return
    if (isinstance(value, float) and not math.isfinite(value)) or not low <= value <= high:
        shown = repr(value) if isinstance(value, float) or abs(value) < 10 ** 30 else \
            f"a {len(str(abs(value)))}-digit number"
        raise FormatError(f"{name} is out of range ({shown})", path=path,
                          expected=f"a number from {low:.0f} to {high:.0f}")


def loads(data: bytes, path: str | None = None) -> Snapshot:
    """Parse a snapshot; FormatError (with ``path``) for anything this version did not write."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise FormatError(f"not a session file: {exc}", path=path, expected="JSON") from None
    except RecursionError:
        raise FormatError("not a session file: JSON nested too deeply", path=path,
                          expected="JSON as Cpreg Explorer writes it") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise FormatError("not a session file", path=path, expected=f'"format": "{FORMAT}"')
    if doc.get("version") != VERSION:
        raise FormatError(f"unsupported session file version {doc.get('version')!r}",
                          path=path, expected=f"version {VERSION}")
    body = {k: v for k, v in doc.items() if k not in ("format", "version", "filters")}
    _check(body, _TYPES, path, "")
    filters = doc.get("filters", {})
    if not isinstance(filters, dict):
        raise FormatError("filters is not an object", path=path, expected="an object")
    _check(filters, _FILTER_TYPES, path, " in filters")
    statuses = filters.get("statuses", [])
    if not all(isinstance(s, str) for s in statuses):
        raise FormatError("filters.statuses holds a non-string", path=path,
                          expected="a list of status names")
    # Numbers go to time.localtime, os.kill and Qt: each refuses what no run ever wrote.
    _check_range("saved_at", body.get("saved_at"), 0, MAX_SAVED_AT, path)
    _check_range("pid", body.get("pid"), 0, MAX_U32, path)
    _check_range("filters.vcpu", filters.get("vcpu"), 0, MAX_U32, path)
    return Snapshot(**body, filters=ViewFilters(**{**filters, "statuses": tuple(statuses)}))


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def save(snap: Snapshot, path: str | os.PathLike) -> None:
    """Write ``snap`` atomically, keeping the previous file as ``path.bak``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        write_atomic(backup_path(path), path.read_bytes())
    write_atomic(path, dumps(snap))


def read_small_file(path: str | os.PathLike, limit: int = MAX_BYTES) -> bytes:
    """The bytes of ``path`` when it is a regular file of at most ``limit`` bytes; else
    FormatError (OSError when it cannot be opened). Opened non-blocking and checked before a
    byte is read: a FIFO or a device put in a state file's place must not hang the start."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise FormatError("not a regular file", path=str(path), expected="a file")
        if st.st_size > limit:
            raise FormatError(f"{st.st_size} bytes is too large for this file", path=str(path),
                              expected=f"at most {limit} bytes")
        with os.fdopen(fd, "rb") as f:
            fd = -1  # closed by the file object from here on
            data = f.read(limit + 1)
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > limit:  # it grew while being read
        raise FormatError("the file is too large", path=str(path),
                          expected=f"at most {limit} bytes")
    return data


def load(path: str | os.PathLike) -> tuple[Snapshot, str | None]:
    """The snapshot at ``path``, or its backup when the file itself is unreadable; the second
    item says why the backup was used (None when it was not). The file's error otherwise."""
    path = Path(path)
    try:
        return loads(read_small_file(path), str(path)), None
    except (OSError, FormatError) as exc:
        bak = backup_path(path)
        if not bak.exists():
            raise
        return loads(read_small_file(bak), str(bak)), f"{path.name} was unreadable ({exc})"


def set_aside(path: str | os.PathLike, suffix: str = ".unreadable") -> Path:
    """Rename ``path`` to ``PATH.unreadable`` (``.unreadable-2``, ... when taken: an older one
    is never replaced) and return the new name; OSError when it cannot be renamed. Files
    that stop the start are moved out of its way, but kept for a bug report."""
    path = Path(path)
    for n in range(1, 1000):
        aside = path.with_name(path.name + suffix + ("" if n == 1 else f"-{n}"))
        if not os.path.lexists(aside):
            os.rename(path, aside)
            return aside
    raise OSError(f"too many set-aside copies of {path.name}")


def autosave_name(pid: int) -> str:
    return f"autosave-{pid}.json"


def orphans(directory: str | os.PathLike, me: int | None = None) -> list[Path]:
    """Autosave files (or lone backups) in ``directory`` whose writer process is gone,
    newest first. ``me`` (default: this process) is never an orphan."""
    me = os.getpid() if me is None else me
    found: dict[int, Path] = {}
    try:
        names = os.listdir(directory)
    except FileNotFoundError:
        return []
    for name in names:
        m = _AUTOSAVE.match(name.removesuffix(".bak"))
        if m and int(m.group(1)) != me and not pid_alive(int(m.group(1))):
            found[int(m.group(1))] = Path(directory) / autosave_name(int(m.group(1)))

    def mtime(p: Path) -> float:
        for live in (p, backup_path(p)):
            try:
                return live.stat().st_mtime
            except OSError:  # removed meanwhile (another window recovered it)
                continue
        return 0.0

    return sorted(found.values(), key=mtime, reverse=True)


def discard(path: str | os.PathLike) -> None:
    """Remove an autosave, its backup and temp files a killed write may have left."""
    path = Path(path)
    for p in (path, backup_path(path)):
        p.unlink(missing_ok=True)
    for stray in path.parent.glob(f".{path.name}*.tmp"):
        stray.unlink(missing_ok=True)


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (another user's counts: it is not ours to recover).
    A number no process can have (0, or 20 digits from a planted file name) is no process."""
    if not 0 < pid <= MAX_U32:
        return False
    if sys.platform == "win32":  # os.kill(pid, 0) would terminate the process on Windows
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # QUERY_LIMITED_INFO
        if not handle:
            return False
        ctypes.windll.kernel32.CloseHandle(handle)
        return True
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # OverflowError: above the platform's pid_t
        return False
    except PermissionError:
        return True
    return True
