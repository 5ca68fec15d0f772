"""Issue 19 row: ``allied --help`` (now 0.51 s, goal <= 0.25 s), whole process."""

from _rows import report, whole

if __name__ == "__main__":
    raise SystemExit(report("allied --help", whole(["--help"]), "0.51 s", 0.25))
