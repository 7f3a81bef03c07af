"""The Fleet window (issue 15), driven through the real widgets on real QEMU 10.0 streams.

The pool: four hosts of tests/data/matrix that give every kind of cell — a57-smp2 and
a57-smp2-net (the net host's extra slirp section: one way accepted, the other rejected),
a57-pmu-off-smp2 (constant PMU/ID values differ: fixable by the baseline) and a57-smp2-m128
(another RAM size: no rule fixes it) — plus a copy of the first stream under another name,
a fifth host with the same register set, so one group has two members. Every expectation is
computed here from app.model.fleet or the CLI, never from the window.
"""

from __future__ import annotations

import os
import json
import shutil
import time

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QPushButton
from streamfiles import matrix_stream

from app.cli.dispatch import main as cli_main
from app.model.fleet import analyse, read_pool
from app.model.reports.fleet_report import group_label
from app.model.rules import rulefile
from app.model.rules.ruleset import RuleSet
from app.ui import theme

HOSTS = ("q10-a57-smp2.mig", "q10-a57-smp2-m128.mig", "q10-a57-pmu-off-smp2.mig",
         "q10-a57-smp2-net.mig")


@pytest.fixture(scope="module")
def pool(tmp_path_factory) -> list[str]:
    """Five host files: the four streams and a copy of the first (same register set)."""
    directory = tmp_path_factory.mktemp("fleet")
    paths = [matrix_stream(name, directory) for name in HOSTS]
    twin = directory / "q10-a57-smp2-twin.mig"
    shutil.copyfile(paths[0], twin)
    return [str(p) for p in (*paths, twin)]


@pytest.fixture(scope="module")
def expected(pool):
    """The fleet as the model computes it, without the window."""
    return analyse(read_pool(pool))


def category_of(cell) -> str:
    """What the heat map must show for a model cell (the model's fields, read directly)."""
    if cell.accepted:
        if cell.verdict.unexamined:
            return "unexamined"
        return "same" if cell.src == cell.dst else "accepted"
    return "fixable" if cell.baseline_accepted else "rejected"


CODE = {"accepted": 0, "unexamined": 1, "fixable": 2, "rejected": 3, "same": 4}


def colour_of(category: str):
    """The theme colour a category must be drawn in (the diagonal: the "present" row tint)."""
    if category == "same":
        return theme.row_background("present")
    return theme.accent({"accepted": "match", "unexamined": "present",
                         "fixable": "value-mismatch", "rejected": "unexpected"}[category])


def open_fleet(qtbot, window, paths):
    from app.ui.fleet.launch import launcher

    fleet_launcher = launcher(window)
    fleet_launcher.open(paths)
    qtbot.waitUntil(lambda: fleet_launcher.fleet_window is not None
                    and fleet_launcher.fleet_window.isVisible(), timeout=60000)
    fw = fleet_launcher.fleet_window
    qtbot.waitExposed(fw)
    # The offscreen platform sends the test pointer to the topmost window containing its
    # global position; both windows start at the same spot, so put this one beside the other.
    fw.move(window.frameGeometry().right() + 40, 0)
    settle(qtbot, fw.heatmap)
    return fw


def settle(qtbot, plot) -> None:
    """Wait until the layout is done: cells stop moving on screen."""
    spots = []

    def still() -> bool:
        spots.append(plot.mapFromScene(plot.scene_pos_of(0, 0)))
        return len(spots) > 2 and spots[-1] == spots[-2] == spots[-3]

    qtbot.waitUntil(lambda: plot.viewport().height() > 50 and still(), timeout=5000)


def cell_pos(plot, row: int, col: int) -> QPoint:
    return plot.mapFromScene(plot.scene_pos_of(row, col))


def find(expected, wanted: str) -> tuple[int, int]:
    """(row, column) of the first off-diagonal cell of category ``wanted``."""
    k = len(expected.groups)
    return next((i, j) for i in range(k) for j in range(k)
                if i != j and category_of(expected.cell(i, j)) == wanted)


def verdict_ready(window) -> bool:
    s = window.session
    return s.diff is not None and not s.busy and s.verdict is not None and not s.evaluating


def check_json(capsys, *args) -> tuple[int, dict]:
    capsys.readouterr()
    code = cli_main(["check", "--json", *args])
    return code, json.loads(capsys.readouterr().out)


def test_heat_map_cells_are_the_models_cells(qtbot, window, pool, expected):
    fw = open_fleet(qtbot, window, pool)
    k = len(expected.groups)
    assert k == 4 and sorted(len(g.members) for g in expected.groups) == [1, 1, 1, 2]
    kinds = {category_of(c) for c in expected.cells}
    assert kinds == {"accepted", "fixable", "rejected", "same"}  # the pool covers them all
    rgba = fw.heatmap.image.image  # [column, row, rgba]
    assert rgba.shape[:2] == (k, k)
    for i in range(k):
        for j in range(k):
            want = category_of(expected.cell(i, j))
            assert fw.heatmap.codes[i, j] == CODE[want], (i, j)
            colour = colour_of(want)
            assert tuple(rgba[j, i, :3]) == (colour.red(), colour.green(), colour.blue())
    from app.ui.fleet.cells import Category

    for cat, label in fw.legend.labels.items():
        n = sum(CODE[category_of(c)] == cat for c in expected.cells)
        assert f": {n} group pair" in label.text(), (Category(cat), label.text())
    axis = [label for _pos, label in fw.heatmap.getAxis("left")._tickLevels[0]]
    assert axis == [group_label(g.group, k) for g in expected.groups]  # as `fleet` prints
    # The groups list and the spread table carry the model's groups and entries.
    tree = fw.groups
    assert tree.topLevelItemCount() == k
    twin = next(n for n, g in enumerate(expected.groups) if len(g.members) == 2)
    assert tree.topLevelItem(twin).childCount() == 2
    assert tree.topLevelItem(twin).text(2) == expected.groups[twin].summary
    assert fw.spread_model.rowCount() == len(expected.spread) > 0
    # Sorting "Distinct values" sorts numbers as numbers (the proxy's SortRole).
    from app.ui.fleet.spread_model import SpreadColumn

    fw.spread_view.sortByColumn(SpreadColumn.DISTINCT, Qt.SortOrder.DescendingOrder)
    proxy = fw.spread_proxy
    shown = [int(proxy.index(r, SpreadColumn.DISTINCT).data().replace("—", "0"))
             for r in range(proxy.rowCount())]
    assert shown == sorted((len(e.values) for e in expected.spread), reverse=True)
    assert fw.baseline.rules.toPlainText() == expected.baseline.rules_toml


def test_hover_names_members_verdict_and_first_failure(qtbot, window, pool, expected):
    fw = open_fleet(qtbot, window, pool)
    plot = fw.heatmap
    i, j = find(expected, "rejected")
    cell = expected.cell(i, j)
    qtbot.mouseMove(plot.viewport(), cell_pos(plot, i, j))
    qtbot.waitUntil(lambda: "First failure" in plot.toolTip(), timeout=3000)
    text = plot.toolTip()
    for path in (expected.groups[i].members[0], expected.groups[j].members[0]):
        assert path.rsplit("/", 1)[-1] in text
    assert "REJECTED" in text and cell.first_failure.split(":")[0] in text
    assert "No rule can fix it" in text
    a, b = find(expected, "accepted")
    qtbot.wait(30)  # QTest drops a second synthetic move sent within the same instant
    qtbot.mouseMove(plot.viewport(), cell_pos(plot, a, b))
    qtbot.waitUntil(lambda: "ACCEPTED" in plot.toolTip(), timeout=3000)
    assert "First failure" not in plot.toolTip()


def test_click_opens_the_pair_with_the_baseline_and_check_agrees(qtbot, window, pool,
                                                                 expected, capsys, tmp_path):
    fw = open_fleet(qtbot, window, pool)
    i, j = find(expected, "fixable")
    qtbot.mouseClick(fw.heatmap.viewport(), Qt.MouseButton.LeftButton,
                     pos=cell_pos(fw.heatmap, i, j))
    src, dst = expected.groups[i].members[0], expected.groups[j].members[0]
    qtbot.waitUntil(lambda: window.session.src_path == src and window.session.dst_path == dst
                    and verdict_ready(window), timeout=30000)
    assert window.session.rules == expected.baseline.rules
    assert window.session.verdict.accepted  # fixable: accepted with the baseline
    rules = tmp_path / "baseline.toml"
    rules.write_text(expected.baseline.rules_toml, encoding="utf-8")
    code, out = check_json(capsys, "--rules", str(rules), src, dst)
    assert code == 0 and out["verdict"] == "accepted"
    # Without the baseline, check rejects the very same pair: the rules did the work.
    code, out = check_json(capsys, src, dst)
    assert code == 1 and out["verdict"] == "rejected"
    # Another cell replaces the pair without asking to keep or drop the rules: they are the
    # baseline already, and stay; that pair is rejected, with the baseline too.
    a, b = find(expected, "rejected")
    qtbot.mouseClick(fw.heatmap.viewport(), Qt.MouseButton.LeftButton,
                     pos=cell_pos(fw.heatmap, a, b))
    src, dst = expected.groups[a].members[0], expected.groups[b].members[0]
    qtbot.waitUntil(lambda: window.session.src_path == src and window.session.dst_path == dst
                    and verdict_ready(window), timeout=30000)
    assert not any(box.isVisible() for box in window.findChildren(QMessageBox))
    assert window.session.rules == expected.baseline.rules
    assert not window.session.verdict.accepted
    code, out = check_json(capsys, "--rules", str(rules), src, dst)
    assert code == 1 and out["verdict"] == "rejected"
    assert out["reasons"][0]["message"] == window.session.verdict.first_failure.message
    # One undo step brings the explorer's previous (empty) rules back.
    window.rules_layer.undo.trigger()
    assert window.session.rules == RuleSet()


def test_keyboard_moves_the_cell_enter_opens_it_ctrl_w_closes(qtbot, window, pool, expected):
    fw = open_fleet(qtbot, window, pool)
    i, j = find(expected, "rejected")
    plot = fw.heatmap
    plot.setFocus()
    assert plot.current == (0, 0)
    for _ in range(j):
        qtbot.keyClick(plot, Qt.Key.Key_Right)
    for _ in range(i):
        qtbot.keyClick(plot, Qt.Key.Key_Down)
    assert plot.current == (i, j)
    assert "REJECTED" in fw.current.toPlainText()
    qtbot.keyClick(plot, Qt.Key.Key_Return)
    src, dst = expected.groups[i].members[0], expected.groups[j].members[0]
    qtbot.waitUntil(lambda: window.session.src_path == src and window.session.dst_path == dst
                    and verdict_ready(window), timeout=30000)
    assert not window.session.verdict.accepted  # no rule fixes it, with the baseline either
    first = window.session.verdict.first_failure
    assert first is not None and first.message == expected.cell(i, j).first_failure
    fw.activateWindow()
    fw.raise_()
    qtbot.waitUntil(fw.isActiveWindow, timeout=3000)
    qtbot.keyClick(fw, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not fw.isVisible(), timeout=3000)


def slow_reads(monkeypatch, seconds: float) -> None:
    import app.model.fleet.pool as pool_module

    real = pool_module.load

    def slow(path, *args, **kwargs):
        time.sleep(seconds)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(pool_module, "load", slow)


def test_cancel_while_loading_shows_nothing_and_keeps_the_open_fleet(qtbot, window, pool,
                                                                     monkeypatch):
    from app.ui.fleet.launch import launcher

    fleet_launcher = launcher(window)
    slow_reads(monkeypatch, 0.4)
    fleet_launcher.open(pool)
    qtbot.waitUntil(lambda: fleet_launcher.progress.dialog is not None
                    and fleet_launcher.progress.dialog.isVisible(), timeout=5000)
    dialog = fleet_launcher.progress.dialog
    assert isinstance(dialog, QProgressDialog)
    qtbot.waitUntil(lambda: "Reading host file" in dialog.labelText(), timeout=5000)
    assert any(p.rsplit("/", 1)[-1] in dialog.labelText() for p in pool)
    qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)  # Cancel
    qtbot.waitUntil(lambda: fleet_launcher.progress.dialog is None, timeout=300)
    assert not fleet_launcher.loading.busy
    assert fleet_launcher.loading.wait(10000)  # the worker stopped at its next check
    qtbot.wait(50)
    assert fleet_launcher.fleet_window is None and fleet_launcher.error is None
    # With a fleet open, a cancelled second run leaves it as it was.
    monkeypatch.undo()
    fw = open_fleet(qtbot, window, pool[:3])
    shown = fw.fleet
    slow_reads(monkeypatch, 0.4)
    fleet_launcher.open(pool)
    qtbot.waitUntil(lambda: fleet_launcher.progress.dialog is not None, timeout=5000)
    fleet_launcher.progress.dialog.findChild(QPushButton).click()
    assert fleet_launcher.loading.wait(10000)
    qtbot.wait(50)
    assert fw.fleet is shown and len(fw.fleet.sources) == 3 and fleet_launcher.error is None


def test_a_bad_file_is_named_and_opens_nothing(qtbot, window, pool, tmp_path):
    from app.ui.fleet.launch import ERROR_BOX, launcher

    bad = tmp_path / "broken-host.mig"
    bad.write_bytes(b"QEVM\x00\x00\x00\x03" + b"\xff" * 64)
    fleet_launcher = launcher(window)
    fleet_launcher.open([*pool[:2], str(bad)])
    qtbot.waitUntil(lambda: fleet_launcher.error is not None, timeout=30000)
    box = fleet_launcher.error
    assert box.objectName() == ERROR_BOX and box.isVisible()
    assert "broken-host.mig" in box.text()
    assert "Reason:" in box.informativeText()
    assert fleet_launcher.fleet_window is None and not fleet_launcher.loading.busy
    box.close()


def test_save_baseline_writes_toml_that_reads_back_equal(qtbot, window, pool, expected,
                                                         tmp_path, monkeypatch):
    fw = open_fleet(qtbot, window, pool)
    target = tmp_path / "pool-baseline"  # no extension: .toml is added
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    fw.baseline.save.click()
    written = tmp_path / "pool-baseline.toml"
    assert written.is_file() and not target.exists()
    assert rulefile.load(written) == expected.baseline.rules
    assert written.read_text(encoding="utf-8") == expected.baseline.rules_toml
    assert "pool-baseline.toml" in fw.statusBar().currentMessage()


def test_file_menu_and_a_drop_of_three_files_open_a_fleet(qtbot, window, pool, monkeypatch):
    from app.ui.window.gestures import accepts_drop

    action = window.actions.open_fleet
    assert action in window.actions.file_menu.actions()
    assert action.shortcut().toString() == "Ctrl+Shift+F"
    clashes = [a.text() for a in window.findChildren(type(action))
               if a is not action and a.shortcut() == action.shortcut()]
    assert clashes == []
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *a, **k: (pool[:3], "")))
    action.trigger()
    from app.ui.fleet.launch import launcher

    fleet_launcher = launcher(window)
    qtbot.waitUntil(lambda: fleet_launcher.fleet_window is not None, timeout=30000)
    assert [p for p, _g in fleet_launcher.fleet_window.fleet.sources] == pool[:3]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(p) for p in pool])
    assert accepts_drop(mime)
    window.open_dropped(pool)
    qtbot.waitUntil(lambda: len(fleet_launcher.fleet_window.fleet.sources) == len(pool),
                    timeout=30000)
    assert window.session.src is None  # a fleet drop opens no pair in the explorer
    assert not any(isinstance(w, QMessageBox) and w.isVisible()
                   for w in window.findChildren(QMessageBox))
    # Closing the explorer closes its Fleet window (it would keep the application running),
    # but not while the explorer refuses to close (the unsaved-rules question is open).
    fw = fleet_launcher.fleet_window
    window.session.set_rules(fw.fleet.baseline.rules, dirty=True)
    window.close()
    from app.ui.rules.files import UNSAVED_BOX

    qtbot.waitUntil(lambda: window.findChild(QMessageBox, UNSAVED_BOX) is not None,
                    timeout=3000)
    qtbot.wait(50)
    assert window.isVisible() and fw.isVisible()
    question = window.findChild(QMessageBox, UNSAVED_BOX)
    question.button(QMessageBox.StandardButton.Discard).click()
    qtbot.waitUntil(lambda: not window.isVisible() and not fw.isVisible(), timeout=3000)


def test_an_acceptance_with_unexamined_parts_is_never_shown_as_plain_accepted(qtbot, window):
    """An analyze-migration dump of a VM and that VM's stream: check accepts between them
    but cannot judge the stream parts a dump lacks, and the map must say so, as check does."""
    from testdata import DATA

    paths = [str(DATA / "dumps" / "q72-cortex-a57-smp2.analyze-migration.json"),
             str(DATA / "q72-cortex-a57-smp2.mig"), str(DATA / "q11-cortex-a57-smp2-virt-7.2.mig")]
    model = analyse(read_pool(paths))
    fw = open_fleet(qtbot, window, paths)
    k = len(model.groups)
    unexamined = [(i, j) for i in range(k) for j in range(k)
                  if model.cell(i, j).accepted and model.cell(i, j).verdict.unexamined]
    assert unexamined and (0, 0) in unexamined  # the dump against itself, too
    for i in range(k):
        for j in range(k):
            assert fw.heatmap.codes[i, j] == CODE[category_of(model.cell(i, j))], (i, j)
    i, j = next(c for c in unexamined if c[0] != c[1])
    text = fw.heatmap.hover_text(i, j)
    assert "parts unexamined" in text and "ACCEPTED" in text
    assert model.cell(i, j).verdict.unexamined[0].message in text
    colour = colour_of("unexamined")
    assert tuple(fw.heatmap.image.image[j, i, :3]) == (colour.red(), colour.green(),
                                                       colour.blue())


def table_rows(table) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def test_baseline_tab_says_how_rules_deploy_and_what_would_fix_the_rest(qtbot, window, pool,
                                                                       expected, capsys,
                                                                       tmp_path):
    """Checked against check --json on the same pairs: the deployment rows hold check's
    per-rule "how" for a fixed pair's destination, each unfixable row check's first remedy,
    and the hover of a fixed / unfixable cell the same words."""
    from app.ui.fleet.baseline_view import DEPLOY_COLUMNS, UNFIXABLE_COLUMNS

    fw = open_fleet(qtbot, window, pool)
    view = fw.baseline
    rules = tmp_path / "baseline.toml"
    rules.write_text(expected.baseline.rules_toml, encoding="utf-8")
    i, j = find(expected, "fixable")
    src, dst = expected.groups[i].members[0], expected.groups[j].members[0]
    _code, check = check_json(capsys, "--rules", str(rules), src, dst)
    rows = table_rows(view.deployment)
    rule_col, how_col = DEPLOY_COLUMNS.index("Rule"), DEPLOY_COLUMNS.index("How")
    shown = {(row[rule_col], row[how_col]) for row in rows}
    assert check["deployment"]["rules"]
    for rule in check["deployment"]["rules"]:
        assert (f"{rule['rule']} rule for {rule['name']}", rule["how"]) in shown, rule
    assert "needs the tolerance patch series" in view.about.text()  # QEMU 10.0
    # the fixed cell's hover: what check --rules says after "—"
    words = check["headline"].split(" — ", 1)[1]
    assert f"With the baseline rules: {words}" in fw.heatmap.hover_text(i, j)
    # every unfixable pair: check's first remedy (RAM: -m; devices: add the device)
    fix_col = UNFIXABLE_COLUMNS.index("What would fix it")
    got = {(row[0], row[1]): row[fix_col] for row in table_rows(view.unfixable)}
    assert len(got) == len(expected.baseline.unfixable) > 0
    remedies_seen = set()
    for u in expected.baseline.unfixable:
        _code, out = check_json(capsys, u.src_path, u.dst_path)
        first = [m for m in out.get("remedies", []) if m["status"] != "array-length"]
        name = (u.src_path.rsplit("/", 1)[-1], u.dst_path.rsplit("/", 1)[-1])
        if u.reason.startswith(("RAM:", "devices (")):
            assert got[name] == first[0]["action"], name
            remedies_seen.add(first[0]["action"].split(" ")[-1])
    assert any(r in ("64M", "128M") for r in remedies_seen)
    a, b = next((u.src, u.dst) for u in expected.baseline.unfixable if u.remedies)
    text = fw.heatmap.hover_text(a, b)
    assert f"What would fix it: {expected.cell(a, b).remedies[0].action} (" in text


def test_save_baseline_asks_before_replacing_the_toml_the_dialog_did_not_check(
        qtbot, window, pool, tmp_path, monkeypatch):
    fw = open_fleet(qtbot, window, pool)
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    window.settings.set_last_rules_dir(str(rules_dir / "earlier.toml"))
    existing = tmp_path / "pool-baseline.toml"
    existing.write_text("# the user's own file\n", encoding="utf-8")
    starts: list[str] = []

    def dialog(_parent, _title, start, _filter):
        starts.append(start)
        return str(tmp_path / "pool-baseline"), ""  # typed without .toml

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(dialog))
    asked: list[str] = []
    monkeypatch.setattr("app.ui.fleet.save.ask_replace",
                        lambda _p, path: asked.append(path) or False)
    assert fw.save_baseline() is None  # refused: nothing written
    assert asked == [str(existing)]
    assert existing.read_text(encoding="utf-8") == "# the user's own file\n"
    # The dialog starts where rule dialogs do (here: the folder rules were last saved to).
    assert os.path.dirname(starts[0]) == str(rules_dir)
