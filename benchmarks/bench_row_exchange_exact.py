"""Issue 19 row: ``allied forecast cop21_input.txt -m exchange`` with the exact default (now 2.7-3.3 s,
the package's loop 44 s; goal <= 0.5 s with the package's decisions), whole process."""

from _rows import SHARED, report, whole

if __name__ == "__main__":
    case = SHARED / "exchange" / "cop21_input.txt"
    raise SystemExit(report("forecast cop21_input.txt -m exchange (exact)",
                            whole(["forecast", str(case), "-m", "exchange"]), "2.7-3.3 s", 0.5))
