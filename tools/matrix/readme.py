"""Provenance READMEs for a matrix run, and the committed fixture layout (tests/data/matrix).

``write_readme(out)`` writes OUT/README.md next to the run's streams/, streams.json and
verdicts.json. ``export_fixtures(out, dest)`` writes what the repository commits: every stream
that is not a running-guest stream as ``NAME.mig.xz`` (xz preset 9, decompresses to QEMU's
bytes), streams.json unchanged, verdicts.json split in two (pairs whose streams are all
committed / ``verdicts-guest.json`` for the rest; the records themselves unchanged), and
DEST/README.md. Hand-written notes are included when present: notes-observations.md and
notes-skipped.md in OUT or its parent.
"""

from __future__ import annotations

import collections
import hashlib
import json
import lzma
import os
import shlex
import shutil

from .tables import QEMUS

GUEST_SPLIT = "verdicts-guest.json"


def _read(path: str):
    with open(path) as f:
        return json.load(f)


def _sha256(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def _notes(out: str, name: str) -> str | None:
    for d in (out, os.path.dirname(os.path.abspath(out))):
        p = os.path.join(d, name)
        if os.path.exists(p):
            with open(p) as f:
                return f.read().strip()
    return None


def _where(streams: dict, series: str) -> str:
    roots = {s["chroot"] for s in streams.values() if s["qemu"] == series}
    root = next(iter(roots), None)
    if not root:
        return "host (Debian 12 bookworm package qemu-system-arm)"
    suite = os.path.basename(root)
    return (f"chroot `{root}` (`debootstrap --variant=minbase --include=qemu-system-arm "
            f"{suite} DIR`)")


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def _method(streams: dict) -> list[str]:
    return [
        "All by `tools/capture_matrix.py` (stdlib Python, QMP over a unix socket; its tables "
        "CONFIGS and PAIRS in `tools/matrix/tables.py` list every configuration and pair). Chroot "
        "QEMUs run as `chroot DIR qemu-system-aarch64 ...` with /proc, the output directory, "
        "disk.raw and guest/ bind-mounted at the same paths inside, so every path in the "
        "recorded commands is valid both inside and outside the chroot. The `-qmp` socket path "
        "in recorded commands is a per-run temp dir (inside the chroot for 10.0/11.1).", "",
        "* **Capture** (paused VM): `qemu-system-aarch64 -nodefaults -display none -M M -cpu C "
        "-smp N -accel tcg -m MEM [devices] -S -qmp unix:SOCK,server=on,wait=off`; QMP "
        "`qmp_capabilities`, `migrate {\"uri\": \"exec:cat > FILE\"}`, poll `query-migrate` "
        "until `completed`, `quit`.",
        "* **Capture** (running guest, class `guest`): same but without `-S`, `-m 256`, "
        "`-kernel/-initrd/-append` and `-serial file:...`; wait for `GUEST-USERSPACE-UP` on the "
        "serial log, 3 s more, QMP `stop`, then migrate. The guest's serial log at capture time "
        "is in `streams.json` (`guest_serial`).",
        "* **Load**: start the destination config the same way plus `-incoming defer`, then "
        "`migrate-incoming {\"uri\": \"exec:cat FILE\"}` and poll `query-migrate`. QEMU exiting "
        "(non-zero) => `rejected`; `query-migrate` status `completed` => `accepted` (then "
        "`query-status` is recorded as `dest_status_after_load`, and QEMU is quit). Timeout "
        "30 s. `messages` = every non-empty line QEMU wrote to stderr, verbatim (timestamps, if "
        "any, stripped). `dest_exit_code` is QEMU's exit status (negative = killed by that "
        "signal).",
        "* For accepted `guest` pairs the destination is then resumed with QMP `cont` (the "
        "source was stopped, so QEMU leaves the destination `paused`) and its serial output "
        "12 s later is recorded as `dest_guest_serial_after_cont`.",
        "* `dest_stream` is the stream saved by the destination configuration under the "
        "destination QEMU.", "",
        "Reproduce (as root): build the chroots in a work directory, `WORK/trixie` and "
        "`WORK/sid` (`debootstrap --variant=minbase --include=qemu-system-arm SUITE DIR`; a "
        "missing chroot just skips that QEMU), `bash ../shared/tools/mkguest.sh WORK/guest` "
        "(guest class only; needs `dpkg --add-architecture arm64 && apt-get update`, cpio), "
        "then `tools/capture_matrix.py --work WORK` (`--only CLASS[,CLASS]` to rerun some "
        "classes, `--force` to recapture, `--out DIR` for the results; WORK/disk.raw is made "
        "if missing). `tools/capture_matrix.py --export tests/data/matrix` then writes the "
        "committed layout."]


def _summary(verdicts: dict) -> list[str]:
    lines = ["| class | src QEMU | dest QEMU | accepted | rejected |",
             "| --- | --- | --- | --- | --- |"]
    c = collections.Counter((p["class"], p["src_qemu"], p["dest_qemu"], p["verdict"])
                            for p in verdicts["pairs"])
    for k in sorted({k[:3] for k in c}):
        lines.append(f"| {k[0]} | {k[1]} | {k[2]} | {c[(*k, 'accepted')]} | "
                     f"{c[(*k, 'rejected')]} |")
    return lines


def _pairs(pairs: list[dict], where: str) -> list[str]:
    lines = ["| class | stream | dest stream | dest QEMU | verdict | first message |",
             "| --- | --- | --- | --- | --- | --- |"]
    for p in pairs:
        m = _md(p["messages"][0].removeprefix("qemu-system-aarch64: ")) if p["messages"] else ""
        lines.append(f"| {p['class']} | {p['stream'][8:]} | {p['dest_stream'][8:]} | "
                     f"{p['dest_qemu']} | {p['verdict']} | {m[:150]} |")
    return [f"{len(pairs)} pairs ({where}).", "", *lines]


def _stream_rows(streams: dict, versions: dict, xz_sizes: dict | None) -> list[str]:
    head = "| file | QEMU | exact command (run as `chroot DIR ...` for 10.0/11.1) | size (bytes) |"
    sep = "| --- | --- | --- | --- |"
    if xz_sizes is not None:
        head += " committed (.xz bytes) |"
        sep += " --- |"
    lines = [head + " source stderr |", sep + " --- |"]
    for k, v in sorted(streams.items()):
        cmd = _md(shlex.join(v["command"]))
        err = "<br>".join(_md(e) for e in v["stderr"])
        name = f"`{k}.xz`" if xz_sizes is not None and k in xz_sizes else f"`{k}`"
        row = f"| {name} | {versions[v['qemu']].split()[3]} | `{cmd}` | {v['size']} |"
        if xz_sizes is not None:
            row += f" {xz_sizes.get(k, 'not committed')} |"
        lines.append(row + f" {err} |")
    return lines


def _tail(out: str) -> list[str]:
    obs = _notes(out, "notes-observations.md")
    skipped = _notes(out, "notes-skipped.md")
    lines = []
    if obs:
        lines += ["", "## Notable QEMU behaviour and messages", "", obs]
    lines += ["", "## Skipped / failed", "",
              skipped or "Nothing noted: see the tool's output for any `FAILED` line.", ""]
    return lines


def _versions_table(verdicts: dict, streams: dict) -> list[str]:
    lines = ["| series | exact `qemu-system-aarch64 --version` | where |", "| --- | --- | --- |"]
    return lines + [f"| {q} | {v} | {_where(streams, q)} |" for q, v in verdicts["qemu"].items()]


def write_readme(out: str) -> str:
    """OUT/README.md: provenance and verdicts of a run, in the run's own layout."""
    streams, verdicts = _read(f"{out}/streams.json"), _read(f"{out}/verdicts.json")
    lines = ["# Real QEMU ARM64 migration streams and load verdicts", "",
             "Every stream here was saved by a real `qemu-system-aarch64` (TCG) and every verdict "
             "and message in `verdicts.json` comes from a real destination QEMU loading it. "
             "Nothing is edited or invented.", "", "## QEMU versions", "",
             *_versions_table(verdicts, streams), "",
             "## How the streams and verdicts were obtained", "", *_method(streams), "",
             "## Verdict summary", "", *_summary(verdicts), "", "## All pairs", "",
             *_pairs(verdicts["pairs"], "verdicts.json"), "", "## Stream provenance", "",
             f"{len(streams)} streams, {sum(s['size'] for s in streams.values()) / 1e6:.1f} MB.",
             "", *_stream_rows(streams, verdicts["qemu"], None), *_tail(out)]
    path = f"{out}/README.md"
    with open(path, "w") as f:
        f.write("\n".join(lines))
    return path


def _is_guest(entry: dict) -> bool:
    return "guest_serial" in entry or entry["config"].endswith(("-guest", "-guest-noblk"))


def export_fixtures(out: str, dest: str) -> list[str]:
    """Write the committed layout of run OUT into DEST; returns the files written."""
    streams, verdicts = _read(f"{out}/streams.json"), _read(f"{out}/verdicts.json")
    os.makedirs(dest, exist_ok=True)
    written, xz_sizes = [], {}
    for name, entry in sorted(streams.items()):
        if _is_guest(entry):
            continue
        target = os.path.join(dest, f"{name}.xz")
        with open(f"{out}/{entry['file']}", "rb") as fin, \
                lzma.open(target, "wb", preset=9) as fout:
            shutil.copyfileobj(fin, fout, 1 << 20)
        xz_sizes[name] = os.path.getsize(target)
        written.append(target)
    committed = [p for p in verdicts["pairs"]
                 if all(p[k][8:] in xz_sizes for k in ("stream", "dest_stream"))]
    rest = [p for p in verdicts["pairs"] if p not in committed]
    assert verdicts["pairs"] == committed + rest, "uncommitted pairs must come last"
    rest_names = {p[k][8:] for p in rest for k in ("stream", "dest_stream")} - set(xz_sizes)
    for fname, part in (("verdicts.json", committed), (GUEST_SPLIT, rest)):
        path = os.path.join(dest, fname)
        with open(path, "w") as f:
            json.dump({**verdicts, "pairs": part}, f, indent=1)
        written.append(path)
    shutil.copyfile(f"{out}/streams.json", os.path.join(dest, "streams.json"))
    written.append(os.path.join(dest, "streams.json"))
    path = os.path.join(dest, "README.md")
    with open(path, "w") as f:
        f.write("\n".join(_fixture_readme(out, streams, verdicts, committed, rest, xz_sizes,
                                          sorted(rest_names))))
    written.append(path)
    return written


def _fixture_readme(out, streams, verdicts, committed, rest, xz_sizes, absent) -> list[str]:
    big = sum(streams[n]["size"] for n in absent)
    tags = ", ".join(f"`{t}` = QEMU {q}" for q, (t, _) in QEMUS.items())
    return [
        "# Verdict matrix: real QEMU streams and what real QEMU did loading them", "",
        "Every stream here was saved by a real `qemu-system-aarch64` (TCG) and every verdict and "
        "message in `verdicts.json` / `verdicts-guest.json` comes from a real destination QEMU "
        "loading it. Nothing is edited or invented. `tests/test_verdict_matrix.py` checks the "
        "verdict engine against every pair (`tests/matrix.py` reads this directory).", "",
        "## Files", "",
        f"* `NAME.mig.xz` ({len(xz_sizes)} streams, {sum(xz_sizes.values())} bytes): the "
        "stream exactly as QEMU wrote it, compressed with xz preset 9 (`xz -dc` gives QEMU's "
        f"bytes). Name: QEMU tag ({tags}) and the configuration name of `tools/matrix/tables.py`.",
        f"* `verdicts.json` ({len(committed)} pairs) and `{GUEST_SPLIT}` ({len(rest)} pairs): "
        "the run's `verdicts.json` split in two, the pair records unchanged, in the original "
        f"order: `{GUEST_SPLIT}` holds the pairs that need a stream not committed here. "
        "Concatenating the two `pairs` lists and writing `{\"pairs\", \"about\", \"qemu\"}` with "
        f"`json.dump(..., indent=1)` gives the run's file byte for byte (sha256 "
        f"`{_sha256(f'{out}/verdicts.json')}`).",
        f"* `streams.json`: copied unchanged (sha256 `{_sha256(f'{out}/streams.json')}`): per "
        "stream its QEMU, configuration, exact command, chroot, size and QEMU's stderr. It "
        "also describes the streams not committed.",
        "* Both JSON files name streams as `streams/NAME.mig` (the run's layout): here that is "
        "`NAME.mig.xz`.",
        f"* Not committed: {', '.join(f'`{n}`' for n in absent)} (running-guest streams, "
        f"{big / 1e6:.0f} MB together, ~9 MB each even as xz). The tests run the pairs of "
        f"`{GUEST_SPLIT}` only when these files (plain or `.xz`) are in `$CPREG_MATRIX_STREAMS`"
        " or `../shared/data` (or its `matrix/`, `matrix/streams/`, `streams/`), and skip them "
        "with that reason otherwise.", "",
        "## QEMU versions", "", *_versions_table(verdicts, streams), "",
        "## How the streams and verdicts were obtained", "", *_method(streams), "",
        "## Verdict summary", "", *_summary(verdicts), "",
        "## All pairs", "", *_pairs(committed, "verdicts.json"), "",
        *_pairs(rest, GUEST_SPLIT), "",
        "## Streams", "",
        "Size is the stream as QEMU wrote it; paused-VM streams are ~0.5 MB (64 MiB of RAM plus "
        "the board's two 64 MiB flash devices, nearly all zero pages).", "",
        *_stream_rows(streams, verdicts["qemu"], xz_sizes), *_tail(out)]
