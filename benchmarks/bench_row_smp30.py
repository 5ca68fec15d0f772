"""Issue 19 row: ``allied forecast <30-actor KTAB case> --model smp`` (now 0.58 s; KTAB's smpc 3.3-4.2 s;
goal <= 0.33 s, i.e. >= 10x smpc). The case is a seeded random KTAB CSV (30 actors, 2 dimensions, the same
generator as bench_smp.py), written to a temporary file."""

import tempfile
from pathlib import Path

import numpy as np
from _rows import report, whole


def ktab_case(path: Path, n: int = 30, d: int = 2, seed: int = 30) -> None:
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 100, (n, d)).round(2)
    s = rng.uniform(0.1, 1.0, (n, d))
    s = (s / s.sum(-1, keepdims=True) * rng.uniform(0.5, 1.0, (n, 1)) * 100).round(2)
    c = rng.uniform(10, 200, n).round(3)
    head = ",".join(f"Pstn{k + 1},Sal{k + 1}" for k in range(d))
    rows = [f"Bench30,\"seeded random KTAB case\",{n},{d},", f"Actor,Description,Power,{head},"]
    for a in range(n):
        cells = ",".join(f"{x[a, k]:.2f},{s[a, k]:.2f}" for k in range(d))
        rows.append(f"A{a:02d},Random actor,{c[a]:.3f},{cells},")
    path.write_text("\n".join(rows) + "\n")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        case = Path(tmp) / "bench30.csv"
        ktab_case(case)
        t = whole(["forecast", str(case), "--model", "smp"])
    raise SystemExit(report("forecast <30-actor KTAB case> --model smp", t, "0.58 s (smpc 3.3-4.2 s)", 0.33))
