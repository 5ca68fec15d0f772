"""Sweep throughput and peak memory on korea-2019: EUM, mean and protocol, with 1 and 2 local workers.

Each configuration runs in a fresh process (``allied.sweeps.runner.run_sweep`` into a temporary run folder);
the peak resident memory of that process and all its workers together is sampled from ``/proc`` every
0.1 s. Prints a table: samples, workers, sweep seconds, whole-process seconds, CPU seconds of the process
and its workers (imports included), samples/s, speed-up over one worker, peak memory.
Target (issue 8): 100,000 EUM samples <= 60 s on 2 cores, peak memory <= 2 GB.

    python benchmarks/bench_sweep.py                 # the full table (several minutes)
    python benchmarks/bench_sweep.py --quick         # 10x fewer samples
    python benchmarks/bench_sweep.py --only eum:100000:2
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

CONFIGS = [("eum", 100_000), ("mean", 100_000), ("protocol", 10_000)]

CHILD = """
import json, sys
import allied
from allied.sweeps.runner import run_sweep
model, n, workers, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
sc = allied.load("korea-2019")
r = run_sweep(sc, model, n, seed=1, out=out, workers=workers)
print(json.dumps({"seconds": r.seconds, "done": r.samples_done}))
"""


def _tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants."""
    parent: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as fh:
                    parent[int(d)] = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        p = frontier.pop()
        kids = [c for c, pp in parent.items() if pp == p and c not in tree]
        tree.update(kids)
        frontier += kids
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


def run_one(model: str, n: int, workers: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, ALLIED_HOME=str(Path(tmp) / "home"))
        ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", CHILD, model, str(n), str(workers), str(Path(tmp) / "run")],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        peak = 0
        stop = threading.Event()

        def watch() -> None:
            nonlocal peak
            while not stop.is_set():
                peak = max(peak, _tree_rss(proc.pid))
                stop.wait(0.1)

        th = threading.Thread(target=watch, daemon=True)
        th.start()
        out, err = proc.communicate()
        wall = time.perf_counter() - t0
        ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)  # the process and the workers it joined
        cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
        stop.set()
        th.join()
        if proc.returncode != 0:
            raise RuntimeError(f"{model} n={n} workers={workers} failed:\n{err[-2000:]}")
        res = json.loads(out.strip().splitlines()[-1])
        return {"seconds": res["seconds"], "wall": wall, "rate": n / res["seconds"], "peak_mb": peak / 2**20,
                "cpu": cpu}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10x fewer samples")
    ap.add_argument("--only", action="append", default=[], help="MODEL:N:WORKERS (repeatable)")
    args = ap.parse_args(argv)
    runs: list[tuple[str, int, int]] = []
    if args.only:
        for spec in args.only:
            m, n, w = spec.split(":")
            runs.append((m, int(n), int(w)))
    else:
        for m, n in CONFIGS:
            n = max(1000, n // 10) if args.quick else n
            runs += [(m, n, 1), (m, n, 2)]
    print(f"korea-2019 sweeps; {os.cpu_count()} CPUs visible, load average before: "
          f"{os.getloadavg()[0]:.1f}")
    print(f"{'model':<9} {'samples':>8} {'workers':>7} {'sweep s':>8} {'process s':>9} {'CPU s':>7} "
          f"{'samples/s':>10} {'speed-up':>8} {'peak MB':>8}")
    base: dict[tuple[str, int], float] = {}
    for m, n, w in runs:
        r = run_one(m, n, w)
        if w == 1:
            base[(m, n)] = r["rate"]
        speed = f"{r['rate'] / base[(m, n)]:.2f}x" if (m, n) in base else "—"
        print(f"{m:<9} {n:>8,} {w:>7} {r['seconds']:>8.1f} {r['wall']:>9.1f} {r['cpu']:>7.1f} {r['rate']:>10,.0f} "
              f"{speed:>8} {r['peak_mb']:>8,.0f}", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
