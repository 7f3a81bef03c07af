"""Reason: one thing a destination QEMU objects to (or warns about) while loading a stream.

A verdict is a list of these in the order QEMU meets them: the configuration section first,
then the RAM section's block list, then every device section in stream order (cpu_common/cpu
of vCPU 0 before vCPU 1), and inside a cpu section its fields, its subsections, then the cpreg
merge of ``cpu_post_load`` and the write-back of the merged values; a section's footer is
checked after all of that. ``reached`` tells whether QEMU really gets that far: a real QEMU
stops at its first failure, while the tool keeps going so the user sees every problem.

Some reasons are about the tool, not QEMU: ``NOT_CHECKED`` (a part of the stream the tool
could not judge, e.g. an undescribed section whose bytes differ) and ``VALUE_UNKNOWN`` (a
constant register whose value the source did not record). They never block, but a verdict
that carries them is only as sure as those parts: ``UNEXAMINED_KINDS``, Verdict.unexamined.
"""

from __future__ import annotations

from dataclasses import dataclass

# Stream-level kinds; cpreg rows use the diff Status values ("unexpected", "missing", ...).
MACHINE_TYPE = "machine-type"
ARRAY_LENGTH = "array-length"
UNKNOWN_SECTION = "unknown-section"
SECTION_VERSION = "section-version"  # incoming section version newer than the destination's
SECTION_TOO_OLD = "section-too-old"  # older than the destination's minimum_version_id
SECTION_LAYOUT = "section-layout"  # fields of other sizes/counts: "Missing section footer"
SECTION_FIELDS = "section-fields"  # fields differ but occupy the same bytes (warning)
SECTION_NOT_IN_STREAM = "section-not-in-stream"  # destination keeps its reset state (warning)
RAM_SIZE = "ram-size"  # "Size mismatch: NAME: 0xIN != 0xLOCAL: Invalid argument"
UNKNOWN_RAM_BLOCK = "unknown-ramblock"  # 'Unknown ramblock "NAME", cannot accept migration'
RAM_RESIZED = "ram-resized"  # a resizeable block (ACPI tables) takes the incoming size
RAM_NOT_IN_STREAM = "ram-not-in-stream"  # destination block the stream lacks (warning)
UNKNOWN_SUBSECTION = "unknown-subsection"
SUBSECTION_ABORT = "subsection-abort"
DEPRECATED_MACHINE = "deprecated-machine"
VCPU_NOT_IN_STREAM = "vcpu-not-in-stream"
VALUE_UNKNOWN = "value-unknown"
NOT_EXAMINED = "not-examined"  # QEMU itself never examines it (past the merge loop's end)
NOT_CHECKED = "not-checked"  # the tool could not judge it: QEMU's outcome there is unknown

# Reasons whose outcome the tool does not know: an ACCEPTED verdict is conditional on them.
UNEXAMINED_KINDS = frozenset({NOT_CHECKED, VALUE_UNKNOWN})


@dataclass(frozen=True)
class Reason:
    """Why a pair is rejected (``blocking``) or what QEMU warns about (not blocking).

    ``register`` is None for whole-stream problems (machine type, RAM, sections); ``status``
    is a diff Status value for cpreg rows, otherwise one of the kinds above. ``message`` is
    QEMU's own words where QEMU prints them, else the tool's plain explanation. ``section``
    and ``instance`` name the section QEMU was loading ("cpu", 0; "ram", 0 for RAM blocks);
    ``field`` the field, subsection or RAM block at fault ("cpu" of arm_gicv3,
    "mach-virt.ram"); ``details`` the tool's field-level explanation, first difference first;
    ``section_id`` the stream's section id (QEMU 11.1 names it in "Section footer error").
    """

    vcpu: int | None
    register: int | None
    name: str | None
    status: str
    message: str
    blocking: bool
    reached: bool = True
    section: str | None = None
    instance: int | None = None
    field: str | None = None
    details: tuple[str, ...] = ()
    section_id: int | None = None

    @property
    def is_cpreg(self) -> bool:
        return self.register is not None

    @property
    def unexamined(self) -> bool:
        """The tool could not tell what QEMU does here (see UNEXAMINED_KINDS)."""
        return self.status in UNEXAMINED_KINDS

    def with_reached(self, reached: bool) -> Reason:
        if reached == self.reached:
            return self
        return Reason(self.vcpu, self.register, self.name, self.status, self.message,
                      self.blocking, reached, self.section, self.instance, self.field,
                      self.details, self.section_id)


def stream_reason(status: str, message: str, *, blocking: bool = True,
                  section: str | None = None, instance: int | None = None,
                  vcpu: int | None = None, field: str | None = None,
                  details: tuple[str, ...] = (), section_id: int | None = None) -> Reason:
    """A Reason about the stream as a whole (no register)."""
    return Reason(vcpu, None, None, status, message, blocking, True, section, instance, field,
                  details, section_id)
