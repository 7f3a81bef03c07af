"""A position-tracking view of a stream file that turns every short read into StreamError.

Readers parse headers with construct Structs through ``parse``; any construct failure (short
read, bad constant, bad string) is reported with the file offset where the record began.
"""

from __future__ import annotations

import os
from typing import Any

from construct import ConstructError

from app.model.errors import Cancelled, StreamError
from app.model.sources.readers.stream.structs import to_plain


class Cursor:
    def __init__(self, f, path: str, size: int, progress=None):
        self.f = f
        self.path = path
        self.size = size
        self._progress = progress
        self._last_report = 0

    @property
    def pos(self) -> int:
        return self.f.tell()

    def error(self, message: str, *, offset: int | None = None, expected: str | None = None):
        return StreamError(message, path=self.path,
                           offset=self.pos if offset is None else offset, expected=expected)

    def parse(self, struct, what: str) -> Any:
        """``struct`` (a construct) read here: a plain dict for a Struct, else its value."""
        start = self.pos
        try:
            parsed = struct.parse_stream(self.f)
        except ConstructError as exc:
            raise self.error(f"cannot read {what}: {_reason(exc)}", offset=start) from None
        return to_plain(parsed) if hasattr(parsed, "items") else parsed

    def byte(self, what: str) -> int:
        b = self.f.read(1)
        if not b:
            raise self.error(f"stream ends where {what} was expected", expected=what)
        return b[0]

    def peek(self) -> int | None:
        b = self.f.read(1)
        if not b:
            return None
        self.f.seek(-1, os.SEEK_CUR)
        return b[0]

    def read(self, n: int, what: str) -> bytes:
        if n < 0 or self.pos + n > self.size:
            raise self.error(f"{what} of {n} bytes runs past the end of the file "
                             f"({self.size} bytes)", expected=f"{n} bytes of {what}")
        data = self.f.read(n)
        if len(data) != n:
            raise self.error(f"short read in {what}", expected=f"{n} bytes")
        return data

    def skip(self, n: int, what: str) -> None:
        """Move past ``n`` bytes without reading them (page payloads)."""
        if n < 0 or self.pos + n > self.size:
            raise self.error(f"{what} of {n} bytes runs past the end of the file "
                             f"({self.size} bytes)", expected=f"{n} bytes of {what}")
        self.f.seek(n, os.SEEK_CUR)
        self.report()

    def seek(self, offset: int, what: str) -> None:
        if not 0 <= offset <= self.size:
            raise self.error(f"{what} points to offset {offset}, outside the file "
                             f"({self.size} bytes)")
        self.f.seek(offset)
        self.report()

    def report(self) -> None:
        """Call the progress callback at most every 4 MiB; it may raise Cancelled."""
        if self._progress is not None and abs(self.pos - self._last_report) >= (4 << 20):
            self._last_report = self.pos
            if self._progress(self.pos, self.size) is False:
                raise Cancelled(f"reading {self.path} was cancelled")


def _reason(exc: ConstructError) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text.replace("\n", " ")
