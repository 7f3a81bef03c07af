"""Reversible one-line comment text for the C and command-line exports.

Reasons are free text (quotes, ``*/``, newlines, unicode). Written raw they would end a C
comment early or spill onto the next line and break line-based re-import, so they are
escaped: ``\\`` -> ``\\\\``, newline -> ``\\n``, CR -> ``\\r``, ``*/`` -> ``*\\/``.
``unescape`` undoes exactly that, so export -> import returns the reason unchanged.
"""

from __future__ import annotations

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
