"""The QEMU migration stream read byte by byte (sources layer): cursor and construct structs,
vmdesc and vmstate decoding, device and configuration sections, the RAM walk, core and GIC
state; ``migstream.read_stream`` is what the readers call, ``writer`` builds test streams.
"""
