"""Documented bounds: crafted counts and lengths are refused fast, without allocating.

Each crafted input is read by ``formats.load`` in one child process whose address space is
capped (RLIMIT_AS: what it starts with + 768 MiB), so a reader that allocates from an
unchecked length (a 4 GiB vmdesc, 2**31 cpregs) dies with MemoryError instead of passing.
The child also reports the time and the growth of its peak RSS (ru_maxrss) per input.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.model.sources.readers.stream import migstream, vmdesc
from app.model.sources.readers import textdump

from . import craft, harness, streammut

REPO = Path(__file__).resolve().parents[2]
CHILD = r"""
import json, resource, signal, sys, time
sys.path.insert(0, sys.argv[1])
from app.model.sources import readers as formats
from app.model.errors import FormatError
class Hang(BaseException):
    pass
def alarm(*_):
    raise Hang("no answer within 10 s")
signal.signal(signal.SIGALRM, alarm)
pages = int(open("/proc/self/statm").read().split()[0]) * resource.getpagesize()
resource.setrlimit(resource.RLIMIT_AS, (pages + (768 << 20), pages + (768 << 20)))
for path in sys.argv[2:]:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    signal.alarm(10)
    try:
        if path.endswith("allocation-probe"):
            bytearray(4 << 30)
        formats.load(path)
        out = {"kind": "accepted"}
    except FormatError as exc:
        out = {"kind": "rejected", "message": str(exc),
               "located": exc.offset is not None or exc.line is not None}
    except BaseException as exc:
        out = {"kind": "escape", "message": f"{type(exc).__name__}: {exc}"}
    signal.alarm(0)
    out["seconds"] = time.perf_counter() - start
    out["rss_mib"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss) / 1024
    print(json.dumps(out), flush=True)
"""


def _fields(**change) -> list[dict]:
    fields = craft.cpu_fields(1)
    for field in fields[1:]:
        field.update(change)
    return fields


def _with_vmdesc_length(data: bytes, length: int) -> bytes:
    prefix, text = streammut.split_vmdesc(data)
    return streammut.with_vmdesc(prefix, text, length)


def _devices(count: int) -> bytes:
    doc = ('{"devices": [' + ",".join(['{"name": "d"}'] * count) + "]}").encode()
    return craft.HEADER + b"\x00" + craft.vmdesc_record(doc)


def _nested(depth: int) -> bytes:
    text = '{"devices": [{"name": "cpu", "vmsd_name": "cpu", "fields": [%s]}]}'
    prefix, _ = streammut.split_vmdesc(craft.cpu_stream())
    return streammut.with_vmdesc(prefix, (text % streammut.nested_struct_field(depth)).encode())


def _mapped_ram_backwards() -> bytes:
    """A mapped-ram block whose page area ends at its own entry: the walk looped forever."""
    head = craft.HEADER + craft.configuration(caps=("mapped-ram",)) + craft.ram_section_start()
    entry = len(head) + 8  # after the MEM_SIZE record word
    return (head + (0x1000 | 4).to_bytes(8, "big") + craft.mapped_ram_block("b", 0, entry)
            + bytes(64))


def _json_registers(count: int, vcpus: int = 1) -> bytes:
    rows = [{"id": hex(0x6030000000100000 + n), "value": "0x1", "vcpu": v}
            for v in range(vcpus) for n in range(count)]
    return json.dumps(rows).encode()


def _analyze(sections: int) -> bytes:
    body = ('{"cpreg_vmstate_array_len": "0x0", "cpreg_vmstate_indexes": [], '
            '"cpreg_vmstate_values": []}')
    return ("{" + ",".join(f'"cpu ({n})": {body}' for n in range(sections)) + "}").encode()


# name: (input, words the error must contain, peak RSS growth allowed in MiB)
CASES = {
    "cpreg-len-0x7fffffff": (craft.cpu_stream(declared=0x7FFFFFFF), "array_len 2147483647", 32),
    "cpreg-len-0x7fffffff-no-vmdesc": (craft.v22_cpu_stream([5], [1], declared=0x7FFFFFFF),
                                       "array_len 2147483647 does not fit", 32),
    "vmdesc-array-len-2**31": (craft.cpu_stream(fields=_fields(array_len=2**31)),
                               "array_len 2147483648", 32),
    "vmdesc-array-len-2**24": (craft.cpu_stream(fields=_fields(array_len=2**24)),
                               "outside the file", 32),
    "vmdesc-length-4GiB": (_with_vmdesc_length(craft.cpu_stream(), 0xFFFFFFFF),
                           "not a complete vmdesc", 32),
    "machine-type-4GiB": (craft.HEADER + b"\x07\xff\xff\xff\xf0virt" + bytes(64),
                          "machine type", 32),
    "vmdesc-10**6-devices": (_devices(10**6), "1000000 devices", 512),
    "vmdesc-nesting-10**4": (_nested(10_000), "nests too deeply", 64),
    "vmdesc-nesting-33": (_nested(vmdesc.MAX_NESTING + 1), "nested more than", 32),
    "vcpus-4097": (craft.cpu_stream(vcpus=migstream.MAX_VCPUS + 1), "at most 4096 vCPUs", 256),
    "cpregs-65537": (craft.cpu_stream(ids=range(migstream.MAX_CPREGS + 1),
                                      values=[0] * (migstream.MAX_CPREGS + 1)), "0..65536", 64),
    "mapped-ram-backwards": (_mapped_ram_backwards(), "before the block's own header", 32),
    "text-vcpu-4096": (b"[vcpu 4096]\nTCR2_EL1 0x1\n", "vCPU index 4096 is out of range", 32),
    "text-lines": (b"TCR2_EL1 1\n" + b"\n" * textdump.MAX_LINES, "more than 4000000 lines", 256),
    "json-dump-vcpus-4097": (_json_registers(1, vcpus=4097), "vCPU index 4096", 64),
    "json-dump-cpregs-65537": (_json_registers(65537), "has 65537 registers", 256),
    "csv-cpregs-65537": (b"id,value\n" + b"".join(b"0x%x,1\n" % (0x6030000000100000 + n)
                                                  for n in range(65537)),
                         "has 65537 registers", 128),
    "analyze-4097-cpus": (_analyze(4097), "more than 4096 cpu sections", 64),
    "qemu-log-vcpu-index": (b"qemu-system-aarch64: error while loading state for instance "
                            b"0x99999999 of device 'cpu'\n", "vCPU index 0x99999999", 32),
    "json-nesting": (b'{"vcpus": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
                     "nests too deeply", 64),
    # Issue 13 #3: bounds counted while reading, before splitting or parsing. Under this cap
    # the old code (read all, then splitlines / json.loads) died with MemoryError on both.
    "text-100MiB-of-newlines": (lambda: b"MIDR_EL1 0x1\n" + b"\n" * (100 << 20),
                                "more than 4000000 lines", 64),
    "json-64MiB-of-empty-objects": (
        lambda: b'[{"id": "0x603000000013c000", "value": 1}' + b", {}" * (16 << 20) + b"]",
        "more than 2000000 JSON objects", 64),
}


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, dict]:
    """Read every case in one capped child process (a child per case would cost seconds)."""
    folder = tmp_path_factory.mktemp("limits")
    paths = []
    for name, (data, _, _) in CASES.items():
        paths.append(folder / name)
        paths[-1].write_bytes(data() if callable(data) else data)  # big ones: built here only
    paths.append(folder / "allocation-probe")
    paths[-1].write_bytes(b"QEVM")
    proc = subprocess.run([sys.executable, "-c", CHILD, str(REPO), *map(str, paths)],
                          capture_output=True, text=True, timeout=300)
    lines = proc.stdout.splitlines()
    assert len(lines) == len(paths), proc.stderr[-2000:]
    return dict(zip([*CASES, "allocation-probe"], map(json.loads, lines)))


def test_the_child_cannot_allocate_4_gib(results):
    """The cap is what makes the other cases meaningful: a 4 GiB allocation must fail."""
    assert results["allocation-probe"]["kind"] == "escape"
    assert "MemoryError" in results["allocation-probe"]["message"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_crafted_input_is_refused_fast_and_small(results, name):
    _, words, rss_mib = CASES[name]
    out = results[name]
    assert out["kind"] == "rejected", out
    assert out["located"] and words in out["message"], out["message"]
    assert out["seconds"] < harness.CI_BUDGET_SECONDS, f"{name} took {out['seconds']:.2f} s"
    assert out["rss_mib"] < rss_mib, f"{name} grew the peak RSS by {out['rss_mib']:.0f} MiB"
