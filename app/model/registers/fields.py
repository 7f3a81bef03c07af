"""Bitfields of a register value: extraction, enum meanings and ID-field migration safety.

A register's layout is a tuple of Field, highest bits first, as the register database stores
it. Fields know how to pull their bits out of a 64-bit value (two's complement for the signed
ID fields, where 0xf means "not implemented"), what a value means, and the kernel's rule for
merging differing ID values, which ``field_safety_direction`` turns into a migration verdict.
"""

from __future__ import annotations

from dataclasses import dataclass

FTR_EXACT = "FTR_EXACT"
FTR_LOWER_SAFE = "FTR_LOWER_SAFE"
FTR_HIGHER_SAFE = "FTR_HIGHER_SAFE"
FTR_HIGHER_OR_ZERO_SAFE = "FTR_HIGHER_OR_ZERO_SAFE"
SAFETY_RULES = (FTR_EXACT, FTR_LOWER_SAFE, FTR_HIGHER_SAFE, FTR_HIGHER_OR_ZERO_SAFE)


@dataclass(frozen=True)
class EnumValue:
    """One named value of a field; ``value`` is the raw (unsigned) bit pattern."""

    value: int
    name: str


@dataclass(frozen=True)
class Field:
    """Bits ``msb``..``lsb`` of a register.

    ``reserved`` is "RES0", "RES1", "RAZ" or "UNKN" for reserved bits (named the same).
    ``safety``/``safe_val`` are the kernel's cpufeature merge rule for ID-register fields.
    ``keyed_by`` names a sibling field whose value selects the table in ``keyed_enums``
    (MIDR.PartNum means nothing without MIDR.Implementer).
    """

    name: str
    msb: int
    lsb: int
    signed: bool = False
    enums: tuple[EnumValue, ...] = ()
    safety: str | None = None
    safe_val: int | None = None
    reserved: str | None = None
    keyed_by: str | None = None
    keyed_enums: tuple[tuple[int, tuple[EnumValue, ...]], ...] = ()

    @property
    def width(self) -> int:
        return self.msb - self.lsb + 1

    @property
    def mask(self) -> int:
        """The field's bits in place within the register value."""
        return ((1 << self.width) - 1) << self.lsb

    def raw(self, value: int) -> int:
        """The field's bits as an unsigned number."""
        return (value >> self.lsb) & ((1 << self.width) - 1)

    def extract(self, value: int) -> int:
        """The field's value: two's complement when ``signed`` (0xf in a 4-bit field is -1)."""
        raw = self.raw(value)
        if self.signed and raw >> (self.width - 1):
            return raw - (1 << self.width)
        return raw

    def meaning(self, field_value: int, context: dict[str, int] | None = None) -> str | None:
        """Name of ``field_value`` (raw or signed) or None; ``context`` maps sibling field
        names to their values and is needed only by keyed fields (MIDR.PartNum)."""
        raw = field_value & ((1 << self.width) - 1)
        table = self.enums
        if self.keyed_by is not None:
            key = (context or {}).get(self.keyed_by)
            table = dict(self.keyed_enums).get(key, ()) if key is not None else ()
        for item in table:
            if item.value == raw:
                return item.name
        return None


def _ordered(field: Field, raw_value: int) -> int:
    """Field value on the scale its safety rule compares (signed fields as signed)."""
    return field.extract(raw_value << field.lsb)


def field_safety_direction(field: Field, src_value: int, dst_value: int) -> str:
    """Is it safe for a guest that saw ``src_value`` in this ID field to run where the CPU
    has ``dst_value``? Returns "safe", "unsafe" or "n/a" (no kernel rule for this field).

    Values are the field's own value (``Field.extract`` or raw bits; both work). The guest read
    the source's ID registers at boot and may use every feature they advertised; after
    migration it runs on the destination. The kernel's rule names which of two differing
    values is the *conservative* one (what software may safely assume on both CPUs):

    * FTR_LOWER_SAFE (most fields: higher = more features): the destination must offer at
      least what the guest saw, so safe iff dst >= src (signed fields compare as signed, so
      0xf "not implemented" is lowest).
    * FTR_HIGHER_SAFE (higher = more conservative, e.g. a larger minimum granule): the guest's
      assumption must still hold, so safe iff dst <= src.
    * FTR_HIGHER_OR_ZERO_SAFE (CTR_EL0.CWG/ERG, 0 = "unknown, assume the maximum"): a guest
      that saw 0 assumed the worst and is always safe; a destination reporting 0 may be as
      large as anything, so unsafe unless src is 0; otherwise as HIGHER_SAFE.
    * FTR_EXACT: any difference is unsafe.
    """
    if field.safety not in SAFETY_RULES:
        return "n/a"
    src, dst = _ordered(field, src_value), _ordered(field, dst_value)
    if src == dst:
        return "safe"
    if field.safety == FTR_LOWER_SAFE:
        return "safe" if dst > src else "unsafe"
    if field.safety == FTR_HIGHER_SAFE:
        return "safe" if dst < src else "unsafe"
    if field.safety == FTR_HIGHER_OR_ZERO_SAFE:
        if src == 0:
            return "safe"
        if dst == 0:
            return "unsafe"
        return "safe" if dst < src else "unsafe"
    return "unsafe"


def decode_fields(fields: tuple[Field, ...], value: int) -> list[tuple[Field, int, str | None]]:
    """(field, field value, meaning) for every field of a layout, keyed fields resolved."""
    context = {f.name: f.raw(value) for f in fields if f.reserved is None}
    return [(f, f.extract(value), f.meaning(f.raw(value), context)) for f in fields]


def field_from_json(obj: dict) -> Field:
    """Build a Field from the compact form tools/gen_regdb.py writes (keys: n h l s e f v r k
    ke)."""
    def enum_tuple(pairs) -> tuple[EnumValue, ...]:
        return tuple(EnumValue(int(v), str(n)) for v, n in pairs)

    return Field(
        name=obj["n"], msb=int(obj["h"]), lsb=int(obj["l"]), signed=bool(obj.get("s", 0)),
        enums=enum_tuple(obj.get("e", ())), safety=obj.get("f"), safe_val=obj.get("v"),
        reserved=obj.get("r"), keyed_by=obj.get("k"),
        keyed_enums=tuple((int(key), enum_tuple(pairs)) for key, pairs in obj.get("ke", ())),
    )
