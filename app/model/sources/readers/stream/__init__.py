"""The QEMU migration stream read byte by byte (sources layer): cursor and construct structs,
vmdesc and vmstate decoding, the configuration section, the RAM section's block list and the
RAM walk, the device sections (``sections/``: located, walked, laid out, kept opaque), core
and GIC state; ``migstream.read_stream`` is what the readers call.
"""
