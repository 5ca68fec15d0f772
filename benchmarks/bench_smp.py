"""Model ``smp`` (KTAB's spatial model of politics): whole-process wall time to convergence.

Targets (issue 4), against KTAB's C++ ``smpc`` built with -O2 on this machine class (2 cores):

* 30 actors × 2 dimensions to convergence <= 0.6 s (smpc: 3.6–6.7 s; 3.2–4.1 s without its logging tables);
* 100 actors × 1 dimension <= 10 s (smpc: 30–40 CPU-minutes; 93 s without its logging tables).

Each case is a seeded random scenario (positions uniform on 0–100, saliences summing to 50–100 %,
capabilities uniform on 10–200) run in a fresh ``python`` process, timed from process start to exit
(interpreter, imports, the run). The first run of each case warms the bytecode cache (kept outside the
tree with ``PYTHONPYCACHEPREFIX``) and numba's kernel cache; it is reported as "cold", the median of the
next runs as "warm". The child also reports how much of its time went to imports and to the model, and
"bare" repeats the warm run without ``allied/__init__.py``'s eager imports (pandas, pydantic), i.e. what a
lazy top-level package would give.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

CASES = [  # (actors, dimensions, seed, target seconds)
    (30, 2, 30, 0.6),
    (100, 1, 100, 10.0),
]
REPEATS = 3

CHILD = r"""
import sys, time, json, types
t0 = time.perf_counter()
if sys.argv[4] != "-":  # "bare": skip allied/__init__.py's eager imports (pandas, pydantic, the API)
    pkg = types.ModuleType("allied")
    pkg.__path__ = [sys.argv[4]]
    sys.modules["allied"] = pkg
import numpy as np
from allied.arrays import ForecastInput
from allied.models.smp import SpatialModelOfPolitics
t1 = time.perf_counter()
n, d, seed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(seed)
x = rng.uniform(0, 100, (1, n, d)).round(2)
s = rng.uniform(0.1, 1.0, (1, n, d))
s = s / s.sum(-1, keepdims=True) * rng.uniform(0.5, 1.0, (1, n, 1))
c = np.repeat(rng.uniform(10, 200, (1, n, 1)), d, axis=2)
inp = ForecastInput(x, s, c, np.zeros(d), np.full(d, 100.0),
                    tuple(f"A{i}" for i in range(n)), tuple(f"D{k}" for k in range(d)))
out = SpatialModelOfPolitics().run(inp)
t2 = time.perf_counter()
print(json.dumps({"imports": t1 - t0, "model": t2 - t1, "turns": int(out.rounds_run[0])}))
"""


def run_once(n: int, d: int, seed: int, env: dict[str, str], bare: bool = False) -> tuple[float, dict[str, float]]:
    import allied

    where = os.path.dirname(allied.__file__) if bare else "-"
    t0 = time.perf_counter()
    res = subprocess.run([sys.executable, "-c", CHILD, str(n), str(d), str(seed), where], env=env, check=True,
                         capture_output=True, text=True)
    wall = time.perf_counter() - t0
    return wall, json.loads(res.stdout.strip().splitlines()[-1])


def main() -> int:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its bytecode cached
    env["PYTHONPYCACHEPREFIX"] = os.path.join(tempfile.gettempdir(), "allied-bench-pycache")
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float("nan")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {load:.1f}")
    hdr = (f"{'case':<16}{'turns':>6}{'cold s':>9}{'warm s':>9}{'imports s':>11}{'model s':>9}{'bare s':>8}"
           f"{'target s':>10}  ok")
    print(hdr)
    print("-" * len(hdr))
    ok_all = True
    for n, d, seed, target in CASES:
        cold, _ = run_once(n, d, seed, env)
        runs = [run_once(n, d, seed, env) for _ in range(REPEATS)]
        warm = statistics.median(w for w, _ in runs)
        imp = statistics.median(r["imports"] for _, r in runs)
        mod = statistics.median(r["model"] for _, r in runs)
        bare = statistics.median(run_once(n, d, seed, env, bare=True)[0] for _ in range(REPEATS))
        ok = warm <= target
        ok_all &= ok
        print(f"{f'{n} actors x {d}D':<16}{runs[0][1]['turns']:>6}{cold:>9.2f}{warm:>9.2f}{imp:>11.2f}{mod:>9.2f}"
              f"{bare:>8.2f}{target:>10.1f}  {'yes' if ok else 'NO'}")
    print("cold: first run (bytecode and numba caches written); warm: median of the next runs; bare: warm "
          "without allied/__init__.py's eager imports of pandas and pydantic")
    return 0 if ok_all else 1


if __name__ == "__main__":
    raise SystemExit(main())
