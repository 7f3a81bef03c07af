"""Readers: every register source becomes a RegisterSet; the format is told from content.

``load(path)`` sniffs the first bytes and asks each reader in turn; when none accepts the file
the error lists every reader tried and why it declined. Specific formats come first and the
permissive text dump last, so each file has exactly one reader. A QEMU destination log names
both sides of a migration: ``load_pair(path)`` returns (incoming, destination) for such a
file and None for every single-sided source (``load`` of a log gives its incoming side).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from app.model.errors import FormatError, UnknownFormatError
from app.model.sources.readers import (
    analyze,
    csvdump,
    firecracker,
    gdbregs,
    jsondump,
    qemulog,
    reglist,
    textdump,
)
from app.model.sources.readers.stream import migstream
from app.model.sources.register_set import RegisterSet

SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class Reader:
    name: str
    sniff: Callable[[bytes], str | None]  # None = "this is mine", else why not
    read: Callable[..., RegisterSet]
    # (path, *, progress) -> object with .src/.dst, for sources naming both sides (logs)
    read_pair: Callable | None = None


READERS: tuple[Reader, ...] = (
    Reader(migstream.FORMAT, migstream.sniff, migstream.read_stream),
    Reader(firecracker.FORMAT, firecracker.sniff, firecracker.read_firecracker),
    Reader(analyze.FORMAT, analyze.sniff, analyze.read_analyze_json),
    Reader(jsondump.FORMAT, jsondump.sniff, jsondump.read_json_dump),
    Reader(qemulog.FORMAT, qemulog.sniff, qemulog.read_log, qemulog.read_log_pair),
    Reader(gdbregs.FORMAT, gdbregs.sniff, gdbregs.read_gdb_registers),
    Reader(reglist.FORMAT, reglist.sniff, reglist.read_reg_list),
    Reader(csvdump.FORMAT, csvdump.sniff, csvdump.read_csv_dump),
    Reader(textdump.FORMAT, textdump.sniff, textdump.read_text_dump),
)


def detect(path: str) -> Reader:
    path = os.fspath(path)
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

    Both sets hold only what the file names (see formats/qemulog.py); FormatError on bad input.
    """
    reader = detect(path)
    if reader.read_pair is None:
        return None
    pair = reader.read_pair(os.fspath(path), progress=progress)
    return pair.src, pair.dst
