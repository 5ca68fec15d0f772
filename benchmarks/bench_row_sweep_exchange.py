"""Issue 19 row: ``allied sweep korea-2019 --model exchange --samples 2000`` (now 4.1 s with the float kernel,
goal <= 1.5 s whole process). Extra arguments go to the command, e.g. the float kernel's row:
``python benchmarks/bench_row_sweep_exchange.py -p arithmetic=float`` (the default is the exact arithmetic)."""

import sys

from _rows import report, whole

ARGS = ["sweep", "korea-2019", "--model", "exchange", *sys.argv[1:], "--out", "{tmp}/run", "--samples"]

if __name__ == "__main__":
    t2 = whole([*ARGS, "2000"])
    label = " ".join(["sweep korea-2019 --model exchange", *sys.argv[1:], "--samples 2000"])
    raise SystemExit(report(label, t2, "4.1 s (float)", 1.5))
