"""The window names IMPDEF registers for the pair's CPU model, as ``show``/``diff`` do
(tests/test_cpu_model_names.py): 0x603000000013f796 is CPUPPMCR6_EL3 on a neoverse-n2 and
CPUPPMCR3_EL3 on a neoverse-v1."""

from __future__ import annotations

import lzma

import pytest

from app.ui.table.diff_model import Column
from ui_helpers import DATA

PPMCR = 0x603000000013F796


@pytest.fixture(scope="module")
def streams(tmp_path_factory) -> dict[str, str]:
    n2 = tmp_path_factory.mktemp("n2") / "q11-neoverse-n2-smp2.mig"
    n2.write_bytes(lzma.decompress((DATA / "q11-neoverse-n2-smp2.mig.xz").read_bytes()))
    return {"n2": str(n2), "v1": str(DATA / "q11-neoverse-v1-smp2.mig")}


def ppmcr_rows(win) -> list[int]:
    return [i for i in range(win.model.rowCount()) if win.model.record(i).id == PPMCR]


@pytest.mark.parametrize("src, dst, name", [
    ("n2", "n2", "CPUPPMCR6_EL3"),
    ("v1", "v1", "CPUPPMCR3_EL3"),
    ("n2", "v1", "CPUPPMCR3_EL3/CPUPPMCR6_EL3"),  # two models: the neutral name
])
def test_the_table_and_details_name_the_models_register(qtbot, window, streams, src, dst, name):
    window.open_pair(streams[src], streams[dst])
    qtbot.waitUntil(lambda: window.session.diff is not None and not window.session.busy,
                    timeout=30000)
    rows = ppmcr_rows(window)
    assert len(rows) == 2
    for i in rows:
        assert window.model.index(i, Column.NAME).data() == name
        assert window.model.info(i).name == name
    window.details.show_record(window.model.record(rows[0]), window.session.accel,
                               cpu_model=window.session.cpu_model)
    assert window.details.title.text() == name
    window.filter_bar.status_actions["match"].setChecked(True)
    window.filter_bar.search.setText(name)  # the search finds it by that name
    shown = [window.proxy.mapToSource(window.proxy.index(r, 0)).row()
             for r in range(window.proxy.rowCount())]
    assert set(rows) <= set(shown)
