"""Detection by content: every fixture loads under a misleading name; unknown files say why."""

from __future__ import annotations

import shutil

import pytest

from app.model.errors import UnknownFormatError
from app.model.sources.readers import READERS, detect, load
from testdata import DATA

EXPECTED = {
    "q72-cortex-a57-smp2.mig": "qemu-stream",
    "logs/q72-cortex-a57-smp2__into__q11-cortex-a57-smp2-virt-7.2.log": "qemu-log",
    "logs/qemu-series-v6-commit-example.log": "qemu-log",
    "logs/q10-cortex-a57-smp2-virt-7.2__into__q72-cortex-a57-smp2.log": "qemu-log",
    "logs/q72-cortex-a57-smp1__into__q72-cortex-a57-smp2.log": "qemu-log",
    "logs/q11-max-smp2__into__q72-cortex-a57-smp2.log": "qemu-log",
    "dumps/q72-cortex-a57-smp2.analyze-migration.json": "analyze-migration",
    "dumps/q11-max-smp2.analyze-migration.json": "analyze-migration",
    "dumps/q72-cortex-a72.gdb-info-all-registers.txt": "gdb-registers",
    "dumps/q11-neoverse-n1.gdb-info-all-registers.txt": "gdb-registers",
    "dumps/firecracker-dump-from-q72-cortex-a57-smp1.json": "firecracker-template",
    "dumps/firecracker-template-docs-example.json": "firecracker-template",
    "lists/get-reg-list-7.2.13-vregs-pmu.txt": "kvm-reg-list",
    "lists/get-reg-list-7.2.13-el2-sve-pmu.txt": "kvm-reg-list",
}
MADE = {  # small sources written here, one per remaining format
    "regs.csv": ("id,value\nMIDR_EL1,0x410fd070\n", "csv-dump"),
    "regs.json": ('{"vcpus": [{"vcpu": 0, "registers": [{"id": "0x603000000013c000", '
                  '"value": "0x1"}]}]}', "json-dump"),
    "regs.txt": ("MIDR_EL1 0x410fd070\nTCR2_EL1\n", "text-dump"),
}
WRONG = {".mig": ".json", ".log": ".mig", ".json": ".csv", ".txt": ".log", ".csv": ".json"}


def test_every_reader_is_covered():
    assert {r.name for r in READERS} == set(EXPECTED.values()) | {f for _, f in MADE.values()}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_under_a_wrong_extension_is_still_detected(tmp_path, name):
    src = DATA / name
    copy = tmp_path / (src.stem + WRONG[src.suffix])
    shutil.copyfile(src, copy)
    assert detect(copy).name == EXPECTED[name]
    assert load(copy).provenance.format == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(MADE))
def test_made_sources_are_detected_under_a_wrong_extension(tmp_path, name):
    text, fmt = MADE[name]
    path = tmp_path / (name.rsplit(".", 1)[0] + WRONG["." + name.rsplit(".", 1)[1]])
    path.write_text(text)
    assert detect(path).name == fmt and len(load(path).vcpu(0)) >= 1


@pytest.mark.parametrize("content", [b"\x00\x01\x02 binary \xff\xfe", b'{"rules": []}'])
def test_unknown_file_lists_every_reader_and_why(tmp_path, content):
    path = tmp_path / "mystery.mig"
    path.write_bytes(content)
    with pytest.raises(UnknownFormatError) as err:
        load(path)
    assert [name for name, _ in err.value.attempts] == [r.name for r in READERS]
    assert all(why for _, why in err.value.attempts)
    text = str(err.value)
    assert str(path) in text and all(f"{r.name}: " in text for r in READERS)


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.log"
    path.write_bytes(b"")
    with pytest.raises(UnknownFormatError, match="empty"):
        load(path)
