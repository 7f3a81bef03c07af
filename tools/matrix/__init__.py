"""The real-QEMU verdict matrix tool (stdlib only): see tools/capture_matrix.py.

tables  QEMUS, CONFIGS, PAIRS: what to capture and which loads to try
qmp     a minimal QMP client
runner  capture a stream, load it into a destination, record the verdict and QEMU's lines
readme  provenance README and the committed fixture layout (tests/data/matrix)
"""
