"""Exchange model timings on COP21 (15 actors x 13 issues, 10 rounds) and the other package cases.

Peer figures (shared/specs/exchange.md, same machine class, 2 cores): decide-exchange-model's model loop
takes 44-48 s on COP21 and its command 95 s (2.1-3.0 s and 21 s on sample_data). Target (issue 5):
COP21 in <= 0.5 s for the whole process. Prints a table; not a test.

* ``whole process``: ``python -c`` that reads the file, runs 10 rounds and prints the forecast, timed
  from outside (median of 5 after a warm-up run that fills numba's cache);
* ``in process``: the model call alone, best of 5;
* ``decimal``: ``arithmetic="decimal"`` (the package's 28-digit branches), one run;
* ``batch``: B = 200 perturbed samples in one call, per sample.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared" / "validation" / "exchange"
LOCAL = ROOT / "tests" / "data" / "sample_data_exchange.txt"

SCRIPT = """
import sys, time
c0 = time.process_time()
import numpy as np
c1 = time.process_time()
if sys.argv[3] == "npz":  # the model's own floor: no scenario package (pydantic, pandas), arrays from a file
    import types
    pkg = types.ModuleType("allied")
    pkg.__path__ = [sys.argv[4]]
    sys.modules["allied"] = pkg
    from allied.arrays import ForecastInput
    from allied.models.exchange import ExchangeModel
    c2 = time.process_time()
    z = np.load(sys.argv[1])
    inp = ForecastInput(z["x"], z["s"], z["c"], z["lo"], z["hi"], tuple(z["actors"]), tuple(z["issues"]), z["present"])
else:
    from allied.arrays import ForecastInput
    from allied.models.exchange import ExchangeModel
    from allied.scenario.readers.exchange import read_tsv
    c2 = time.process_time()
    t = read_tsv(open(sys.argv[1]).read(), sys.argv[1])
    A = [a.id for a in t.actors]; D = [i.id for i in t.issues]
    x = np.zeros((1, len(A), len(D))); s = x.copy(); c = x.copy(); m = np.zeros((len(A), len(D)), bool)
    for r in t.rows:
        a, d = A.index(r.actor), D.index(r.issue)
        x[0, a, d], s[0, a, d], c[0, a, d], m[a, d] = r.position, r.salience / 100, r.capability, True
    inp = ForecastInput(x, s, c, np.array([i.lo for i in t.issues]), np.array([i.hi for i in t.issues]),
                        tuple(A), tuple(D), m)
c3 = time.process_time()
out = ExchangeModel().run(inp, rounds=10, arithmetic=sys.argv[2])
c4 = time.process_time()
print(f"{c1 - c0:.3f} {c2 - c1:.3f} {c4 - c3:.3f} {int('numba' in sys.modules)} {int('pandas' in sys.modules)}")
"""


def _input(path: Path):  # type: ignore[no-untyped-def]
    from allied.arrays import ForecastInput
    from allied.scenario.readers.exchange import read_tsv

    t = read_tsv(path.read_text(), str(path))
    actors = [a.id for a in t.actors]
    issues = [i.id for i in t.issues]
    x = np.zeros((1, len(actors), len(issues)))
    s, c = x.copy(), x.copy()
    m = np.zeros((len(actors), len(issues)), dtype=bool)
    for r in t.rows:
        a, d = actors.index(r.actor), issues.index(r.issue)
        x[0, a, d], s[0, a, d], c[0, a, d], m[a, d] = r.position, r.salience / 100, r.capability, True
    lo = np.array([i.lo for i in t.issues])
    hi = np.array([i.hi for i in t.issues])
    return ForecastInput(x, s, c, lo, hi, tuple(actors), tuple(issues), m)


def _whole(path: Path, arithmetic: str = "float", n: int = 5, npz: bool = False) -> tuple[float, float, list[str]]:
    """Median wall and CPU (user + sys) seconds of the whole process, and its own phase CPU times."""
    cmd = [sys.executable, "-c", SCRIPT, str(path), arithmetic, "npz" if npz else "file", str(ROOT / "src" / "allied")]
    subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)  # warm-up: numba cache
    walls, cpus, phases = [], [], []
    for _ in range(n):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        res = subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT, text=True)
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        phases.append(res.stdout.split())
    return statistics.median(walls), statistics.median(cpus), phases[len(phases) // 2]


def _startup() -> tuple[float, float]:
    out = []
    for mod in ("numpy", "numba"):
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", f"import {mod}"], check=True)
            times.append(time.perf_counter() - t0)
        out.append(statistics.median(times))
    return out[0], out[1]


def main() -> None:
    from allied.models.exchange import ExchangeModel
    from allied.models.exchange import _aot as exchange_aot

    model = ExchangeModel()
    cases = [(name, SHARED / f"{name}_input.txt") for name in ("sample_data", "copenhagen", "cop21")]
    cases = [(n, p) for n, p in cases if p.exists()]
    if not cases:
        print("shared/validation/exchange not found: timing the transcribed sample_data case only")
        cases = [("sample_data", LOCAL)]
    if exchange_aot.load() is None:
        t0 = time.perf_counter()
        try:
            exchange_aot.build()
            print(f"built the ahead-of-time kernel in {time.perf_counter() - t0:.0f} s")
        except Exception as exc:  # no C compiler: the JIT path is timed instead
            print(f"no ahead-of-time kernel ({exc}); timing the numba JIT path")
    aot = exchange_aot.load() is not None
    t_np, t_nb = _startup()
    print(f"python -c 'import numpy': {t_np:.2f} s, 'import numba': {t_nb:.2f} s (wall, median of 3)")
    print(f"kernel: {'ahead-of-time build (no numba import)' if aot else 'numba JIT (cached)'}")
    print(f"{'case':<12} {'A x D':>6} {'whole wall':>10} {'whole cpu':>9} {'import cpu':>10} {'model':>8} "
          f"{'in-proc':>8} {'decimal':>8} {'batch/sample':>12}")
    for name, path in cases:
        inp = _input(path)
        model.run(inp, rounds=10)  # compile / load cache
        best = np.inf
        for _ in range(5):
            t0 = time.perf_counter()
            model.run(inp, rounds=10)
            best = min(best, time.perf_counter() - t0)
        t0 = time.perf_counter()
        model.run(inp, rounds=10, arithmetic="decimal")
        t_dec = time.perf_counter() - t0
        rng = np.random.default_rng(0)
        b = 200
        xb = np.clip(inp.x + rng.normal(0, 5, (b, *inp.x.shape[1:])), inp.lo, inp.hi)
        from allied.arrays import ForecastInput

        batch = ForecastInput(xb, np.repeat(inp.s, b, 0), np.repeat(inp.c, b, 0), inp.lo, inp.hi, inp.actors,
                              inp.issues, inp.present)
        t0 = time.perf_counter()
        model.run(batch, rounds=10)
        t_batch = (time.perf_counter() - t0) / b
        wall, cpu, ph = _whole(path)
        _, a, d = inp.shape
        imp = float(ph[0]) + float(ph[1])
        print(f"{name:<12} {f'{a}x{d}':>6} {wall:>8.2f} s {cpu:>7.2f} s {imp:>8.2f} s {float(ph[2]):>6.3f} s "
              f"{best * 1e3:>5.0f} ms {t_dec:>6.2f} s {t_batch * 1e3:>9.1f} ms")
        with tempfile.TemporaryDirectory() as tmp:
            arrays = Path(tmp) / f"{name}.npz"
            np.savez(arrays, x=inp.x, s=inp.s, c=inp.c, lo=inp.lo, hi=inp.hi, actors=np.array(inp.actors),
                     issues=np.array(inp.issues), present=inp.present)
            wall, cpu, ph = _whole(arrays, npz=True)
        imp = float(ph[0]) + float(ph[1])
        print(f"{'  model only':<12} {'':>6} {wall:>8.2f} s {cpu:>7.2f} s {imp:>8.2f} s {float(ph[2]):>6.3f} s")
    print("whole = python -c: read the file, 10 rounds, print (median of 5); import cpu = numpy + allied imports "
          "inside it (allied's and allied.scenario's __init__ pull pydantic and pandas); model = the model call's CPU "
          "inside it; model only = the same with the arrays from an .npz and no scenario package imported.")
    print("peer (decide-exchange-model, spec): COP21 model loop 44-48 s, command 95.5 s; target whole process "
          "<= 0.5 s")


if __name__ == "__main__":
    main()
