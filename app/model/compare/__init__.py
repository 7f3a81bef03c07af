"""Comparing two sources (layer 3, above sources): QEMU's sorted merge of two cpreg lists
(diff), the CPU state outside the arrays (state_diff, state_outcome) and the bit matrix of
value mismatches (bitmap).
"""
