"""Build large migration streams in QEMU's real format for the benchmarks.

A real stream from tests/data provides everything but RAM (header, configuration, device
sections, EOF, vmdesc — byte for byte). Its RAM section is replaced by one describing a guest
of the requested size, written record by record in QEMU's format (migration/ram.c): a
SECTION_START with the MEM_SIZE block list, a SECTION_PART with one PAGE record per page
(random contents, so nothing is a zero page), and a SECTION_END with the end-of-section mark.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.model.sources.readers.stream import structs as S  # noqa: E402
from app.model.sources.readers.stream.cursor import Cursor  # noqa: E402
from app.model.sources.readers.stream.configuration import read_configuration  # noqa: E402
from app.model.sources.readers.stream.ramwalk import walk_iterative  # noqa: E402
from app.model.sources.readers.stream.vmdesc import locate_vmdesc  # noqa: E402

PAGE = 4096


def _split_template(path: Path) -> tuple[bytes, int, bytes, list[tuple[bytes, int]]]:
    """(bytes before RAM, RAM section id, bytes from the first device section, blocks)."""
    data = path.read_bytes()
    with open(path, "rb") as f:
        cur = Cursor(f, str(path), len(data))
        cur.seek(8, "configuration")
        read_configuration(cur, None)
        ram_start = cur.pos
        devices = walk_iterative(cur, PAGE, frozenset())
    assert locate_vmdesc(open(path, "rb"), len(data)), "template needs a vmdesc"
    # The first record is SECTION_START of "ram": id, then the MEM_SIZE record lists blocks.
    sid = struct.unpack_from(">I", data, ram_start + 1)[0]
    pos = ram_start + 1 + 4 + 1 + 3 + 4 + 4
    total = struct.unpack_from(">Q", data, pos)[0] & ~S.RAM_FLAG_BITS
    pos += 8
    blocks, seen = [], 0
    while seen < total:
        n = data[pos]
        name = data[pos + 1:pos + 1 + n]
        size = struct.unpack_from(">Q", data, pos + 1 + n)[0]
        blocks.append((name, size))
        seen += size
        pos += 1 + n + 8
    return data[:ram_start], sid, data[devices:], blocks


def write_stream(template: Path, out: Path, ram_bytes: int) -> int:
    """Write ``out`` with ``ram_bytes`` of non-zero guest RAM; returns the file size."""
    head, sid, tail, blocks = _split_template(template)
    blocks = [(n, ram_bytes if n == b"mach-virt.ram" else s) for n, s in blocks]
    total = sum(s for _, s in blocks)
    noise = os.urandom(1 << 20)
    with open(out, "wb") as f:
        f.write(head)
        f.write(bytes((S.QEMU_VM_SECTION_START,)) + struct.pack(">I", sid)
                + bytes((3,)) + b"ram" + struct.pack(">II", 0, 4))
        f.write(struct.pack(">Q", total | S.RAM_SAVE_FLAG_MEM_SIZE))
        for name, size in blocks:
            f.write(bytes((len(name),)) + name + struct.pack(">Q", size))
        f.write(struct.pack(">Q", S.RAM_SAVE_FLAG_EOS))
        f.write(bytes((S.QEMU_VM_SECTION_FOOTER,)) + struct.pack(">I", sid))
        f.write(bytes((S.QEMU_VM_SECTION_PART,)) + struct.pack(">I", sid))
        name = b"mach-virt.ram"
        first = struct.pack(">Q", S.RAM_SAVE_FLAG_PAGE) + bytes((len(name),)) + name
        chunk = []
        for i in range(ram_bytes // PAGE):
            off = (i * PAGE) % (len(noise) - PAGE)
            rec = (first if i == 0 else
                   struct.pack(">Q", (i * PAGE) | S.RAM_SAVE_FLAG_PAGE | S.RAM_SAVE_FLAG_CONTINUE))
            chunk.append(rec + noise[off:off + PAGE])
            if len(chunk) == 256:
                f.write(b"".join(chunk))
                chunk.clear()
        f.write(b"".join(chunk))
        f.write(struct.pack(">Q", S.RAM_SAVE_FLAG_EOS))
        f.write(bytes((S.QEMU_VM_SECTION_FOOTER,)) + struct.pack(">I", sid))
        f.write(bytes((S.QEMU_VM_SECTION_END,)) + struct.pack(">I", sid))
        f.write(struct.pack(">Q", S.RAM_SAVE_FLAG_EOS))
        f.write(bytes((S.QEMU_VM_SECTION_FOOTER,)) + struct.pack(">I", sid))
        f.write(tail)
    return out.stat().st_size
