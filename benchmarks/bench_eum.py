"""Benchmarks of the expected-utility model (issue 3): prints a table.

1. The 46-actor litigation case, 10 rounds, as a whole fresh Python process (interpreter start, imports,
   model run): target <= 1 s; the reference code (jmckib) takes 127 s.
2. 10,000 samples × 10 actors × 10 rounds in one batch: target <= 10 s on 2 cores and <= 2 GB peak memory
   (the process's maximum resident set size, ``resource.getrusage``).

Each measurement runs in a new process; the first, untimed, run fills numba's on-disk cache.
Usage: ``python benchmarks/bench_eum.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LITIGATION = ROOT / ".." / "shared" / "validation" / "eum" / "litigation_minimalgeek.csv"

LITIGATION_CHILD = r"""
import csv, sys, time
t0 = time.perf_counter()
import numpy as np
t1 = time.perf_counter()
if sys.argv[2] == "bare":  # what a lazy allied/__init__ would cost: register the package without running it
    import importlib.util, types
    spec = importlib.util.find_spec("allied")
    pkg = types.ModuleType("allied")
    pkg.__path__ = list(spec.submodule_search_locations)
    sys.modules["allied"] = pkg
from allied.arrays import ForecastInput
from allied.models.eum import ExpectedUtility
t2 = time.perf_counter()
path = sys.argv[1]
if path:
    rows = list(csv.DictReader(open(path)))
    x = np.array([float(r["position"]) for r in rows]); s = np.array([float(r["salience"]) for r in rows])
    c = np.array([float(r["capability"]) for r in rows])
    s = s / 100 if s.max() > 1 else s
else:  # synthetic stand-in of the same size when ../shared is absent
    rng = np.random.default_rng(46)
    x, s, c = rng.uniform(0, 1, 46).round(2), rng.uniform(0.1, 1, 46).round(2), rng.uniform(1, 30, 46).round(2)
n = x.size
inp = ForecastInput(x[None, :, None], s[None, :, None], c[None, :, None], np.array([0.0]), np.array([1.0]),
                    tuple(f"A{i}" for i in range(n)), ("I",))
out = ExpectedUtility().run(inp, rounds=10)
t3 = time.perf_counter()
print(json.dumps({"numpy_import": t1 - t0, "allied_import": t2 - t1, "run": t3 - t2,
                  "median": float(out.forecast[0, -1, 0]), "numba_loaded": "numba" in sys.modules}))
""".replace("import csv, sys, time", "import csv, json, sys, time")

BATCH_CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
import numpy as np
from allied.arrays import ForecastInput
from allied.models.eum import ExpectedUtility
t1 = time.perf_counter()
import allied.models.eum._numba  # numba itself; the compiled kernel loads from cache on the first call
t1b = time.perf_counter()
b, a, rounds, variant = 10_000, 10, 10, sys.argv[1]
rng = np.random.default_rng(0)
shape = (b, a, 1)
inp = ForecastInput(rng.uniform(0, 100, shape), rng.uniform(0.1, 1, shape), rng.uniform(1, 100, shape),
                    np.array([0.0]), np.array([100.0]), tuple(f"A{i}" for i in range(a)), ("I",))
out = ExpectedUtility().run(inp, rounds=rounds, variant=variant)
t2 = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
ok = bool(np.isfinite(out.forecast).all())
print(json.dumps({"import": t1 - t0, "numba_import": t1b - t1, "run": t2 - t1b, "peak_mb": peak, "finite": ok}))
"""


def _child_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def child(code: str, *args: str) -> tuple[float, dict[str, float]]:
    """Run ``code`` in a fresh interpreter; its wall time, and its JSON report plus its CPU time."""
    cpu0 = _child_cpu()
    t0 = time.perf_counter()
    res = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT,
                         check=True)
    wall = time.perf_counter() - t0
    info = json.loads(res.stdout.strip().splitlines()[-1])
    info["cpu"] = _child_cpu() - cpu0
    return wall, info


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    lit = str(LITIGATION) if LITIGATION.exists() else ""
    print(f"python {sys.version.split()[0]}, litigation input: {lit or 'synthetic 46 actors (../shared absent)'}")
    if hasattr(os, "getloadavg"):
        print(f"cores available: {len(os.sched_getaffinity(0))}, load average: {os.getloadavg()[0]:.1f}")

    print("\n| benchmark | figure | target |")
    print("|---|---|---|")
    for mode, label in (("full", "import allied as is"), ("bare", "without running allied/__init__")):
        child(LITIGATION_CHILD, lit, mode)  # warm the OS file cache
        runs = [child(LITIGATION_CHILD, lit, mode) for _ in range(args.repeat)]
        wall = statistics.median(w for w, _ in runs)

        def med(key: str, runs: list = runs) -> float:
            return statistics.median(r[key] for _, r in runs)

        print(f"| litigation 46 actors × 10 rounds, whole process, {label} (median of {args.repeat}) "
              f"| {wall:.2f} s | <= 1 s |")
        print(f"|   CPU time of that process (user + sys) | {med('cpu'):.2f} s | |")
        print(f"|   of which: import numpy | {med('numpy_import'):.2f} s | |")
        print(f"|   of which: import allied.models.eum | {med('allied_import'):.2f} s | |")
        print(f"|   of which: model run | {med('run'):.3f} s | |")
        print(f"|   numba imported | {runs[0][1]['numba_loaded']} | |")

    for variant in ("scholz", "paper"):
        child(BATCH_CHILD, variant)  # compiles into numba's cache the first time
        res = [child(BATCH_CHILD, variant) for _ in range(args.repeat)]
        run = statistics.median(r["run"] for _, r in res)
        peak = max(r["peak_mb"] for _, r in res)
        whole = statistics.median(w for w, _ in res)
        nb = statistics.median(r["numba_import"] for _, r in res)
        imp = statistics.median(r["import"] for _, r in res)
        print(f"| 10,000 × 10 actors × 10 rounds, {variant}: model run (cached kernel) | {run:.2f} s | <= 10 s |")
        print(f"|   import numba | {nb:.2f} s | |")
        print(f"|   import numpy + allied | {imp:.2f} s | |")
        cpu = statistics.median(r["cpu"] for _, r in res)
        print(f"|   whole process: wall, CPU (all threads) | {whole:.2f} s, {cpu:.2f} s | |")
        print(f"|   peak memory (max RSS) | {peak:.0f} MB | <= 2048 MB |")


if __name__ == "__main__":
    main()
