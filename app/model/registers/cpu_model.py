"""Which QEMU CPU model wrote a cpreg list, told from the list itself.

A few IMPLEMENTATION DEFINED encodings mean different registers on different CPU models, so
naming them needs the model (``regdb.lookup(..., model=...)``). No reader is told the model:
QEMU migrates no ``-cpu`` name, and under TCG not even MIDR_EL1 (QEMU marks it ARM_CP_NO_RAW;
only KVM lists and register dumps carry it). What a TCG list does carry are the registers the
model's own definition arrays added, and those sets differ per model family: a list holding
all 38 of the neoverse-n2's is a neoverse-n2, one holding the cortex-a710's 36 but not the
neoverse-n2's two RNG registers is a cortex-a710.

``identify(ids, values)`` tries, in order:

1. the model-specific registers: every model whose fingerprint (regdb ``ModelInfo.ids``) is in
   the list and is not contained in a larger fingerprint also in the list. Models sharing one
   fingerprint (cortex-a35/-a53/-a57/-a72 and max all register the same 14) stay together:
   the list cannot tell them apart, and they name every register alike;
2. MIDR_EL1 (or the AArch32 MIDR) when the list has its value: the models whose Arm part number
   it is (``-cpu X,midr=...`` can override it, which is why the registers come first).

Lists of models without model-specific registers (cortex-a55, cortex-a76, a64fx, host) give
no model; their names never depend on one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from app.model.registers import regdb
from app.model.registers.regid import encode_aa32, encode_sysreg

__all__ = ["MIDR_IDS", "ModelGuess", "identify", "models_of_midr"]

MIDR_IDS = (encode_sysreg(3, 0, 0, 0, 0), encode_aa32(15, 0, 0, 0, 0))  # MIDR_EL1, MIDR


@dataclass(frozen=True)
class ModelGuess:
    """The QEMU CPU model(s) a list may come from (``-cpu`` names, sorted; empty when the list
    does not say) and why. Iterating gives the models, so a guess can be passed as the
    ``model`` of ``regdb.lookup``/``regdb.find``."""

    models: tuple[str, ...] = ()
    evidence: str = "no model-specific register and no MIDR_EL1 value in the list"

    def __iter__(self) -> Iterator[str]:
        return iter(self.models)

    def __bool__(self) -> bool:
        return bool(self.models)

    @property
    def label(self) -> str:
        """``neoverse-n2``, ``cortex-a15 or cortex-a7``, or ``unknown``."""
        return " or ".join(self.models) if self.models else "unknown"


def models_of_midr(midr: int) -> tuple[str, ...]:
    """The models whose (implementer, part number) ``midr`` carries."""
    key = ((midr >> 24) & 0xFF, (midr >> 4) & 0xFFF)
    return tuple(sorted(m.name for m in regdb.cpu_models().values() if m.midr == key))


def identify(ids: Iterable[int], values: Iterable[int | None] | None = None) -> ModelGuess:
    """The model(s) of one vCPU's cpreg list (``values`` in the order of ``ids``, optional)."""
    id_list = list(ids)
    present = set(id_list)
    models = regdb.cpu_models()
    fitting = {name: m.ids for name, m in models.items() if m.ids and m.ids <= present}
    best = sorted(name for name, fp in fitting.items()
                  if not any(fp < other for other in fitting.values()))
    if best:
        sizes = sorted({len(fitting[name]) for name in best})
        count = " / ".join(str(n) for n in sizes)
        return ModelGuess(tuple(best), f"all {count} model-specific registers of "
                                       f"{' or '.join(best)} are in the list")
    if values is not None:
        by_id = dict(zip(id_list, values, strict=False))
        for midr_id in MIDR_IDS:
            midr = by_id.get(midr_id)
            if midr is None:
                continue
            found = models_of_midr(midr)
            if found:
                return ModelGuess(found, f"MIDR 0x{midr:08x}")
            return ModelGuess((), f"MIDR 0x{midr:08x} is no model with model-specific "
                                  "registers")
    return ModelGuess()
