"""CI fuzz pass over the rule loaders (TOML rule files, the qemu-c import), plus regressions.

A rule set is an hour of a user's work, and rule files are shared: a damaged or hostile file
must be refused with a RuleError naming the line (never a traceback that loses the session),
and loading must stay linear in the file size. Seeds are the files the project writes itself.
"""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import HealthCheck, given, settings

from app.model.rules import qemu_c_import, rulefile
from app.model.errors import RuleError
from app.model.rules.rule import Rule, RuleType
from app.model.rules.ruleset import RuleSet

from . import harness, mutate, seeds, strategies

SEEDS = seeds.rule_seeds()
MUTANTS = 150
CI = settings(max_examples=200, derandomize=True, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def test_seeds_load():
    """The seeds themselves are valid, so mutants start from the accepted path."""
    for seed in SEEDS:
        text = seed.data.decode()
        rules = (qemu_c_import.parse_qemu_c(text) if seed.name.endswith(".c")
                 else rulefile.loads(text))
        assert len(rules) >= 5


@pytest.mark.parametrize("seed", SEEDS, ids=[s.name for s in SEEDS])
def test_rule_mutants(seed, tmp_path):
    rng = random.Random(f"ci/{seed.name}")
    cases = [(f"{seed.name} #{n}", mutate.mutant(seed, rng), harness.RULE_TARGETS)
             for n in range(MUTANTS)]
    assert harness.first_failure(cases, tmp_path / "rules") is None


@CI
@given(strategies.rule_files())
def test_generated_rule_files(tmp_path_factory, data):
    path = tmp_path_factory.getbasetemp() / "generated-rules"
    assert harness.first_failure([("rules", data, harness.RULE_TARGETS)], path) is None


# Regressions: each input raised something other than a RuleError, or a RuleError without
# a line, before the fix named in the test.

def line_of_error(text: str, loader=rulefile.loads) -> int:
    with pytest.raises(RuleError) as info, harness.time_limit():
        loader(text, "rules.toml")
    assert info.value.line is not None, str(info.value)
    return info.value.line


@pytest.mark.parametrize("text, line", [
    ("version = 1\n\nx = " + "[" * 3000 + "]" * 3000, 3),  # RecursionError in tomllib
    ("version = 1\nx = 1" + "0" * 5000, 2),  # int() ValueError in tomllib
    ('version = 1\n[[rule]]\nregister = "TCR2_EL1', 3),  # "(at end of document)": no line
    ('[[rule]]\nregister = "TCR2_EL1"\ntype = "hidden"\n', 1),  # missing version
    ("version = 1\nrule = 5\n", 2),  # rule is not an array of tables
    ('version = 1\nrule = [{register = "TCR2_EL1", type = "nope"}]\n', 1),  # inline table
])
def test_rule_file_errors_have_a_line(text, line):
    assert line_of_error(text) == line


def test_locating_a_long_number_is_linear():
    """Locating the bad number rescanned every shorter digit run from each of its digits."""
    numbers = "".join(f"a{n} = {'9' * 3999}\n" for n in range(250))
    assert line_of_error("version = 1\n" + numbers + "z = 1" + "0" * 5000) == 252


def test_qemu_c_literals():
    call = "arm_register_cpreg_mig_tolerance(cpu, {}, 0x1ULL, 0x0ULL, ToleranceDiffInMask);"
    # int("0800...", 0) raised ValueError in qemu_c_import._rule
    assert line_of_error("\n" + call.format("080000000000000002"),
                         qemu_c_import.parse_qemu_c) == 2
    assert line_of_error(call.format("1" + "0" * 5000), qemu_c_import.parse_qemu_c) == 1
    rules = qemu_c_import.parse_qemu_c(call.format("0x603000000013c103"))
    assert next(iter(rules)).register == 0x603000000013C103


def test_loading_is_linear_in_the_number_of_rules():
    """A line search per rule made 10,000 rules take minutes (rulefile.loads)."""
    rules = RuleSet(tuple(Rule(0x6030000000100000 + n, RuleType.HIDDEN) for n in range(10_000)))
    text = rulefile.dumps(rules)
    start = time.perf_counter()
    assert len(rulefile.loads(text)) == 10_000
    assert time.perf_counter() - start < harness.CI_BUDGET_SECONDS
