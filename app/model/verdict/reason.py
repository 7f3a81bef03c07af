"""Reason: one thing a destination QEMU objects to (or warns about) while loading a stream.

A verdict is a list of these in the order QEMU meets them: the configuration section first,
then every device section in stream order (cpu_common/cpu of vCPU 0 before vCPU 1), and inside
a cpu section its fields, its subsections, then the cpreg merge of ``cpu_post_load`` and the
write-back of the merged values. ``reached`` tells whether QEMU really gets that far: a real
QEMU stops at its first failure, while the tool keeps going so the user sees every problem.
"""

from __future__ import annotations

from dataclasses import dataclass

# Stream-level kinds; cpreg rows use the diff Status values ("unexpected", "missing", ...).
MACHINE_TYPE = "machine-type"
ARRAY_LENGTH = "array-length"
UNKNOWN_SECTION = "unknown-section"
SECTION_VERSION = "section-version"
UNKNOWN_SUBSECTION = "unknown-subsection"
SUBSECTION_ABORT = "subsection-abort"
DEPRECATED_MACHINE = "deprecated-machine"
VCPU_NOT_IN_STREAM = "vcpu-not-in-stream"
VALUE_UNKNOWN = "value-unknown"
NOT_EXAMINED = "not-examined"


@dataclass(frozen=True)
class Reason:
    """Why a pair is rejected (``blocking``) or what QEMU warns about (not blocking).

    ``register`` is None for whole-stream problems (machine type, sections); ``status`` is a
    diff Status value for cpreg rows, otherwise one of the kinds above. ``message`` is QEMU's
    own words where QEMU prints them, else the tool's plain explanation. ``section`` and
    ``instance`` name the device section QEMU was loading ("cpu", 0).
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

    @property
    def is_cpreg(self) -> bool:
        return self.register is not None

    def with_reached(self, reached: bool) -> Reason:
        if reached == self.reached:
            return self
        return Reason(self.vcpu, self.register, self.name, self.status, self.message,
                      self.blocking, reached, self.section, self.instance)


def stream_reason(status: str, message: str, *, blocking: bool = True,
                  section: str | None = None, instance: int | None = None,
                  vcpu: int | None = None) -> Reason:
    """A Reason about the stream as a whole (no register)."""
    return Reason(vcpu, None, None, status, message, blocking, True, section, instance)
