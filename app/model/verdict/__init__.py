"""Would the destination QEMU accept the stream (layer 5, above rules): policies per release,
the replay of the stream and cpreg loads, ``evaluate`` and its Verdict, the Summary and
QEMU's own log lines; ``incremental/`` keeps a verdict current across rule edits.
"""
