"""The register database: id -> name, class, bitfield layout; name -> id.

Reads resources/regdb.json (written by tools/gen_regdb.py from Linux's sysreg file, the KVM
uapi/docs and the QEMU 7.2 cpreg table) once, on first use, into plain dicts so the diff can
look up thousands of ids cheaply. Classes (CLASSES) let the diff tell identification registers
(whose change breaks a guest) from guest state (whose change is expected). Two KVM timer ids
mean different registers depending on who wrote the list, so naming takes an ``accel``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from app import assets
from app.model.registers.fields import (
    EnumValue,
    Field,
    decode_fields,
    field_from_json,
    field_safety_direction,
)
from app.model.registers.regid import Encoding, decode
from app.model.sources.register_set import ACCEL_KVM, ACCEL_UNKNOWN

__all__ = ["CLASSES", "GUEST_STATE_CLASSES", "EnumValue", "Field", "RegInfo", "all_ids", "db_versions", "decode_value",
           "field_safety_direction", "fields_of", "find", "lookup"]

RESOURCE = "regdb.json"
CLASSES = ("id", "firmware", "timer", "debug", "pmu", "impdef", "state", "core", "gic",
           "unknown")
# Classes whose value differences between two VMs are expected (guest-running state): what
# ``--hide-state`` hides. ``core`` registers (X0, PC, PSTATE...) are guest state too; ``gic``
# is not included because ICC_CTLR_EL1.PRIbits/IDbits describe the implementation.
GUEST_STATE_CLASSES = ("state", "core")


@dataclass(frozen=True)
class RegInfo:
    """Everything known about one register id; ``known`` is False for ids not in the database
    (then ``name`` is the encoding's text, ``cls`` "unknown" and there are no fields)."""

    id: int
    name: str
    cls: str
    encoding: Encoding
    fields: tuple[Field, ...]
    aliases: tuple[str, ...]
    known: bool


class _Db:
    """The parsed database: infos by id (plus KVM overrides) and ids by lower-case name."""

    def __init__(self, raw: dict):
        if raw.get("format") != 1:
            raise ValueError(f"{RESOURCE}: unsupported format {raw.get('format')!r}")
        self.versions = dict(raw.get("versions", {}))
        layouts = {key: tuple(field_from_json(f) for f in fields)
                   for key, fields in raw["layouts"].items()}
        self.regs = {int(k, 16): self._info(int(k, 16), v, layouts)
                     for k, v in raw["regs"].items()}
        self.kvm = {int(k, 16): self._info(int(k, 16), v, layouts)
                    for k, v in raw.get("kvm", {}).items()}
        self.names = self._index(self.regs)
        self.kvm_names = self._index(self.kvm)

    @staticmethod
    def _info(reg_id: int, entry: dict, layouts: dict) -> RegInfo:
        enc = decode(reg_id)
        fields = layouts[entry["l"]] if entry.get("l") else ()
        if enc.size_bits < 64:  # a 32-bit view of a 64-bit layout keeps only its low word
            fields = tuple(f for f in fields if f.lsb < enc.size_bits)
        return RegInfo(reg_id, entry["n"], entry["c"], enc, fields, tuple(entry.get("a", ())),
                       True)

    @staticmethod
    def _index(infos: dict[int, RegInfo]) -> dict[str, int]:
        """Lower-case name -> id. Primary names beat aliases; among equals AArch64 system
        registers beat the rest, then the lowest id wins (deterministic)."""
        rank: dict[str, tuple] = {}
        for reg_id, info in infos.items():
            not_aa64 = info.encoding.kind != "sysreg64"
            for is_alias, name in [(False, info.name)] + [(True, a) for a in info.aliases]:
                key = (is_alias, not_aa64, reg_id)
                low = name.lower()
                if low not in rank or key < rank[low]:
                    rank[low] = key
        return {name: key[2] for name, key in rank.items()}


@lru_cache(maxsize=1)
def _db() -> _Db:
    return _Db(assets.read_json(RESOURCE))


@lru_cache(maxsize=4096)
def _unknown(reg_id: int) -> RegInfo:
    enc = decode(reg_id)
    return RegInfo(reg_id, enc.text(), "unknown", enc, (), (), False)


def lookup(reg_id: int, accel: str = ACCEL_UNKNOWN) -> RegInfo:
    """What the database knows about ``reg_id``; never raises for a 64-bit id.

    Under KVM the two timer ids KVM swapped (KVM_REG_ARM_TIMER_CVAL/CNT) get their KVM
    meaning; under TCG or an unknown accelerator every id means its architectural encoding.
    """
    db = _db()
    if accel == ACCEL_KVM:
        info = db.kvm.get(reg_id)
        if info is not None:
            return info
    info = db.regs.get(reg_id)
    return info if info is not None else _unknown(reg_id)


def find(name: str, accel: str = ACCEL_UNKNOWN) -> int | None:
    """The id named ``name`` (case-insensitive, aliases too), or None."""
    db = _db()
    low = name.strip().lower()
    if accel == ACCEL_KVM and low in db.kvm_names:
        return db.kvm_names[low]
    reg_id = db.names.get(low)
    if reg_id is None:  # KVM-only spellings (KVM_REG_ARM_TIMER_CVAL) mean one id anywhere
        reg_id = db.kvm_names.get(low)
    return reg_id


def fields_of(reg_id: int, accel: str = ACCEL_UNKNOWN) -> tuple[Field, ...]:
    """The bitfield layout of ``reg_id`` (empty when the database has none)."""
    return lookup(reg_id, accel).fields


def decode_value(reg_id: int, value: int,
                 accel: str = ACCEL_UNKNOWN) -> list[tuple[Field, int, str | None]]:
    """(field, field value, meaning or None) for every field of ``reg_id``, highest bits first."""
    return decode_fields(fields_of(reg_id, accel), value)


def db_versions() -> dict:
    """What the generator recorded: generator version, Linux and QEMU table versions, input
    hashes."""
    return dict(_db().versions)


def all_ids() -> tuple[int, ...]:
    """Every id the database names (sorted); for coverage checks and completion lists."""
    return tuple(sorted(_db().regs))
