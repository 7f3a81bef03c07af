"""The rules and verdict layer, plugged into the explorer window by ``install_rules(window)``.

It adds the verdict banner (``add_banner``), the rules dock (``add_side_panel``), the rule
items of the row context menu and details panel (RuleActions), Edit → Undo/Redo over a
QUndoStack (RuleEditor), Edit → Add rule / Suggest rules, File → Open rules / Save rules /
Save rules as / Export, and keeps every view in step with the session: each new verdict
re-colours the rows (``set_annotations`` after a new pair or policy, ``patch_annotations`` of
the few changed rows after a rule edit), refreshes the banner and the panel's row counts.
The window only creates the layer and asks it before closing (``files.close_allowed``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QPushButton

from app.model.advice.deployability import deploy_rule
from app.model.rules.edits import AddRules
from app.model.verdict.policy import POLICIES, Policy, default_policy
from app.model.verdict.summary import Summary, summarize
from app.ui.plain_text import tip
from app.ui.rules.actions import RuleActions
from app.ui.rules.as_is import AsIsVerdict
from app.ui.rules.export_dialog import ExportDialog
from app.ui.rules.files import RuleFiles
from app.ui.rules.labels import effect_text
from app.ui.rules.panel import RulesPanel, select_register_row
from app.ui.rules.suggest_dialog import SuggestDialog
from app.ui.rules.undo import RuleEditor
from app.ui.rules.verdict_banner import VerdictBanner
from app.ui.table.annotations import live_notes, row_notes
from app.ui.table.diff_model import RecordRole

SUGGEST_KEYS = "Ctrl+Shift+G"  # Ctrl+Shift+S is Swap sides
ADD_RULE_KEYS = "Ctrl+R"
DOCK_WIDTH = 600  # the rules dock's first width: register, type, mask/value, rows, reason


class RulesLayer:
    def __init__(self, window):
        self.window = w = window
        self.session = s = window.session
        self.summary: Summary | None = None  # of the current verdict
        self.suggest_dialog: SuggestDialog | None = None
        self.export_dialog: ExportDialog | None = None
        self.editor = RuleEditor(s, w)
        self.actions = RuleActions(w, self.editor)
        self.files = RuleFiles(w, self.editor)
        self.banner = VerdictBanner()
        w.add_banner(self.banner)
        self.banner.policyChosen.connect(s.set_policy)
        self.banner.suggestRequested.connect(self.suggest)
        self.banner.streamLinkActivated.connect(w.page.show_stream_failure)
        self.banner.firstFailureActivated.connect(self.show_first_failure)
        # Whether the destination accepts the pair without the rules (the banner's "as it is").
        self.as_is = AsIsVerdict(w)
        self.as_is.ready.connect(lambda: self._show_summary() if self.summary else None)
        self.panel = RulesPanel()
        self.dock = w.add_side_panel(self.panel, "Rules", "rulesDock")
        # Beside the register details rather than on the right: the merged view keeps its
        # full width (eight columns), and the details' field table is where rules start.
        w.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        w.splitDockWidget(w.details_dock, self.dock, Qt.Orientation.Horizontal)
        # A remembered layout wins; otherwise size the split once the first pair shows it
        # (resizeDocks before the window has its size would be overridden by the layout).
        self._sized = w.settings.window_layout()[1] is not None
        self._jump_to_blocking = False
        self._unexamined: tuple = ()  # the stream parts the last full verdict could not judge
        self._deployed: tuple | None = None  # (rules, policy, machine) the Deploy column is for
        s.diffChanged.connect(self._diff_changed)
        self._wire_panel()
        self._build_actions()
        s.verdictChanged.connect(self._verdict_changed)
        s.rulesChanged.connect(self._rules_changed)
        s.evaluationStarted.connect(self._show_pending)
        # After the window's own handler (connected first) has shown the record.
        s.selectionChanged.connect(lambda _row: self._show_effect())
        # A bound method of the banner (a QObject): Qt drops the connection with the banner.
        QGuiApplication.styleHints().colorSchemeChanged.connect(self.banner.retint)
        self._rules_changed()

    def _wire_panel(self) -> None:
        p, a = self.panel, self.actions
        p.editRequested.connect(a.edit_rule)
        p.removeRequested.connect(lambda rule: a.remove_rule(rule.register))
        p.ruleSelected.connect(lambda rule: select_register_row(self.window, rule.register))
        p.model.enabledToggled.connect(a.set_enabled)
        suggest = QPushButton("Suggest rules…")
        suggest.clicked.connect(self.suggest)
        p.extra.addWidget(suggest)

    def _action(self, text: str, slot, keys=None) -> QAction:
        action = QAction(text, self.window)
        if keys is not None:
            action.setShortcuts([QKeySequence(k) for k in (keys if isinstance(keys, list)
                                                            else [keys])])
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_actions(self) -> None:
        w, menus, stack = self.window, self.window.actions, self.editor.stack
        Std = QKeySequence.StandardKey
        self.undo = stack.createUndoAction(w, "&Undo")
        self.undo.setShortcut(Std.Undo)
        self.redo = stack.createRedoAction(w, "&Redo")
        self.redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.add_rule = self._action("&Add rule for the selected row…", self.row_menu,
                                     ADD_RULE_KEYS)
        self.suggest_action = self._action("S&uggest rules…", self.suggest, SUGGEST_KEYS)
        self.open_rules = self._action("Open r&ules…", self.files.open_dialog)
        self.save_rules = self._action("Save rules", self.files.save, Std.Save)
        self.save_rules_as = self._action("Save rules &as…", self.files.save_as)
        self.export = self._action("&Export…", self.export_rules, "Ctrl+E")
        edit = menus.edit_menu
        first = edit.actions()[0]
        edit.insertActions(first, [self.undo, self.redo])
        edit.insertSeparator(first)
        edit.addSeparator()
        edit.addActions([self.add_rule, self.suggest_action])
        file = menus.file_menu
        before = menus.quit
        for action in (self.open_rules, self.save_rules, self.save_rules_as, self.export):
            file.insertAction(before, action)
        file.insertSeparator(before)

    # -- keeping views in step ---------------------------------------------------------------
    def _diff_changed(self) -> None:
        # The dock is shown with a pair and hidden on the start page by the window
        # (MainWindow pair docks), which also remembers when the user closed it.
        self._jump_to_blocking = self.session.diff is not None
        if self.session.diff is not None and not self._sized:
            self._sized = True
            QTimer.singleShot(0, self._size_docks)

    def _size_docks(self) -> None:
        """The first split: at most DOCK_WIDTH for the rules, less in a narrow window (the
        details' rule buttons and values then keep one line each)."""
        width = min(DOCK_WIDTH, int(self.window.width() * 0.36))
        self.window.resizeDocks([self.window.details_dock, self.dock],
                                [self.window.width() - width, width], Qt.Orientation.Horizontal)

    def _select_first_blocking(self) -> None:
        """A new pair starts on the first row that blocks (QEMU's first complaint), which is
        a better first question than the first difference the window picked."""
        notes, proxy = self.session.annotations, self.window.proxy
        for row in range(proxy.rowCount()):
            record = proxy.index(row, 0).data(RecordRole)
            note = notes.get((record.vcpu, record.id))
            if note is not None and note.blocking:
                self.window.view.select_proxy_row(row)
                return

    def _verdict_changed(self) -> None:
        s = self.session
        if s.verdict is None:
            self.summary = None
            if s.annotations:
                s.set_annotations({})
            if s.verdict_error is not None:
                self.banner.show_error(s.verdict_error)
            else:
                self.banner.show_summary(None, s.policy, None)
            self._unexamined = ()
            self.window.page.mark_stream_failure(())
        elif s.changed_rows is not None and s.live is not None:
            # A rule edit: the IncrementalVerdict recounted only the rows it touched.
            self.summary = s.live.summary
            s.patch_annotations(live_notes(s.live, s.rules, s.changed_rows))
            self._show_summary()
        else:
            self.summary = s.live.summary if s.live is not None else summarize(
                s.verdict, s.rules, s.diff)
            # Stream-level, so no rule edit changes them: read once per full evaluation (a
            # rule edit's verdict never builds its trail).
            self._unexamined = tuple(r for r in s.verdict.unexamined if r.register is None)
            s.set_annotations(row_notes(self.summary, s.rules))
            self._show_summary()
            if self._jump_to_blocking:
                self._jump_to_blocking = False
                self._select_first_blocking()
        self._rules_changed()

    def _show_summary(self) -> None:
        """The banner, and the Stream tab's failing part (the first blocking stream-level
        reason naming one); the banner links there when that is QEMU's first failure."""
        s, summary = self.session, self.summary
        assert summary is not None
        marked = self.window.page.mark_stream_failure(summary.stream_failures)
        first = summary.first_failure
        rows = len(s.diff.rows) if s.diff is not None else 0
        deploy = self.as_is.deployability(s.src, s.dst, summary, s.rules, rows)
        self.banner.show_summary(summary, s.policy, default_policy(s.dst)[0].name,
                                 stream_link=marked is not None and marked == first,
                                 unexamined=self._unexamined, deploy=deploy)
        self._show_effect()

    def _show_effect(self) -> None:
        """The details panel's status line says what the verdict makes of its row."""
        s, details = self.session, self.window.details
        row = details.record
        if row is None or s.selected_is_state or self.summary is None:
            return
        rv = self.summary.outcomes.get((row.vcpu, row.id))
        text = effect_text(rv, self.summary.verdict.policy.title)
        rule = rv.rule if rv is not None else None
        details.show_effect(text, rv is not None and rv.outcome == "tolerated",
                            tip(rule.reason) if rule is not None and rule.reason else "")

    def show_first_failure(self, reason) -> None:
        """The banner's "First failure" link: its register row in the merged view (that
        vCPU's), or its RAM block / section in the Stream tab."""
        w = self.window
        if reason.register is None:
            w.page.show_stream_failure()
            return
        w.tabs.setCurrentIndex(0)
        if select_register_row(w, reason.register, reason.vcpu):
            w.view.setFocus()
            return
        w.statusBar().showMessage(f"{reason.name or 'The register'} on vCPU {reason.vcpu} is "
                                  "hidden by the filters.", 5000)

    def _rules_changed(self) -> None:
        s = self.session
        current = None if s.evaluating else self.summary  # counts of a pending verdict: none
        self.panel.set_rules(s.rules, current.per_rule if current is not None else None)
        self._set_deployments()
        if s.evaluating:
            self._show_pending()
        can_use_pair = s.src is not None and s.dst is not None
        self.suggest_action.setEnabled(can_use_pair)

    def _set_deployments(self) -> None:
        """The panel's Deploy column, for the release the verdict is (or will be) for."""
        s = self.session
        policy = self.summary.verdict.policy if self.summary is not None else None
        if policy is None and s.dst is not None:
            policy = self._evaluating_policy()
        machine = s.dst.provenance.machine if s.dst is not None else None
        key = (tuple(s.rules), policy, machine)
        if key == self._deployed:  # called twice per edit (verdict, then rules): once is enough
            return
        self._deployed = key
        self.panel.model.set_deployments(
            {} if policy is None else {r.register: deploy_rule(r, policy, machine)
                                       for r in s.rules})

    def _show_pending(self) -> None:
        """A worker is building the verdict: name the release it evaluates with."""
        s = self.session
        if not s.evaluating:
            return
        policy = self._evaluating_policy()
        self.banner.show_pending(policy.title if policy is not None else None)

    def _evaluating_policy(self) -> Policy | None:
        """The release the session evaluates with: the one chosen, else the destination's
        default (None with neither)."""
        s = self.session
        policy = next((p for p in POLICIES if p.name == s.policy), None)
        if policy is None and s.dst is not None:
            policy = default_policy(s.dst)[0]
        return policy

    # -- gestures ---------------------------------------------------------------------------------
    def row_menu(self) -> None:
        """Ctrl+R: the current row's context menu, with its rule choices, at the row."""
        if self.window.view.show_row_menu() is None:
            self.window.statusBar().showMessage("Select a row first to add a rule for it.", 4000)

    def suggest(self) -> SuggestDialog | None:
        if self.session.src is None or self.session.dst is None:
            return None
        dialog = SuggestDialog(self.window, self.session)
        dialog.rulesAccepted.connect(lambda rules: self.actions.run(AddRules(rules)))
        self.suggest_dialog = dialog
        dialog.open()
        dialog.start()
        return dialog

    def export_rules(self) -> ExportDialog:
        dialog = ExportDialog(self.window, self.session, self.window.settings.last_dir())
        self.export_dialog = dialog
        dialog.open()
        return dialog


def install_rules(window) -> RulesLayer:
    return RulesLayer(window)
