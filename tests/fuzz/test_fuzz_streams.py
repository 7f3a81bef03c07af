"""CI fuzz pass over the migration-stream reader, plus regressions for what fuzzing found.

Every stream fixture is mutated with a fixed seed (bytes, vmdesc JSON, whole sections, the
cpreg count), truncated at its record boundaries and structured regions, and synthesised by
hypothesis. Auto-detection, the stream reader and its forward walk must each return a
well-formed RegisterSet or raise a StreamError naming the offset, within the time budget.
"""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import HealthCheck, given, settings

from app.model.errors import StreamError
from app.model.sources.readers.stream import migstream

from . import craft, harness, seeds, streammut, strategies, sweep

STREAMS = [s for s in seeds.fixture_seeds() if s.data[:4] == b"QEVM"]
IDS = [s.name for s in STREAMS]
MUTANTS = 40
TRUNCATED = {"q72-cortex-a57-smp2.mig": 500, "q72-cortex-a57-smp2-suppress-vmdesc.mig": 250,
             "q11-max-smp2.mig": 500}
CI = settings(max_examples=150, derandomize=True, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def cases(label, inputs):
    return ((f"{label} #{n}", data, harness.reader_targets(data)) for n, data in enumerate(inputs))


def test_fixtures_are_fuzzed():
    assert len(STREAMS) >= 10, "the stream fixtures under tests/data were not found"


@pytest.mark.parametrize("seed", STREAMS, ids=IDS)
def test_stream_mutants(seed, tmp_path):
    rng = random.Random(f"ci/{seed.name}")
    mutants = [streammut.stream_mutant(seed, rng, rng.choice(STREAMS)) for _ in range(MUTANTS)]
    assert harness.first_failure(cases(seed.name, mutants), tmp_path / "input") is None


@pytest.mark.parametrize("name", sorted(TRUNCATED))
def test_truncation_sweep(name, tmp_path):
    seed = next(s for s in STREAMS if s.name == name)
    cuts = (seed.data[:n] for n in sweep.sample(seed, TRUNCATED[name]))
    assert harness.first_failure(cases(f"{name} truncated", cuts), tmp_path / "input") is None


def test_truncation_sweep_visits_every_offset_once():
    seed = next(s for s in STREAMS if s.name == "q72-cortex-a57-smp1.mig")
    offsets = list(sweep.truncation_offsets(seed))
    assert sorted(offsets) == list(range(len(seed.data) + 1))
    assert set(offsets[:200]) >= {0, 8, len(seed.data) - 1}  # boundaries come first


@pytest.mark.parametrize("seed", STREAMS[::4], ids=IDS[::4])
def test_vmdesc_and_section_mutants(seed, tmp_path):
    rng = random.Random(f"ci-vmdesc/{seed.name}")
    inputs = [streammut.mutate_vmdesc(seed.data, rng) for _ in range(20)]
    inputs += [streammut.mutate_sections(seed.data, seed, rng, rng.choice(STREAMS))
               for _ in range(20)]
    inputs = [d for d in inputs if d is not None]
    assert inputs, "no structure-aware mutant could be made"
    assert harness.first_failure(cases(seed.name, inputs), tmp_path / "input") is None


@CI
@given(strategies.synthetic_streams())
def test_synthetic_streams(tmp_path_factory, data):
    targets = harness.reader_targets(data) + [harness.STREAM_WALK]
    path = tmp_path_factory.getbasetemp() / "synthetic-input"
    assert harness.first_failure([("synthetic", data, targets)], path) is None


# Regressions: each input below made the stream reader raise something other than a
# StreamError, raise one without an offset, or hang, before the fix named in the test.

def read(tmp_path, data: bytes):
    path = tmp_path / "crafted.mig"
    path.write_bytes(data)
    with harness.time_limit():
        return migstream.read_stream(str(path))


def rejects(tmp_path, data: bytes, words: str) -> StreamError:
    with pytest.raises(StreamError) as info:
        read(tmp_path, data)
    assert info.value.offset is not None and "offset" in str(info.value)
    assert words in info.value.message
    return info.value


@pytest.mark.parametrize("change, words", [
    ({"size": 1e999}, "size inf"),  # was OverflowError (int(inf)) in vmdesc._field
    ({"array_len": -1}, "array_len -1"),
    ({"array_len": "8"}, "array_len '8'"),
    ({"struct": [1]}, "not an object"),  # was AttributeError ('list'.get) in vmdesc._struct
    ({"size": None}, "size None"),  # was TypeError text in a StreamError without offset
])
def test_malformed_field_descriptions(tmp_path, change, words):
    fields = craft.cpu_fields(1)
    fields[1].update(change)
    rejects(tmp_path, craft.cpu_stream(fields=fields), words)


def test_missing_size_key_is_located(tmp_path):
    fields = craft.cpu_fields(1)
    del fields[0]["size"]  # was a StreamError without offset
    rejects(tmp_path, craft.cpu_stream(fields=fields), "missing key 'size'")


def test_instance_id_infinity(tmp_path):
    prefix, text = streammut.split_vmdesc(craft.cpu_stream())  # OverflowError in parse_vmdesc
    text = text.replace(b'"instance_id": 0', b'"instance_id": 1e999')
    rejects(tmp_path, streammut.with_vmdesc(prefix, text), "instance_id inf")


@pytest.mark.parametrize("depth", [40, 400, 10_000])
def test_deeply_nested_structs(tmp_path, depth):
    """Nested "struct" fields: RecursionError (json or vmdesc._struct) before the fix."""
    prefix, _ = streammut.split_vmdesc(craft.cpu_stream())
    device = ('{"name": "cpu", "vmsd_name": "cpu", "fields": [%s]}'
              % streammut.nested_struct_field(depth))
    text = ('{"devices": [%s]}' % device).encode()
    assert "nest" in rejects(tmp_path, streammut.with_vmdesc(prefix, text), "vmdesc").message


@pytest.mark.parametrize("where", ["device", "subsection"])
@pytest.mark.parametrize("name", ["\u20ac", "x" * 300])
def test_names_a_stream_cannot_hold(tmp_path, where, name):
    """A non-latin-1 or 256+ byte device/subsection name: UnicodeEncodeError in header_size
    (sections.py) and body_size (vmdesc.py) before the fix."""
    prefix, text = streammut.split_vmdesc(craft.cpu_stream())
    doc = json.loads(text)
    if where == "device":
        doc["devices"][0]["name"] = name
    else:
        doc["devices"][0]["subsections"] = [{"vmsd_name": name, "fields": []}]
    data = streammut.with_vmdesc(prefix, json.dumps(doc).encode())
    rejects(tmp_path, data, "cannot appear in a stream")


def test_empty_struct_arrays_do_not_hang(tmp_path):
    """2**20 x 2**20 empty structs: 10**12 loop iterations in vmstate._decode_field."""
    empty = {"vmsd_name": "e", "fields": []}
    inner = {"name": "in", "type": "struct", "size": 0, "array_len": 1 << 20, "struct": empty}
    outer = dict(inner, name="out", struct={"vmsd_name": "o", "fields": [inner]})
    rejects(tmp_path, craft.cpu_stream(fields=[outer] + craft.cpu_fields(1)), "empty structs")


def test_signed_cpreg_ids_are_refused(tmp_path):
    """An int64 index array gave negative register ids in the RegisterSet."""
    fields = craft.cpu_fields(1)
    fields[1]["type"] = "int64"
    rejects(tmp_path, craft.cpu_stream(ids=[2**63 + 1], fields=fields), "no cpreg arrays")


@pytest.mark.parametrize("page_size", [-4096, 0, 3, "4096", 2**40])
def test_page_size_is_checked(tmp_path, page_size):
    data = craft.cpu_stream(extra_doc={"page_size": page_size})
    rejects(tmp_path, data, "page_size")
