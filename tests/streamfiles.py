"""Real QEMU streams for the stream-reader tests: the committed fixtures of tests/data and the
matrix streams of tests/data/matrix (NAME.mig.xz, unpacked once per session), plus byte-level
helpers to locate things inside a stream and to rebuild it with an edited vmdesc."""

from __future__ import annotations

import json
import lzma
from pathlib import Path

from testdata import DATA

MATRIX = DATA / "matrix"
VERSIONS = ("q72", "q10", "q11")


def matrix_stream(name: str, directory: Path) -> Path:
    """tests/data/matrix/NAME.xz unpacked into ``directory`` (once)."""
    out = Path(directory) / name
    if not out.is_file():
        source = MATRIX / f"{name}.xz"
        assert source.is_file(), f"missing matrix stream {source}"
        out.write_bytes(lzma.decompress(source.read_bytes()))
    return out


def split_vmdesc(data: bytes) -> tuple[bytes, dict]:
    """(the stream up to and including its EOF byte, the vmdesc JSON as a dict)."""
    pos = len(data)
    while (pos := data.rfind(b"\x00\x06", 0, pos)) >= 0:
        length = int.from_bytes(data[pos + 2:pos + 6], "big")
        if pos + 6 + length == len(data) and data[pos + 6:pos + 7] == b"{":
            return data[:pos + 1], json.loads(data[pos + 6:])
    raise AssertionError("stream has no vmdesc")


def with_vmdesc(prefix: bytes, doc: dict | None) -> bytes:
    """``prefix`` (up to EOF) with ``doc`` as its vmdesc, or none (suppress-vmdesc)."""
    if doc is None:
        return prefix
    text = json.dumps(doc).encode()
    return prefix + b"\x06" + len(text).to_bytes(4, "big") + text
