"""Fuzzing of every reader and rule loader (CI pass here; long runs via tools/fuzz.py).

Streams, dumps and rule files come from other machines and may be truncated, corrupted or
crafted: the modules here generate such inputs (mutations of the committed fixtures and
hypothesis strategies) and judge each reader's reaction with one shared contract.
"""
