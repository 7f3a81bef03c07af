"""Readers: every register source becomes a RegisterSet; the format is told from content.

``load(path)`` sniffs the first bytes and asks each reader in turn; when none accepts the file
the error lists every reader tried and why it declined.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable

from ..errors import FormatError, UnknownFormatError
from ..register_set import RegisterSet
from . import migstream, textdump

SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class Reader:
    name: str
    sniff: Callable[[bytes], str | None]  # None = "this is mine", else why not
    read: Callable[..., RegisterSet]


READERS: tuple[Reader, ...] = (
    Reader(migstream.FORMAT, migstream.sniff, migstream.read_stream),
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
