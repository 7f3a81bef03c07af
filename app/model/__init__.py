"""Qt-free core: register identity, register sets, readers, diff, rules and verdicts.

Layered bottom to top — errors < registers < sources < compare < rules < verdict < advice <
reports < exporters < session_file — a module imports only its own layer and those below,
and there is no import circle, not even through imports inside functions (tests/test_layers.py).

Nothing below this package may import Qt, pyqtgraph or app.ui (tests/test_boundary.py checks it
in a fresh interpreter), so the CLI and CI never need a display.
"""
