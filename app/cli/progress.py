"""A progress bar on stderr for long loads, shown only on a terminal (never in pipes or CI)."""

from __future__ import annotations

import os
import sys
import time

MIN_BYTES = 64 << 20  # smaller files load in well under a second


class ProgressBar:
    def __init__(self, label: str, stream=None):
        self.stream = stream or sys.stderr
        self.label = label
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, done: int, total: int) -> bool:
        if total <= 0 or time.monotonic() - self.started < 0.5:
            return True
        width = 30
        filled = min(width, int(width * done / total))
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] "
                          f"{done * 100 // total:3d}%")
        self.stream.flush()
        self.shown = True
        return True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * (len(self.label) + 40) + "\r")
            self.stream.flush()


def load_with_progress(path: str):
    """app.model.sources.readers.load, with a bar on stderr for big files on a terminal."""
    from app.model.sources.readers import load

    try:
        big = os.path.getsize(path) >= MIN_BYTES
    except OSError:
        big = False
    if not (big and sys.stderr.isatty()):
        return load(path)
    bar = ProgressBar(f"reading {os.path.basename(path)}")
    try:
        return load(path, progress=bar)
    finally:
        bar.close()
