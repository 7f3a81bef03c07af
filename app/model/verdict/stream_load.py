"""StreamLoad: the order in which a destination QEMU meets problems while loading a stream.

``qemu_loadvm_state`` checks the configuration section first (machine type), then the RAM
section's block list (names and lengths, section_load.py), then loads every device section in
stream order: a section the destination has no handler for fails ("Unknown savevm section or
instance 'cpu_common' 1" when the source has more vCPUs), a newer section version fails, and
the body is read with the destination's own fields; each cpu section runs its fields
(cpreg_vmstate_array_len), its subsections (an unknown one is -ENOENT; a known one whose state
the destination never allocated aborts in vmstate_load_state) and ``cpu_post_load``; last, the
section footer ("Missing section footer for NAME" when the fields took other bytes).
Destination sections and vCPUs the stream does not mention keep their own state. Parts the
tool cannot judge get a NOT_CHECKED reason. This module lists the steps; evaluate.py decides
which ones QEMU reaches.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.model.compare.diff import Diff
from app.model.compare.stream_diff import diff_stream
from app.model.sources.register_set import DeviceInfo, RegisterSet
from app.model.verdict.cpreg_load import (
    RowVerdict,
    Step,
    Tolerance,
    array_length_step,
    load_cpregs,
)
from app.model.verdict.policy import Policy
from app.model.verdict.reason import (
    DEPRECATED_MACHINE,
    MACHINE_TYPE,
    SECTION_VERSION,
    SUBSECTION_ABORT,
    UNKNOWN_SECTION,
    UNKNOWN_SUBSECTION,
    VCPU_NOT_IN_STREAM,
    stream_reason,
)
from app.model.verdict.section_load import (
    body_recorded,
    body_step,
    described,
    label,
    missing_section_reason,
    not_a_stream_reason,
    one,
    ram_step,
    subsection_step,
    undescribed_reason,
    unrecorded_reason,
    version_step,
)


@dataclass(frozen=True)
class StreamLoad:
    rows: tuple[RowVerdict, ...]
    steps: tuple[Step, ...]
    notes: tuple[str, ...]


def _sections(regs: RegisterSet) -> tuple[tuple[DeviceInfo, ...], bool]:
    """Device sections in stream order; synthesized from the vCPUs for non-stream sources."""
    if regs.provenance.devices:
        return regs.provenance.devices, True
    devices = []
    for cpu in regs.vcpus:
        devices += [DeviceInfo("cpu_common", cpu.index, 0), DeviceInfo("cpu", cpu.index, 0)]
    return tuple(devices), False


def configuration_steps(src: RegisterSet, dst: RegisterSet, policy: Policy) -> list[Step]:
    """Start-up warning and the configuration section's machine-type check."""
    steps = []
    local, received = dst.provenance.machine, src.provenance.machine
    if policy.machine_deprecated(local):
        steps.append(one(stream_reason(
            DEPRECATED_MACHINE, f"Machine type '{local}' is deprecated: machines more than 3 "
            "years old are subject to deletion after 6 years", blocking=False)))
    if local and received and local != received:
        steps.append(one(stream_reason(
            MACHINE_TYPE, f"Machine type received is '{received}' and local is '{local}'",
            section="configuration")))
    return steps


def _subsection_step(dev: DeviceInfo, local: DeviceInfo | None, policy: Policy) -> Step | None:
    for sub in dev.subsections:
        if sub not in policy.cpu_subsections:
            return one(stream_reason(
                UNKNOWN_SUBSECTION, f"{policy.title} does not know the subsection '{sub}' of "
                f"'cpu': vmstate_subsection_load fails with -ENOENT", section="cpu",
                instance=dev.instance_id, vcpu=dev.instance_id))
        if sub in policy.pointer_subsections and local is not None and \
                sub not in local.subsections:
            return one(stream_reason(
                SUBSECTION_ABORT, f"the destination CPU lacks the state behind '{sub}' (it "
                "never sends it), so loading it dereferences a NULL pointer: vmstate_load_state:"
                " Assertion `first_elem || !n_elems || !size' failed", section="cpu",
                instance=dev.instance_id, vcpu=dev.instance_id))
    return None


def _present(step: Step | None) -> list[Step]:
    return [] if step is None else [step]


@dataclass(frozen=True)
class CpuSection:
    """A cpu section QEMU loads into a vCPU both sides have: its array length, merge and
    write-back depend on the rules; its subsection step and its body's footer check
    (``layout``, after ``cpu_post_load``) do not."""

    vcpu: int
    subsections: Step | None
    layout: Step | None = None


def plan_stream(src: RegisterSet, dst: RegisterSet,
                policy: Policy) -> tuple[list[Step | CpuSection], tuple[str, ...]]:
    """Every step of the load in QEMU's order, cpu sections left as CpuSection slots, and
    notes. Independent of the rules (hidden registers change no section or vCPU index)."""
    plan: list[Step | CpuSection] = list(configuration_steps(src, dst, policy))
    notes: list[str] = []
    src_devs, src_is_stream = _sections(src)
    dst_devs, dst_is_stream = _sections(dst)
    streams = src_is_stream and dst_is_stream
    if not streams:
        notes.append("a side is not a migration stream: device sections, versions and "
                     "subsections were not compared, only vCPUs")
        plan.append(one(not_a_stream_reason(src, dst, src_is_stream, dst_is_stream)))
    else:
        ram = ram_step(diff_stream(src, dst).ram, src, dst, policy)
        if ram is not None:
            plan.append(ram)
    src_described, dst_described = described(src), described(dst)
    if streams and not (src_described and dst_described):
        plan.append(one(undescribed_reason(src, dst)))
    local = {(dev.name, dev.instance_id): dev for dev in dst_devs}
    # Without a vmdesc (suppress-vmdesc) a stream lists no subsections at all, not "none".
    dst_knows_subsections = any(dev.subsections for dev in dst_devs)
    same_release = src.provenance.writer is not None and \
        src.provenance.writer == dst.provenance.writer
    src_cpus = {c.index for c in src.vcpus}
    dst_cpus = {c.index for c in dst.vcpus}
    unrecorded: list[str] = []
    for dev in src_devs:
        mine = local.get((dev.name, dev.instance_id))
        if mine is None and not dst_is_stream and dev.name not in ("cpu", "cpu_common"):
            continue  # a register list or dump says nothing about other devices
        if mine is None:
            plan.append(one(stream_reason(
                UNKNOWN_SECTION, f"{policy.unknown_section_words} '{dev.name}' "
                f"{dev.instance_id}. Make sure that your current VM setup matches your saved VM"
                " setup, including any hotplugged devices", section=dev.name,
                instance=dev.instance_id)))
            continue
        if dev.version and mine.version and dev.version > mine.version:
            plan.append(one(stream_reason(
                SECTION_VERSION, f"savevm: unsupported version {dev.version} for "
                f"'{dev.name}' v{mine.version}", section=dev.name, instance=dev.instance_id)))
        body: Step | None = None
        if streams:
            plan += _present(version_step(dev, mine, policy))
            if dev.name != "cpu":  # the cpu section's subsections: _subsection_step
                plan += _present(subsection_step(dev, mine, same_release, policy))
            if body_recorded(dev) and body_recorded(mine):
                body = body_step(dev, mine, policy, src_described, dst_described)
            else:
                unrecorded.append(label(dev))
        if dev.name == "cpu" and dev.instance_id in src_cpus and dev.instance_id in dst_cpus:
            plan.append(CpuSection(dev.instance_id, _subsection_step(
                dev, mine if dst_knows_subsections else None, policy), body))
        elif body is not None:
            plan.append(body)
    if unrecorded:
        plan.append(one(unrecorded_reason(unrecorded)))
    if streams:
        seen = {(dev.name, dev.instance_id) for dev in src_devs}
        plan += [one(missing_section_reason(dev)) for dev in dst_devs
                 if (dev.name, dev.instance_id) not in seen and not (
                     dev.name in ("cpu", "cpu_common") and dev.instance_id not in src_cpus)]
    for index in sorted(dst_cpus - src_cpus):
        plan.append(one(stream_reason(
            VCPU_NOT_IN_STREAM, f"destination vCPU {index} gets no state from the stream: it "
            "keeps its own (registers encoding the vCPU count may differ on the others)",
            blocking=False, section="cpu", instance=index, vcpu=index)))
    return plan, tuple(notes)


def rows_by_vcpu(rows) -> dict[int, list]:
    """Diff rows grouped by vCPU, merge order kept (one pass, not one scan per vCPU)."""
    out: dict[int, list] = {}
    for row in rows:
        out.setdefault(row.vcpu, []).append(row)
    return out


def load_stream(src: RegisterSet, dst: RegisterSet, merged: Diff, policy: Policy,
                tolerance: Tolerance, accel: str, allowance: int) -> StreamLoad:
    """Every step of loading ``src`` into the destination ``dst``, in QEMU's order."""
    plan, notes = plan_stream(src, dst, policy)
    src_cpus = {c.index: c for c in src.vcpus}
    dst_cpus = {c.index: c for c in dst.vcpus}
    by_vcpu = rows_by_vcpu(merged.rows)
    rows: list[RowVerdict] = []
    steps: list[Step] = []
    for item in plan:
        if isinstance(item, Step):
            steps.append(item)
            continue
        vcpu = item.vcpu
        length = array_length_step(vcpu, len(src_cpus[vcpu]), len(dst_cpus[vcpu]), allowance,
                                   policy)
        verdicts, merge, values = load_cpregs(tuple(by_vcpu.get(vcpu, ())), policy, tolerance,
                                              accel)
        rows.extend(verdicts)
        steps.extend(s for s in (length, item.subsections, merge, values, item.layout)
                     if s is not None)
    return StreamLoad(tuple(rows), tuple(steps), notes)
