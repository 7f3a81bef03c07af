"""Rule: one user decision about one register, and exactly what QEMU would make of it.

Five rule types are the QEMU v10 cpreg migration tolerances (``ARMCPRegMigToleranceType``); two
are the v6 ARM CPU properties ``x-mig-hidden-regs`` and ``x-mig-safe-missing-regs``. The
matching here mirrors QEMU line by line, so a verdict computed by this tool is the verdict the
destination QEMU would reach — including its quirks (see ``match_mig_tolerance``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from app.model.compare.diff import Status
from app.model.errors import RuleError, quote
from app.model.registers import regdb
from app.model.registers.regid import format_id

U64_LIMIT = 1 << 64


# (str, Enum), not StrEnum: str() and f-strings of a member print "RuleType.X" and callers may
# rely on it; StrEnum would print the value.
class RuleType(str, Enum):  # noqa: UP042
    """Rule kinds; the values are the spellings used in rule files and exports."""

    NOT_ON_BOTH_ENDS = "not-on-both-ends"
    ONLY_SRC_TEST_VALUE = "only-src-test-value"
    DIFF_IN_MASK = "diff-in-mask"
    FIELD_LT = "field-lt"
    FIELD_GT = "field-gt"
    HIDDEN = "hidden"
    SAFE_MISSING = "safe-missing"

    def __str__(self) -> str:
        return self.value

    @property
    def qemu_tolerance(self) -> str | None:
        """QEMU's enumerator (``ToleranceDiffInMask``...), None for the v6 properties."""
        return _QEMU_NAMES.get(self)

    @classmethod
    def parse(cls, text: str) -> RuleType:
        """The type spelled ``text``; RuleError naming the accepted spellings otherwise."""
        try:
            return cls(text)
        except ValueError:
            raise RuleError(f"unknown rule type {quote(text)}",
                            expected="one of " + ", ".join(t.value for t in cls)) from None


_QEMU_NAMES = {
    RuleType.NOT_ON_BOTH_ENDS: "ToleranceNotOnBothEnds",
    RuleType.ONLY_SRC_TEST_VALUE: "ToleranceOnlySrcTestValue",
    RuleType.DIFF_IN_MASK: "ToleranceDiffInMask",
    RuleType.FIELD_LT: "ToleranceFieldLT",
    RuleType.FIELD_GT: "ToleranceFieldGT",
}

# Which DiffRow statuses each rule type can tolerate (MATCH/PRESENT rows need no rule).
# SAFE_MISSING: v6 04/11 only skips arm_cpu_safe_missing_reg() ids on the "register in their
# list but not ours" path of cpu_post_load, i.e. UNEXPECTED rows — never MISSING ones.
APPLIES_TO: dict[RuleType, frozenset[Status]] = {
    RuleType.NOT_ON_BOTH_ENDS: frozenset({Status.UNEXPECTED, Status.MISSING}),
    RuleType.ONLY_SRC_TEST_VALUE: frozenset({Status.UNEXPECTED}),
    RuleType.DIFF_IN_MASK: frozenset({Status.VALUE_MISMATCH}),
    RuleType.FIELD_LT: frozenset({Status.VALUE_MISMATCH}),
    RuleType.FIELD_GT: frozenset({Status.VALUE_MISMATCH}),
    RuleType.HIDDEN: frozenset(Status),
    RuleType.SAFE_MISSING: frozenset({Status.UNEXPECTED}),
}


def check_u64(what: str, value: object) -> int:
    """``value`` as a u64, or RuleError: QEMU stores ids, masks and values as uint64_t."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise RuleError(f"{what} must be an integer, not {quote(value)}", expected="0 <= x < 2**64")
    if not 0 <= value < U64_LIMIT:
        raise RuleError(f"{what} {value:#x} is out of range", expected="0 <= x < 2**64")
    return value


@dataclass(frozen=True)
class Rule:
    """One rule for one register (QEMU allows a single tolerance per register id)."""

    register: int
    type: RuleType
    mask: int = 0
    value: int = 0
    reason: str = ""
    enabled: bool = True

    def __post_init__(self):
        check_u64("register id", self.register)
        check_u64("mask", self.mask)
        check_u64("value", self.value)
        if not isinstance(self.type, RuleType):
            object.__setattr__(self, "type", RuleType.parse(self.type))
        if not isinstance(self.reason, str):
            raise RuleError(f"reason must be text, not {quote(self.reason)}", expected="a string")
        if not isinstance(self.enabled, bool):
            raise RuleError(f"enabled must be true or false, not {quote(self.enabled)}",
                            expected="a boolean")

    @property
    def name(self) -> str:
        return register_name(self.register)

    def describe(self) -> str:
        """Short human text, e.g. ``diff-in-mask rule for ID_AA64PFR0_EL1``."""
        return f"{self.type.value} rule for {self.name}"


def register_name(reg_id: int) -> str:
    """The register's name from regdb, or its id when the database has no better name."""
    name = regdb.lookup(reg_id).name
    return name or format_id(reg_id)


def match_mig_tolerance(rule: Rule | None, incoming: int, local: int,
                        type: RuleType) -> bool:
    """QEMU v10 ``arm_cpu_match_cpreg_mig_tolerance``, statement for statement.

    ``incoming`` is the migrated (source, vmstate) value, ``local`` the destination's. A rule
    that is absent, disabled (i.e. never registered) or of another type matches nothing.
    FieldLT/FieldGT compare ``incoming & mask`` with ``value`` *unshifted* and strictly.

    OnlySrcTestValue quirk, reproduced on purpose: when ``(incoming & mask) != value`` the C
    code does not return but falls through to the mask comparison shared with the value
    tolerances. No later branch can return true for this type, so the net effect is "tolerated
    iff ``incoming & mask == value``" — ``local`` never matters — yet the path is kept so any
    future change to QEMU's tail shows up as a diff against this function.
    """
    if rule is None or not rule.enabled or rule.type != type:
        return False
    if type is RuleType.NOT_ON_BOTH_ENDS:
        return True
    if type is RuleType.ONLY_SRC_TEST_VALUE and (incoming & rule.mask) == rule.value:
        return True
    diff_outside_mask = (incoming ^ local) & ~rule.mask
    if diff_outside_mask:
        return False
    if type is RuleType.DIFF_IN_MASK:
        return True
    field = incoming & rule.mask
    if type is RuleType.FIELD_LT and field < rule.value:
        return True
    return type is RuleType.FIELD_GT and field > rule.value


def tolerates(rule: Rule, status: Status, src: int | None, dst: int | None) -> bool:
    """Whether ``rule`` makes a DiffRow of ``status`` (values ``src``/``dst``) acceptable.

    Disabled rules tolerate nothing. HIDDEN tolerates every row, because the register never
    reaches the merge (prefer ``ruleset.apply_hidden`` before diffing). Rows whose needed value
    is unknown (register lists, logs) are not tolerated: the tool never guesses a value.
    For an UNEXPECTED row the register has no local value; QEMU's OnlySrcTestValue test only
    reads the incoming one, so 0 stands in for ``local``.
    """
    if not rule.enabled or status not in APPLIES_TO[rule.type]:
        return False
    if rule.type in (RuleType.HIDDEN, RuleType.SAFE_MISSING, RuleType.NOT_ON_BOTH_ENDS):
        return True
    if rule.type is RuleType.ONLY_SRC_TEST_VALUE:
        return src is not None and match_mig_tolerance(rule, src, 0, rule.type)
    if src is None or dst is None:
        return False
    return match_mig_tolerance(rule, src, dst, rule.type)
