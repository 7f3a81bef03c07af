"""firecracker: rules as a Firecracker aarch64 custom CPU template (``reg_modifiers``).

A Firecracker template sets register bits on the VM it starts; it cannot tolerate a
difference or add/remove a register. The one rule it can carry is ``only-src-test-value``:
QEMU accepts the extra register when ``incoming & mask == value``, and a template that pins
those bits on the source VM makes that hold. So each such rule becomes
``{"addr": ID, "bitmap": 0b...}`` with the mask bits set to the value and every other bit
``x`` (left alone). Everything else is listed as Unexpressible (JSON has no comments, so the
reasons travel in the ExportResult, not in the text). Bitmaps are written 128 characters
wide, as Firecracker itself serialises them (its filter is a u128).

``dump_from_register_set`` writes what ``cpu-template-helper template dump`` writes: every
bit of every arm64 register of one vCPU fixed — the project's way to make a sample dump.
"""

from __future__ import annotations

import json

from app.model.exporters.result import Exporter, ExportResult, Unexpressible
from app.model.registers import regid
from app.model.rules.rule import RuleType
from app.model.rules.ruleset import RuleSet
from app.model.sources.readers.firecracker import format_bitmap
from app.model.sources.register_set import RegisterSet

NOTE = ("Firecracker applies the template to every vCPU of the VM it starts (pin the source "
        "VM); writing ID registers needs a host kernel with writable ID registers")
_CANNOT = {
    RuleType.NOT_ON_BOTH_ENDS: "a template changes values; it cannot add or remove a register",
    RuleType.HIDDEN: "a template changes values; it cannot hide a register",
    RuleType.SAFE_MISSING: "a template changes values; it cannot make QEMU skip a register",
    RuleType.DIFF_IN_MASK: "a template pins bits to one value; it cannot tolerate a difference",
    RuleType.FIELD_LT: "a template pins bits to one value; it cannot express 'less than'",
    RuleType.FIELD_GT: "a template pins bits to one value; it cannot express 'greater than'",
}


def _is_arm64(reg_id: int) -> bool:
    return regid.decode(reg_id).kind not in ("unknown", "aa32")


def _modifier(reg_id: int, value: int, mask: int) -> dict:
    return {"addr": regid.format_id(reg_id), "bitmap": format_bitmap(value, mask)}


def render(ruleset: RuleSet) -> ExportResult:
    mods: list[dict] = []
    skipped: list[Unexpressible] = []
    for rule in ruleset:
        why = None
        if not rule.enabled:
            why = "disabled"
        elif rule.type in _CANNOT:
            why = _CANNOT[rule.type]
        elif not _is_arm64(rule.register):
            why = "Firecracker templates take KVM arm64 register ids only"
        elif rule.mask == 0:
            why = "mask is 0: there are no bits to pin"
        elif rule.value & ~rule.mask:
            why = "value has bits outside the mask: QEMU's test can never pass"
        if why:
            skipped.append(Unexpressible(rule, why))
        else:
            mods.append(_modifier(rule.register, rule.value, rule.mask))
    text = json.dumps({"reg_modifiers": mods}, indent=2) + "\n"
    return ExportResult(text, tuple(skipped), (NOTE,))


def dump_from_register_set(regs: RegisterSet, vcpu: int = 0) -> str:
    """A cpu-template-helper-style dump of one vCPU: every known arm64 register, all bits set.

    Registers without a value, AArch32 ids and registers wider than a bitmap are left out.
    """
    cpu = regs.vcpu(vcpu)
    mods = [_modifier(rid, val, (1 << regid.decode(rid).size_bits) - 1)
            for rid, val in cpu.items()
            if val is not None and _is_arm64(rid) and regid.decode(rid).size_bits <= 128]
    return json.dumps({"reg_modifiers": mods}, indent=2) + "\n"


EXPORTER = Exporter("firecracker", ".json",
                    "Firecracker aarch64 CPU template: only-src-test-value rules pin their bits",
                    render)
