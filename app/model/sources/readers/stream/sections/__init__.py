"""The device (SECTION_FULL) sections of a migration stream: where each one sits (``locate``
from the vmdesc without touching RAM, ``walk`` forward after the RAM walk, ``footer`` for
bodies nothing describes), and what the reader keeps of each (``layout``, ``info``).
"""
