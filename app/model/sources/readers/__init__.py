"""Readers: every register source becomes a RegisterSet; the format is told from content.

``load(path)`` sniffs the first bytes and asks each reader in turn; when none accepts the file
the error lists every reader tried and why it declined. Specific formats come first and the
permissive text dump last, so each file has exactly one reader. A QEMU destination log names
both sides of a migration: ``load_pair(path)`` returns (incoming, destination) for such a
file and None for every single-sided source (``load`` of a log gives its incoming side).
"""

from __future__ import annotations

import importlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from app.model.errors import FormatError, UnknownFormatError
from app.model.sources.register_set import RegisterSet

SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class Reader:
    """One format: its name, and where its ``sniff``/``read`` (and ``read_pair`` for sources
    naming both sides, QEMU logs) live. The module is imported on first use, so reading a
    stream does not import the nine other readers (the CLI's start-up time is mostly imports);
    a test checks ``name`` against each module's FORMAT."""

    name: str
    module: str  # under app.model.sources.readers
    read_name: str
    pair_name: str | None = None

    def _module(self) -> ModuleType:
        return importlib.import_module(f"app.model.sources.readers.{self.module}")

    @property
    def sniff(self) -> Callable[[bytes], str | None]:  # None = "this is mine", else why not
        sniff: Callable[[bytes], str | None] = self._module().sniff
        return sniff

    @property
    def read(self) -> Callable[..., RegisterSet]:
        read: Callable[..., RegisterSet] = getattr(self._module(), self.read_name)
        return read

    @property
    def read_pair(self) -> Callable[..., Any] | None:
        """(path, *, progress) -> object with .src/.dst; None for single-sided sources."""
        return getattr(self._module(), self.pair_name) if self.pair_name else None


READERS: tuple[Reader, ...] = (
    Reader("qemu-stream", "stream.migstream", "read_stream"),
    Reader("firecracker-template", "firecracker", "read_firecracker"),
    Reader("analyze-migration", "analyze", "read_analyze_json"),
    Reader("json-dump", "jsondump", "read_json_dump"),
    Reader("qemu-log", "qemulog", "read_log", "read_log_pair"),
    Reader("gdb-registers", "gdbregs", "read_gdb_registers"),
    Reader("kvm-reg-list", "reglist", "read_reg_list"),
    Reader("csv-dump", "csvdump", "read_csv_dump"),
    Reader("text-dump", "textdump", "read_text_dump"),
)


_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISDIR, "a directory"))


def check_regular(path: str) -> None:
    """FormatError unless ``path`` is a regular file (after symlinks). Checked before any
    open: opening a FIFO, or reading a terminal or a device, can block forever."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise FormatError(f"cannot open: {exc.strerror}", path=path) from None
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
        raise FormatError(f"this is {kind}, not a file", path=path,
                          expected="a regular file (save a pipe's output to a file first)")


def detect(path: str) -> Reader:
    path = os.fspath(path)
    check_regular(path)
    try:
        with open(path, "rb") as f:
            head = f.read(SNIFF_BYTES)
    except OSError as exc:
        raise FormatError(f"cannot open: {exc.strerror}", path=path) from None
    if not head:
        raise UnknownFormatError("the file is empty", path=path)
    attempts = []
    for reader in READERS:
        why = reader.sniff(head)
        if why is None:
            return reader
        attempts.append((reader.name, why))
    raise UnknownFormatError("no reader recognises this file", path=path,
                             attempts=tuple(attempts))


def load(path: str, *, progress=None) -> RegisterSet:
    """Read any supported register source into a RegisterSet (FormatError on bad input)."""
    return detect(path).read(os.fspath(path), progress=progress)


def describes_both_sides(path: str) -> bool:
    """Whether ``path`` names both sides of a migration (``load_pair`` would read it): only
    the file's first bytes are read. FormatError when it cannot be opened or is empty."""
    return detect(path).read_pair is not None


def load_pair(path: str, *, progress=None) -> tuple[RegisterSet, RegisterSet] | None:
    """(incoming, destination) when ONE file describes both sides (a QEMU destination log);
    None for every other source, which the caller then loads with ``load``.

    Both sets hold only what the file names (see readers/qemulog.py); FormatError on bad input.
    """
    reader = detect(path)
    if reader.read_pair is None:
        return None
    pair = reader.read_pair(os.fspath(path), progress=progress)
    return pair.src, pair.dst
