"""Issue 19 row: ``allied forecast cop21_input.txt -m exchange -p arithmetic=float`` (now 0.8-1.05 s,
goal <= 0.4 s), whole process."""

from _rows import SHARED, report, whole

if __name__ == "__main__":
    case = SHARED / "exchange" / "cop21_input.txt"
    raise SystemExit(report("forecast cop21_input.txt -m exchange -p arithmetic=float",
                            whole(["forecast", str(case), "-m", "exchange", "-p", "arithmetic=float"]),
                            "0.8-1.05 s", 0.4))
