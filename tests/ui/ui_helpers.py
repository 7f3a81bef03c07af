"""Paths and small queries shared by the window tests (importable: tests/ui is on sys.path)."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
SRC = DATA / "q72-cortex-a57-smp2.mig"
DST = DATA / "q11-cortex-a57-smp2-virt-7.2.mig"


def visible_records(win):
    """The DiffRows the table shows, top to bottom."""
    from app.ui.table.diff_model import RecordRole

    return [win.proxy.index(r, 0).data(RecordRole) for r in range(win.proxy.rowCount())]


def proxy_row_of(win, name: str, vcpu: int = 0) -> int:
    """The visible row of register ``name`` on ``vcpu`` (-1 when filtered out)."""
    from app.model.registers import regdb

    for row, rec in enumerate(visible_records(win)):
        if rec.vcpu == vcpu and regdb.lookup(rec.id, win.session.accel).name == name:
            return row
    return -1

# The same VM after a tiny guest wrote ~20 EL0/EL1 registers: guest-state value differences,
# and registers whose value differs between its two vCPUs.
GUEST = DATA / "q72-cortex-a57-smp2-guest.mig"
