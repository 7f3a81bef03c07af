"""The RAM section's block list (ram_save_setup's first record) on both reading paths, and the
fast path's promise: it reads that one record, never a RAM page."""

from __future__ import annotations

import builtins
import lzma

import pytest
from fuzz import craft
from streamfiles import VERSIONS, matrix_stream
from testdata import fixture

from app.model.errors import StreamError
from app.model.sources.readers.stream import migstream
from app.model.sources.readers.stream.migstream import read_stream
from app.model.sources.stream_layout import RamBlock

MIB = 1 << 20
VIRT_BLOCKS = ("mach-virt.ram", "virt.flash0", "virt.flash1", "/rom@etc/acpi/tables",
               "/rom@etc/table-loader", "/rom@etc/acpi/rsdp")


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory):
    root = tmp_path_factory.mktemp("ram")
    return lambda name: matrix_stream(name, root)


@pytest.mark.parametrize("version", VERSIONS)
def test_ram_size_is_in_the_block_list(unpacked, version):
    small = read_stream(unpacked(f"{version}-a57-smp2.mig")).provenance.ram_blocks
    large = read_stream(unpacked(f"{version}-a57-smp2-m128.mig")).provenance.ram_blocks
    assert tuple(b.name for b in small) == tuple(b.name for b in large) == VIRT_BLOCKS
    assert small[0] == RamBlock("mach-virt.ram", 64 * MIB)
    assert large[0] == RamBlock("mach-virt.ram", 128 * MIB)
    assert small[1:] == large[1:]
    assert small[1].length == 64 * MIB and small[3].length == 128 << 10
    assert all(b.page_size is None for b in small + large)
    walked = read_stream(unpacked(f"{version}-a57-smp2-m128.mig"), force_walk=True)
    assert walked.provenance.ram_blocks == large


def test_mapped_ram_stream_has_the_blocks_of_its_plain_twin(tmp_path):
    mapped = tmp_path / "mapped-ram.mig"
    with lzma.open(fixture("q10-cortex-a57-smp2-mapped-ram.mig.xz")) as fin, \
            open(mapped, "wb") as fout:
        while chunk := fin.read(MIB):  # all-zero MiBs left as holes: ~100 KiB on disk
            fout.seek(len(chunk), 1) if chunk.count(0) == len(chunk) else fout.write(chunk)
        fout.truncate()
    plain = read_stream(fixture("q10-cortex-a57-smp2-plain.mig")).provenance.ram_blocks
    assert read_stream(mapped).provenance.ram_blocks == plain
    assert read_stream(mapped, force_walk=True).provenance.ram_blocks == plain
    # QEMU keeps its RAM block list sorted by size, largest first: 16 MiB of RAM comes after
    # the two 64 MiB flash blocks
    assert tuple(b.name for b in plain) == (*VIRT_BLOCKS[1:3], VIRT_BLOCKS[0], *VIRT_BLOCKS[3:])
    assert plain[2] == RamBlock("mach-virt.ram", 16 * MIB)


class _Spy:
    """A file whose reads are recorded as (offset, length)."""

    def __init__(self, f, reads):
        self._f, self._reads = f, reads

    def read(self, n=-1):
        at = self._f.tell()
        data = self._f.read(n)
        self._reads.append((at, len(data)))
        return data

    def __getattr__(self, name):
        return getattr(self._f, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._f.close()


@pytest.mark.parametrize("name", ["q72-cortex-a57-smp2-guest.mig", "q72-cortex-a57-smp2.mig"])
def test_fast_path_reads_no_ram_page(monkeypatch, name):
    path = fixture(name)
    size = path.stat().st_size
    reads: list[tuple[int, int]] = []
    def spy_open(file, mode):
        return _Spy(builtins.open(file, mode), reads)
    monkeypatch.setattr(migstream, "open", spy_open, raising=False)
    regs = read_stream(path)
    assert not regs.provenance.notes and regs.provenance.ram_blocks
    first_device = regs.provenance.devices[0].offset
    last_block = regs.provenance.ram_blocks[-1].name.encode()
    # its used_length, then the word after the list (read to tell a page size from the EOS)
    setup_end = path.read_bytes().find(last_block) + len(last_block) + 16
    in_ram = [(at, n) for at, n in reads if at < first_device and at + n > setup_end]
    # the only read that may cover RAM is the search for the vmdesc, which reads up to EOF
    assert all(at + n == size for at, n in in_ram), in_ram
    assert sum(n for at, n in reads if at + n <= first_device) < 512


def _stream(ram_records: bytes, caps: tuple[str, ...] = ()) -> bytes:
    """The crafted cpu stream with a configuration section and ``ram_records`` in front."""
    return (craft.HEADER + craft.configuration(caps=caps) + ram_records
            + craft.cpu_stream()[len(craft.HEADER):])


def _entry(name: str, length: int, *words: int) -> bytes:
    raw = name.encode()
    return bytes((len(raw),)) + raw + length.to_bytes(8, "big") + b"".join(
        w.to_bytes(8, "big") for w in words)


def _ram(entries: bytes, total: int) -> bytes:
    eos = (0x10).to_bytes(8, "big")
    return (craft.ram_section_start(section_id=9) + (total | 0x04).to_bytes(8, "big") + entries
            + eos + b"\x7e" + (9).to_bytes(4, "big"))


@pytest.mark.parametrize("last_has_page_size", [False, True])
def test_postcopy_hugepage_sizes_are_kept(tmp_path, last_has_page_size):
    """A postcopy source writes a block's page size when it is not the host's (hugepages)."""
    entries = _entry("mach-virt.ram", 64 * MIB, 2 * MIB) + _entry(
        "virt.flash0", 64 * MIB, *((1 << 30,) if last_has_page_size else ()))
    path = tmp_path / "hugepages.mig"
    path.write_bytes(_stream(_ram(entries, 128 * MIB)))
    expected = (RamBlock("mach-virt.ram", 64 * MIB, 2 * MIB),
                RamBlock("virt.flash0", 64 * MIB, (1 << 30) if last_has_page_size else None))
    assert read_stream(path).provenance.ram_blocks == expected
    assert read_stream(path, force_walk=True).provenance.ram_blocks == expected


def test_ignore_shared_addresses_are_stepped_over(tmp_path):
    entries = _entry("mach-virt.ram", 64 * MIB, 0x40000000) + _entry("virt.flash0", 4096, 0)
    path = tmp_path / "shared.mig"
    path.write_bytes(_stream(_ram(entries, 64 * MIB + 4096), caps=("x-ignore-shared",)))
    expected = (RamBlock("mach-virt.ram", 64 * MIB), RamBlock("virt.flash0", 4096))
    assert read_stream(path).provenance.ram_blocks == expected
    assert read_stream(path, force_walk=True).provenance.ram_blocks == expected


def test_block_sizes_that_do_not_add_up_are_a_located_error_on_both_paths(tmp_path):
    path = tmp_path / "short.mig"
    path.write_bytes(_stream(_ram(_entry("mach-virt.ram", 64 * MIB), 64 * MIB + 4096)))
    for walk in (False, True):
        with pytest.raises(StreamError) as err:
            read_stream(path, force_walk=walk)
        assert err.value.offset is not None


def test_stream_without_ram_section_says_so(tmp_path):
    path = tmp_path / "noram.mig"
    path.write_bytes(craft.cpu_stream())
    regs = read_stream(path)
    assert regs.provenance.ram_blocks == ()
    assert any("no RAM section" in n for n in regs.provenance.notes)


def test_commands_before_the_ram_section_are_stepped_over(tmp_path):
    """A postcopy source sends MIG_CMD_POSTCOPY_ADVISE (2 x be64) before the RAM setup."""
    advise = b"\x08" + (2).to_bytes(2, "big") + (16).to_bytes(2, "big") + bytes(16)
    path = tmp_path / "advise.mig"
    path.write_bytes(_stream(advise + _ram(_entry("mach-virt.ram", 64 * MIB), 64 * MIB)))
    expected = (RamBlock("mach-virt.ram", 64 * MIB),)
    assert read_stream(path).provenance.ram_blocks == expected
    assert read_stream(path, force_walk=True).provenance.ram_blocks == expected


def test_an_unknown_iterative_section_before_ram_is_a_note_on_the_fast_path(tmp_path):
    other = (b"\x01" + (7).to_bytes(4, "big") + b"\x0cdirty-bitmap" + bytes(4)
             + (1).to_bytes(4, "big"))
    path = tmp_path / "bitmap.mig"
    path.write_bytes(_stream(other + _ram(_entry("mach-virt.ram", 64 * MIB), 64 * MIB)))
    regs = read_stream(path)
    assert regs.provenance.ram_blocks == ()
    assert any("'dirty-bitmap' comes before 'ram'" in n for n in regs.provenance.notes)
    assert len(regs.vcpus) == 1
    with pytest.raises(StreamError, match="no known layout"):  # the walk cannot step over it
        read_stream(path, force_walk=True)
