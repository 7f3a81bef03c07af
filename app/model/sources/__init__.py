"""Register sources (layer 2, above registers): RegisterSet and CpuState, the one shape every
source becomes; ``readers/`` turns files into it (the migration stream's internals in
``readers/stream/``) and ``capture`` gets a stream from a running QEMU.
"""
