"""Saving a user's file so that it is either the old or the new one, never half of each.

Rule files, exports and the session autosave all go through ``write_atomic``: a temporary
file beside the target (created exclusively, never through a planted symlink), fsync, rename.
A symlinked target is written through (the link stays a link), temporaries of killed saves
are removed by the next save, and errors name the user's file, not the temporary.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from glob import escape as glob_escape
from pathlib import Path

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # not on Windows


def real_target(path: Path) -> Path:
    """The file a save must replace: a symlink's final target (the link itself must stay a
    link — it often points into a git tree), else ``path``."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _remove_stale_temps(path: Path) -> None:
    """Delete ``.NAME.PID.*.tmp`` files left by saves that were killed (their PID is gone)."""
    for tmp in path.parent.glob(f".{glob_escape(path.name)}.*.tmp"):
        pid = tmp.name[len(path.name) + 2:].split(".", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        with contextlib.suppress(FileNotFoundError):  # another save cleaned it first
            tmp.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # OverflowError: a 20-digit "pid"
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so readers see the old or the new file, never half.

    A symlink is written through: its target is replaced and the link stays. An OSError (disk
    full, read-only directory) names ``path``, the user's file, not the temporary one.
    """
    path = real_target(Path(path))
    _remove_stale_temps(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o666)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            if path.exists():
                os.chmod(tmp, path.stat().st_mode & 0o7777)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OSError(exc.errno, f"cannot save: {exc.strerror}", str(path)) from exc
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return  # platforms without directory fds: the rename is all we can do
    try:
        os.fsync(dir_fd)
    except OSError:
        # Some filesystems refuse fsync on a directory; the data itself is already synced
        # and renamed, so the file is complete either way.
        pass
    finally:
        os.close(dir_fd)
