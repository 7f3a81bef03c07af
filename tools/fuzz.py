#!/usr/bin/env python3
"""Long fuzz run of every reader and rule loader: ``python tools/fuzz.py --minutes N``.

Options: ``--reader NAME`` (one reader, or ``rules`` for the rule loaders), ``--seed S``
(same seed, same inputs), ``--crash-dir DIR`` (reproducers, default ./fuzz-crashes),
``--replay FILE --target NAME`` (re-run one saved input in this process, with a traceback).

Inputs come from four sources in turn: mutations of every fixture under tests/data/**
(byte, line, JSON and stream-structure mutators), a truncation sweep over every offset of
every fixture (structured regions first), hypothesis strategies (synthetic streams, dumps,
JSON, rule files) and mutations of rule files. Each input runs in a forked worker process
under an address-space limit, so an allocation driven by a crafted length shows up as a
MemoryError, and a worker that does not answer in time is killed and reported as a hang.
The report gives inputs run, distinct error messages, the slowest input and every finding
(an escaping exception, an error without offset/line, a malformed result, an input slower
than 2 s) with its reproducer file. Exit status 1 when there are findings.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing as mp
import random
import re
import resource
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import seed as hypothesis_seed  # noqa: E402

from app.model.sources import readers as formats  # noqa: E402
from tests.fuzz import harness, mutate, streammut, strategies  # noqa: E402
from tests.fuzz.seeds import builtin_seeds, fixture_seeds, rule_seeds  # noqa: E402
from tests.fuzz.sweep import truncation_offsets  # noqa: E402

HARD_TIMEOUT = 30.0  # seconds before a worker stuck in C code is killed
MEMORY_LIMIT = 2 << 30  # address space a worker may add to what it starts with


def _serve(conn, budget: float) -> None:
    """Worker loop: for each (target names, bytes) message write the input once, then send
    one verdict per target as soon as it is known (so a hang is pinned on its target)."""
    base = int(Path("/proc/self/statm").read_text().split()[0]) * resource.getpagesize()
    resource.setrlimit(resource.RLIMIT_AS, (base + MEMORY_LIMIT, base + MEMORY_LIMIT))
    path = Path(f"/tmp/cpreg-fuzz-{mp.current_process().pid}.bin")
    try:
        while True:
            try:
                names, data = conn.recv()
            except EOFError:
                return
            path.write_bytes(data)
            for name in names:
                target = harness.target_named(name)
                conn.send(harness.judge(target, data, path, budget, write=False))
    finally:
        path.unlink(missing_ok=True)


class Worker:
    """A forked judge; restarted after it hangs or dies."""

    def __init__(self, budget: float):
        self.budget = budget
        self._start()

    def _start(self) -> None:
        ctx = mp.get_context("fork")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, self.budget), daemon=True)
        self.proc.start()

    def judge(self, names: list[str], data: bytes):
        """Yield one verdict per target name; a target that hangs or kills the worker ends
        the input (its verdict says so) and the worker is restarted."""
        self.conn.send((names, data))
        for name in names:
            if self.conn.poll(HARD_TIMEOUT):
                try:
                    yield self.conn.recv()
                    continue
                except EOFError:
                    self.proc.join(5)
                    kind, detail = "escape", f"worker died (exit {self.proc.exitcode})"
            else:
                kind, detail = "hang", f"killed after {HARD_TIMEOUT:g} s"
            self.proc.kill()
            self.proc.join()
            self._start()
            yield harness.Verdict(name, kind, detail, HARD_TIMEOUT)
            return


def normalise(message: str) -> str:
    """A message with numbers and quoted input replaced, to count distinct kinds of errors."""
    message = re.sub(r"'[^']*'|\"[^\"]*\"", "Q", message)
    return re.sub(r"0x[0-9a-fA-F]+|\d+", "N", message)


def signature(verdict: harness.Verdict) -> tuple[str, str]:
    """What makes two findings the same bug: the raising line for escapes, else the message."""
    if verdict.kind == "escape":
        return verdict.kind, verdict.detail.split(":", 1)[0]
    return verdict.kind, f"{verdict.target} {normalise(verdict.detail)}"


class Campaign:
    def __init__(self, args):
        self.worker = Worker(harness.BUDGET_SECONDS)
        self.crash_dir = Path(args.crash_dir)
        self.only = args.reader
        self.inputs = Counter()
        self.per_target = Counter()
        self.messages: set[str] = set()
        self.findings: dict[tuple[str, str], Path] = {}
        self.slowest = (0.0, "")

    def select(self, targets) -> list:
        """The targets to run: all, or with --reader only that reader's (read directly,
        whatever its sniffer says, so every input reaches it) or only the rule loaders."""
        if self.only is None:
            return list(targets)
        rules = [t for t in targets if t.kind == "rules"]
        if self.only == "rules" or rules:
            return rules if self.only == "rules" else []
        own = [t for t in harness.all_reader_targets() if t.name.endswith(":" + self.only)]
        if self.only == "qemu-stream":
            own.append(harness.STREAM_WALK)
        return own + [harness.target_named(f"sniff:{self.only}")]

    def feed(self, source: str, data: bytes, targets) -> None:
        targets = self.select(targets)
        if targets:
            self.inputs[source] += 1
        for verdict in self.worker.judge([t.name for t in targets], data):
            self.per_target[verdict.target] += 1
            self.slowest = max(self.slowest, (verdict.seconds, verdict.target))
            if verdict.kind == "rejected":
                self.messages.add(normalise(verdict.detail))
            elif not verdict.ok:
                self._finding(verdict, data)

    def _finding(self, verdict: harness.Verdict, data: bytes) -> None:
        key = signature(verdict)
        if key in self.findings:
            return
        self.crash_dir.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha1(data).hexdigest()[:12]
        stem = f"{verdict.kind}-{verdict.target.replace(':', '_')}-{digest}"
        (self.crash_dir / f"{stem}.bin").write_bytes(data)
        (self.crash_dir / f"{stem}.txt").write_text(
            f"target: {verdict.target}\nkind: {verdict.kind}\ndetail: {verdict.detail}\n"
            f"replay: python tools/fuzz.py --replay {stem}.bin --target {verdict.target}\n")
        self.findings[key] = self.crash_dir / f"{stem}.bin"
        print(f"FINDING {verdict.kind} {verdict.target}: {verdict.detail}", flush=True)


def mutation_source(rng: random.Random, pool, streams):
    while True:
        seed = rng.choice(pool)
        if seed.data[:4] == b"QEVM":
            data = streammut.stream_mutant(seed, rng, rng.choice(streams))
        else:
            data = mutate.mutant(seed, rng)
        yield "mutation", data, harness.reader_targets(data)


def truncation_source(pool):
    """Every offset of every seed, seeds interleaved, structured regions first."""
    sweeps = [((s, n) for n in truncation_offsets(s)) for s in pool]
    while sweeps:
        for sweep in list(sweeps):
            item = next(sweep, None)
            if item is None:
                sweeps.remove(sweep)
                continue
            data = item[0].data[:item[1]]
            yield "truncation", data, harness.reader_targets(data)


def rule_source(rng: random.Random):
    pool = rule_seeds()
    while True:
        yield "rules", mutate.mutant(rng.choice(pool), rng), harness.RULE_TARGETS


def hypothesis_batch(campaign: Campaign, number: int, examples: int = 10) -> None:
    """One batch of every strategy, seeded so that a run can be repeated."""
    readers = harness.all_reader_targets()
    plan = ((strategies.synthetic_streams(), readers + [harness.STREAM_WALK]),
            (strategies.text_dumps(), readers), (strategies.json_docs(), readers),
            (strategies.rule_files(), harness.RULE_TARGETS))
    for strategy, targets in plan:
        @hypothesis_seed(number)
        @settings(max_examples=examples, database=None, deadline=None,
                  phases=[Phase.generate], suppress_health_check=list(HealthCheck))
        @given(strategy)
        def run(data):
            campaign.feed("hypothesis", data, targets)
        run()


def reader_seeds(only: str | None):
    """Fixture seeds, restricted to those ``--reader`` claims (all when it claims none)."""
    pool = list(fixture_seeds() + builtin_seeds())
    if only is None:
        return pool
    reader = next(r for r in formats.READERS if r.name == only)
    return [s for s in pool if reader.sniff(s.data[:formats.SNIFF_BYTES]) is None] or pool


def fuzz(args) -> int:
    rng = random.Random(args.seed)
    pool = [] if args.reader == "rules" else reader_seeds(args.reader)
    streams = [s for s in fixture_seeds() if s.data[:4] == b"QEVM"]
    campaign = Campaign(args)
    sources = (mutation_source(rng, pool, streams) if pool else iter(()),
               truncation_source(pool), rule_source(rng))
    deadline = time.monotonic() + 60 * args.minutes
    batch = 0
    while time.monotonic() < deadline:
        for source, count in zip(sources, (60, 20, 20)):
            for _ in range(count):
                item = next(source, None)
                if item is not None:
                    campaign.feed(*item)
        hypothesis_batch(campaign, args.seed * 100_000 + batch)
        batch += 1
    report(campaign, args)
    return 1 if campaign.findings else 0


def report(campaign: Campaign, args) -> None:
    total = sum(campaign.per_target.values())
    print(f"fuzz: {args.minutes:g} min, seed {args.seed}: {sum(campaign.inputs.values())} inputs "
          f"({', '.join(f'{k} {v}' for k, v in campaign.inputs.items())}), {total} target runs")
    print("per target: " + ", ".join(f"{k} {v}" for k, v in sorted(campaign.per_target.items())))
    print(f"distinct error messages: {len(campaign.messages)}; slowest input: "
          f"{campaign.slowest[0]:.2f} s ({campaign.slowest[1]})")
    print(f"findings: {len(campaign.findings)}")
    for path in campaign.findings.values():
        print("  " + path.with_suffix(".txt").read_text().replace("\n", "\n    ").rstrip())


def replay(args) -> int:
    import traceback

    data = Path(args.replay).read_bytes()
    target = harness.target_named(args.target)
    path = Path(f"/tmp/cpreg-fuzz-replay-{Path(args.replay).stem}")
    path.write_bytes(data)
    try:
        print(target.run(data, str(path)))
    except Exception:  # noqa: BLE001 - show whatever the target raises
        traceback.print_exc()
    print(harness.judge(target, data, path))
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--reader", help="only this reader (see formats.READERS) or 'rules'")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--crash-dir", default="fuzz-crashes")
    parser.add_argument("--replay", help="re-run one reproducer file")
    parser.add_argument("--target", default="load", help="target for --replay")
    args = parser.parse_args(argv)
    names = [r.name for r in formats.READERS] + ["rules"]
    if args.reader is not None and args.reader not in names:
        parser.error(f"unknown reader {args.reader!r}; one of {', '.join(names)}")
    return replay(args) if args.replay else fuzz(args)


if __name__ == "__main__":
    sys.exit(main())
