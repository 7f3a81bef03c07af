"""The pool: every host's source read once, with the existing readers, in the order given.

A fleet run reads N files; each becomes a PoolSource (its path and RegisterSet). A file no
reader accepts stops the run with that reader's FormatError, which names the file: a pool with
one unreadable host has no honest matrix. Reading reports per-file progress and can be
cancelled between files (the window's loader offers a Cancel button).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from app.model.errors import Cancelled, FormatError
from app.model.sources.readers import load
from app.model.sources.register_set import RegisterSet

Progress = Callable[[int, int, str], None]  # (files done, files in all, file being read)
CancelCheck = Callable[[], bool]


class FleetCancelled(Cancelled):
    """The user cancelled a fleet run (reading the pool or evaluating its pairs)."""


@dataclass(frozen=True)
class PoolSource:
    """One host of the pool: the file it saved and what the readers made of it."""

    path: str
    registers: RegisterSet


def check_cancelled(cancelled: CancelCheck | None, what: str) -> None:
    """Raise FleetCancelled when the caller's ``cancelled()`` says so."""
    if cancelled is not None and cancelled():
        raise FleetCancelled(f"fleet run cancelled while {what}")


def read_pool(paths: Iterable[str | os.PathLike], *, progress: Progress | None = None,
              cancelled: CancelCheck | None = None) -> tuple[PoolSource, ...]:
    """Read every file with ``app.model.sources.readers.load`` (FormatError naming the file
    on bad input; FleetCancelled when ``cancelled()`` turns true between files)."""
    names = [os.fspath(p) for p in paths]
    if not names:
        raise FormatError("a fleet needs at least one source file", expected="FILE...")
    out: list[PoolSource] = []
    for done, path in enumerate(names):
        check_cancelled(cancelled, f"reading {path}")
        if progress is not None:
            progress(done, len(names), path)
        out.append(PoolSource(path, load(path)))
    if progress is not None:
        progress(len(names), len(names), "")
    return tuple(out)
