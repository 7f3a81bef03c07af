"""The Fleet view: which of N hosts can migrate to which, and one baseline rule set for all.

``launch`` is the explorer's entry (File → Open fleet…, a drop of several files): it runs the
pool through ``loading`` (app.model.fleet's read_pool and analyse in a worker, with
``progress`` and Cancel) and fills the ``fleet_window``: the group matrix as a heat map
(``heatmap``, ``cells``, ``legend``), the groups (``groups_view``), the register spread
(``spread_model``) and the baseline (``baseline_view``, ``save``). A cell opens its pair in the
explorer with the baseline applied (``open_pair``). Only ``fleet_window`` and ``heatmap``
import pyqtgraph, and only once a fleet is shown.
"""
