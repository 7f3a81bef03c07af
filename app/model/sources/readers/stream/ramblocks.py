"""The RAM section's block list: the first record of ``ram``'s SECTION_START (ram_save_setup).

migration/ram.c writes one RAM_SAVE_FLAG_MEM_SIZE word whose address bits are the total of
all blocks, then per migratable block: u8 length + idstr, be64 used_length, be64 page_size
(only with the postcopy-ram capability and a block whose page size is not the host's, i.e.
hugepages), be64 address (x-ignore-shared), and the mapped-ram header (mapped-ram, after which
the stream resumes past that block's page area). The destination's ram_load_precopy checks
each name and length against its own blocks ("Size mismatch", "Unknown ramblock"), so the
reader keeps them, on the fast path too: only this record is read, never a page.

The postcopy page size is not announced by any capability in the stream; it is recognised by
its shape: a power of two of at least 4 KiB whose first byte is 0, where the next block's
length byte (never 0) or the next RAM record (never with zero flags) would otherwise be.
With x-ignore-shared, an address follows and can take the same shape, so no page size is
looked for (postcopy with hugepages and x-ignore-shared is not supported).
"""

from __future__ import annotations

from app.model.sources.readers.stream import structs as S
from app.model.sources.readers.stream.cursor import Cursor
from app.model.sources.stream_layout import RamBlock

MAX_BLOCKS = 4096


def read_ram_setup(cur: Cursor, capabilities: frozenset[str]) -> tuple[tuple[RamBlock, ...],
                                                                         str | None]:
    """(blocks, note) from the iterative part starting at the cursor: the block list of the
    ``ram`` section's first record, without reading further. A stream whose first iterative
    section is not ``ram`` (its setup cannot be stepped over unread) gets a note instead; a
    block list that does not add up is a StreamError, as on the forward walk."""
    while True:
        start = cur.pos
        kind = cur.byte("a section record")
        if kind == S.QEMU_VM_COMMAND:
            cur.skip(cur.parse(S.CommandHeader, "COMMAND header")["length"], "command payload")
            continue
        if kind != S.QEMU_VM_SECTION_START:
            return (), "the stream has no RAM section: no RAM blocks"
        head = cur.parse(S.SectionFullHeader, "SECTION_START header")
        if head["idstr"] != "ram":
            return (), (f"iterative section {head['idstr']!r} comes before 'ram': RAM blocks "
                        "not read")
        word = cur.parse(S.RamRecordWord, "RAM setup record")["word"]
        if not word & S.RAM_SAVE_FLAG_MEM_SIZE:
            raise cur.error("the RAM section does not start with its block list",
                            offset=start, expected="a RAM_SAVE_FLAG_MEM_SIZE record")
        return tuple(read_block_list(cur, word & ~S.RAM_FLAG_BITS, capabilities)), None


def read_block_list(cur: Cursor, total: int, capabilities: frozenset[str]) -> list[RamBlock]:
    """The blocks after a MEM_SIZE word announcing ``total`` bytes; the cursor ends after the
    list (for mapped-ram, after the last block's page area)."""
    ignore_shared = "x-ignore-shared" in capabilities
    mapped_ram = "mapped-ram" in capabilities
    blocks: list[RamBlock] = []
    seen = 0
    while seen < total:
        start = cur.pos
        if len(blocks) >= MAX_BLOCKS:
            raise cur.error(f"more than {MAX_BLOCKS} RAM blocks", offset=start)
        entry = cur.parse(S.RamBlockSize, "RAM block entry")
        if entry["used_length"] == 0 and not entry["idstr"]:
            raise cur.error("empty RAM block entry", offset=start)
        page_size = None if ignore_shared or mapped_ram else _page_size(cur)
        if ignore_shared:
            cur.parse(S.RamBlockWord, "RAM block address (x-ignore-shared)")
        if mapped_ram:
            _skip_mapped_ram(cur, entry, start)
        blocks.append(RamBlock(entry["idstr"], entry["used_length"], page_size))
        seen += entry["used_length"]
    if seen != total:
        raise cur.error(f"RAM block sizes add up to {seen}, not the announced {total}")
    return blocks


def _page_size(cur: Cursor) -> int | None:
    """The be64 page size a postcopy source writes for a hugepage block, if one is here."""
    at = cur.pos
    raw = cur.f.read(8)
    cur.f.seek(at)
    if len(raw) < 8 or raw[0]:
        return None
    value = int.from_bytes(raw, "big")
    if value < 1 << 12 or value & (value - 1):
        return None
    cur.parse(S.RamBlockWord, "RAM block page size (postcopy)")
    return value


def _skip_mapped_ram(cur: Cursor, entry: dict, start: int) -> None:
    head = cur.parse(S.MappedRamHeader, "mapped-ram header")
    if head["version"] > S.MAPPED_RAM_HDR_VERSION:
        raise cur.error(f"mapped-ram header version {head['version']} is newer than "
                        f"{S.MAPPED_RAM_HDR_VERSION}", offset=start)
    end = head["pages_offset"] + entry["used_length"]
    if head["pages_offset"] and end < cur.pos:  # going back would loop forever
        raise cur.error(f"mapped-ram pages of block {entry['idstr']!r} end at {end}, before "
                        "the block's own header", offset=start,
                        expected="a page area after the header")
    if head["pages_offset"]:
        cur.seek(end, "mapped-ram page area")
