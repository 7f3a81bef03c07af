"""Every vCPU's GIC state is read from QEMU 7.2, 10.0 and 11.1 streams (issue 12).

arm_gicv3's per-CPU ``cpu`` array is described one vmdesc entry per element. QEMU 7.2 numbers
each ("index"); QEMU 10.0 numbers all but the last, 11.1 none, and the reader used to keep
a single element of those. These tests read real streams of each release, and change one
vCPU's bytes to prove each element lands on its own vCPU.
"""

from __future__ import annotations

import pytest
from streamfiles import VERSIONS, matrix_stream, split_vmdesc

from app.model.sources.cpu_state import GIC_V3
from app.model.sources.readers.stream.migstream import read_stream
from app.model.sources.readers.stream.vmdesc import parse_vmdesc

CASES = [(f"{v}-{cfg}.mig", smp) for v in VERSIONS
         for cfg, smp in (("a57-smp2-gicv3", 2), ("a76-smp1-gicv3", 1), ("a76-smp2-gicv3", 2))]


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory):
    root = tmp_path_factory.mktemp("gic")
    return lambda name: matrix_stream(name, root)


def gic_group(regs, index):
    return next(g for g in regs.cpu_state.vcpu(index).groups if g.name == "gic")


def value(group, name):
    from app.model.registers.state_ids import state_id

    return group.values[group.ids.index(state_id(name))]


@pytest.mark.parametrize("name,smp", CASES)
def test_every_vcpu_has_its_gicv3_state(unpacked, name, smp):
    regs = read_stream(unpacked(name))
    state = regs.cpu_state
    assert state.gic == GIC_V3 and state.possible_vcpus == smp
    assert [v.index for v in state.vcpus] == list(range(smp))
    for index in range(smp):
        group = gic_group(regs, index)
        assert group.title.endswith(f"(arm_gicv3 cpu[{index}])")
        assert None not in group.values[:4]
    gic = next(d for d in regs.provenance.devices if d.name == "arm_gicv3")
    cpu = next(f for f in gic.layout.fields if f.name == "cpu")
    assert (cpu.type, cpu.size, cpu.count) == ("struct", 307, smp)
    assert not [n for n in state.notes if "arm_gicv3" in n]


def _element_field_offset(doc: dict, field: str) -> tuple[int, int]:
    """(offset of the per-CPU array in the arm_gicv3 body, offset of ``field`` in an element)."""
    dev = next(d for d in doc["devices"] if d["name"] == "arm_gicv3")
    before = 0
    for f in dev["fields"]:
        if f["name"] == "cpu":
            break
        before += f["size"] * f.get("array_len", 1)
    inner = 0
    for f in next(f for f in dev["fields"] if f["name"] == "cpu")["struct"]["fields"]:
        if f["name"] == field:
            return before, inner
        inner += f["size"] * f.get("array_len", 1)
    raise AssertionError(field)


@pytest.mark.parametrize("version", VERSIONS)
def test_each_element_is_decoded_for_its_own_vcpu(unpacked, tmp_path, version):
    path = unpacked(f"{version}-a57-smp2-gicv3.mig")
    data = bytearray(path.read_bytes())
    regs = read_stream(path)
    before = [value(gic_group(regs, i), "ICC_PMR_EL1") for i in (0, 1)]
    gic = next(d for d in regs.provenance.devices if d.name == "arm_gicv3")
    array_at, pmr_at = _element_field_offset(split_vmdesc(bytes(data))[1], "icc_pmr_el1")
    body = gic.offset + 1 + 4 + 1 + len("arm_gicv3") + 4 + 4
    at = body + array_at + 307 + pmr_at  # vCPU 1's element
    data[at:at + 8] = (0xA0).to_bytes(8, "big")
    edited = tmp_path / "edited.mig"
    edited.write_bytes(bytes(data))
    after = read_stream(edited)
    assert value(gic_group(after, 0), "ICC_PMR_EL1") == before[0]
    assert value(gic_group(after, 1), "ICC_PMR_EL1") == 0xA0 != before[1]


def _doc(*entries) -> bytes:
    element = {"vmsd_name": "arm_gicv3_cpu", "version": 1,
               "fields": [{"name": "icc_pmr_el1", "type": "uint64", "size": 8}]}
    fields = [dict({"name": "cpu", "type": "struct", "size": 8, "struct": element}, **e)
              for e in entries]
    return (b'{"devices": [{"name": "arm_gicv3", "instance_id": 0, "vmsd_name": "arm_gicv3", '
            b'"version": 1, "fields": %s}]}' % str(fields).replace("'", '"').encode())


@pytest.mark.parametrize("entries", [
    ({"index": 0}, {"index": 1}, {"index": 2}),  # QEMU 7.2
    ({"index": 0}, {"index": 1}, {}),  # QEMU 10.0: the last element unnumbered
    ({}, {}, {}),  # QEMU 11.1: none numbered
])
def test_struct_array_elements_are_numbered_whatever_the_writer_wrote(entries):
    fields = parse_vmdesc(_doc(*entries), 0).devices[0].body.fields
    assert [f.index for f in fields] == [0, 1, 2]


def test_a_single_unnumbered_struct_stays_a_struct():
    assert parse_vmdesc(_doc({}), 0).devices[0].body.fields[0].index is None
