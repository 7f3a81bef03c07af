"""What filtering and sorting need to know of every row, worked out once per diff.

At 256 vCPUs the merged view has 77,824 rows but only a few hundred distinct registers, so
everything that depends on the register (name, class, search text, guest-state class) is
looked up once per register id and spread over the rows with C-level ``map``. Row sets are
``bytes`` masks (one byte, 0 or 1, per row): two masks combine with one big-integer AND
(bytewise, since every byte is 0 or 1), and ``itertools.compress`` turns a mask into row
numbers. No per-row Python code runs when the user types, toggles a filter or sorts; and no
numpy either, which keeps it out of the window's start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import attrgetter

from app.model.compare.diff import DiffRow, Status
from app.model.registers import regdb
from app.model.registers.regid import format_id

# Status keys in severity order (theme.STYLES order): a row's code is its index here.
STATUS_KEYS = ("unexpected", "missing", "value-mismatch", "present", "tolerated", "match")
CODE = {key: i for i, key in enumerate(STATUS_KEYS)}
TOLERATED, MATCH = CODE["tolerated"], CODE["match"]
_STATUS_CODE = {s: CODE[s.value] for s in Status}


def and_masks(a: bytes, b: bytes) -> bytes:
    """Bytewise AND of two 0/1 masks of equal length."""
    n = len(a)
    return (int.from_bytes(a, "little") & int.from_bytes(b, "little")).to_bytes(n, "little")


def code_table(accept: Callable[[int], bool]) -> bytes:
    """A ``bytes.translate`` table mapping a status code to 1 when ``accept(code)``."""
    return bytes(1 if accept(b) else 0 for b in range(256))


class RowFacts:
    """Per-row facts of one diff's rows (fixed for the diff; rule notes are the model's)."""

    def __init__(self, rows: Sequence[DiffRow], info: Callable[[int], regdb.RegInfo]):
        self.vcpus: list[int] = list(map(attrgetter("vcpu"), rows))
        ids = list(map(attrgetter("id"), rows))
        self.reg_ids: list[int] = list(dict.fromkeys(ids))  # distinct ids, first-seen order
        index = {reg: k for k, reg in enumerate(self.reg_ids)}
        self.reg: list[int] = list(map(index.__getitem__, ids))
        self.infos: list[regdb.RegInfo] = [info(reg) for reg in self.reg_ids]
        self.base_codes = bytes(map(_STATUS_CODE.__getitem__, map(attrgetter("status"), rows)))
        guest = bytes(i.cls in regdb.GUEST_STATE_CLASSES for i in self.infos)
        mismatch = self.base_codes.translate(code_table(lambda c: c == CODE["value-mismatch"]))
        # "Hide guest-state value differences" hides value mismatches of guest-state registers.
        self.hideable = and_masks(mismatch, bytes(map(guest.__getitem__, self.reg)))
        self._rows = rows
        self._vcpu_masks: dict[int, bytes] = {}
        self._search: tuple[str, bytes] | None = None
        self._haystacks: list[str] | None = None
        self._ranks: dict[int, Sequence] = {}

    # -- masks --------------------------------------------------------------------------------
    def vcpu_mask(self, vcpu: int) -> bytes:
        """1 for the rows of ``vcpu``."""
        mask = self._vcpu_masks.get(vcpu)
        if mask is None:
            mask = bytes(v == vcpu for v in self.vcpus)
            self._vcpu_masks[vcpu] = mask
        return mask

    def search_mask(self, text: str) -> bytes:
        """1 for the rows whose register's name, aliases, id or encoding contain ``text``
        (lower case)."""
        if self._search is not None and self._search[0] == text:
            return self._search[1]
        if self._haystacks is None:
            self._haystacks = [
                " ".join((i.name, *i.aliases, format_id(reg), i.encoding.text(),
                          i.encoding.text("long"))).lower()
                for reg, i in zip(self.reg_ids, self.infos, strict=True)]
        hits = bytes(text in h for h in self._haystacks)
        mask = bytes(map(hits.__getitem__, self.reg))
        self._search = (text, mask)
        return mask

    def distinct_vcpus(self) -> list[int]:
        return sorted(set(self.vcpus))

    # -- sort keys ----------------------------------------------------------------------------
    def rank(self, column: int) -> Sequence:
        """A sort key per row for the register-side ``column`` (Column numbers: 0 vCPU, 2
        name, 3 id, 4 source value, 5 destination value, 6 class). Equal keys keep the
        merge order (the sorts are stable)."""
        ranks = self._ranks.get(column)
        if ranks is None:
            ranks = self._ranks[column] = self._make_rank(column)
        return ranks

    def _make_rank(self, column: int) -> Sequence:
        if column == 0:
            return self.vcpus
        if column in (2, 6):  # name / class, case-insensitive; empty ones last
            text = [((i.name if column == 2 else i.cls) or "~").lower() for i in self.infos]
            return list(map(_dense(text).__getitem__, self.reg))
        if column == 3:  # id, then vCPU
            ids = _dense(self.reg_ids)
            width = max(self.vcpus, default=0) + 1
            return [ids[r] * width + v for r, v in zip(self.reg, self.vcpus, strict=True)]
        side = attrgetter("src" if column == 4 else "dst")
        return [-1 if v is None else v for v in map(side, self._rows)]  # no value first


def _dense(keys: list) -> list[int]:
    """The rank of each of ``keys`` among their sorted distinct values."""
    order = {k: i for i, k in enumerate(sorted(set(keys)))}
    return [order[k] for k in keys]


def order_by(keys: Sequence, descending: bool) -> list[int]:
    """Row numbers sorted by ``keys``; equal keys stay in merge order in either direction
    (Python's sort is stable with ``reverse=True`` too)."""
    return sorted(range(len(keys)), key=keys.__getitem__, reverse=descending)
