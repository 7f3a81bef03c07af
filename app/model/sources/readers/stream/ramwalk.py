"""Forward walk over a stream's iterative part (RAM) without reading page payloads.

Used when the trailing vmdesc cannot locate the device sections (suppressed vmdesc, or a
vmdesc whose sizes do not check out). Each RAM record is an address word with flags in its low
bits; page payloads are skipped with seek, so memory use does not grow with guest RAM.
Mapped-ram streams (file: migration) keep pages at fixed file offsets: their MEM_SIZE record
carries a header per block and the stream resumes after that block's page area.
"""

from __future__ import annotations

from app.model.sources.readers.stream import structs as S
from app.model.sources.readers.stream.cursor import Cursor
from app.model.sources.readers.stream.ramblocks import read_block_list
from app.model.sources.stream_layout import RamBlock


def walk_iterative(cur: Cursor, page_size: int, capabilities: frozenset[str],
                   blocks: list[RamBlock] | None = None) -> int:
    """Walk records from the current position to the first device (FULL) section.

    Returns the offset of that section's record byte (or of EOF when there is none);
    ``blocks`` receives the RAM block list (ramblocks.py) when given.
    """
    iterative: dict[int, str] = {}
    while True:
        start = cur.pos
        kind = cur.byte("a section record")
        if kind in (S.QEMU_VM_SECTION_FULL, S.QEMU_VM_EOF):
            cur.seek(start, "device section")
            return start
        if kind == S.QEMU_VM_SECTION_START:
            head = cur.parse(S.SectionFullHeader, "SECTION_START header")
            iterative[head["section_id"]] = head["idstr"]
            name = head["idstr"]
        elif kind in (S.QEMU_VM_SECTION_PART, S.QEMU_VM_SECTION_END):
            sid = cur.parse(S.SectionId, "section id")["section_id"]
            if sid not in iterative:
                raise cur.error(f"{S.RECORD_NAMES[kind]} for section {sid}, which never started",
                                offset=start)
            name = iterative[sid]
        elif kind == S.QEMU_VM_COMMAND:
            cmd = cur.parse(S.CommandHeader, "COMMAND header")
            cur.skip(cmd["length"], "command payload")
            continue
        else:
            raise cur.error(f"unexpected record type 0x{kind:02x} before the device sections",
                            offset=start, expected="SECTION_START/PART/END/FULL, COMMAND or EOF")
        if name != "ram":
            raise cur.error(f"iterative section {name!r} has no known layout to skip; only "
                            "'ram' can be walked (save the stream with its vmdesc)", offset=start)
        walk_ram_records(cur, page_size, capabilities, blocks)
        _footer(cur)


class _Records:
    """Buffered reader for RAM records: 1 MiB reads, records decoded in place.

    Page payloads are skipped by moving the position; a payload that crosses the buffer end is
    never read, the next read starts after it. Memory stays one chunk, whatever the RAM size.
    """

    CHUNK = 1 << 20

    def __init__(self, cur: Cursor):
        self.cur = cur
        self.pos = cur.pos
        self.base = self.pos
        self.data = b""

    def _ensure(self, n: int, what: str) -> int:
        rel = self.pos - self.base
        if rel + n <= len(self.data):
            return rel
        if self.pos + n > self.cur.size:
            raise self.cur.error(f"stream ends inside {what}", offset=self.pos,
                                 expected=f"{n} bytes of {what}")
        self.cur.f.seek(self.pos)
        self.data = self.cur.f.read(max(self.CHUNK, n))
        self.base = self.pos
        self.cur.report()
        return 0

    def word(self) -> int:
        rel = self._ensure(8, "a RAM record")
        self.pos += 8
        return S.RAM_WORD.unpack_from(self.data, rel)[0]

    def block_name(self) -> None:
        rel = self._ensure(1, "a RAM block name")
        self.skip(1 + self.data[rel], "RAM block name")

    def sized(self, header: int, what: str) -> int:
        rel = self._ensure(header, what)
        self.pos += header
        return int.from_bytes(self.data[rel:rel + header], "big")

    def skip(self, n: int, what: str) -> None:
        if self.pos + n > self.cur.size:
            raise self.cur.error(f"{what} of {n} bytes runs past the end of the file",
                                 offset=self.pos, expected=f"{n} bytes")
        self.pos += n

    def skip_run(self, stride: int, flags: int) -> None:
        """Skip the following records of the same shape that the buffer already holds."""
        rel = self.pos - self.base
        if 0 <= rel < len(self.data):
            self.pos += stride * S.ram_run_length(self.data, rel, stride, flags)

    def sync(self) -> Cursor:
        """Hand the position back to the cursor (for rare records parsed with construct)."""
        self.cur.seek(self.pos, "RAM record")
        self.data, self.base = b"", self.pos
        return self.cur


def walk_ram_records(cur: Cursor, page_size: int, capabilities: frozenset[str],
                     blocks: list[RamBlock] | None = None) -> None:
    """Skip RAM records up to and including RAM_SAVE_FLAG_EOS (``blocks``: see walk_iterative)."""
    rec = _Records(cur)
    zero, page, cont = S.RAM_SAVE_FLAG_ZERO, S.RAM_SAVE_FLAG_PAGE, S.RAM_SAVE_FLAG_CONTINUE
    while True:
        start = rec.pos
        word = rec.word()
        flags = word & S.RAM_FLAG_BITS
        # The two records that make up almost every stream, decided first.
        if flags == zero | cont:
            rec.skip(1, "zero-page fill byte")
            rec.skip_run(9, flags)
            continue
        if flags == page | cont:
            rec.skip(page_size, "RAM page")
            rec.skip_run(8 + page_size, flags)
            continue
        if flags & S.RAM_SAVE_FLAG_EOS:
            rec.sync()
            return
        if flags & S.RAM_SAVE_FLAG_MEM_SIZE:
            found = read_block_list(rec.sync(), word & ~S.RAM_FLAG_BITS, capabilities)
            if blocks is not None:
                blocks.extend(found)
            rec = _Records(cur)
            continue
        if flags == S.RAM_SAVE_FLAG_MULTIFD_FLUSH:
            continue
        if flags & S.RAM_SAVE_FLAG_HOOK:
            raise cur.error("RDMA hook record: RDMA streams cannot be read", offset=start)
        if not flags & cont:
            rec.block_name()
        if flags & zero:
            rec.skip(1, "zero-page fill byte")
        elif flags & page:
            rec.skip(page_size, "RAM page")
        elif flags & S.RAM_SAVE_FLAG_XBZRLE:
            rec.skip(1, "XBZRLE encoding byte")
            rec.skip(rec.sized(2, "XBZRLE length"), "XBZRLE data")
        elif flags & S.RAM_SAVE_FLAG_COMPRESS_PAGE:
            rec.skip(rec.sized(4, "compressed length"), "compressed page")
        else:
            raise cur.error(f"RAM record with unknown flags 0x{flags:x}", offset=start,
                            expected="ZERO, PAGE, XBZRLE, MEM_SIZE or EOS")


def _footer(cur: Cursor) -> None:
    if cur.peek() == S.QEMU_VM_SECTION_FOOTER:
        cur.byte("section footer")
        cur.parse(S.SectionId, "section footer id")
