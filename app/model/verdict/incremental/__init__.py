"""The verdict kept current while rules are edited (verdict layer): IncrementalVerdict
(incremental_verdict.py) composes LiveVerdict (live.py: re-judges the changed registers) and
LiveSummary (summary.py), over editable steps (trail.py) and lazily built trails (snapshot.py).
"""
