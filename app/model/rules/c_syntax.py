"""The text shapes rules take in C and on command lines, shared by the exports and the import.

``CALL`` and ``DISABLED`` are the qemu-c line's function and the prefix of a disabled rule;
``rules.qemu_c_import`` reads them back, ``exporters.qemu_c`` writes them. Reasons are free
text (quotes, ``*/``, newlines, unicode): written raw they would end a C comment early or
spill onto the next line and break line-based re-import, so every line-based export escapes
them: ``\\`` -> ``\\\\``, newline -> ``\\n``, CR -> ``\\r``, ``*/`` -> ``*\\/``.
``unescape`` undoes exactly that, so export -> import returns the reason unchanged.
"""

from __future__ import annotations

CALL = "arm_register_cpreg_mig_tolerance"  # QEMU's registration function (v10 series)
DISABLED = "// disabled: "  # a disabled rule's call, commented out so it survives a round trip

_UNESCAPES = {"\\": "\\", "n": "\n", "r": "\r", "/": "/"}


def escape(text: str) -> str:
    """``text`` safe inside a one-line ``/* ... */`` or ``# ...`` comment."""
    return (text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
            .replace("*/", "*\\/"))


def unescape(text: str) -> str:
    """Inverse of ``escape``; an unknown escape is kept as written."""
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in _UNESCAPES:
            out.append(_UNESCAPES[text[i + 1]])
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)
