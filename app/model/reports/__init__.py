"""Reports (layer 7, above advice): the text and JSON the CLI prints for a diff, the CPU state
and a verdict.
"""
