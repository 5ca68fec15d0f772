"""Issue 19 row: ``allied forecast korea-2019 --model mean`` (now 0.57 s, goal <= 0.35 s), whole process."""

from _rows import report, whole

if __name__ == "__main__":
    raise SystemExit(report("forecast korea-2019 --model mean", whole(["forecast", "korea-2019", "--model", "mean"]),
                            "0.57 s", 0.35))
