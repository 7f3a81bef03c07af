"""The real-QEMU verdict matrix in tests/data/matrix: its pairs, and its streams unpacked once.

tests/data/matrix/ holds 65 streams saved by real QEMU 7.2.22, 10.0.13 and 11.1.3 (as
``NAME.mig.xz``), ``verdicts.json`` (119 (stream, destination) pairs with QEMU's verdict and
every line it printed) and ``verdicts-guest.json`` (4 more pairs whose running-guest streams,
~51 MB each, are not committed). Pairs name their streams as ``streams/NAME.mig`` exactly as
the capture tool recorded them; ``StreamCache.path`` maps that to the committed ``NAME.mig.xz``
(unpacked on first use into a directory the caller owns, normally a session tmp dir) or, for
the guest streams, to a copy found in ``$CPREG_MATRIX_STREAMS`` or ``../shared/data``.
See tests/data/matrix/README.md for the provenance.
"""

from __future__ import annotations

import json
import lzma
import os
import shutil
from pathlib import Path

from testdata import DATA, SHARED_DATA

MATRIX = DATA / "matrix"
VERDICTS = MATRIX / "verdicts.json"
GUEST_VERDICTS = MATRIX / "verdicts-guest.json"
STREAMS = MATRIX / "streams.json"
ENV = "CPREG_MATRIX_STREAMS"  # a directory holding the uncommitted streams (NAME.mig[.xz])


def _read(path: Path) -> dict:
    return json.loads(path.read_text())


def pairs() -> list[dict]:
    """The committed pairs: both streams of each are in tests/data/matrix."""
    return _read(VERDICTS)["pairs"]


def guest_pairs() -> list[dict]:
    """Pairs of running-guest streams: their streams are not committed (see external_dirs)."""
    return _read(GUEST_VERDICTS)["pairs"]


def qemu_versions() -> dict[str, str]:
    """Series ("7.2") -> the exact ``qemu-system-aarch64 --version`` line of the run."""
    return _read(VERDICTS)["qemu"]


def streams() -> dict[str, dict]:
    """Every stream the capture made ("q72-a57-smp2.mig" -> command, qemu, size...), including
    the uncommitted guest streams."""
    return _read(STREAMS)


def committed_streams() -> list[str]:
    """Names ("q72-a57-smp2.mig") of the streams committed as NAME.mig.xz."""
    return sorted(p.name[:-3] for p in MATRIX.glob("*.mig.xz"))


def stream_name(ref: str) -> str:
    """'streams/q72-a57-smp2.mig' (as pairs and streams.json record it) -> 'q72-a57-smp2.mig'."""
    return ref.rsplit("/", 1)[-1]


def pair_id(pair: dict) -> str:
    """A readable pytest id: 'q72-a57-smp2-m128->q72-a57-smp2@7.2.22'."""
    src, dst = stream_name(pair["stream"])[:-4], stream_name(pair["dest_stream"])[:-4]
    return f"{src}->{dst}@{pair['dest_qemu']}"


def external_dirs() -> list[Path]:
    """Where uncommitted streams may be: $CPREG_MATRIX_STREAMS, then ../shared/data."""
    dirs = [Path(os.environ[ENV])] if os.environ.get(ENV) else []
    dirs += [SHARED_DATA / "matrix" / "streams", SHARED_DATA / "matrix", SHARED_DATA / "streams",
             SHARED_DATA]
    return [d for d in dirs if d.is_dir()]


def find_external(name: str) -> Path | None:
    """An uncommitted stream ``name`` (plain or .xz) in one of external_dirs(), or None."""
    for d in external_dirs():
        for candidate in (d / name, d / f"{name}.xz"):
            if candidate.is_file():
                return candidate
    return None


def missing_streams(pair: dict) -> list[str]:
    """Names of the pair's streams that are neither committed nor found outside the repo."""
    names = dict.fromkeys(stream_name(pair[k]) for k in ("stream", "dest_stream"))
    return [n for n in names
            if not (MATRIX / f"{n}.xz").is_file() and find_external(n) is None]


class UnreadableStream(Exception):
    """The reader rejected a matrix stream (raised for every pair that needs it)."""


class StreamCache:
    """Unpacks each stream once into ``root`` and reads it once (``load`` result or the
    exception it raised, so a stream the reader rejects is not re-read for every pair)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._loaded: dict[str, object] = {}

    def path(self, ref: str) -> Path:
        """A plain .mig file for ``ref`` ('streams/NAME.mig' or 'NAME.mig')."""
        name = stream_name(ref)
        out = self.root / name
        if out.is_file():
            return out
        source = MATRIX / f"{name}.xz"
        if not source.is_file():
            found = find_external(name)
            if found is None:
                raise FileNotFoundError(
                    f"{name} is neither committed in {MATRIX} nor in ${ENV} / {SHARED_DATA}")
            if found.suffix != ".xz":
                return found  # read in place, no copy of ~51 MB
            source = found
        partial = out.with_suffix(".part")
        with lzma.open(source) as fin, open(partial, "wb") as fout:
            shutil.copyfileobj(fin, fout, 1 << 20)
        partial.replace(out)
        return out

    def load(self, ref: str):
        """app.model.sources.readers.load of the stream, cached; re-raises a read error."""
        name = stream_name(ref)
        if name not in self._loaded:
            from app.model.sources.readers import load

            try:
                self._loaded[name] = load(str(self.path(name)))
            except Exception as exc:  # remembered, and reported to every caller
                self._loaded[name] = UnreadableStream(
                    f"{name}: {type(exc).__name__}: {exc}")
        result = self._loaded[name]
        if isinstance(result, UnreadableStream):
            raise UnreadableStream(*result.args)
        return result
