"""Typed access to the plain values vmstate.decode_body returns, for state decoders.

The vmdesc decides each field's type, so a crafted (or future) stream may describe any field
as anything: bytes instead of an int, a dict instead of an array, a shorter array. Decoders of
register state ask through these helpers and get None for whatever is not what QEMU sends,
so a surprising field becomes an unknown value with a note, never a crash or a wrong number.
"""

from __future__ import annotations

U64_LIMIT = 1 << 64


def scalar(values: dict, key: str) -> int | None:
    """``values[key]`` when it is an unsigned integer below 2**64 (bools count), else None."""
    value = values.get(key) if isinstance(values, dict) else None
    if isinstance(value, int) and type(value) in (int, bool) and 0 <= value < U64_LIMIT:
        return int(value)
    return None


def array(values: dict, key: str, length: int) -> tuple[int, ...] | None:
    """``values[key]`` when it is an array of exactly ``length`` such integers, else None."""
    value = values.get(key) if isinstance(values, dict) else None
    if not isinstance(value, (tuple, list)) or len(value) != length:
        return None
    if not all(type(v) in (int, bool) and 0 <= v < U64_LIMIT for v in value):
        return None
    return tuple(int(v) for v in value)


def pick(seq: tuple[int, ...] | None, index: int) -> int | None:
    """``seq[index]``, None when the array itself was unusable."""
    return None if seq is None else seq[index]


def sub(values: dict, name: str) -> dict | None:
    """The decoded subsection (or nested struct) ``name``, None when absent or not a struct."""
    value = values.get(name) if isinstance(values, dict) else None
    return value if isinstance(value, dict) else None


def unknown_keys(values: dict, known) -> list[str]:
    """Keys of ``values`` a decoder does not map (reported, so nothing is silently dropped)."""
    return sorted(k for k in values if k not in known) if isinstance(values, dict) else []
