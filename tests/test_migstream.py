"""The migration stream reader on real QEMU 7.2 / 10.0 / 11.1 streams (tests/data)."""

from __future__ import annotations

import json
import shutil

import pytest

from app.model.errors import FormatError, StreamError
from app.model.sources.readers import load
from app.model.sources.readers.stream.migstream import read_stream
from testdata import DATA, SHARED_DATA, fixture, needs_shared

STREAMS = sorted(p.name for p in DATA.glob("*.mig"))


def test_fixture_set_is_present():
    assert {"q72-cortex-a57-smp2.mig", "q72-max-smp2.mig",
            "q11-cortex-a57-smp2-virt-7.2.mig"} <= set(STREAMS)


@pytest.mark.parametrize("name", STREAMS)
def test_every_stream_reads_with_consistent_vcpus(name):
    regs = read_stream(fixture(name))
    smp = 2 if "smp2" in name else 1
    assert [c.index for c in regs.vcpus] == list(range(smp))
    assert regs.provenance.page_size == 4096
    for cpu in regs.vcpus:
        assert list(cpu.ids) == sorted(set(cpu.ids)), "QEMU sends each list sorted, once"
        assert all(v is not None for v in cpu.values)
    machine = name.split("virt-")[1][:-4] if "virt-" in name else None
    if machine:
        assert regs.provenance.machine == f"virt-{machine}"


def test_known_cpreg_counts_of_qemu_72():
    # Facts about QEMU 7.2 TCG: cortex-a57 migrates 258 cpregs per vCPU, max 304, and every
    # register of the a57 is also a register of max.
    a57 = read_stream(fixture("q72-cortex-a57-smp2.mig"))
    mx = read_stream(fixture("q72-max-smp2.mig"))
    assert [len(c) for c in a57.vcpus] == [258, 258]
    assert [len(c) for c in mx.vcpus] == [304, 304]
    assert set(a57.vcpus[0].ids) < set(mx.vcpus[0].ids)


@pytest.mark.parametrize("name,writer", [
    ("q72-cortex-a57-smp2.mig", "qemu-7.2"),
    ("q10-max-smp2.mig", "qemu-10.0"),
    ("q10-cortex-a57-smp2-virt-7.2.mig", "qemu-10.0"),
    ("q11-cortex-a57-smp2-virt-7.2.mig", "qemu-11.1"),
    ("q11-max-smp2.mig", "qemu-11.1"),
])
def test_writer_is_recognised_from_the_vmdesc(name, writer):
    assert read_stream(fixture(name)).provenance.writer == writer


@pytest.mark.parametrize("name", [n for n in STREAMS if "suppress" not in n])
def test_fast_path_and_forward_walk_agree(name):
    fast = read_stream(fixture(name))
    walk = read_stream(fixture(name), force_walk=True)
    assert fast.provenance.notes == ()
    assert walk.provenance.notes, "the walk says it walked"
    assert fast.vcpus == walk.vcpus


def test_stream_without_vmdesc_still_yields_its_cpregs():
    plain = read_stream(fixture("q72-cortex-a57-smp2.mig"))
    bare = read_stream(fixture("q72-cortex-a57-smp2-suppress-vmdesc.mig"))
    assert "no vmdesc" in bare.provenance.notes[0]
    assert bare.vcpus == plain.vcpus
    assert bare.provenance.writer is None


def test_load_detects_streams_by_content_not_extension(tmp_path):
    odd = tmp_path / "capture.txt"
    shutil.copy(fixture("q72-cortex-a57-smp1.mig"), odd)
    assert load(odd).provenance.format == "qemu-stream"


def test_bad_magic_names_file_and_offset(tmp_path):
    bad = tmp_path / "bad.mig"
    bad.write_bytes(b"QEVX" + fixture("q72-cortex-a57-smp1.mig").read_bytes()[4:])
    with pytest.raises(StreamError) as err:
        read_stream(bad)
    assert err.value.offset == 0 and str(bad) in str(err.value)


@pytest.mark.parametrize("keep", [6, 40, 200_000, -20_000, -2])
def test_truncated_stream_fails_with_an_offset(tmp_path, keep):
    data = fixture("q72-cortex-a57-smp2.mig").read_bytes()
    cut = tmp_path / "cut.mig"
    cut.write_bytes(data[:keep] if keep > 0 else data[:keep])
    with pytest.raises(FormatError) as err:
        read_stream(cut)
    assert err.value.offset is not None and err.value.offset <= len(cut.read_bytes())


def test_vmdesc_that_lies_about_sizes_falls_back_to_the_walk(tmp_path):
    data = bytearray(fixture("q72-cortex-a57-smp2.mig").read_bytes())
    pos = data.rfind(b'"name": "pl011", "instance_id": 0')
    assert pos > 0
    tail = data[pos:]
    first = tail.find(b'"size": 4') + pos
    data[first:first + 9] = b'"size": 5'  # same length, wrong size
    lied = tmp_path / "lied.mig"
    lied.write_bytes(bytes(data))
    with pytest.raises(StreamError):
        # the vmdesc now disagrees with the stream in both paths: an error, never garbage
        read_stream(lied)


@needs_shared
@pytest.mark.parametrize("dump", ["q72-cortex-a57-smp2", "q11-max-smp2"])
def test_values_match_qemus_own_analyze_migration(dump):
    """QEMU's scripts/analyze-migration.py -d state output is an independent oracle."""
    ref = json.loads((SHARED_DATA / "dumps" / f"{dump}.analyze-migration.json").read_text())
    regs = read_stream(SHARED_DATA / "streams" / f"{dump}.mig")
    cpus = [v for k, v in ref.items() if k.startswith("cpu (")]
    assert len(cpus) == len(regs.vcpus)
    for mine, theirs in zip(regs.vcpus, cpus):
        assert list(mine.ids) == [int(x, 16) for x in theirs["cpreg_vmstate_indexes"]]
        assert list(mine.values) == [int(x, 16) for x in theirs["cpreg_vmstate_values"]]


def _unpack_sparse(src, dst) -> None:
    """Decompress an .xz fixture, leaving all-zero MiB holes unwritten (sparse on disk)."""
    import lzma

    with lzma.open(src) as fin, open(dst, "wb") as fout:
        while chunk := fin.read(1 << 20):
            if chunk.count(0) == len(chunk):
                fout.seek(len(chunk), 1)
            else:
                fout.write(chunk)
        fout.truncate()


def test_real_mapped_ram_stream_reads_like_its_plain_twin(tmp_path):
    """QEMU 10.0.2 file: migration with the mapped-ram capability (pages at fixed offsets)."""
    mapped = tmp_path / "mapped-ram.mig"
    _unpack_sparse(fixture("q10-cortex-a57-smp2-mapped-ram.mig.xz"), mapped)
    plain = read_stream(fixture("q10-cortex-a57-smp2-plain.mig"))
    fast = read_stream(mapped)
    walk = read_stream(mapped, force_walk=True)
    assert [len(c) for c in fast.vcpus] == [274, 274]
    assert fast.vcpus == walk.vcpus == plain.vcpus
    assert "forward walk" in walk.provenance.notes[0]
