"""QemuLog: the lines a destination QEMU prints for a verdict, in its own words.

Up to QEMU 10 every failure is an ``error_report`` line followed by "load of migration
failed: <strerror>"; QEMU 11.1 chains the same facts into one Error ("load of migration
failed: Invalid argument: error while loading state for instance 0x0 of device 'cpu': post load
hook failed for: cpu, ...") and names every unexpected / missing cpreg first. The lines are
rebuilt from the reasons QEMU reaches, so they can be compared with a real log line for line.
Lines are given without the "qemu-system-aarch64: " prefix QEMU puts on each.
"""

from __future__ import annotations

from app.model.compare.diff import Status
from app.model.verdict.reason import (
    ARRAY_LENGTH,
    DEPRECATED_MACHINE,
    MACHINE_TYPE,
    RAM_SIZE,
    SECTION_LAYOUT,
    SECTION_TOO_OLD,
    SECTION_VERSION,
    SUBSECTION_ABORT,
    UNKNOWN_RAM_BLOCK,
    UNKNOWN_SECTION,
    UNKNOWN_SUBSECTION,
    Reason,
)

PREFIX = "qemu-system-aarch64: "
CPU_VMSD = (22, 22)  # vmstate_arm_cpu version_id, minimum_version_id
CONFIGURATION_VMSD = (1, 0)  # vmstate_configuration
RAM_VERSION = 4  # register_savevm_live("ram", 0, 4, ...): 11.1 names it when ram_load fails
_RAM = (RAM_SIZE, UNKNOWN_RAM_BLOCK)
ASSERTION = "vmstate_load_state: Assertion `first_elem || !n_elems || !size' failed."
_HANDLERS = {Status.UNEXPECTED.value: "handle_cpreg_only_in_incoming_stream",
             Status.MISSING.value: "handle_cpreg_missing_in_incoming_stream"}


def _instance(reason: Reason) -> str:
    return f"error while loading state for instance {reason.instance or 0:#x} of device " \
           f"'{reason.section or 'cpu'}'"


def _classic(failure: Reason, assert_location: str) -> list[str]:
    """QEMU <= 10: error_report lines then strerror(-ret)."""
    if failure.status in (MACHINE_TYPE, UNKNOWN_SECTION, SECTION_VERSION, SECTION_LAYOUT):
        return [failure.message, "load of migration failed: Invalid argument"]
    if failure.status in _RAM or failure.status == SECTION_TOO_OLD:
        return [failure.message, _instance(failure), "load of migration failed: Invalid argument"]
    if failure.status == ARRAY_LENGTH:
        return [failure.message, "Failed to load cpu:cpreg_vmstate_array_len",
                _instance(failure), "load of migration failed: Invalid argument"]
    if failure.status == UNKNOWN_SUBSECTION:
        return [_instance(failure), "load of migration failed: No such file or directory"]
    if failure.status == SUBSECTION_ABORT:
        return [f"{assert_location}: {ASSERTION}"]
    return [_instance(failure), "load of migration failed: Operation not permitted"]


def _chained(failure: Reason, assert_location: str) -> list[str]:
    """QEMU 11.1: one Error chain."""
    if failure.status == MACHINE_TYPE:
        version, minimum = CONFIGURATION_VMSD
        return ["load of migration failed: Invalid argument: post load hook failed for: "
                f"configuration, version_id: {version}, minimum_version: {minimum}: "
                + failure.message]
    if failure.status in (UNKNOWN_SECTION, SECTION_VERSION):
        return ["load of migration failed: Invalid argument: " + failure.message]
    if failure.status in _RAM:  # ram.c still error_reports, savevm.c chains the rest
        return [failure.message, f"load of migration failed: Invalid argument: "
                f"{_instance(failure)}: Failed to load vmstate version_id: {RAM_VERSION}, "
                "ret: -22"]
    if failure.status == SECTION_LAYOUT:  # check_section_footer error_reports, then the chain
        section_id = "?" if failure.section_id is None else failure.section_id
        return [failure.message, "load of migration failed: Invalid argument: Section footer "
                f"error, section_id: {section_id}"]
    if failure.status == SECTION_TOO_OLD:  # not seen in a real 11.1 log: the 7.2 words chained
        return ["load of migration failed: Invalid argument: " + _instance(failure) + ": "
                + failure.message]
    if failure.status == UNKNOWN_SUBSECTION:
        return ["load of migration failed: No such file or directory: " + _instance(failure)]
    if failure.status == SUBSECTION_ABORT:
        return [f"{assert_location}: {ASSERTION}"]
    version, minimum = CPU_VMSD
    return [f"load of migration failed: Invalid argument: {_instance(failure)}: post load hook"
            f" failed for: cpu, version_id: {version}, minimum_version: {minimum}, ret: -1"]


def qemu_log(verdict, reached=None) -> tuple[str, ...]:
    """The lines ``verdict.policy``'s QEMU would print loading the stream (no prefix).
    ``reached``: the trail's reached reasons in order, when the caller has them cheaper than
    a scan of the whole trail (LiveVerdict.reached_reasons)."""
    policy = verdict.policy
    lines: list[str] = []
    for reason in verdict.trail if reached is None else reached:
        if not reason.reached:
            continue
        if reason.status == DEPRECATED_MACHINE:
            lines.append("warning: " + reason.message)
        elif policy.names_registers and reason.is_cpreg and reason.status in _HANDLERS:
            line = f"{_HANDLERS[reason.status]}: {reason.message}"
            lines.append(line if reason.blocking else "warning: " + line)
    failure = verdict.first_failure
    if failure is not None:
        render = _chained if policy.error_chain else _classic
        lines.extend(render(failure, policy.assert_location))
    return tuple(lines)
