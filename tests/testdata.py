"""Shared test helpers: fixture paths and the optional ../shared data (import from here;
conftest.py only sets the environment, because tests/ui has a conftest.py of its own)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
SHARED = REPO.parent / "shared"
SHARED_DATA = SHARED / "data"


def fixture(name: str) -> Path:
    path = DATA / name
    assert path.exists(), f"missing committed fixture {path}"
    return path


needs_shared = pytest.mark.skipif(
    not (SHARED_DATA / "streams").is_dir(),
    reason="optional ../shared/data is not present (tests/data covers the required cases)")
