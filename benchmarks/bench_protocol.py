"""Protocol engine speed: the five presets on korea-2019 as a whole process, and 10,000 parameter draws
batched through the kernel (targets from issue 6: <= 2 s and <= 60 s on 2 cores).

Run: ``.venv/bin/python benchmarks/bench_protocol.py [--draws N]``. Numba's on-disk cache and Python's
bytecode cache are warmed first (a fresh clone compiles the kernel once, ~30-60 s, not counted). Wall
times depend on the machine's load: the CPU seconds of the process are printed beside them."""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

WHOLE = "import allied.protocols as P; P.compare()"


# Python's bytecode cache kept outside the venv (some environments set PYTHONDONTWRITEBYTECODE and install
# without .pyc files, which makes every process recompile numba's and pandas's sources: ~2 s more).
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
_ENV.setdefault("PYTHONPYCACHEPREFIX", os.path.join(tempfile.gettempdir(), "allied-bench-pycache"))


def _whole_process(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one run of ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=_ENV)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    import allied.protocols as P

    P.compare()  # warm numba's cache (serial kernel)
    rng = np.random.default_rng(0)
    P.solve_batch({p: u.sample(rng, 64) for p, u in P.protocol_inputs()}, "big-deal")  # parallel kernel

    rows: list[tuple[str, float, str]] = []
    _whole_process([sys.executable, "-c", WHOLE])  # warm the bytecode cache
    api = min(_whole_process([sys.executable, "-c", WHOLE]) for _ in range(args.repeat))
    rows.append(("five presets, whole process: wall (python -c compare)", api[0], "<= 2 s"))
    rows.append(("five presets, whole process: CPU user+sys", api[1], ""))
    exe = os.path.join(os.path.dirname(sys.executable), "allied")
    if os.path.exists(exe):
        cli = min(_whole_process([exe, "protocol", "korea-2019", "--format", "json"]) for _ in range(args.repeat))
        rows.append(("five presets, whole process: wall (allied protocol --format json)", cli[0], "<= 2 s"))
        rows.append(("five presets, whole process: CPU user+sys (CLI)", cli[1], ""))
    t = time.perf_counter()
    P.compare()
    rows.append(("five presets, in process", time.perf_counter() - t, ""))

    draws = {p: u.sample(rng, args.draws) for p, u in P.protocol_inputs()}
    total = 0.0
    for name in P.PRESETS:
        t = time.perf_counter()
        out = P.solve_batch(draws, name)
        dt = time.perf_counter() - t
        total += dt
        assert np.isfinite(out["V_USA"]).all() and out["max_regret"].max() <= 1e-9
        rows.append((f"{args.draws} draws batched: {name}", dt, ""))
    rows.append((f"{args.draws} draws batched: all five presets", total, "<= 60 s"))

    import numba

    print(f"threads: {numba.get_num_threads()}  cpus: {os.cpu_count()}  load: {os.getloadavg()[0]:.1f}")
    print(f"{'case':62s} {'seconds':>9s}  target")
    for case, sec, target in rows:
        print(f"{case:62s} {sec:9.3f}  {target}")


if __name__ == "__main__":
    main()
