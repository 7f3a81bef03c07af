"""The stream side by side as plain data and text: what ``diff`` adds about RAM blocks and
device sections (``app.model.compare.stream_diff`` pairs them; this module only shapes them).

JSON, added to diff's (keys only ever get added): ``"stream": {"examined", "counts",
"notes"}``, ``"ram_blocks": [{"name", "incoming", "destination", "status", "details"}]`` with
each side ``{"present", "length" (hex), "page_size"}``, and ``"sections": [{"name",
"instance", "incoming", "destination", "status", "details"}]`` with each side ``{"present",
"version", "size", "opaque", "offset"}``. Every RAM block and section is listed, matching ones
too; the text lists the differing ones (all with ``--all``). ``examined`` False means the
lists are empty because a side is not a stream with a section list — never "no difference".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.model.compare.stream_diff import PartStatus, RamRow, SectionRow, StreamDiff
from app.model.sources.stream_layout import RamBlock

if TYPE_CHECKING:
    from app.model.sources.register_set import DeviceInfo, RegisterSet
    from app.model.verdict.reason import Reason

HEADING = "Stream (RAM blocks and device sections)"
ONLY_SRC = "only in the incoming stream"
ONLY_DST = "only on the destination"


def ram_length(length: int) -> str:
    """``0x8000000 (128 MiB)``: QEMU's hex, with a size a person reads."""
    mib = length / (1 << 20)
    size = f"{mib:g} MiB" if mib >= 1 else f"{length / 1024:g} KiB"
    return f"0x{length:x} ({size})"


def details(row: RamRow | SectionRow) -> tuple[str, ...]:
    """What differs, in words: the pairing's own details, else one line for the status."""
    if isinstance(row, SectionRow) and row.details:
        return row.details
    if row.status is PartStatus.UNEXPECTED:
        return (ONLY_SRC,)
    if row.status is PartStatus.MISSING:
        return (ONLY_DST + ": it keeps its own state",)
    if isinstance(row, RamRow) and row.status is PartStatus.SIZE and row.src and row.dst:
        return (f"length 0x{row.src.length:x} incoming, 0x{row.dst.length:x} on the "
                "destination",)
    return ()


def part_for_reason(result: StreamDiff | None,
                    reason: Reason | None) -> RamRow | SectionRow | None:
    """The RAM block or section a stream-level reason is about (None: a cpreg row, or a
    reason about no single part, such as the machine type). A RAM reason (section "ram")
    names its block in ``field``, else in QEMU's message (``Size mismatch: NAME: ...``)."""
    if result is None or reason is None or reason.register is not None:
        return None
    if reason.section == "ram" and result.ram:
        named = [r for r in result.ram if reason.field in (r.name, None) and (
            reason.field or f"{r.name}:" in reason.message or f'"{r.name}"' in reason.message)]
        if named:
            return named[0]
    if reason.section is None:
        return None
    same = [r for r in result.sections if r.name == reason.section]
    return next((r for r in same if r.instance_id == reason.instance),
                same[0] if same and reason.instance is None else None)


def _section_side(dev: DeviceInfo | None) -> dict:
    if dev is None:
        return {"present": False, "version": None, "size": None, "opaque": None,
                "offset": None}
    return {"present": True, "version": dev.version, "size": dev.size, "opaque": dev.opaque,
            "offset": dev.offset}


def _ram_side(block: RamBlock | None) -> dict:
    if block is None:
        return {"present": False, "length": None, "page_size": None}
    return {"present": True, "length": f"0x{block.length:x}", "page_size": block.page_size}


def stream_notes(src: RegisterSet, dst: RegisterSet, result: StreamDiff) -> list[str]:
    """What was not examined, and why (a side that is no stream, a RAM list not read)."""
    sides = (("incoming side", src), ("destination side", dst))
    if not result.examined:
        missing = [f"the {label} ({regs.provenance.format}) lists no device sections"
                   for label, regs in sides if not regs.provenance.devices]
        return ["; ".join(missing) + ": RAM blocks and device sections were not examined"]
    no_ram = [label for label, regs in sides if not regs.provenance.ram_blocks]
    if no_ram:
        return [f"no RAM block list read from the {' or the '.join(no_ram)}: RAM block names "
                "and sizes were not examined"]
    return []


def stream_json(src: RegisterSet, dst: RegisterSet, result: StreamDiff) -> dict:
    counts = dict.fromkeys((s.value for s in PartStatus), 0)
    ram, sections = (result.ram, result.sections) if result.examined else ((), ())
    for status in [r.status for r in ram] + [r.status for r in sections]:
        counts[status.value] += 1
    return {
        "stream": {"examined": result.examined, "counts": counts,
                   "notes": stream_notes(src, dst, result)},
        "ram_blocks": [{"name": r.name, "incoming": _ram_side(r.src),
                        "destination": _ram_side(r.dst), "status": r.status.value,
                        "details": list(details(r))} for r in ram],
        "sections": [{"name": r.name, "instance": r.instance_id,
                      "incoming": _section_side(r.src), "destination": _section_side(r.dst),
                      "status": r.status.value, "details": list(details(r))}
                     for r in sections],
    }


def add_stream(data: dict, src: RegisterSet, dst: RegisterSet, result: StreamDiff) -> dict:
    """Add "stream", "ram_blocks" and "sections" to diff JSON."""
    data.update(stream_json(src, dst, result))
    return data


def side_text(part: DeviceInfo | RamBlock | None) -> str:
    """One side of a row for the text table: ``absent``, ``v22, 1234 B`` or a RAM length."""
    if part is None:
        return "absent"
    if isinstance(part, RamBlock):
        return ram_length(part.length)
    words = [f"v{part.version}"]
    if part.size is not None:
        words.append(f"{part.size} B")
    if part.opaque:
        words.append("opaque")
    return ", ".join(words)


def stream_text(src: RegisterSet, dst: RegisterSet, result: StreamDiff,
                everything: bool = False) -> list[str]:
    """The text section of ``diff``: differing RAM blocks and sections (all when asked)."""
    lines = ["", HEADING]
    notes = stream_notes(src, dst, result)
    lines += [f"not examined: {n}" for n in notes]
    if not result.examined:
        return lines
    parts: list[RamRow | SectionRow] = [*result.ram, *result.sections]
    differing = result.differing()
    lines.append(f"{len(differing)} differing part(s) among {len(result.ram)} RAM block(s) "
                 f"and {len(result.sections)} section(s)")
    shown = parts if everything else list(differing)
    if not shown:
        return lines
    lines.append(f"{'part':<7}  {'status':<10} {'name':<44} {'inst':>4}  {'incoming':<22} "
                 "destination")
    for row in shown:
        kind, inst = ("ram", "") if isinstance(row, RamRow) else ("section",
                                                                  str(row.instance_id))
        lines.append(f"{kind:<7}  {row.status.value:<10} {row.name:<44} {inst:>4}  "
                     f"{side_text(row.src):<22} {side_text(row.dst)}")
        lines += [f"{'':<9}{d}" for d in details(row)]
    return lines
