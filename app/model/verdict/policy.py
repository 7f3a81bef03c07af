"""Policy: what one destination QEMU release does when it loads a migration stream.

A policy holds the facts about a release that decide a load, never a table of outcomes:
whether ``cpreg_vmstate_array_len`` is bounded by the destination's own count, how
``cpu_post_load`` walks the two cpreg lists, which cpu subsections the release knows, which
tolerances it registers itself, and how it words its errors. Evidence for each fact is cited
beside it (QEMU source, the seed patch series, the real logs in tests/data/qemu/logs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.model.rules.rule import Rule, RuleType

# vmstate_arm_cpu's subsections (target/arm/machine.c) in QEMU 7.2; later releases add more.
_CPU_SUBSECTIONS_72 = frozenset({
    "cpu/vfp", "cpu/iwmmxt", "cpu/m", "cpu/thumb2ee", "cpu/pmsav7-rnr", "cpu/pmsav7",
    "cpu/pmsav8", "cpu/m-security", "cpu/sve", "cpu/za", "cpu/serror", "cpu/irq-line-state"})
# QEMU 8.1 adds cpu/pmsav8r (Cortex-R52), 9.x cpu/wfxt-timer (FEAT_WFxT) and cpu/syndrome64.
_CPU_SUBSECTIONS_100 = _CPU_SUBSECTIONS_72 | {"cpu/pmsav8r", "cpu/wfxt-timer", "cpu/syndrome64"}
# QEMU 10.1 adds cpu/fpmr (FEAT_FPMR); real 11.1 streams of "-cpu max" carry it, 10.0's don't.
_CPU_SUBSECTIONS_111 = _CPU_SUBSECTIONS_100 | {"cpu/fpmr"}

# minimum_version_id of the VMSDs whose minimum the tool knows (same in 7.2, 10.0 and 11.1):
# vmstate_arm_cpu (target/arm/machine.c). Other sections' minimums are not in the stream.
_MINIMUM_VERSIONS = {"cpu": 22}

_MACHINE_VERSION = re.compile(r"^[a-z0-9]+(?:-[a-z]+)*-(\d+)\.(\d+)$")


def machine_version(machine: str | None) -> tuple[int, int] | None:
    """(major, minor) of a versioned machine type such as "virt-7.2"; None otherwise."""
    m = _MACHINE_VERSION.match(machine or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


@dataclass(frozen=True)
class BuiltinTolerance:
    """A tolerance the release registers itself, for machine types up to ``max_machine``."""

    rule: Rule
    max_machine: tuple[int, int] | None
    evidence: str

    def applies(self, machine: str | None) -> bool:
        if self.max_machine is None:
            return True
        version = machine_version(machine)
        return version is not None and version <= self.max_machine


@dataclass(frozen=True)
class Policy:
    """The load behaviour of one QEMU release (see the module docstring)."""

    name: str  # "qemu-7.2": the writer name app.model.sources.readers.stream.writer recognises
    title: str
    version: tuple[int, int]
    checks_array_len: bool  # VMSTATE_INT32_POSITIVE_LE(cpreg_vmstate_array_len)
    merge_stops_at_first: bool  # "return -1" at the first unexpected register
    examines_past_last: bool  # False: the merge loop ends with the destination's list
    names_registers: bool  # prints handle_cpreg_* lines naming each register
    error_chain: bool  # errors come as one "load of migration failed: ...: ..." chain
    cpu_subsections: frozenset[str]
    pointer_subsections: frozenset[str] = frozenset()
    builtin: tuple[BuiltinTolerance, ...] = ()
    assert_location: str = "migration/vmstate.c"
    deprecates_machines: bool = False  # MACHINE_VER_DEPRECATION (QEMU >= 9.1)
    # qemu_loadvm_section_start_full's words for a section it has no handler for; 11.1's
    # error_setg drops "savevm" (real logs: 'arm_gic' 0 into a GICv3 destination).
    unknown_section_words: str = "Unknown savevm section or instance"

    def builtin_rules(self, machine: str | None) -> tuple[Rule, ...]:
        """The tolerances this release registers for a VM of machine type ``machine``."""
        return tuple(t.rule for t in self.builtin if t.applies(machine))

    def machine_deprecated(self, machine: str | None) -> bool:
        """QEMU's _MACHINE_VER_IS_EXPIRED_IMPL with the 3-year deprecation cutoff."""
        version = machine_version(machine)
        if not self.deprecates_machines or version is None:
            return False
        age = self.version[0] - version[0]
        return age > 3 or (age == 3 and self.version[1] >= version[1])

    @staticmethod
    def minimum_version(section: str) -> int | None:
        """The destination's minimum_version_id for ``section``, when the tool knows it."""
        return _MINIMUM_VERSIONS.get(section)

    @staticmethod
    def ram_resizeable(block: str) -> bool:
        """Whether QEMU resizes this RAM block to the incoming length instead of failing with
        "Size mismatch". Blobs that fw_cfg exposes ("/rom@etc/acpi/tables",
        "/rom@etc/table-loader", "/rom@etc/acpi/rsdp" on virt) are made by rom_set_mr with
        memory_region_init_resizeable_ram (hw/core/loader.c), up to a maximum the stream does
        not record; guest RAM and flash are not resizeable."""
        return block.startswith("/rom@")


QEMU_72 = Policy(
    name="qemu-7.2", title="QEMU 7.2", version=(7, 2), checks_array_len=True,
    merge_stops_at_first=True, examines_past_last=False, names_registers=False,
    error_chain=False, cpu_subsections=_CPU_SUBSECTIONS_72)

# 10.0 still has the 7.2 merge. cpu/wfxt-timer migrates VMSTATE_TIMER_PTR(wfxt_timer), and
# the timer exists only on CPUs with FEAT_WFxT (its .needed is "cpu->wfxt_timer != NULL"): an
# incoming wfxt-timer subsection for a CPU without it dereferences NULL and QEMU aborts in
# vmstate_load_state (real log: 11.1 cortex-a57 stream into 10.0 cortex-a57).
QEMU_100 = Policy(
    name="qemu-10.0", title="QEMU 10.0", version=(10, 0), checks_array_len=True,
    merge_stops_at_first=True, examines_past_last=False, names_registers=False,
    error_chain=False, cpu_subsections=_CPU_SUBSECTIONS_100,
    pointer_subsections=frozenset({"cpu/wfxt-timer"}),
    assert_location="migration/vmstate.c:172", deprecates_machines=True)

# 11.1: seed 002 (v6 02/11, 04/11) lets the incoming list be any length and reports every
# unexpected register ("fail migration") and every missing one ("skip it") before failing;
# v6 08/11 + 10/11 register the AArch32 DBGDTRTX that 10.2 and earlier wrongly exposed as safe
# to ignore in the incoming stream for virt machine types up to 10.2.
_DBGDTRTX = 0x40200000200E0298
QEMU_111 = Policy(
    name="qemu-11.1", title="QEMU 11.1", version=(11, 1), checks_array_len=False,
    merge_stops_at_first=False, examines_past_last=True, names_registers=True,
    error_chain=True, cpu_subsections=_CPU_SUBSECTIONS_111, deprecates_machines=True,
    unknown_section_words="Unknown section or instance",
    builtin=(BuiltinTolerance(
        Rule(_DBGDTRTX, RuleType.SAFE_MISSING,
             reason="QEMU 10.2 and earlier exposed a bogus AArch32 DBGDTRTX; virt machine "
                    "types up to 10.2 declare it safe to ignore in the incoming stream"),
        max_machine=(10, 2), evidence="seed 002: v6 08/11 and 10/11 (arm_virt_compat_10_2)"),))

POLICIES: tuple[Policy, ...] = (QEMU_72, QEMU_100, QEMU_111)
NEWEST = QEMU_111


def get_policy(name: str) -> Policy:
    """The policy called ``name`` ("qemu-7.2", "qemu-10.0", "qemu-11.1"); also accepts a
    release such as "7.2.22" or "11.1". KeyError naming the choices otherwise."""
    text = name.strip().lower()
    for policy in POLICIES:
        major, minor = policy.version
        if text == policy.name or re.fullmatch(rf"(qemu-?)?{major}\.{minor}(\.\d+)?", text):
            return policy
    raise KeyError(f"unknown policy {name!r}: choose one of "
                   + ", ".join(p.name for p in POLICIES))


def default_policy(dst) -> tuple[Policy, str]:
    """The policy matching the destination's writer, and why it was chosen (shown to users)."""
    writer = dst.provenance.writer
    if writer is not None:
        try:
            policy = get_policy(writer)
        except KeyError:
            pass
        else:
            return policy, (f"default: the destination stream was written by {policy.title} "
                            "(recognised from its vmdesc layout)")
    return NEWEST, (f"default: the destination's writer is not recognised "
                    f"({dst.provenance.format}); assuming the newest modelled release, "
                    f"{NEWEST.title}")
