"""The register database: id -> name, class, bitfield layout; name -> id.

Reads resources/regdb.json (written by tools/gen_regdb.py from Linux's sysreg file, the KVM
uapi/docs, the QEMU 7.2 cpreg table and the table of current QEMU's CPU-model-specific
registers) once, on first use, into plain dicts so the diff can look up thousands of ids
cheaply. Classes (CLASSES) let the diff tell identification registers (whose change breaks a
guest) from guest state (whose change is expected). Two KVM timer ids mean different registers
depending on who wrote the list, so naming takes an ``accel``; a few IMPLEMENTATION DEFINED
encodings mean different registers on different CPU models (0x603000000013f796 is
CPUPPMCR3_EL3 on a neoverse-v1, CPUPPMCR6_EL3 on a neoverse-n2), so naming also takes the
``model`` (a QEMU ``-cpu`` name or several, e.g. what ``cpu_model.identify`` found).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache

from app import assets
from app.model.registers import regid
from app.model.registers.accel import ACCEL_KVM, ACCEL_UNKNOWN
from app.model.registers.fields import (
    EnumValue,
    Field,
    decode_fields,
    field_from_json,
    field_safety_direction,
)
from app.model.registers.regid import Encoding, NameFinder, decode

__all__ = ["CLASSES", "GUEST_STATE_CLASSES", "EnumValue", "Field", "ModelInfo", "ModelSpec",
           "RegInfo", "all_ids", "cpu_models", "db_versions", "decode_value",
           "field_safety_direction", "fields_of", "find", "lookup", "model_key", "parse_register"]

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


@dataclass(frozen=True)
class ModelInfo:
    """What the database knows about one QEMU CPU model (``-cpu`` name): ``regs`` maps every
    id its model-specific definition arrays register to the name the model gives it; ``ids``
    are the ones that tell it apart in a cpreg list (migrated, and registered by no generic
    QEMU definition); ``midr`` is its MIDR (implementer, part number) when Linux knows it."""

    name: str
    regs: Mapping[int, str]
    ids: frozenset[int]
    midr: tuple[int, int] | None


# A CPU model for naming: one ``-cpu`` name, several (a list that could be any of them, or both
# sides of a diff), or None for "not known".
ModelSpec = str | Iterable[str] | None


def model_key(model: str) -> str:
    """The database key of a ``-cpu`` value: lower case, properties dropped
    (``Neoverse-N2,sve=off`` -> ``neoverse-n2``)."""
    return model.split(",", 1)[0].strip().lower()


class _Table:
    """One id -> RegInfo table built on demand: a command that names a few hundred registers
    should not pay for turning all ~2,000 database entries into RegInfo objects."""

    def __init__(self, raw: dict[str, dict], layouts: dict[str, list]):
        self._raw = {int(k, 16): v for k, v in raw.items()}
        self._layouts = layouts
        self._fields: dict[str, tuple[Field, ...]] = {}
        self._infos: dict[int, RegInfo] = {}
        self._names: dict[str, int] | None = None

    def __contains__(self, reg_id: int) -> bool:
        return reg_id in self._raw

    def ids(self) -> list[int]:
        return list(self._raw)

    def get(self, reg_id: int) -> RegInfo | None:
        info = self._infos.get(reg_id)
        if info is None and reg_id in self._raw:
            info = self._infos[reg_id] = self._info(reg_id, self._raw[reg_id])
        return info

    def _layout(self, key: str) -> tuple[Field, ...]:
        fields = self._fields.get(key)
        if fields is None:
            fields = self._fields[key] = tuple(field_from_json(f) for f in self._layouts[key])
        return fields

    def _info(self, reg_id: int, entry: dict) -> RegInfo:
        enc = decode(reg_id)
        fields = self._layout(entry["l"]) if entry.get("l") else ()
        if enc.size_bits < 64:
            # The generator gives every narrower id (AArch32, 32-bit KVM ids) a layout of its
            # own width: the Arm ARM's AArch32 layout, the AArch64 one restricted to [31:0]
            # where the two are the same, or none. A field that would not fit is never shown.
            fields = tuple(f for f in fields if f.msb < enc.size_bits)
        return RegInfo(reg_id, entry["n"], entry["c"], enc, fields, tuple(entry.get("a", ())),
                       True)

    def names(self) -> dict[str, int]:
        """Lower-case name -> id. Primary names beat aliases; a primary name the generator
        marked ``d`` (another encoding was given the same name first: neoverse-n1's
        CPUACTLR_EL1 after the cortex-a57's) ranks between the two; among equals AArch64
        system registers beat the rest, then the lowest id wins (deterministic)."""
        if self._names is None:
            rank: dict[str, tuple[int, bool, int]] = {}
            for reg_id, entry in self._raw.items():
                not_aa64 = decode(reg_id).kind != "sysreg64"
                spelled = [(1 if entry.get("d") else 0, entry["n"])] + [
                    (2, a) for a in entry.get("a", ())]
                for is_alias, name in spelled:
                    key = (is_alias, not_aa64, reg_id)
                    low = name.lower()
                    if low not in rank or key < rank[low]:
                        rank[low] = key
            self._names = {name: key[2] for name, key in rank.items()}
        return self._names


class _Db:
    """The parsed database: infos by id (plus KVM overrides) and ids by lower-case name."""

    def __init__(self, raw: dict):
        if raw.get("format") != 1:
            raise ValueError(f"{RESOURCE}: unsupported format {raw.get('format')!r}")
        self.versions = dict(raw.get("versions", {}))
        self.regs = _Table(raw["regs"], raw["layouts"])
        self.kvm = _Table(raw.get("kvm", {}), raw["layouts"])
        self.models = {name: ModelInfo(name, {int(k, 16): v for k, v in m["regs"].items()},
                                       frozenset(int(k, 16) for k in m["ids"]),
                                       tuple(m["midr"]) if m.get("midr") else None)
                       for name, m in raw.get("models", {}).items()}


@lru_cache(maxsize=1)
def _db() -> _Db:
    return _Db(assets.read_json(RESOURCE))


@lru_cache(maxsize=4096)
def _unknown(reg_id: int) -> RegInfo:
    enc = decode(reg_id)
    return RegInfo(reg_id, enc.text(), "unknown", enc, (), (), False)


def _models(model: ModelSpec) -> tuple[str, ...]:
    if model is None:
        return ()
    if isinstance(model, str):
        return (model_key(model),)
    return tuple(sorted({model_key(m) for m in model}))


@lru_cache(maxsize=8192)
def _model_info(reg_id: int, models: tuple[str, ...]) -> RegInfo | None:
    """``reg_id`` named the way ``models`` name it, when they all agree on a name other than
    the neutral one; None otherwise. Models that do not register the id have no say."""
    db = _db()
    said = {db.models[m].regs[reg_id] for m in models
            if m in db.models and reg_id in db.models[m].regs}
    info = db.regs.get(reg_id)
    if len(said) != 1 or info is None:
        return None
    name = said.pop()
    if name == info.name:
        return None
    aliases = tuple(sorted({info.name, *info.aliases} - {name}))
    return replace(info, name=name, aliases=aliases)


def lookup(reg_id: int, accel: str = ACCEL_UNKNOWN, model: ModelSpec = None) -> RegInfo:
    """What the database knows about ``reg_id``; never raises for a 64-bit id.

    Under KVM the two timer ids KVM swapped (KVM_REG_ARM_TIMER_CVAL/CNT) get their KVM
    meaning; under TCG or an unknown accelerator every id means its architectural encoding.
    ``model`` (a ``-cpu`` name, several, or None) picks the name a CPU model gives an
    encoding that models name differently; without it, or when the models given disagree,
    such an id has a neutral name listing every model's spelling ("CPUPPMCR3_EL3/
    CPUPPMCR6_EL3").
    """
    db = _db()
    if accel == ACCEL_KVM:
        info = db.kvm.get(reg_id)
        if info is not None:
            return info
    models = _models(model)
    if models:
        named = _model_info(reg_id, models)
        if named is not None:
            return named
    info = db.regs.get(reg_id)
    return info if info is not None else _unknown(reg_id)


def find(name: str, accel: str = ACCEL_UNKNOWN, model: ModelSpec = None) -> int | None:
    """The id named ``name`` (case-insensitive, aliases too), or None. With ``model``, a name
    that model gives one of its own registers wins (CPUACTLR_EL1 is S3_0_C15_C1_0 on a
    neoverse-n1 and S3_1_C15_C2_0 on a cortex-a57)."""
    db = _db()
    low = name.strip().lower()
    for m in _models(model):
        info = db.models.get(m)
        hits = sorted(i for i, n in info.regs.items() if n.lower() == low) if info else []
        if hits:  # one model may use a name twice (cortex-a710's CPUPPMCR_EL3)
            usual = db.regs.names().get(low)
            return usual if usual in hits else hits[0]
    if accel == ACCEL_KVM and low in db.kvm.names():
        return db.kvm.names()[low]
    reg_id = db.regs.names().get(low)
    if reg_id is None:  # KVM-only spellings (KVM_REG_ARM_TIMER_CVAL) mean one id anywhere
        reg_id = db.kvm.names().get(low)
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


def cpu_models() -> Mapping[str, ModelInfo]:
    """The CPU models whose model-specific registers the database knows, by ``-cpu`` name."""
    return dict(_db().models)


def all_ids() -> tuple[int, ...]:
    """Every id the database names (sorted); for coverage checks and completion lists."""
    return tuple(sorted(_db().regs.ids()))


class _ThisDatabase:
    """This module as the ``db`` of ``regid.parse_register``."""

    @staticmethod
    def find(name: str, accel: str = ACCEL_UNKNOWN, /) -> int | None:
        return find(name, accel)


def parse_register(text: str, db: NameFinder | None = None, accel: str = ACCEL_UNKNOWN) -> int:
    """``regid.parse_register`` with names looked up here (or in ``db`` when given): what a
    user typed, a file or a log printed, as a register id; RegisterNameError when unknown."""
    return regid.parse_register(text, _ThisDatabase() if db is None else db, accel)
