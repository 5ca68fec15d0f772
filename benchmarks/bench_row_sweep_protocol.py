"""Issue 19 row: ``allied sweep korea-2019 --model protocol --samples 2000`` (now 3.8 s, goal <= 1.5 s whole
process)."""


from _rows import report, whole

ARGS = ["sweep", "korea-2019", "--model", "protocol", "--out", "{tmp}/run", "--samples"]

if __name__ == "__main__":
    t2 = whole([*ARGS, "2000"])
    raise SystemExit(report("sweep korea-2019 --model protocol --samples 2000", t2, "3.8 s", 1.5))
