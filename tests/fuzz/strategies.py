"""Hypothesis strategies for inputs no fixture contains: synthetic streams, dumps, rule files.

Mutating real files keeps inputs close to what QEMU writes; these strategies reach the
corners mutation rarely hits: vmdescs whose descriptions nest, repeat or lie about sizes,
sections whose bodies are too short or too long, text built from every register spelling and
hostile number, and rule files with wrong types in every key. All of them return bytes.
"""

from __future__ import annotations

import json

from hypothesis import strategies as st

from . import craft
from .mutate import encode

SCALAR_TYPES = ("uint8", "uint16", "uint32", "uint64", "int32", "int32 le", "bool", "buffer",
                "struct", "unused_buffer", "timer")
NUMBERS = st.one_of(st.integers(-2, 300), st.sampled_from(
    (2**31, 2**31 - 1, 2**32, 2**63, 2**64, 10**30)), st.floats(allow_nan=False))
REGISTER_WORDS = ("TCR2_EL1", "ID_AA64PFR0_EL1", "S3_0_C2_C0_3", "MIDR_EL1",
                  "ARM64_SYS_REG(3, 0, 2, 0, 3)", "0x603000000013c103", "p15, 0, c1, c0, 0",
                  "op0:3 op1:0 crn:2 crm:0 op2:3", "0x6030000000160000", "S9_9_C99_C9_9",
                  "ARM64_SYS_REG(", "x" * 300, "\udcff", "\x00", "[vcpu 1]", "vcpu 4095:")
VALUE_WORDS = ("0x0", "=", ":", "0x" + "f" * 16, "0x1" + "0" * 16, "18446744073709551616",
               "0123", "0x_", "-1", "9" * 4400, "#")


@st.composite
def field_desc(draw, depth: int = 0) -> dict:
    """One vmdesc field; may nest a struct, lie about its size or count."""
    field = {"name": draw(st.sampled_from(("f", "cpreg_vmstate_array_len",
                                           "cpreg_vmstate_indexes", "cpreg_vmstate_values"))),
             "type": draw(st.sampled_from(SCALAR_TYPES)),
             "size": draw(st.sampled_from((0, 1, 2, 4, 8, 16, 4096)) | NUMBERS)}
    if draw(st.booleans()):
        field["array_len"] = draw(st.sampled_from((0, 1, 2, 64, 2**31, 2**24)) | NUMBERS)
    if depth < 3 and draw(st.integers(0, 4)) == 0:
        field["struct"] = draw(struct_desc(depth + 1))
    return field


@st.composite
def struct_desc(draw, depth: int = 0) -> dict:
    desc = {"vmsd_name": draw(st.sampled_from(("cpu", "cpu/vfp", "s"))),
            "version": draw(st.sampled_from((0, 1, 22)) | NUMBERS),
            "fields": draw(st.lists(field_desc(depth), max_size=4))}
    if depth < 2 and draw(st.booleans()):
        desc["subsections"] = draw(st.lists(struct_desc(depth + 1), max_size=2))
    return desc


@st.composite
def synthetic_streams(draw) -> bytes:
    """A crafted stream: cpu sections (honest or not) plus a vmdesc from ``struct_desc``."""
    count = draw(st.integers(0, 6))
    ids = sorted(draw(st.lists(st.integers(0, 2**64 - 1), min_size=count, max_size=count)))
    honest = draw(st.booleans())
    fields = craft.cpu_fields(count) if honest else (
        draw(st.lists(field_desc(), max_size=3)) + craft.cpu_fields(count))
    extra = draw(st.fixed_dictionaries({}, optional={"page_size": NUMBERS,
                                                     "configuration": struct_desc()}))
    data = craft.cpu_stream(ids, [0] * count, vcpus=draw(st.integers(1, 3)), fields=fields,
                            declared=draw(st.none() | st.sampled_from((0x7FFFFFFF, 2**31))),
                            vmdesc=draw(st.booleans()), extra_doc=extra)
    cut = draw(st.none() | st.integers(0, len(data)))
    return data if cut is None else data[:cut] + draw(st.binary(max_size=16))


@st.composite
def text_dumps(draw) -> bytes:
    """Lines of register spellings and values, including hostile numbers and bytes."""
    words = st.sampled_from(REGISTER_WORDS + VALUE_WORDS)
    lines = draw(st.lists(st.lists(words, min_size=1, max_size=4).map(" ".join), max_size=12))
    sep = draw(st.sampled_from(("\n", "\r\n", "\r")))
    return encode(sep.join(lines)) + draw(st.sampled_from((b"", b"\xff", b"\x00")))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | NUMBERS | st.text(max_size=20),
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=12), kids,
                                                              max_size=4),
    max_leaves=20)


def json_docs() -> st.SearchStrategy[bytes]:
    """JSON documents, shaped like the dumps some of the time (register-ish keys)."""
    keys = st.sampled_from(("cpu (3)", "reg_modifiers", "addr", "bitmap", "vcpus", "registers",
                            "id", "value", "name", "cpreg_vmstate_indexes"))
    shaped = st.dictionaries(keys, JSON_VALUES, max_size=5)
    return (shaped | JSON_VALUES).map(lambda doc: encode(_dumps(doc)))


def _dumps(doc) -> str:
    return json.dumps(doc, ensure_ascii=False)


RULE_VALUES = st.sampled_from(('"0x10"', "16", "-1", '"x"', "true", "1.5", "[]", "{}",
                               '"0x1' + "0" * 16 + '"', '"TCR2_EL1"', '"diff-in-mask"',
                               '"hidden"', '"\\u0000"', "18446744073709551616", '"0x"'))


@st.composite
def rule_files(draw) -> bytes:
    """TOML rule files: right and wrong keys, types, versions and headers."""
    lines = [draw(st.sampled_from(("version = 1", "version = 2", "version = '1'", "")))]
    for _ in range(draw(st.integers(0, 4))):
        lines.append(draw(st.sampled_from(("[[rule]]", "[rule]", "[[ rule ]] # c", "[x]"))))
        keys = st.sampled_from(("register", "name", "type", "mask", "value", "reason",
                                "enabled", "maks", "a.b"))
        for key in draw(st.lists(keys, max_size=7)):
            lines.append(f"{key} = {draw(RULE_VALUES)}")
    return encode("\n".join(lines) + draw(st.sampled_from(("", "\n", "[" * 2000, "\udcff"))))
