"""Issue 19 row: ``allied sweep korea-2019 --model smp --samples 2000`` (now 3.3 s, goal <= 1.5 s whole
process; steady state >= 5,000 samples/s, measured as 2000 extra samples over the
time a 4000-sample run takes beyond a 2000-sample one)."""

import statistics

from _rows import report, whole

ARGS = ["sweep", "korea-2019", "--model", "smp", "--out", "{tmp}/run", "--samples"]

if __name__ == "__main__":
    t2 = whole([*ARGS, "2000"])
    t4 = whole([*ARGS, "4000"])
    steady = 2000 / max(statistics.median(t4) - statistics.median(t2), 1e-9)
    raise SystemExit(report("sweep korea-2019 --model smp --samples 2000", t2, "3.3 s", 1.5,
                            f"steady state {steady:,.0f} samples/s (goal >= 5,000)"))
