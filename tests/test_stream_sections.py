"""Every section of a real QEMU stream is kept (issue 12): name, instance, version, offset,
body size, layout where the vmdesc describes it, and opaque byte ranges (slirp) where it does
not, on the vmdesc fast path and on the forward walk alike."""

from __future__ import annotations

import hashlib
import itertools

import pytest
from streamfiles import MATRIX, VERSIONS, matrix_stream, split_vmdesc, with_vmdesc
from testdata import DATA

from app.model.errors import FormatError, StreamError
from app.model.sources.readers.stream.migstream import read_stream

MATRIX_STREAMS = sorted(p.name[:-3] for p in MATRIX.glob("*.mig.xz"))
DATA_STREAMS = sorted(p.name for p in DATA.glob("*.mig"))
NET = [f"{v}-a57-smp2-net.mig" for v in VERSIONS]


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory):
    root = tmp_path_factory.mktemp("matrix")
    return lambda name: matrix_stream(name, root)


def header_size(name: str) -> int:
    return 1 + 4 + 1 + len(name.encode("latin1")) + 4 + 4


def check_sections(path, devices) -> None:
    """Each section sits where the reader says: header at ``offset``, body of ``size`` bytes,
    footer, the next section right after; the last one ends at the EOF byte."""
    data = path.read_bytes()
    for dev, nxt in itertools.pairwise(devices):
        body = dev.offset + header_size(dev.name)
        raw = dev.name.encode("latin1")
        assert data[dev.offset] == 0x04 and data[dev.offset + 6:dev.offset + 6 + len(raw)] == raw
        assert int.from_bytes(data[body - 8:body - 4], "big") == dev.instance_id
        assert int.from_bytes(data[body - 4:body], "big") == dev.version
        assert data[body + dev.size] == 0x7E
        assert nxt.offset == body + dev.size + 5, dev.name
        assert dev.digest == hashlib.sha256(data[body:body + dev.size]).hexdigest()
    last = devices[-1]
    assert data[last.offset + header_size(last.name) + last.size + 5] == 0x00  # EOF


@pytest.mark.parametrize("name", MATRIX_STREAMS)
def test_every_matrix_stream_keeps_every_section_on_both_paths(unpacked, name):
    path = unpacked(name)
    fast, walk = read_stream(path), read_stream(path, force_walk=True)
    assert not fast.provenance.notes
    _, doc = split_vmdesc(path.read_bytes())
    described = [(d["name"], d.get("instance_id", 0)) for d in doc["devices"]]
    assert [(d.name, d.instance_id) for d in fast.provenance.devices] == described
    assert fast.provenance.devices == walk.provenance.devices
    assert fast.provenance.ram_blocks == walk.provenance.ram_blocks
    check_sections(path, fast.provenance.devices)


@pytest.mark.parametrize("name", DATA_STREAMS)
def test_committed_fixtures_keep_every_section(name):
    regs = read_stream(DATA / name)
    assert regs.provenance.devices and regs.provenance.ram_blocks
    check_sections(DATA / name, regs.provenance.devices)
    if "suppress" in name:  # nothing describes any body: all opaque byte ranges
        assert all(d.opaque and d.layout is None for d in regs.provenance.devices)
    else:
        assert regs.provenance.devices == read_stream(DATA / name, force_walk=True) \
            .provenance.devices


@pytest.mark.parametrize("name", NET)
def test_user_networking_stream_opens_with_slirp_as_an_opaque_range(unpacked, name):
    regs = read_stream(unpacked(name))
    names = [d.name for d in regs.provenance.devices]
    assert names[:2] == ["timer", "slirp"]
    assert "virtio-mmio@000000000a003e00/virtio-net" in names
    slirp = regs.provenance.devices[1]
    assert slirp.opaque and slirp.layout is None and slirp.subsections == ()
    assert (slirp.instance_id, slirp.version, slirp.size) == (0, 4, 131)
    assert len(slirp.digest) == 64
    assert [c.index for c in regs.vcpus] == [0, 1]
    assert all(not d.opaque and d.layout for d in regs.provenance.devices if d is not slirp)


def _net_with_vmdesc(unpacked, tmp_path, edit) -> tuple:
    path = unpacked(NET[0])
    prefix, doc = split_vmdesc(path.read_bytes())
    entry = next(d for d in doc["devices"] if d["name"] == "slirp")
    doc = edit(doc, entry)
    out = tmp_path / "edited.mig"
    out.write_bytes(with_vmdesc(prefix, doc))
    return read_stream(path), out


def test_opaque_section_without_a_recorded_size_is_found_by_its_footer(unpacked, tmp_path):
    def drop_size(doc, entry):
        del entry["size"], entry["fields"]
        return doc
    original, edited = _net_with_vmdesc(unpacked, tmp_path, drop_size)
    fast = read_stream(edited)
    assert fast.provenance.notes == (), "the fast path, not the walk"
    assert fast.provenance.devices == original.provenance.devices
    assert read_stream(edited, force_walk=True).provenance.devices == original.provenance.devices


def test_net_stream_without_vmdesc_walks_to_the_same_byte_ranges(unpacked, tmp_path):
    original, bare = _net_with_vmdesc(unpacked, tmp_path, lambda doc, entry: None)
    regs = read_stream(bare)
    assert "no vmdesc" in regs.provenance.notes[0]
    assert all(d.opaque and d.layout is None for d in regs.provenance.devices)
    def ranges(r):
        return [(d.name, d.instance_id, d.version, d.offset, d.size, d.digest)
                for d in r.provenance.devices]
    assert ranges(regs) == ranges(original)
    assert regs.provenance.ram_blocks == original.provenance.ram_blocks
    assert regs.vcpus == original.vcpus


def test_an_opaque_size_that_disagrees_with_the_stream_is_a_located_error(unpacked, tmp_path):
    def shrink(doc, entry):
        entry["size"] = entry["fields"][0]["size"] = 130
        return doc
    _, edited = _net_with_vmdesc(unpacked, tmp_path, shrink)
    with pytest.raises(StreamError) as err:
        read_stream(edited)
    assert isinstance(err.value, FormatError) and err.value.offset is not None
    assert "slirp" in err.value.message


def test_layout_covers_each_described_body(unpacked):
    for name in (NET[0], "q11-a57-smp2-gicv3.mig", "q10-max-smp2.mig"):
        for dev in read_stream(unpacked(name)).provenance.devices:
            if dev.opaque:
                continue
            fields = sum(f.size * f.count for f in dev.layout.fields)
            headers = sum(6 + len(s) for s in dev.subsections)
            assert fields + headers == dev.size, (name, dev.name)


def test_layout_names_types_counts_and_small_values(unpacked):
    regs = read_stream(unpacked("q11-a57-smp2-gicv3.mig"))
    cpu = next(d for d in regs.provenance.devices if d.name == "cpu" and d.instance_id == 1)
    fields = {f.name: f for f in cpu.layout.fields}
    count = len(regs.vcpus[1])
    assert fields["cpreg_vmstate_array_len"].value == count.to_bytes(4, "big")
    assert (fields["cpreg_vmstate_indexes"].type, fields["cpreg_vmstate_indexes"].size,
            fields["cpreg_vmstate_indexes"].count) == ("uint64", 8, count)
    assert fields["cpreg_vmstate_indexes"].value is None, "large fields keep no bytes"
    assert fields["cpsr"].type == "cpsr" and len(fields["cpsr"].value) == 4
    assert "cpu/vfp/fpscr" in fields, "subsection fields are named subsection/field"
    assert cpu.subsections[0] == "cpu/vfp"
    state = next(d for d in regs.provenance.devices if d.name == "globalstate")
    runstate = next(f for f in state.layout.fields if f.name == "runstate")
    assert runstate.value.startswith(b"prelaunch\x00")  # the VMs were saved paused (-S)
    assert all(f.value is None or len(f.value) == f.size * f.count
               for d in regs.provenance.devices if d.layout for f in d.layout.fields)


def test_section_sizes_differ_where_the_devices_do(unpacked):
    """The same section in two configurations: virtio devices add sections, versions keep
    their numbers, the vCPU sections' sizes follow the CPU model."""
    def sections(name):
        return {(d.name, d.instance_id): d for d in read_stream(unpacked(name)).provenance.devices}
    base, rng_blk = sections("q72-a57-smp2.mig"), sections("q72-a57-smp2-rng-blk.mig")
    extra = sorted(n for n, _ in set(rng_blk) - set(base))
    assert len(extra) == 2 and all(n.startswith("virtio-mmio@") for n in extra)
    assert base["cpu", 0].size < sections("q72-max-smp2.mig")["cpu", 0].size
