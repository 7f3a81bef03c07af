"""The verdict engine against every pair of the real-QEMU matrix (tests/data/matrix).

Each pair records what a real destination QEMU (7.2.22, 10.0.13 or 11.1.3, TCG) did when it
loaded a real stream: ``accepted``/``rejected`` and every line it printed. For every pair,
``evaluate(stream, dest_stream, policy=<dest QEMU>)`` must give QEMU's verdict and, when QEMU
rejects, our first reached blocking reason must be the failure QEMU reports first: the first
line QEMU printed that is not a warning is classified (FAILURES below) into a reason kind
plus what identifies it (RAM block, section and instance, register...), and the reason must
have that kind and name the same thing. Also: every matrix stream loads (user networking
included) and every vCPU's GIC state is read (GICv3 and GICv2, all three releases).

The running-guest pairs (verdicts-guest.json) run only where their ~51 MB streams are found:
$CPREG_MATRIX_STREAMS or ../shared/data (see tests/matrix.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import matrix
import pytest

from app.model.compare.diff import Status
from app.model.registers.regid import qemu_key_from_kvm_id
from app.model.sources.cpu_state import GIC_V2, GIC_V3, GROUP_GIC
from app.model.verdict import reason as kinds
from app.model.verdict.evaluate import evaluate
from app.model.verdict.policy import get_policy

# ---------------------------------------------------------------------------------------------
# The reason kinds (Reason.status) this test expects for each failure QEMU reports first.
# RAM_SIZE and SECTION_LAYOUT are not in reason.py yet (RAM-block and section-layout reasons are
# being added): the getattr picks the constant up if it lands under that name, otherwise align
# the name or the fallback string here. QEMU lines that name nothing ("error while loading state
# for instance 0x0 of device 'cpu'", 11.1's "post load hook failed for: cpu") are matched by any
# failure in that vCPU's cpu section instead (see matches()).
EXPECTED_KIND = {
    "ram-size": getattr(kinds, "RAM_SIZE", "ram-size"),  # "Size mismatch: NAME: 0x.. != 0x.."
    "unknown-section": kinds.UNKNOWN_SECTION,
    "section-layout": getattr(kinds, "SECTION_LAYOUT", "section-layout"),  # "Missing section
    # footer for NAME": a field layout / per-CPU array length differing from the destination's
    "machine-type": kinds.MACHINE_TYPE,
    "array-length": kinds.ARRAY_LENGTH,
    "subsection-abort": kinds.SUBSECTION_ABORT,
    "cpreg-unexpected": Status.UNEXPECTED.value,  # a cpreg row: Reason.register is set
}
# ---------------------------------------------------------------------------------------------

PAIRS = matrix.pairs()
GUEST_PAIRS = matrix.guest_pairs()
STREAMS = matrix.streams()
COMMITTED = matrix.committed_streams()
_PREFIX = "qemu-system-aarch64: "
_CHAIN = re.compile(r"^load of migration failed: [^:]+: ")  # 11.1's one-line error chain


@dataclass(frozen=True)
class Expected:
    """QEMU's first failure: which kind of reason must match it, and what it names."""

    what: str  # key of EXPECTED_KIND, or "cpu-load" (a cpu section's load, nothing named)
    line: str  # QEMU's line, for the failure message
    section: str | None = None
    instance: int | None = None
    block: str | None = None  # RAM block name
    register: int | None = None  # QEMU cpreg key (kvm id form, as QEMU prints it)
    text: str | None = None  # words our message must contain (QEMU's own wording)


# (regex on QEMU's first non-warning line, builder). Searched in this order, first hit wins.
FAILURES: list[tuple[re.Pattern, object]] = [
    (re.compile(r"Size mismatch: ([^:]+): (0x[0-9a-f]+) != (0x[0-9a-f]+)"),
     lambda m, line: Expected("ram-size", line, section="ram", block=m[1])),
    (re.compile(r"Unknown (?:savevm )?section or instance '([^']+)' (\d+)"),
     lambda m, line: Expected("unknown-section", line, section=m[1], instance=int(m[2]))),
    (re.compile(r"Missing section footer for (\S+)"),
     lambda m, line: Expected("section-layout", line, section=m[1])),
    (re.compile(r"Machine type received is '[^']+' and local is '[^']+'"),
     lambda m, line: Expected("machine-type", line, section="configuration", text=m[0])),
    (re.compile(r"Invalid value \d+ expecting positive value <= \d+"),
     lambda m, line: Expected("array-length", line, section="cpu", instance=0, text=m[0])),
    (re.compile(r"handle_cpreg_only_in_incoming_stream: system register (0x[0-9a-f]+)"),
     lambda m, line: Expected("cpreg-unexpected", line, section="cpu", instance=0,
                              register=int(m[1], 16))),
    (re.compile(r"vmstate_load_state: Assertion `first_elem \|\| !n_elems \|\| !size' failed"),
     lambda m, line: Expected("subsection-abort", line, section="cpu")),
    (re.compile(r"error while loading state for instance (0x[0-9a-f]+) of device '([^']+)'"),
     lambda m, line: Expected("cpu-load" if m[2] == "cpu" else "device-load", line,
                              section=m[2], instance=int(m[1], 16))),
]


def qemu_first_failure(messages: list[str]) -> Expected:
    """Classify the first line QEMU printed that is not a warning."""
    lines = [m.removeprefix(_PREFIX) for m in messages]
    errors = [line for line in lines if not line.startswith("warning:")]
    assert errors, f"a rejected pair without an error line: {messages}"
    first = _CHAIN.sub("", errors[0])
    for pattern, build in FAILURES:
        m = pattern.search(first)
        if m:
            return build(m, errors[0])
    raise AssertionError(f"QEMU's first error is not classified, extend FAILURES: {errors[0]}")


def _qemu_key(reason) -> int | None:
    try:
        return qemu_key_from_kvm_id(reason.register)
    except (ValueError, TypeError):
        return None


def matches(reason, exp: Expected) -> list[str]:
    """Why ``reason`` is not QEMU's failure ``exp`` (empty when it is)."""
    if exp.what == "cpu-load":
        # 7.2/10.0 "error while loading state for instance 0xN of device 'cpu'" and 11.1's
        # "post load hook failed for: cpu" name nothing: any failure of vCPU N's cpu section
        # (array length, subsection, cpreg merge or write-back) is that line.
        if (reason.is_cpreg or reason.section == "cpu") and reason.vcpu == exp.instance:
            return []
        return [f"expected a failure in the cpu section of vCPU {exp.instance}"]
    if exp.what == "device-load":
        if (reason.section, reason.instance) == (exp.section, exp.instance):
            return []
        return [f"expected a failure loading '{exp.section}' {exp.instance}"]
    why = []
    kind = EXPECTED_KIND[exp.what]
    if reason.status != kind:
        why.append(f"kind {reason.status!r} != {kind!r}")
    if exp.block is not None and reason.name != exp.block and \
            f"{exp.block}:" not in (reason.message or ""):
        why.append(f"RAM block {exp.block!r} not named")
    if exp.register is not None and _qemu_key(reason) != exp.register:
        why.append(f"register {exp.register:#x} expected")
    if exp.what in ("unknown-section", "section-layout", "subsection-abort") and \
            reason.section != exp.section:
        why.append(f"section {reason.section!r} != {exp.section!r}")
    if exp.what == "unknown-section" and reason.instance != exp.instance:
        why.append(f"instance {reason.instance!r} != {exp.instance}")
    if exp.what in ("array-length", "cpreg-unexpected") and exp.instance not in \
            (reason.vcpu, reason.instance):
        why.append(f"vCPU {exp.instance} expected, got {reason.vcpu!r}")
    if exp.text is not None and exp.text not in (reason.message or ""):
        why.append(f"message lacks QEMU's words {exp.text!r}")
    return why


def describe(reason) -> str:
    if reason is None:
        return "no blocking reason"
    reg = f" register={reason.register:#x}" if reason.register is not None else ""
    return (f"status={reason.status!r} section={reason.section!r} instance={reason.instance!r}"
            f" vcpu={reason.vcpu!r}{reg} message={reason.message!r}")


# ---------------------------------------------------------------------------------------------
# Streams: unpacked and read once per session.


@pytest.fixture(scope="session")
def streams(tmp_path_factory) -> matrix.StreamCache:
    return matrix.StreamCache(tmp_path_factory.mktemp("matrix"))


_VERDICTS: dict[str, object] = {}


def verdict_of(streams: matrix.StreamCache, pair: dict):
    """evaluate() of the pair under the destination's release, once per session."""
    key = matrix.pair_id(pair)
    if key not in _VERDICTS:
        _VERDICTS[key] = evaluate(streams.load(pair["stream"]), streams.load(pair["dest_stream"]),
                                  policy=get_policy(pair["dest_qemu"]))
    return _VERDICTS[key]


def _needs_guest_streams(pair: dict):
    missing = matrix.missing_streams(pair)
    return pytest.param(pair, id=matrix.pair_id(pair), marks=pytest.mark.skipif(
        bool(missing), reason=f"running-guest streams not committed (~51 MB each): "
        f"{', '.join(missing)}; point ${matrix.ENV} at a directory holding them"))


ALL_PAIRS = [pytest.param(p, id=matrix.pair_id(p)) for p in PAIRS] + \
    [_needs_guest_streams(p) for p in GUEST_PAIRS]
REJECTED = [p for p in ALL_PAIRS if p.values[0]["verdict"] == "rejected"]


# ---------------------------------------------------------------------------------------------
# The fixtures themselves.


def test_matrix_is_complete_and_documented():
    assert len(PAIRS) == 119 and len(GUEST_PAIRS) == 4
    assert {p["class"] for p in GUEST_PAIRS} == {"guest"}
    assert "guest" not in {p["class"] for p in PAIRS}
    readme = (matrix.MATRIX / "README.md").read_text()
    for name in COMMITTED:
        assert name in STREAMS, f"{name} has no provenance in streams.json"
        assert f"`{name}.xz`" in readme, f"{name}.xz is not listed in matrix/README.md"
    for pair in PAIRS:
        for key in ("stream", "dest_stream"):
            assert matrix.stream_name(pair[key]) in COMMITTED, pair[key]
    assert len(COMMITTED) == 65
    assert set(matrix.qemu_versions()) == {"7.2", "10.0", "11.1"}
    assert "`matrix/`" in (matrix.DATA / "README.md").read_text(), "tests/data/README.md"


def test_every_rejection_is_classified():
    """Each rejected pair's first QEMU error maps to a known reason kind (no catch-all)."""
    for pair in PAIRS + GUEST_PAIRS:
        if pair["verdict"] == "rejected":
            qemu_first_failure(pair["messages"])


# ---------------------------------------------------------------------------------------------
# Reading.


@pytest.mark.parametrize("name", COMMITTED)
def test_every_matrix_stream_loads(streams, name):
    """Every stream opens, user networking (the 'slirp' section, no VMSD) included."""
    regs = streams.load(name)
    assert len(regs.vcpus) == int(_option(name, "-smp"))


def _option(name: str, flag: str) -> str:
    cmd = STREAMS[name]["command"]
    return cmd[cmd.index(flag) + 1]


def _gic_version(name: str) -> str:
    return GIC_V3 if "gic-version=3" in _option(name, "-M") else GIC_V2


GICV3 = [n for n in COMMITTED if _gic_version(n) == GIC_V3]


def test_gicv3_streams_cover_every_release():
    assert {n[:3] for n in GICV3} == {"q72", "q10", "q11"}
    for tag in ("q72", "q10", "q11"):
        assert {int(_option(n, "-smp")) for n in GICV3 if n.startswith(tag)} == {1, 2}


@pytest.mark.parametrize("name", [pytest.param(n, id=f"{n}[{_gic_version(n)}]")
                                  for n in COMMITTED])
def test_every_vcpu_has_its_gic_state(streams, name):
    """Every vCPU's GIC CPU interface (and GICv3 redistributor) is read. QEMU 10.0/11.1
    describe the per-CPU arm_gicv3 array without an index key: every element must still be
    decoded, not only vCPU 0's (7.2 numbers them)."""
    smp = int(_option(name, "-smp"))
    state = streams.load(name).cpu_state
    assert state.gic == _gic_version(name)
    if state.gic == GIC_V3:
        assert state.possible_vcpus == smp, "arm_gicv3 has one cpu entry per vCPU"
    assert [v.index for v in state.vcpus] == list(range(smp))
    no_gic = [v.index for v in state.vcpus if v.group(GROUP_GIC) is None]
    assert not no_gic, f"vCPUs without GIC state: {no_gic} of {smp}"
    groups = [v.group(GROUP_GIC) for v in state.vcpus]
    assert len({g.ids for g in groups}) == 1, "every vCPU has the same GIC registers"
    for v, g in zip(state.vcpus, groups, strict=True):
        assert any(x is not None for x in g.values), f"vCPU {v.index}: no GIC value read"


# ---------------------------------------------------------------------------------------------
# Verdicts.


@pytest.mark.parametrize("pair", ALL_PAIRS)
def test_verdict_agrees_with_real_qemu(streams, pair):
    v = verdict_of(streams, pair)
    first = next((r for r in v.trail if r.reached and r.blocking), None)
    assert v.verdict == pair["verdict"], (
        f"QEMU {pair['dest_qemu']} {pair['verdict']}: {pair['messages'][:2]}; "
        f"we say {v.verdict}: {describe(first)}")


@pytest.mark.parametrize("pair", REJECTED)
def test_first_failure_is_qemus_first_error(streams, pair):
    expected = qemu_first_failure(pair["messages"])
    v = verdict_of(streams, pair)
    first = next((r for r in v.trail if r.reached and r.blocking), None)
    assert first is not None, f"QEMU: {expected.line}; we found nothing blocking"
    why = matches(first, expected)
    assert not why, f"QEMU: {expected.line}\nours: {describe(first)}\n" + "; ".join(why)
