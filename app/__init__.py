"""Cpreg Explorer: see, diff and tolerate ARM64 cpreg mismatches behind QEMU migration failures."""

__version__ = "0.1.0"
