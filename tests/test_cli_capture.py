"""``cpreg-explorer capture`` (app/cli/capture.py): real captures where QEMU exists, clear
one-line failures everywhere else."""

from __future__ import annotations

import argparse
import shutil

import pytest

from app.cli import capture as cli_capture
from app.cli.capture import kvm_problem
from app.cli.parser import add_capture_parser
from app.model.sources.readers import load

QEMU = "qemu-system-aarch64"
needs_qemu = pytest.mark.skipif(shutil.which(QEMU) is None,
                                reason=f"{QEMU} not installed - real capture skipped")


def run(*argv) -> int:
    parser = argparse.ArgumentParser()
    add_capture_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["capture", *argv])
    return args.handler(args)


@needs_qemu
def test_capture_writes_a_stream_that_loads(tmp_path, capsys):
    out = tmp_path / "host.mig"
    assert run("--cpu", "cortex-a57", "--smp", "2", "-o", str(out)) == 0
    regs = load(out)
    assert [c.index for c in regs.vcpus] == [0, 1] and len(regs.vcpus[0]) > 200
    assert regs.provenance.format == "qemu-stream"
    line = capsys.readouterr().out
    assert line.startswith(f"saved {out}: QEMU ") and "2 vCPU(s)" in line


@needs_qemu
def test_qemu_refusing_the_cpu_model_is_one_line(tmp_path, capsys):
    assert run("--cpu", "no-such-cpu", "-o", str(tmp_path / "x.mig")) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no-such-cpu" in err
    assert not (tmp_path / "x.mig").exists()


def test_missing_qemu_binary(tmp_path, capsys):
    assert run("--qemu", "qemu-system-nonexistent", "-o", str(tmp_path / "x.mig")) == 2
    err = capsys.readouterr().err
    assert err == ("cpreg-explorer: capture: qemu-system-nonexistent is not installed "
                   "(Debian/Ubuntu: apt-get install qemu-system-arm)\n")


def test_host_cpu_means_kvm_and_needs_an_arm64_host(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli_capture.shutil, "which", lambda name: "/usr/bin/" + name)
    monkeypatch.setattr(cli_capture.platform, "machine", lambda: "x86_64")
    called = []
    monkeypatch.setattr(cli_capture, "capture_stream", lambda *a, **k: called.append(k))
    assert run("--cpu", "host", "-o", str(tmp_path / "x.mig")) == 2
    assert "needs an arm64 host with /dev/kvm; this host is x86_64" in capsys.readouterr().err
    assert run("--cpu", "host", "--accel", "tcg", "-o", str(tmp_path / "x.mig")) == 2
    assert "--cpu host needs --accel kvm" in capsys.readouterr().err
    assert called == []


def test_kvm_problem_on_arm64_hosts(tmp_path):
    assert "/dev/kvm" in kvm_problem("aarch64", str(tmp_path / "kvm"))
    node = tmp_path / "kvm"
    node.write_text("")
    assert kvm_problem("arm64", str(node)) is None
    assert "arm64 host" in kvm_problem("riscv64", str(node))
