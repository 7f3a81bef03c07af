"""Tolerance rules (layer 4, above compare): Rule and RuleSet, undoable edits, a rule drafted
from a diff row, the TOML rule file, the QEMU C import and the C/comment syntax the
exporters share with it (c_syntax).
"""
