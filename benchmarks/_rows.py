"""Shared timing for the issue-19 rows (``bench_row_*.py``): whole-process wall time of an ``allied`` command.

Like hyperfine: one warm-up run (fills bytecode and numba caches, as ``make install`` does), then the median
of ``BENCH_RUNS`` (default 5) runs, each a fresh process timed from outside. Prints the measured figure next
to its anchor (the issue's "now" figure and goal, 2-core machine) and the machine it ran on.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ALLIED = str(Path(sys.executable).with_name("allied"))
SHARED = ROOT / ".." / "shared" / "validation"


def runs() -> int:
    return max(1, int(os.environ.get("BENCH_RUNS", "5")))


def machine() -> str:
    try:
        load = f"{os.getloadavg()[0]:.1f}"
    except OSError:
        load = "?"
    return f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {load}"


#: CPU seconds (user + system) of each timed run, parallel to what :func:`whole` returns: on a shared machine
#: the wall time grows with the load, the CPU time much less (a process that waits for a core uses none)
CPU: list[float] = []


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def whole(args: list[str], n: int | None = None, warm: bool = True) -> list[float]:
    """Wall seconds of ``allied ARGS`` in fresh processes (output discarded); CPU seconds go to :data:`CPU`."""
    env = dict(os.environ)
    out = []
    CPU.clear()
    for k in range((n or runs()) + (1 if warm else 0)):
        tmp = tempfile.mkdtemp(prefix="allied-bench-")
        cmd = [a.replace("{tmp}", tmp) for a in args]
        c0 = _children_cpu()
        t0 = time.perf_counter()
        subprocess.run([ALLIED, *cmd], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        dt = time.perf_counter() - t0
        dc = _children_cpu() - c0
        shutil.rmtree(tmp, ignore_errors=True)
        if k or not warm:
            out.append(dt)
            CPU.append(dc)
    return out


def report(work: str, times: list[float], now: str, goal: float, extra: str = "") -> int:
    med = statistics.median(times)
    ok = med <= goal
    print(machine())
    print(f"{work}: median {med:.3f} s of {len(times)} runs (min {min(times):.3f}, max {max(times):.3f}); "
          f"CPU median {statistics.median(CPU) if CPU else float('nan'):.3f} s; "
          f"issue 19: now {now}, goal <= {goal} s -> {'meets' if ok else f'misses by {med - goal:.2f} s'}"
          + (f"; {extra}" if extra else ""))
    return 0
