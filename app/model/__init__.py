"""Qt-free core: register identity, register sets, readers, diff, rules and verdicts.

Nothing below this package may import Qt, pyqtgraph or app.ui (tests/test_boundary.py checks it
in a fresh interpreter), so the CLI and CI never need a display.
"""
