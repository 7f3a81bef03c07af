"""Everything about one register as plain data: what ``cpreg-explorer decode`` prints.

Takes what a user typed (any spelling regdb.parse_register accepts) and optionally a value, and
returns name, id, encoding, class, aliases and — with a value — every field with its meaning.
"""

from __future__ import annotations

from app.model.errors import RegisterNameError, quote
from app.model.registers import regdb, regid


def parse_value(text: str) -> int:
    try:
        value = int(text.replace("_", ""), 0)
    except ValueError:
        raise RegisterNameError(f"value {quote(text)} is not a number",
                                expected="hex (0x...) or decimal") from None
    if not 0 <= value < 1 << 64:
        raise RegisterNameError(f"value {quote(text)} does not fit in 64 bits")
    return value


def decode_register(text: str, value_text: str | None = None, accel: str = "unknown") -> dict:
    reg_id = regdb.parse_register(text, accel=accel)
    info = regdb.lookup(reg_id, accel)
    value = None if value_text is None else parse_value(value_text)
    fields = []
    for fld in info.fields:
        entry = {"name": fld.name, "msb": fld.msb, "lsb": fld.lsb, "signed": fld.signed,
                 "safety": fld.safety}
        if value is not None:
            entry["value"] = fld.raw(value)
            entry["meaning"] = fld.meaning(fld.extract(value),
                                           {f.name: f.raw(value) for f in info.fields})
        fields.append(entry)
    return {
        "id": regid.format_id(reg_id),
        "name": info.name,
        "known": info.known,
        "class": info.cls,
        "encoding": info.encoding.text(),
        "qemu_key": _qemu_key(reg_id),
        "aliases": list(info.aliases),
        "value": None if value is None else f"0x{value:016x}",
        "fields": fields,
    }


def _qemu_key(reg_id: int) -> str | None:
    try:
        return f"0x{regid.qemu_key_from_kvm_id(reg_id):x}"
    except (ValueError, RegisterNameError):
        return None


def decode_words(words: list[str], accel: str = "unknown") -> dict:
    """Decode shell words: the register may span several words ("p15, 0, c1, c0, 0"), and a
    last word that is a number is its value unless the whole line is the register."""
    text = " ".join(words)
    try:
        regdb.parse_register(text, accel=accel)
        return decode_register(text, None, accel)
    except RegisterNameError:
        if len(words) < 2:
            raise
    return decode_register(" ".join(words[:-1]), words[-1], accel)
