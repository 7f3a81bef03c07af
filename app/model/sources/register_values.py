"""RegisterValues: read access to any record holding register ids and values in one order.

VCpu (a cpreg list) and StateGroup (core/GIC registers outside the cpreg arrays) both hold
parallel ``ids``/``values`` tuples; this is the one place their lookups live.
"""

from __future__ import annotations

from collections.abc import Iterator


class RegisterValues:
    """Read access shared by every "ids + values in one order" record (VCpu, StateGroup);
    subclasses are frozen dataclasses with ``ids`` and ``values`` fields."""

    ids: tuple[int, ...]
    values: tuple[int | None, ...]

    def _check_lengths(self) -> None:
        if len(self.ids) != len(self.values):
            raise ValueError("ids and values differ in length")

    def __len__(self) -> int:
        return len(self.ids)

    def items(self) -> Iterator[tuple[int, int | None]]:
        return zip(self.ids, self.values, strict=True)

    def as_dict(self) -> dict[int, int | None]:
        return dict(zip(self.ids, self.values, strict=True))

    def value_of(self, reg_id: int) -> int | None:
        """The value of ``reg_id`` (KeyError when this record does not have it)."""
        return self.as_dict()[reg_id]
