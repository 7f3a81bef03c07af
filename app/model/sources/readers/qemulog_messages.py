"""The QEMU destination messages the log reader understands, one regex per message family.

Three generations print cpreg trouble differently:

- 7.2 … 10.x: only counts (``Invalid value N expecting positive value <= M`` followed by
  ``Failed to load cpu:cpreg_vmstate_array_len``), or nothing register-specific at all;
- the v6 "Mitigation of failed to load cpu:cpreg_vmstate_array_len" series (KVM):
  ``kvm_arm_cpu_post_load Unexpected|Missing register in input stream: I 0xID NAME`` where I
  counts anomalies of one vCPU, plus its trace points ``cpu_post_load_missing i=.. index=..``;
- QEMU 11.x: ``handle_cpreg_only_in_incoming_stream: system register 0xKEY ...`` /
  ``handle_cpreg_missing_in_incoming_stream: ...`` with QEMU's 32-bit cpreg hash key, and
  ``tolerate_cpreg_*`` trace lines when a tolerance let a register through.

KVM's ``write_list_to_kvmstate`` adds ``Could not set register NAME to A (is B)`` (any QEMU
with the 2025 "report registers we failed to set" patch); NAME is kvm_print_register_name()
text and the values are printed with ``%x``, without ``0x``.

Every family has a ``marker``: a line containing the marker but not matching the full
pattern is malformed, and the reader says so with the line number instead of ignoring it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.model.registers import regdb, regid

HEX = r"(?:0x)?[0-9a-fA-F]+"
G_72, G_V6, G_11, G_KVM = "qemu-7.2-style", "qemu-v6-series", "qemu-11.x", "kvm"


@dataclass(frozen=True)
class Family:
    name: str  # what the event means: unexpected, missing, mismatch, count, instance, ...
    marker: str
    pattern: re.Pattern
    generation: str | None
    expected: str  # the message shape, quoted in errors
    order: str | None = None  # anomalies of one vCPU come in increasing order within this


def _f(name, marker, pattern, generation, expected, order=None) -> Family:
    return Family(name, marker, re.compile(pattern), generation, expected, order)


FAMILIES = (
    _f("unexpected", "handle_cpreg_only_in_incoming_stream",
       r"handle_cpreg_only_in_incoming_stream: (?P<reg>.+?) in the incoming stream", G_11,
       "handle_cpreg_only_in_incoming_stream: system register 0xKEY in the incoming stream "
       "but unknown on the destination", "merge"),
    _f("missing", "handle_cpreg_missing_in_incoming_stream",
       r"handle_cpreg_missing_in_incoming_stream: (?P<reg>.+?) expected by the destination",
       G_11, "handle_cpreg_missing_in_incoming_stream: system register 0xKEY expected by the "
       "destination but not in the incoming stream", "merge"),
    _f("tolerated", "tolerate_cpreg_", r"tolerate_cpreg_(?P<kind>\w+)(?P<rest>.*)", G_11,
       "tolerate_cpreg_KIND ... 0xKEY-or-ID [incoming=0x..] [local=0x..]"),
    _f("unexpected", "Unexpected register in input stream:",
       r"Unexpected register in input stream: (?P<i>\d+) (?P<id>0x[0-9a-fA-F]+)", G_V6,
       "Unexpected register in input stream: I 0xID NAME", "v6-unexpected"),
    _f("missing", "Missing register in input stream:",
       r"Missing register in input stream: "
       r"(?:(?P<i>\d+) (?P<id>0x[0-9a-fA-F]+)\b|(?P<reg>.+))",
       G_V6, "Missing register in input stream: [I 0xID] NAME", "v6-missing"),
    _f("missing-trace", "cpu_post_load_missing ",
       rf"cpu_post_load_missing (?:missing register in input stream: )?i=\d+ "
       rf"index=(?P<id>{HEX})", G_V6,
       "cpu_post_load_missing missing register in input stream: i=N index=0xID", "merge"),
    _f("unexpected-trace", "cpu_post_load_unexpected ",
       rf"cpu_post_load_unexpected (?:unexpected register in input stream: )?v=\d+ "
       rf"index=(?P<id>{HEX})", G_V6,
       "cpu_post_load_unexpected unexpected register in input stream: v=N index=0xID", "merge"),
    _f("tolerated-trace", "cpu_post_load_missing_as_expected ",
       rf"cpu_post_load_missing_as_expected (?:register missing as expected in input stream: )?"
       rf"v=\d+ index=(?P<id>{HEX})", G_V6,
       "cpu_post_load_missing_as_expected register missing as expected in input stream: "
       "v=N index=0xID", "merge"),
    _f("mismatch", "Could not set register ",
       r"Could not set register (?P<reg>.+?)(?: to (?P<src>[0-9a-fA-F]+)"
       r"(?: \(is (?P<dst>[0-9a-fA-F]+)\))?|: (?P<why>.+))$", G_KVM,
       "Could not set register NAME to VALUE (is VALUE) | : REASON", "set"),
    _f("count", "expecting positive value <=",
       r"Invalid value (?P<src>-?\d+) expecting positive value <= (?P<dst>\d+)", G_72,
       "Invalid value N expecting positive value <= M"),
    _f("array-len", "cpreg_vmstate_array_len", r"cpreg_vmstate_array_len", G_72,
       "Failed to load cpu:cpreg_vmstate_array_len"),
    _f("instance", "error while loading state for instance",
       r"error while loading state for instance (?P<n>0x[0-9a-fA-F]+|\d+) "
       r"of device '(?P<dev>[^']*)'",
       None, "error while loading state for instance 0xN of device 'NAME'"),
    _f("machine", "Machine type received is",
       r"Machine type received is '(?P<src>[^']*)' and local is '(?P<dst>[^']*)'", None,
       "Machine type received is 'A' and local is 'B'"),
    _f("failed", "load of migration failed", r"load of migration failed: (?P<why>.*)$", None,
       "load of migration failed: REASON"),
    _f("assertion", "Assertion `",
       r"^(?:.*?qemu-system-[\w-]+: )?(?P<what>.*Assertion `.*' failed\.?)", None,
       "FILE:LINE: FUNC: Assertion `...' failed."),
)

_SVE = (
    (re.compile(r"^SVE VLS$"), lambda m: "KVM_REG_ARM64_SVE_VLS"),
    (re.compile(r"^SVE ([zp])reg n:(\d+) slice:(\d+)$"),
     lambda m: f"KVM_REG_ARM64_SVE_{m.group(1).upper()}REG({m.group(2)}, {m.group(3)})"),
    (re.compile(r"^SVE ffr slice:(\d+)$"), lambda m: f"KVM_REG_ARM64_SVE_FFR({m.group(1)})"),
)
_FW = re.compile(r"^fw (feat )?reg (\d+)$")
_RAW = re.compile(r"^(?:core reg |demuxed reg )?([0-9a-fA-F]{9,16})$")


def register_from_text(text: str) -> int:
    """The id behind what QEMU printed for a register (RegisterNameError when unreadable).

    Accepts QEMU 11's ``system register 0xKEY``, bare ids, and every kvm_print_register_name
    form: ``op0:3 op1:0 crn:2 crm:0 op2:3``, ``fw reg N``, ``fw feat reg N``, ``core reg
    <id hex>``, ``demuxed reg <id hex>``, ``SVE zreg n:N slice:S`` and the bare ``%lx`` id.
    """
    text = " ".join(text.split())
    m = _FW.match(text)
    if m:
        return regid.fw_feat_bmap_reg(int(m.group(2))) if m.group(1) else regid.fw_reg(
            int(m.group(2)))
    m = _RAW.match(text)
    if m:  # %lx of a whole 64-bit id: at least 9 hex digits, no 0x
        return regdb.parse_register("0x" + m.group(1))
    for pattern, spell in _SVE:
        m = pattern.match(text)
        if m:
            return regdb.parse_register(spell(m))
    return regdb.parse_register(text)
