"""Capture picks the migration transport QEMU accepts for a file (issue 13 follow-up).

QEMU 11.1 refuses ``migrate fd:`` to a regular file ("Use file: instead"); ``file:`` exists
from QEMU 8.2. ``capture_stream`` (and so ``cpreg-explorer capture`` and
tools/capture_stream.py) asks QEMU its version and uses ``file:/dev/fdset/N`` from 8.2 on,
``fd:`` before. tests/fake_qemu.py plays each release; the real QEMU of the host is tested in
test_capture.py / test_cli_capture.py.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pytest

from app.cli.parser import add_capture_parser
from app.model.sources.capture import CaptureError, capture_stream, choose_transport
from app.model.sources.readers import load

ROOT = Path(__file__).resolve().parent.parent
STREAM = ROOT / "tests" / "data" / "q72-cortex-a57-smp1.mig"


@pytest.fixture
def fake_qemu(tmp_path, monkeypatch):
    """A ``qemu-system-aarch64`` of a chosen release: set(version) -> its path; .commands()."""
    binary = tmp_path / "bin" / "qemu-system-aarch64"
    binary.parent.mkdir()
    binary.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{ROOT / "tests" / "fake_qemu.py"}" '
                      '"$@"\n')
    binary.chmod(0o755)
    log = tmp_path / "qmp.log"
    monkeypatch.setenv("FAKE_QEMU_LOG", str(log))
    monkeypatch.setenv("FAKE_QEMU_STREAM", str(STREAM))

    class Fake:
        path = str(binary)

        def set(self, version: str) -> str:
            monkeypatch.setenv("FAKE_QEMU_VERSION", version)
            return self.path

        def uris(self) -> list[str]:
            lines = log.read_text().splitlines() if log.exists() else []
            return [e["arguments"]["uri"] for e in map(json.loads, lines)
                    if e["execute"] == "migrate"]

    return Fake()


@pytest.mark.parametrize("version, transport", [
    ((7, 2), "fd"), ((8, 1), "fd"), ((8, 2), "file"), ((10, 0), "file"), ((11, 1), "file"),
])
def test_auto_picks_file_from_qemu_8_2(version, transport):
    assert choose_transport("auto", version) == transport
    assert choose_transport("fd", version) == "fd" and choose_transport("file", version) == "file"


@pytest.mark.parametrize("version, uri", [("11.1.3", "file:/dev/fdset/0"),
                                          ("10.0.2", "file:/dev/fdset/0"),
                                          ("7.2.22", "fd:cpreg-capture")])
def test_capture_stream_uses_what_the_release_accepts(tmp_path, fake_qemu, version, uri):
    out = tmp_path / "out.mig"
    result = capture_stream(out, qemu_binary=fake_qemu.set(version), timeout=30)
    assert fake_qemu.uris() == [uri]
    assert result.transport == uri.split(":")[0] and result.qemu_version.startswith(version)
    assert out.read_bytes() == STREAM.read_bytes()


def test_fd_forced_on_11_1_is_its_refusal(tmp_path, fake_qemu):
    """What every capture did before: QEMU 11.1's own words, nothing left behind."""
    with pytest.raises(CaptureError, match="Use file: instead"):
        capture_stream(tmp_path / "out.mig", qemu_binary=fake_qemu.set("11.1.3"), timeout=30,
                       transport="fd")
    assert list(tmp_path.glob("*.mig")) == [] and not list(tmp_path.glob(".*partial"))


def test_cli_capture_with_qemu_11_1(tmp_path, fake_qemu, capsys):
    parser = argparse.ArgumentParser()
    add_capture_parser(parser.add_subparsers(dest="command"))
    out = tmp_path / "host.mig"
    args = parser.parse_args(["capture", "--qemu", fake_qemu.set("11.1.3"), "-o", str(out)])
    assert args.handler(args) == 0, capsys.readouterr().err
    assert fake_qemu.uris() == ["file:/dev/fdset/0"]
    assert capsys.readouterr().out.startswith(f"saved {out}: QEMU 11.1.3 (fake)")
    assert len(load(str(out)).vcpus) == 1


def test_capture_stream_tool_with_qemu_11_1(tmp_path, fake_qemu, capsys):
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import capture_stream as tool
    finally:
        sys.path.remove(str(ROOT / "tools"))
    out = tmp_path / "tool.mig"
    assert tool.main(["--qemu", fake_qemu.set("11.1.3"), "-o", str(out)]) == 0
    assert fake_qemu.uris() == ["file:/dev/fdset/0"]
    assert "migrate: file:" in capsys.readouterr().out and out.read_bytes() == STREAM.read_bytes()
    assert tool.main(["--qemu", fake_qemu.path, "--transport", "fd", "-o", str(out)]) == 1
    assert "Use file: instead" in capsys.readouterr().err
