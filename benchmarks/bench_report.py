"""Report build time and size: ``allied report korea-2019`` as a user runs it (a fresh process each time).

Target (issue 9): the whole command under 60 s on 2 cores, the file under 15 MB. Measured as wall time of
the complete command, cold (first run in a fresh process, imports and JIT caches included), for several
sweep sizes; the command's own figure (build only) is printed beside it.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

SAMPLES = (0, 64, 256, 1024)


def run(samples: int, out: Path) -> tuple[float, float, str]:
    allied = Path(sys.executable).with_name("allied")
    t0 = time.perf_counter()
    proc = subprocess.run([str(allied), "report", "korea-2019", "-o", str(out), "--samples", str(samples)],
                          capture_output=True, text=True, check=True)
    return time.perf_counter() - t0, out.stat().st_size / 1e6, proc.stdout.strip()


def main() -> None:
    print(f"{'samples':>8} {'wall s':>8} {'MB':>6}  command says")
    with tempfile.TemporaryDirectory() as tmp:
        for n in SAMPLES:
            wall, mb, said = run(n, Path(tmp) / f"r{n}.html")
            print(f"{n:>8} {wall:>8.1f} {mb:>6.1f}  {said}", flush=True)
    print("target: < 60 s and < 15 MB at the default --samples 256")


if __name__ == "__main__":
    main()
