"""``diff`` shows the stream side by side: RAM blocks and device sections in the JSON
("stream", "ram_blocks", "sections", added beside the existing keys) and in a text section,
on real QEMU streams (tests/data/matrix, unpacked with lzma) and a non-stream source."""

from __future__ import annotations

import json

import pytest

from app.cli import main
from app.model.compare.stream_diff import PartStatus, RamRow, SectionRow, StreamDiff
from app.model.reports.stream_report import HEADING, part_for_reason
from app.model.sources.register_set import DeviceInfo
from app.model.sources.stream_layout import RamBlock
from app.model.verdict.reason import stream_reason
from streamfiles import matrix_stream
from testdata import fixture

DUMP = fixture("dumps/q72-cortex-a57-smp2.analyze-migration.json")
OLD_KEYS = {"source", "destination", "counts", "vcpus", "rows", "vcpu_variance", "state_rows",
            "cpu_state"}


@pytest.fixture(scope="module")
def mig(tmp_path_factory):
    """``mig("q10-a57-smp2")``: the committed matrix stream, unpacked once per module."""
    folder = tmp_path_factory.mktemp("matrix")

    def unpack(name: str) -> str:
        return str(matrix_stream(f"{name}.mig", folder))
    return unpack


def diff_json(capsys, *argv) -> dict:
    assert main(["diff", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def diff_text(capsys, *argv) -> str:
    assert main(["diff", *argv]) == 0
    return capsys.readouterr().out


def test_json_ram_block_of_another_size(capsys, mig):
    """-m 128M into -m 64M: QEMU says "Size mismatch: mach-virt.ram: 0x8000000 != 0x4000000"."""
    data = diff_json(capsys, mig("q10-a57-smp2-m128"), mig("q10-a57-smp2"))
    assert OLD_KEYS <= set(data)  # nothing removed: scripts keep working
    assert data["stream"]["examined"] is True and data["stream"]["notes"] == []
    ram = {b["name"]: b for b in data["ram_blocks"]}
    main_ram = ram["mach-virt.ram"]
    assert main_ram["status"] == "size"
    assert main_ram["incoming"] == {"present": True, "length": "0x8000000", "page_size": None}
    assert main_ram["destination"]["length"] == "0x4000000"
    assert main_ram["details"] == ["length 0x8000000 incoming, 0x4000000 on the destination"]
    assert ram["virt.flash0"]["status"] == "match"  # every block is listed, matches too
    assert data["stream"]["counts"]["size"] == 1
    assert all(s["status"] == "match" for s in data["sections"])
    cpu = next(s for s in data["sections"] if s["name"] == "cpu" and s["instance"] == 1)
    assert cpu["incoming"]["present"] and cpu["incoming"]["version"] == 22
    assert set(cpu["incoming"]) == {"present", "version", "size", "opaque", "offset"}


def test_json_sections_only_on_one_side(capsys, mig):
    data = diff_json(capsys, mig("q10-a57-smp2-net"), mig("q10-a57-smp2"))
    by_name = {(s["name"], s["instance"]): s for s in data["sections"]}
    slirp = by_name[("slirp", 0)]  # no VMSD description: an opaque byte range
    assert slirp["status"] == "unexpected" and slirp["incoming"]["opaque"] is True
    assert slirp["incoming"]["size"] > 0 and slirp["destination"]["present"] is False
    assert slirp["details"] == ["only in the incoming stream"]
    reverse = diff_json(capsys, mig("q10-a57-smp2"), mig("q10-a57-smp2-net"))
    slirp = next(s for s in reverse["sections"] if s["name"] == "slirp")
    assert slirp["status"] == "missing" and slirp["incoming"]["present"] is False
    assert reverse["stream"]["counts"]["missing"] == 2  # slirp and the virtio-net device


def test_text_lists_differing_parts_and_all_with_all(capsys, mig):
    src, dst = mig("q10-a57-smp2-rng"), mig("q10-a57-smp2")
    out = diff_text(capsys, src, dst)
    stream = out.split(HEADING, 1)[1].split("CPU state outside", 1)[0]
    lines = [line for line in stream.splitlines() if line.startswith(("section", "ram"))]
    assert len(lines) == 1 and "virtio-rng" in lines[0] and "unexpected" in lines[0]
    assert "absent" in lines[0] and "only in the incoming stream" in stream
    assert "1 differing part(s) among 6 RAM block(s)" in stream
    every = diff_text(capsys, src, dst, "--all").split(HEADING, 1)[1]
    assert "mach-virt.ram" in every and "globalstate" in every
    assert "0x4000000 (64 MiB)" in every


def test_a_source_that_is_no_stream_is_not_examined(capsys, mig):
    data = diff_json(capsys, str(DUMP), mig("q10-a57-smp2"))
    assert data["stream"]["examined"] is False
    assert data["sections"] == [] and data["ram_blocks"] == []  # not "no difference"
    assert "incoming side (analyze-migration)" in data["stream"]["notes"][0]
    assert "not examined" in data["stream"]["notes"][0]
    text = diff_text(capsys, str(DUMP), mig("q10-a57-smp2"))
    assert f"{HEADING}\nnot examined: the incoming side" in text


def _pairing() -> StreamDiff:
    big, small = RamBlock("mach-virt.ram", 1 << 27), RamBlock("mach-virt.ram", 1 << 26)
    gic = DeviceInfo("arm_gicv3", 0, 3)
    return StreamDiff(
        (RamRow("virt.flash0", RamBlock("virt.flash0", 1), RamBlock("virt.flash0", 1),
                PartStatus.MATCH), RamRow("mach-virt.ram", big, small, PartStatus.SIZE)),
        (SectionRow("arm_gicv3", 0, gic, gic, PartStatus.LAYOUT),
         SectionRow("cpu", 1, None, DeviceInfo("cpu", 1, 22), PartStatus.MISSING)), True)


def test_reasons_find_their_part():
    pairing = _pairing()
    ram, flash, gic, cpu1 = pairing.ram[1], pairing.ram[0], *pairing.sections
    size = "Size mismatch: mach-virt.ram: 0x8000000 != 0x4000000: Invalid argument"
    assert part_for_reason(pairing, stream_reason("ram-size", size, section="ram",
                                                  instance=0, field="mach-virt.ram")) is ram
    assert part_for_reason(pairing, stream_reason("ram-size", size, section="ram")) is ram
    assert part_for_reason(pairing, stream_reason("x", "", section="ram",
                                                  field="virt.flash0")) is flash
    footer = stream_reason("section-layout", "Missing section footer for arm_gicv3",
                           section="arm_gicv3", instance=0)
    assert part_for_reason(pairing, footer) is gic
    assert part_for_reason(pairing, stream_reason("y", "", section="cpu", instance=1)) is cpu1
    assert part_for_reason(pairing, stream_reason("y", "", section="cpu", instance=0)) is None
    machine = stream_reason("machine-type", "Machine type received is 'virt-7.2'",
                            section="configuration")
    assert part_for_reason(pairing, machine) is None
    assert part_for_reason(None, footer) is None


def test_check_says_what_it_did_not_examine(capsys):
    """An acceptance that skipped parts of the pair says so in its first line and lists them."""
    args = ["check", str(DUMP), str(fixture("q72-cortex-a57-smp2.mig"))]  # the same VM
    assert main([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "accepted" and data["unexamined"]
    assert all(r["status"] == "not-checked" or r["status"] == "value-unknown"
               for r in data["unexamined"])
    assert {"section", "instance", "field", "details"} <= set(data["unexamined"][0])
    assert main(args) == 0
    lines = capsys.readouterr().out.splitlines()
    n = len(data["unexamined"])
    assert lines[0].startswith("ACCEPTED by ") and f"also accepts {n} part(s)" in lines[0]
    listed = lines.index(f"{n} part(s) not examined (what QEMU does there is unknown):")
    assert "not a migration stream" in lines[listed + 1]
    assert not any("not examined:" in line for line in lines[:listed])  # not as a warning
