"""Every binary layout the readers parse, as construct Structs (and nothing else).

QEMU's migration stream is big-endian throughout (migration/savevm.c, migration/ram.c).
Readers parse a record header here and get back plain Python values via ``to_plain``; no
construct ``Container`` is allowed to travel past the reader that parsed it.
"""

from __future__ import annotations

import struct

from construct import (
    Array,
    Bytes,
    Const,
    Int8sb,
    Int8ub,
    Int16sb,
    Int16ub,
    Int32sb,
    Int32ub,
    Int64sb,
    Int64ub,
    PascalString,
    Struct,
)

QEMU_VM_FILE_MAGIC = 0x5145564D  # "QEVM"
QEMU_VM_FILE_VERSION = 3

# Record types of the top-level stream (migration/savevm.c).
QEMU_VM_EOF = 0x00
QEMU_VM_SECTION_START = 0x01
QEMU_VM_SECTION_PART = 0x02
QEMU_VM_SECTION_END = 0x03
QEMU_VM_SECTION_FULL = 0x04
QEMU_VM_SUBSECTION = 0x05
QEMU_VM_VMDESCRIPTION = 0x06
QEMU_VM_CONFIGURATION = 0x07
QEMU_VM_COMMAND = 0x08
QEMU_VM_SECTION_FOOTER = 0x7E

RECORD_NAMES = {
    QEMU_VM_EOF: "EOF",
    QEMU_VM_SECTION_START: "SECTION_START",
    QEMU_VM_SECTION_PART: "SECTION_PART",
    QEMU_VM_SECTION_END: "SECTION_END",
    QEMU_VM_SECTION_FULL: "SECTION_FULL",
    QEMU_VM_SUBSECTION: "SUBSECTION",
    QEMU_VM_VMDESCRIPTION: "VMDESCRIPTION",
    QEMU_VM_CONFIGURATION: "CONFIGURATION",
    QEMU_VM_COMMAND: "COMMAND",
    QEMU_VM_SECTION_FOOTER: "SECTION_FOOTER",
}

# RAM page-record flags, in the low bits of each record's 64-bit address word (migration/ram.c).
RAM_SAVE_FLAG_FULL = 0x01  # obsolete; never written by QEMU >= 1.x but still reserved
RAM_SAVE_FLAG_ZERO = 0x02
RAM_SAVE_FLAG_MEM_SIZE = 0x04
RAM_SAVE_FLAG_PAGE = 0x08
RAM_SAVE_FLAG_EOS = 0x10
RAM_SAVE_FLAG_CONTINUE = 0x20
RAM_SAVE_FLAG_XBZRLE = 0x40
RAM_SAVE_FLAG_HOOK = 0x80  # RDMA only
RAM_SAVE_FLAG_COMPRESS_PAGE = 0x100
RAM_SAVE_FLAG_MULTIFD_FLUSH = 0x200
RAM_FLAG_BITS = 0x3FF  # flags live below the smallest target page (1 KiB on Arm)

FileHeader = Struct(
    "magic" / Const(QEMU_VM_FILE_MAGIC, Int32ub),
    "version" / Int32ub,
)

# u32 length + bytes: the machine type in the configuration section, the vmdesc JSON.
Be32String = PascalString(Int32ub, "utf8")
Be32Blob = Struct("length" / Int32ub, "data" / Bytes(lambda ctx: ctx.length))

# QEMU_VM_SECTION_START / QEMU_VM_SECTION_FULL header, after the record-type byte.
SectionFullHeader = Struct(
    "section_id" / Int32ub,
    "idstr" / PascalString(Int8ub, "latin1"),
    "instance_id" / Int32ub,
    "version_id" / Int32ub,
)
# QEMU_VM_SECTION_PART / QEMU_VM_SECTION_END / QEMU_VM_SECTION_FOOTER: just the id.
SectionId = Struct("section_id" / Int32ub)

# QEMU_VM_SUBSECTION header, after the record-type byte.
SubsectionHeader = Struct(
    "name" / PascalString(Int8ub, "latin1"),
    "version_id" / Int32ub,
)

# QEMU_VM_COMMAND, after the record-type byte.
CommandHeader = Struct("cmd" / Int16ub, "length" / Int16ub)

RamRecordWord = Struct("word" / Int64ub)
RamBlockId = PascalString(Int8ub, "latin1")
RamBlockSize = Struct("idstr" / RamBlockId, "used_length" / Int64ub)
# What may follow used_length in a block entry: the page size (postcopy-ram, hugepage blocks),
# then the block's guest address (x-ignore-shared); see ramblocks.py.
RamBlockWord = Struct("value" / Int64ub)

# Mapped-ram (file: migration, QEMU >= 9.0): written after each block of the MEM_SIZE record.
# QEMU declares it QEMU_PACKED, so it is 28 bytes with no padding after ``version``; the stream
# then continues at pages_offset + used_length (the pages sit at fixed offsets in between).
MAPPED_RAM_HDR_VERSION = 1
MappedRamHeader = Struct(
    "version" / Int32ub,
    "page_size" / Int64ub,
    "bitmap_offset" / Int64ub,
    "pages_offset" / Int64ub,
)

# configuration/capabilities subsection: u32 count, then that many u8-length names.
CapabilityName = PascalString(Int8ub, "latin1")

# Scalar vmstate types by their vmdesc "type" string, for values we decode (others are bytes):
# (construct type, struct-module format char for the bulk decoder below, byte size).
SCALARS = {
    "uint8": (Int8ub, "B", 1),
    "uint16": (Int16ub, "H", 2),
    "uint32": (Int32ub, "I", 4),
    "uint64": (Int64ub, "Q", 8),
    "int8": (Int8sb, "b", 1),
    "int16": (Int16sb, "h", 2),
    "int32": (Int32sb, "i", 4),
    "int64": (Int64sb, "q", 8),
    "int32 le": (Int32sb, "i", 4),  # VMSTATE_INT32_POSITIVE_LE: same bytes, checked on load
    "int32 equal": (Int32sb, "i", 4),
    "uint32 equal": (Int32ub, "I", 4),
    "bool": (Int8ub, "B", 1),
    "cpsr": (Int32ub, "I", 4),  # target/arm/machine.c: CPSR/PSTATE as one u32
    "fpscr": (Int32ub, "I", 4),
    "powered_off": (Int8ub, "B", 1),
    "timer": (Int64sb, "q", 8),  # VMSTATE_TIMER_PTR: the expiry time, -1 when not armed
}


def decode_scalars(type_name: str, data: bytes, offset: int, count: int) -> tuple[int, ...]:
    """Decode ``count`` big-endian scalars of vmstate type ``type_name`` at ``offset``.

    The cpreg arrays of a many-vCPU guest hold hundreds of thousands of u64s, so arrays go
    through one ``struct.unpack_from`` call instead of a construct parse per element; the
    layouts are the same as the construct types in SCALARS.
    """
    _, fmt, size = SCALARS[type_name]
    if offset + count * size > len(data):
        raise ValueError("scalar array runs past the end of its section")
    return struct.unpack_from(f">{count}{fmt}", data, offset)


def to_plain(container) -> dict:
    """Copy a parsed construct Container into a plain dict (dropping construct's internals)."""
    return {k: v for k, v in container.items() if not k.startswith("_")}


# The start of target/arm/machine.c's vmstate_arm_cpu (version 22, unchanged from QEMU 2.x to
# 11.x): the fields in front of the cpreg arrays. Used only for streams saved without a vmdesc
# (suppress-vmdesc=on), where nothing else describes the section.
ARM_CPU_VMSD_VERSION = 22
ArmCpuPrefixV22 = Struct(
    "regs" / Array(16, Int32ub),
    "xregs" / Array(32, Int64ub),
    "pc" / Int64ub,
    "cpsr" / Int32ub,
    "spsr" / Int32ub,
    "banked_spsr" / Array(8, Int64ub),
    "banked_r13" / Array(8, Int32ub),
    "banked_r14" / Array(8, Int32ub),
    "usr_regs" / Array(5, Int32ub),
    "fiq_regs" / Array(5, Int32ub),
    "elr_el" / Array(4, Int64ub),
    "sp_el" / Array(4, Int64ub),
    "cpreg_vmstate_array_len" / Int32sb,
)


# Bulk decoders for the hot loop of the forward walk over RAM records (millions of records on a
# multi-GiB guest): the same big-endian layouts as RamRecordWord/RamBlockId above, decoded with
# precompiled struct formats because a construct parse per record costs ~20 µs.
RAM_WORD = struct.Struct(">Q")


def ram_run_length(buf: bytes, offset: int, stride: int, flags: int) -> int:
    """How many RAM records in a row start at ``offset``, ``stride`` bytes apart, with ``flags``.

    Streams are mostly long runs of same-shaped records (PAGE|CONTINUE every 8 + page-size
    bytes, ZERO|CONTINUE every 9 bytes); checking a whole buffer's worth of them as one strided
    big-endian u64 view keeps the forward walk near the speed of reading the file.
    Only records that lie entirely inside ``buf`` are counted.
    """
    import numpy as np  # deferred: only the forward walk needs it; ~100 ms off GUI start-up

    count = (len(buf) - offset) // stride
    if count <= 0:
        return 0
    words = np.ndarray((count,), dtype=">u8", buffer=buf, offset=offset, strides=(stride,))
    bad = np.flatnonzero((words & RAM_FLAG_BITS) != flags)
    return int(bad[0]) if bad.size else count
