"""Short names for the two files of a pair that still tell them apart.

Two streams are often called the same (``a57.mig`` captured by QEMU 7.2 and by 11.1, one
folder each); ``a57.mig → a57.mig`` in the title, the recent list and the status bar then says
nothing. As Meld and VS Code do, a name gets the nearest parent folder in which the two paths
differ: ``7.2/a57.mig → 11.1/a57.mig``, with ``…`` for folders the two share in between
(``7.2/…/a57.mig``). Qt-free and without touching the file system: paths are compared as given.
"""

from __future__ import annotations

from pathlib import PurePath

ELLIPSIS = "…"


def _parts(path: str) -> tuple[str, ...]:
    return PurePath(path).parts if path else ()


def _name(parts: tuple[str, ...], depth: int, shared: int) -> str:
    """The last part, led by the part ``depth`` places above it (the first that differs)
    and ``…`` for the ``shared`` parts in between; the whole path when it has no such part."""
    whole = PurePath(*parts)
    if depth >= len(parts) or parts[-1 - depth] == whole.anchor:  # up to the root: all of it
        return str(whole)
    middle = [ELLIPSIS] if shared else []
    return "/".join([parts[-1 - depth], *middle, parts[-1]])


def pair_names(src: str, dst: str) -> tuple[str, str]:
    """(source name, destination name): the base names, or, when those are equal but the
    paths are not, each led by the nearest parent folder where the paths differ.

    >>> pair_names("/runs/7.2/a57.mig", "/runs/11.1/a57.mig")
    ('7.2/a57.mig', '11.1/a57.mig')
    >>> pair_names("/a/7.2/out/a57.mig", "/a/11.1/out/a57.mig")
    ('7.2/…/a57.mig', '11.1/…/a57.mig')
    """
    a, b = _parts(src), _parts(dst)
    if not a or not b or a[-1] != b[-1] or a == b:
        return (a[-1] if a else src, b[-1] if b else dst)
    depth = 1  # parts counted from the end; the base names (depth 0) are equal
    while depth < len(a) and depth < len(b) and a[-1 - depth] == b[-1 - depth]:
        depth += 1
    return _name(a, depth, depth - 1), _name(b, depth, depth - 1)


def pair_title(src: str, dst: str, arrow: str = " → ") -> str:
    """``source → destination`` with the names of ``pair_names``."""
    return arrow.join(pair_names(src, dst))
