"""Capture streams and load them into destinations, recording what real QEMU did.

Capture: start QEMU paused (-S; or running a Linux guest for configs with guest=True, waiting
for "GUEST-USERSPACE-UP" on the serial port and then QMP 'stop'), QMP 'migrate' to
"exec:cat > FILE", poll query-migrate until completed, quit.
Load: start the destination config with -incoming defer, QMP 'migrate-incoming' from
"exec:cat FILE". QEMU exiting (or query-migrate 'failed') => "rejected"; query-migrate
'completed' => "accepted". Every line QEMU printed on stderr is kept verbatim (timestamps, if
any, stripped). For accepted guest loads the destination is resumed ('cont') and its serial
log kept.

A chroot QEMU runs as ``chroot DIR qemu-system-aarch64 ...`` with /proc, the output directory,
disk.raw and guest/ bind-mounted at their host paths inside, so every recorded path is valid
inside and outside the chroot.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time

from .qmp import QMP
from .tables import CONFIGS, GUEST_BOOT_TIMEOUT, QEMU_BIN, QEMUS, TIMEOUT, Work, devices

TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?\s*")
ABOUT = ("What real QEMU did when a destination (dest_command; dest_qemu, dest_cpu, dest_machine, "
         "dest_smp, dest_memory_mb, dest_devices) loaded 'stream' (saved by src_command under "
         "src_qemu). dest_stream was saved by that same destination configuration and QEMU, so "
         "comparing stream with dest_stream shows the differences behind each verdict. "
         "Produced by capture_matrix.py; all runs TCG.")


def version(work: Work, q: str) -> str:
    root = work.chroot(q)
    out = subprocess.run((["chroot", root] if root else []) + [QEMU_BIN, "--version"],
                         capture_output=True, text=True).stdout
    return out.splitlines()[0].strip()


def prepare(work: Work, root: str | None, out: str) -> list[str]:
    """Bind-mount /proc, OUT and the shared files at their host paths inside a chroot.
    Returns the mount points made, for unmounting (an `rm -rf` of a chroot must not reach OUT)."""
    made: list[str] = []
    if not root:
        return made
    with open("/proc/mounts") as f:
        mounts = f.read().split("\n")
    for src in ("/proc", out, work.disk, work.guest):
        if not os.path.exists(src):
            continue
        dst = root + os.path.abspath(src)
        if any(f" {dst} " in m for m in mounts):
            continue
        if os.path.isdir(src):
            os.makedirs(dst, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            open(dst, "a").close()
        subprocess.run(["mount", "--bind", src, dst], check=True)
        made.append(dst)
    return made


def argv(work: Work, c: dict, sock: str, extra) -> list[str]:
    a = [QEMU_BIN, "-nodefaults", "-display", "none", "-M", c["machine"], "-cpu", c["cpu"],
         "-smp", str(c["smp"]), "-accel", "tcg", "-m", str(c["mem"])]
    devs = devices(work)
    for d in c["devs"]:
        a += devs[d]
    if c["guest"]:
        a += ["-kernel", f"{work.guest}/Image", "-initrd", f"{work.guest}/initrd.gz",
              "-append", "console=ttyAMA0 panic=0 quiet"]
    return a + list(extra) + ["-qmp", f"unix:{sock},server=on,wait=off"]


class Session:
    """One QEMU run (in its chroot, if any) with a private temp dir, QMP and captured stderr."""

    def __init__(self, work: Work, q: str, c: dict, extra):
        self.root = work.chroot(q) or ""
        self.tmp = tempfile.mkdtemp(dir=self.root + "/tmp")  # host path
        self.itmp = self.tmp[len(self.root):]  # the same dir as QEMU sees it
        ser = ["-serial", f"file:{self.itmp}/serial.log"] if c["guest"] else ["-S"]
        self.argv = argv(work, c, f"{self.itmp}/qmp.sock", ser + list(extra))
        self.err = open(f"{self.tmp}/stderr", "w+")  # noqa: SIM115 - closed in close()
        self.proc = subprocess.Popen((["chroot", self.root] if self.root else []) + self.argv,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=self.err)
        try:
            self.qmp = QMP(f"{self.tmp}/qmp.sock", self.proc)
        except Exception as e:
            raise RuntimeError(f"QEMU did not start: {e}: {self.close()}") from e

    def serial(self) -> str:
        p = f"{self.tmp}/serial.log"
        if not os.path.exists(p):
            return ""
        with open(p, errors="replace") as f:
            return f.read()

    def close(self) -> list[str]:
        """Wait for exit (kill after 5 s); return stderr lines, timestamps stripped."""
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.err.seek(0)
        lines = [TS.sub("", line.rstrip("\n")) for line in self.err if line.strip()]
        self.err.close()
        subprocess.run(["rm", "-rf", self.tmp])
        return lines


def wait_migrate(s: Session, timeout: float) -> str:
    end = time.time() + timeout
    while time.time() < end:
        if s.proc.poll() is not None:
            return "exited"
        try:
            st = s.qmp.cmd("query-migrate").get("return", {}).get("status")
        except (EOFError, OSError, ValueError):
            return "exited"
        if st in ("completed", "failed", "cancelled"):
            return st
        time.sleep(0.1)
    return "timeout"


def capture(work: Work, q: str, name: str, path: str) -> dict:
    """Save a stream of config ``name`` under QEMU ``q`` to ``path``; returns its provenance."""
    c = CONFIGS[name]
    s = Session(work, q, c, [])
    try:
        if c["guest"]:
            end = time.time() + GUEST_BOOT_TIMEOUT
            while "GUEST-USERSPACE-UP" not in s.serial():
                if time.time() > end or s.proc.poll() is not None:
                    raise RuntimeError("guest never reached userspace")
                time.sleep(0.5)
            time.sleep(3)  # let the guest's first rng/blk reads run
            s.qmp.cmd("stop")
        r = s.qmp.cmd("migrate", uri=f"exec:cat > {path}")
        st = "error" if "error" in r else wait_migrate(s, 120 if c["guest"] else TIMEOUT)
        if st != "completed":
            raise RuntimeError(f"migration {st}: {r}")
        s.qmp.cmd("quit")
    finally:
        guest_log, msgs = s.serial(), s.close()
    return {"file": f"streams/{os.path.basename(path)}", "qemu": q, "config": name,
            "chroot": work.chroot(q), "command": s.argv, "size": os.path.getsize(path),
            "stderr": msgs, **({"guest_serial": guest_log} if c["guest"] else {})}


def load(work: Work, q: str, name: str, path: str) -> dict:
    """Start config ``name`` under QEMU ``q`` with -incoming defer and load ``path``."""
    c = CONFIGS[name]
    s, status, info = Session(work, q, c, ["-incoming", "defer"]), None, {}
    try:
        s.qmp.cmd("migrate-incoming", uri=f"exec:cat {path}")
        st = wait_migrate(s, TIMEOUT)
        if st == "completed":
            time.sleep(0.5)  # let late post-load messages arrive
            status = s.qmp.cmd("query-status").get("return", {}).get("status")
            if c["guest"]:  # the source was stopped, so resume by hand and watch the guest
                s.qmp.cmd("cont")
                time.sleep(12)
                info["dest_guest_serial_after_cont"] = s.serial()
            s.qmp.cmd("quit")
    except (EOFError, OSError, RuntimeError, ValueError):
        st = "exited"
    finally:
        msgs = s.close()
    verdict = {"completed": "accepted", "exited": "rejected", "failed": "rejected"}.get(
        st, "timeout")
    return {"verdict": verdict, "dest_command": s.argv, "dest_chroot": work.chroot(q),
            "dest_exit_code": s.proc.returncode, "dest_status_after_load": status,
            "messages": msgs, **info}


def _dump(obj, path: str) -> None:
    with open(path, "w") as f:
        json.dump(obj, f, indent=1)


def run_pairs(work: Work, out: str, versions: dict[str, str], todo, force: bool) -> None:
    """Capture what ``todo`` needs (existing streams reused unless ``force``), load every pair,
    and update OUT/streams.json and OUT/verdicts.json after each step (a rerun replaces the
    records of the pairs it reruns, in place)."""
    vpath, spath = f"{out}/verdicts.json", f"{out}/streams.json"
    streams = _load_json(spath, {})
    verdicts = _load_json(vpath, {"pairs": []})
    verdicts["about"] = ABOUT
    verdicts["qemu"] = {**verdicts.get("qemu", {}), **versions}
    short = {q: v.split()[3] for q, v in verdicts["qemu"].items()}

    def stream(q: str, name: str) -> dict:
        fn = f"{QEMUS[q][0]}-{name}.mig"
        if fn not in streams or force or not os.path.exists(f"{out}/streams/{fn}"):
            print(f"capture {q} {name}", flush=True)
            streams[fn] = capture(work, q, name, f"{out}/streams/{fn}")
            _dump(streams, spath)
        return streams[fn]

    done = {(p["class"], p["stream"], p["dest_qemu_series"], p["dest_config"]): i
            for i, p in enumerate(verdicts["pairs"]) if "dest_config" in p}
    devs = devices(work)
    for cls, sq, sc, dq, dc in todo:
        if sq not in versions or dq not in versions:
            continue
        try:
            src, dst = stream(sq, sc), stream(dq, dc)
            print(f"load {cls}: {src['file']} -> {dq} {dc}", flush=True)
            r = load(work, dq, dc, f"{out}/{src['file']}")
        except Exception as e:  # record and carry on with the next pair
            print(f"  FAILED: {e}", file=sys.stderr)
            continue
        d = CONFIGS[dc]
        ext = [t for x in d["devs"] for t in devs[x]]
        rec = {"stream": src["file"], "src_qemu": short[sq], "src_config": sc,
               "src_command": src["command"], "src_chroot": src["chroot"],
               "dest_qemu": short[dq], "dest_qemu_series": dq, "dest_config": dc,
               "dest_stream": dst["file"], "dest_cpu": d["cpu"], "dest_machine": d["machine"],
               "dest_smp": d["smp"], "dest_memory_mb": d["mem"], "dest_devices": ext,
               "class": cls, **r}
        print(f"  {r['verdict']}: {r['messages']}", flush=True)
        i = done.setdefault((cls, src["file"], dq, dc), len(verdicts["pairs"]))
        verdicts["pairs"][i:i + 1] = [rec]
        _dump(verdicts, vpath)


def _load_json(path: str, default):
    if not os.path.exists(path):
        return default
    with open(path) as f:
        return json.load(f)
