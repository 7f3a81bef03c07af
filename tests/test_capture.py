"""Tests for app.model.capture and tools/capture_stream.py, against a real QEMU when present.

The point of capturing is to get QEMU's real bytes, so the capture tests run the real
qemu-system-aarch64 (they take well under a second each) and are skipped, with the reason, only
where it is not installed. Error handling that needs no QEMU is tested everywhere.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.model.sources.capture import CaptureError, CaptureResult, capture_stream

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
QEMU = "qemu-system-aarch64"
needs_qemu = pytest.mark.skipif(
    shutil.which(QEMU) is None,
    reason=f"{QEMU} not installed (apt-get install qemu-system-arm) - real captures skipped")

# cpregs per vCPU that a given QEMU release migrates for a CPU model (counted in real streams).
KNOWN_CPREG_COUNTS = {("7.2", "cortex-a57"): 258, ("7.2", "max"): 304}


def vmdesc(data: bytes) -> dict | None:
    """The JSON description at the end of a stream: byte 0x06, u32 BE length, JSON; or None."""
    for start in range(len(data) - 5, max(-1, len(data) - 1_000_000), -1):
        if data[start] == 0x06 and int.from_bytes(data[start + 1:start + 5], "big") == \
                len(data) - start - 5:
            try:
                return json.loads(data[start + 5:])
            except ValueError:
                continue
    return None


def cpreg_counts(desc: dict) -> list[int]:
    """array_len of cpreg_vmstate_indexes for each cpu device, in stream order."""
    return [field["array_len"] for dev in desc["devices"] if dev["name"] == "cpu"
            for field in dev["fields"] if field["name"] == "cpreg_vmstate_indexes"]


def machine_type(data: bytes) -> str:
    """The machine type string from the configuration section right after the 8-byte header."""
    assert data[8] == 0x07, "configuration section expected after the header"
    length = int.from_bytes(data[9:13], "big")
    return data[13:13 + length].decode()


@needs_qemu
def test_capture_cortex_a57_smp1_is_a_real_stream(tmp_path):
    out = tmp_path / "a57.mig"
    result = capture_stream(out, cpu="cortex-a57", smp=1)
    assert isinstance(result, CaptureResult)
    assert result.output_path == out
    assert result.command[0] == QEMU and "-S" in result.command
    assert re.match(r"\d+\.\d+\.\d+", result.qemu_version)
    data = out.read_bytes()
    assert data[:4] == b"QEVM" and int.from_bytes(data[4:8], "big") == 3
    assert machine_type(data).startswith("virt-")
    desc = vmdesc(data)
    assert desc is not None, "stream has no trailing vmdesc JSON"
    counts = cpreg_counts(desc)
    assert len(counts) == 1, "one vCPU means one cpu device"
    release = ".".join(result.qemu_version.split(".")[:2])
    assert counts[0] == KNOWN_CPREG_COUNTS.get((release, "cortex-a57"), counts[0]) > 0


@needs_qemu
def test_suppress_vmdesc_leaves_no_trailing_json(tmp_path):
    out = tmp_path / "novmdesc.mig"
    result = capture_stream(out, smp=2, suppress_vmdesc=True)
    assert "virt,suppress-vmdesc=on" in result.command
    data = out.read_bytes()
    assert data[:4] == b"QEVM"
    assert vmdesc(data) is None
    assert data[-1] == 0x00, "stream must end with QEMU_VM_EOF"


@needs_qemu
def test_qemu_exiting_early_reports_its_stderr(tmp_path):
    out = tmp_path / "x.mig"
    with pytest.raises(CaptureError, match="no-such-cpu"):
        capture_stream(out, cpu="no-such-cpu")
    assert not out.exists()


@needs_qemu
def test_timeout_kills_qemu_and_keeps_existing_file(tmp_path):
    out = tmp_path / "old.mig"
    out.write_bytes(b"previous")
    with pytest.raises(CaptureError, match="timed out"):
        capture_stream(out, timeout=0.001)
    assert out.read_bytes() == b"previous"
    assert list(tmp_path.iterdir()) == [out], "no partial file may be left behind"


@needs_qemu
def test_migration_parameters_reach_qemu(tmp_path):
    with pytest.raises(CaptureError, match="migrate-set-parameters"):
        capture_stream(tmp_path / "p.mig", migrate_params={"no-such-parameter": 1})
    result = capture_stream(tmp_path / "ok.mig", migrate_params={"max-bandwidth": 1 << 30},
                            migrate_capabilities={"events": True})
    assert result.output_path.read_bytes()[:4] == b"QEVM"


def test_missing_binary_names_it():
    with pytest.raises(CaptureError) as info:
        capture_stream("/nonexistent/out.mig", qemu_binary="qemu-system-nonexistent-arch")
    assert "qemu-system-nonexistent-arch" in str(info.value)
    assert "qemu-system-arm" in str(info.value)


def test_cli_reports_missing_binary(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "capture_stream.py"), "--qemu", "no-qemu-here",
         "-o", str(tmp_path / "x.mig")], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "no-qemu-here" in proc.stderr


@needs_qemu
def test_cli_captures_and_prints_provenance(tmp_path):
    out = tmp_path / "cli.mig"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "capture_stream.py"), "--cpu", "max,sve=off",
         "--smp", "2", "--extra", "-rtc base=2020-01-01", "-o", str(out)],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "-cpu max,sve=off" in proc.stdout and "-rtc base=2020-01-01" in proc.stdout
    assert f"wrote:   {out}" in proc.stdout
    assert len(cpreg_counts(vmdesc(out.read_bytes()))) == 2


def test_every_fixture_is_documented():
    readme = (DATA / "README.md").read_text()
    for path in DATA.glob("*.mig"):
        assert f"`{path.name}`" in readme, f"{path.name} has no provenance in tests/data/README.md"


@pytest.mark.parametrize("name, per_vcpu", [
    ("q72-cortex-a57-smp2.mig", [258, 258]), ("q72-cortex-a57-smp1.mig", [258]),
    ("q72-max-smp2.mig", [304, 304]), ("q72-cortex-a57-smp2-gicv3.mig", [258, 258]),
])
def test_q72_fixtures_have_qemu_72_cpreg_counts(name, per_vcpu):
    data = (DATA / name).read_bytes()
    assert machine_type(data) == "virt-7.2"
    assert cpreg_counts(vmdesc(data)) == per_vcpu
