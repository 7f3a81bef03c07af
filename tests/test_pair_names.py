"""pair_names: two files of one name in two folders get the folders that tell them apart."""

from __future__ import annotations

import pytest

from app.ui.window.pair_names import pair_names, pair_title


@pytest.mark.parametrize(("src", "dst", "want"), [
    # The issue's case: one name, two QEMU versions' folders.
    ("/runs/7.2/a57.mig", "/runs/11.1/a57.mig", ("7.2/a57.mig", "11.1/a57.mig")),
    # Folders shared below the one that differs are elided, not listed.
    ("/a/7.2/out/a57.mig", "/a/11.1/out/a57.mig", ("7.2/…/a57.mig", "11.1/…/a57.mig")),
    ("/a/7.2/x/y/a57.mig", "/b/11.1/x/y/a57.mig", ("7.2/…/a57.mig", "11.1/…/a57.mig")),
    # Different names need no folder at all.
    ("/runs/7.2/src.mig", "/runs/11.1/dst.mig", ("src.mig", "dst.mig")),
    # The same file on both sides (a QEMU log naming both) is one name twice.
    ("/logs/dst.log", "/logs/dst.log", ("dst.log", "dst.log")),
    # One path runs out of folders first: it is shown whole.
    ("/b/x.mig", "/a/b/x.mig", ("/b/x.mig", "a/…/x.mig")),
    ("/x.mig", "/y/x.mig", ("/x.mig", "y/x.mig")),
    ("a57.mig", "q11/a57.mig", ("a57.mig", "q11/a57.mig")),
])
def test_pair_names(src, dst, want):
    assert pair_names(src, dst) == want


def test_names_always_differ_when_the_paths_do():
    paths = ["/r/7.2/a57.mig", "/r/11.1/a57.mig", "/s/7.2/a57.mig", "/r/7.2/b/a57.mig",
             "a57.mig", "/a57.mig"]
    for src in paths:
        for dst in paths:
            names = pair_names(src, dst)
            assert (names[0] == names[1]) == (src == dst), (src, dst, names)


def test_pair_title():
    assert pair_title("/r/7.2/a57.mig", "/r/11.1/a57.mig") == "7.2/a57.mig → 11.1/a57.mig"
    assert pair_title("/r/a.mig", "/r/b.mig", "  →  ") == "a.mig  →  b.mig"
