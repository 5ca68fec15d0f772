"""Per-sample cost of the exchange model on the Korea sweep's inputs (issue 19, part 1 for sweeps).

``allied sweep korea-2019 --model exchange`` runs the exact default: the certified float kernel, with the
comparisons it cannot call settled in the package's 28-digit decimals in Python. This prints, for the same
N sampled scenarios the sweep draws (seed 0), the CPU and wall time per sample of the model call alone
(median of ``BENCH_RUNS``, default 5, as the machine may be shared) for ``arithmetic="exact"`` and
``"float"``, the number of settled questions and kernel stops per sample, and how the exact time splits
between the kernel and the decimal side.
Not a test; figures depend on the machine and its load (printed).

    .venv/bin/python benchmarks/bench_exchange_sweep.py [N]      # N = 200 by default
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

import numpy as np


def _inputs(n: int) -> Any:
    from allied.scenario.load import load
    from allied.sweeps.inputs import scenario_inputs

    sc = load("korea-2019")
    draw = scenario_inputs(sc).sample(0, 0, n, keep_streams=False)
    vals = {k: v for k, v in draw.values.items() if k.startswith(("actors.", "stances."))}
    return sc.forecast_input([i.id for i in sc.issues], values=vals, samples=draw.n)


def main() -> int:
    from allied.models.exchange import ExchangeModel, _hybrid

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    reps = max(1, int(os.environ.get("BENCH_RUNS", "5")))
    inp = _inputs(n)
    model = ExchangeModel()
    model.run(inp.take(slice(0, 2)))  # load the kernels
    model.run(inp.take(slice(0, 2)), arithmetic="float")
    cpu: dict[str, list[float]] = {"exact": [], "float": []}
    wall: dict[str, list[float]] = {"exact": [], "float": []}
    for arith in ("exact", "float"):
        for _ in range(reps):
            t0, w0 = time.process_time(), time.perf_counter()
            model.run(inp, arithmetic=arith)
            cpu[arith].append(time.process_time() - t0)
            wall[arith].append(time.perf_counter() - w0)
    best = {k: float(np.median(v)) for k, v in cpu.items()}
    best_wall = {k: float(np.median(v)) for k, v in wall.items()}
    # where the exact time goes: kernel calls vs the decimal side (one more run, timed by call)
    spent = {"kernel": 0.0, "decimal": 0.0}
    kernel_fn = _hybrid._kernel
    kern = kernel_fn()

    class Timed:
        def __getattr__(self, name: str) -> Any:
            fn = getattr(kern, name)

            def call(*a: Any) -> Any:
                t = time.process_time()
                try:
                    return fn(*a)
                finally:
                    spent["kernel"] += time.process_time() - t
            return call

    settle = _hybrid._settle

    def timed_settle(*a: Any) -> None:
        t = time.process_time()
        settle(*a)
        spent["decimal"] += time.process_time() - t

    stats: dict[str, int] = {}
    x = np.asarray(inp.x, dtype=float)
    s = np.where(inp.mask, inp.s, 0.0)
    c = np.where(inp.mask, inp.c, 0.0)
    _hybrid._kernel, _hybrid._settle = (lambda: Timed()), timed_settle
    try:
        t0 = time.process_time()
        _hybrid.run_hybrid(x, np.asarray(inp.lo, float), np.asarray(inp.hi, float), s, c, inp.mask, 10, stats)
        total = time.process_time() - t0
    finally:
        _hybrid._kernel, _hybrid._settle = kernel_fn, settle
    load = os.getloadavg()[0]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {load:.1f}; korea-2019, {n} samples")
    print(f"exact: {1e3 * best['exact'] / n:.2f} ms/sample CPU, {1e3 * best_wall['exact'] / n:.2f} wall (median of "
          f"{reps}); float: {1e3 * best['float'] / n:.2f} ms/sample CPU, {1e3 * best_wall['float'] / n:.2f} wall; "
          f"exact/float {best['exact'] / best['float']:.1f}x (CPU)")
    print(f"exact, per sample: {stats['questions'] / n:.1f} questions settled in decimal, {stats['stops'] / n:.1f} "
          f"kernel stops; split of one run: kernel {1e3 * spent['kernel'] / n:.2f} ms, decimal side "
          f"{1e3 * spent['decimal'] / n:.2f} ms, rest {1e3 * (total - spent['kernel'] - spent['decimal']) / n:.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
