"""Benchmark: a rule edit on 256 vCPUs, and GUI start-up, against baselines measured in this run.

    python bench/bench_interactive.py [--src SRC --dst DST] [--vcpus 256] [--repeat 7] [--no-gui]

The pair is two real QEMU streams of --vcpus vCPUs ("-cpu max" into "-cpu cortex-a57",
virt,gic-version=3) captured with qemu-system-aarch64 when it is installed (else the largest
committed fixture pair, and it says so). Reports, all measured in this run on this machine:
- full evaluate() of the pair: the baseline; LiveVerdict's one-time build / baseline
- one rule edit through LiveVerdict.update(): add a rule on one unexpected register, disable,
  enable, remove; hide the destination's last cpreg (moves the merge end) and show it again;
  a safe-missing rule (the pre-11 array bound of every vCPU) and its removal.
  ratio best update / best baseline                                   target: <= 1/50
- the REAL window (app.ui MainWindow offscreen, interactive_window.py): Session.set_rules()
  to the processed model signals (LiveVerdict.update + LiveSummary.update + notes and
  dataChanged for the changed rows + counts, banner, panel), then a forced repaint of the
  visible viewport; vs the old per-edit path (full evaluate() + interactive_table.py)
- frame: window model path per edit, in ms                      target: <= 16 ms (absolute)
- GUI start-up to a painted diff of the demo pair (``python -m app --demo`` under
  QT_QPA_PLATFORM=offscreen with CPREG_SCREENSHOT) / ``python -c "import PySide6.QtWidgets"``,
  the heavy modules it imports (-X importtime), and whether pyqtgraph is among them (target:
  no). Start-up runs with empty config/state directories, so no setting or autosave is used.
Update timings are the median (and worst) of --repeat edits, each on another register.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from app.model.compare.diff import Status  # noqa: E402
from app.model.sources.readers import load  # noqa: E402
from app.model.verdict.incremental.live import LiveVerdict  # noqa: E402
from app.model.rules.rule import Rule, RuleType  # noqa: E402
from app.model.rules.ruleset import RuleSet  # noqa: E402
from app.model.verdict.evaluate import evaluate  # noqa: E402
from bench_streams import best  # noqa: E402
from interactive_startup import report_startup  # noqa: E402

FALLBACK = (ROOT / "tests/data/q72-max-smp2.mig", ROOT / "tests/data/q72-cortex-a57-smp2.mig")
FRAME_MS = 16.0


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load1 = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}, load average {load1:.2f} at start")




def get_pair(args, tmp: Path) -> tuple[Path, Path]:
    if args.src and args.dst:
        return Path(args.src), Path(args.dst)
    if shutil.which("qemu-system-aarch64"):
        from app.model.sources.capture import CaptureError, capture_stream

        out = (tmp / f"smp{args.vcpus}-max.mig", tmp / f"smp{args.vcpus}-cortex-a57.mig")
        try:
            for path, cpu in zip(out, ("max", "cortex-a57")):
                t = time.perf_counter()
                capture_stream(path, cpu=cpu, smp=args.vcpus, machine="virt,gic-version=3",
                               timeout=300)
                print(f"captured {path.name} in {time.perf_counter() - t:.1f} s", flush=True)
            return out
        except CaptureError as exc:
            print(f"(no {args.vcpus}-vCPU capture: {exc})")
    else:
        print("(qemu-system-aarch64 is not installed: no 256-vCPU capture)")
    print(f"using the largest committed fixture pair instead: {FALLBACK[0].name} -> "
          f"{FALLBACK[1].name}; the 16 ms figure then says nothing about 256 vCPUs")
    return FALLBACK


def scenarios(live: LiveVerdict, repeat: int):
    """(label, [rule sets in order]) per repetition: each edit starts from the one before."""
    unexpected = list(dict.fromkeys(
        rv.row.id for rv in live.verdict.rows
        if rv.row.status is Status.UNEXPECTED and rv.outcome == "blocking"))
    if not unexpected:
        raise SystemExit("the pair has no blocking unexpected register to write a rule for")
    last = max(r.id for r in live.diff.rows if r.status is not Status.UNEXPECTED)
    for k in range(repeat):
        reg = unexpected[k % len(unexpected)]
        on = Rule(reg, RuleType.NOT_ON_BOTH_ENDS, reason="bench")
        off = Rule(reg, RuleType.NOT_ON_BOTH_ENDS, reason="bench", enabled=False)
        yield [("add a rule on one unexpected register", RuleSet((on,))),
               ("disable it", RuleSet((off,))), ("enable it", RuleSet((on,))),
               ("remove it", RuleSet()),
               ("hide the destination's last cpreg", RuleSet((Rule(last, RuleType.HIDDEN),))),
               ("show it again", RuleSet()),
               ("safe-missing rule (array bound, all vCPUs)",
                RuleSet((Rule(reg, RuleType.SAFE_MISSING),))),
               ("remove it (safe-missing)", RuleSet())]


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.2f} ms"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", help="incoming stream (default: capture one)")
    ap.add_argument("--dst", help="destination stream (default: capture one)")
    ap.add_argument("--vcpus", type=int, default=256)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--no-gui", action="store_true", help="skip the table and start-up parts")
    args = ap.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        src_path, dst_path = get_pair(args, Path(tmp))
        src, dst = load(str(src_path)), load(str(dst_path))
    print(f"pair: {src_path.name} ({len(src.vcpus)} vCPUs) -> {dst_path.name} "
          f"({len(dst.vcpus)} vCPUs)")
    full = best(lambda: evaluate(src, dst), args.repeat)
    t = time.perf_counter()
    live = LiveVerdict(src, dst)
    build = time.perf_counter() - t
    verdict = live.verdict
    print(f"{len(live.diff.rows)} rows, {len(verdict.trail)} reasons, policy "
          f"{verdict.policy.name}: full evaluate() {ms(full)} (baseline); LiveVerdict build "
          f"{ms(build)} (ratio {build / full:.2f}, once per pair and policy)")
    table = window = None
    if not args.no_gui:
        from interactive_table import TableBench
        from interactive_window import WindowBench

        table = TableBench(live, verdict, RuleSet())
        window = WindowBench(src_path, dst_path)
        print(f"window: pair opened and LiveVerdict built (worker) in "
              f"{window.open_seconds:.2f} s")
    results: dict[str, dict[str, list]] = {}
    for k, steps in enumerate(scenarios(live, args.repeat)):
        for label, rules in steps:
            t = time.perf_counter()
            verdict = live.update(rules)
            took = time.perf_counter() - t
            r = results.setdefault(label, {"update": [], "window": [], "today": [], "rows": []})
            r["update"].append(took)
            r["rows"].append(len(live.last_changed))
            if k == 0:  # correctness guard, outside the timings
                assert verdict == evaluate(src, dst, rules), label
            if window is not None:
                r["window"].append(window.edit(rules))
                if k == 0:
                    assert window.check(rules), label
                if label.startswith("add"):
                    r["today"].append(table.today(verdict, rules))
    if window is not None:
        window.close()
    report(results, full, window is not None)
    if not args.no_gui:
        report_startup(args.repeat)
    return 0


def report(results: dict, full: float, gui: bool) -> None:
    print(f"rule edits (median / worst; frame = the window's model path per edit, budget "
          f"{FRAME_MS:.0f} ms):")
    frames = []
    for label, r in results.items():
        upd, fastest = statistics.median(r["update"]), min(r["update"])
        line = (f"  {label} ({max(r['rows'])} rows changed): update {ms(upd)} / "
                f"{ms(max(r['update']))}, ratio {fastest / full:.4f} (best / best, "
                f"target <= 0.02)")
        if gui:
            frame = statistics.median(x["model"] for x in r["window"])
            worst = max(x["model"] for x in r["window"])
            events = statistics.median(x["events"] for x in r["window"])
            paint = statistics.median(x["paint"] for x in r["window"])
            frames.append(frame)
            line += (f"; window set_rules {ms(frame)} / {ms(worst)} "
                     f"({'within' if frame * 1e3 <= FRAME_MS else 'OVER'} {FRAME_MS:.0f} ms, "
                     f"{r['window'][0]['rows']} rows re-noted); + posted events {ms(events)}"
                     f" + viewport repaint {ms(paint)}")
        print(line)
    today = [x for r in results.values() for x in r["today"]]
    if today:
        med = {key: statistics.median(x[key] for x in today)
               for key in ("notes", "model", "paint", "total")}
        old = full + med["total"]
        print(f"the old per-edit path: full evaluate() {ms(full)} (in a worker) + "
              f"summarize/row_notes {ms(med['notes'])} ({today[0]['objects']} RowNotes) + "
              f"set_annotations/refilter/counts {ms(med['model'])} + repaint "
              f"{ms(med['paint'])} = {ms(old)}")
        new = statistics.median(frames)
        print(f"the window now, per rule edit (median over edits): {ms(new)} + repaint; "
              f"{old / new:.0f}x faster than the old path")


if __name__ == "__main__":
    sys.exit(main())
