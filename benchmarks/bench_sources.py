"""Speed of drafting and of quote verification, whole process (start-up included), as an analyst runs them.

* ``allied draft`` on 20,000 words of sources against a skeleton of 6 actors × 8 issues (target: < 3 s).
  The sources are the seed article (../shared/sources) repeated with its paragraphs in shifting orders to
  reach 20,000 words, written to a temporary folder; the skeleton is korea-2019's actors and issues plus an
  eighth issue, without stances.
* ``allied validate korea-2019`` with and without the source folder (target: verification adds < 0.5 s).

Each figure is the best of ``REPEATS`` runs (the machine is shared; the minimum is the least disturbed).
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SOURCES = (ROOT / ".." / "shared" / "sources").resolve()
ARTICLE = SOURCES / "allied-approach-to-north-korea-2019.txt"
ALLIED = str(Path(sys.executable).parent / "allied")
REPEATS = 5
WORDS = 20_000


def best(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """(best wall-clock seconds, best CPU seconds) of the whole process. On a busy shared machine the wall
    clock mostly measures waiting for a core; the CPU time is what an idle machine's wall clock would be."""
    walls, cpus = [], []
    for _ in range(REPEATS):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
        walls.append(time.perf_counter() - t0)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
    return min(walls), min(cpus)


def corpus(words: int) -> str:
    paras = [p for p in ARTICLE.read_text("utf-8").split("\n\n") if p.strip()]
    out: list[str] = []
    n, shift = 0, 0
    while n < words:
        for p in paras[shift:] + paras[:shift]:
            out.append(p)
            n += len(p.split())
            if n >= words:
                break
        shift = (shift + 3) % len(paras)
    return "\n\n".join(out)


def skeleton() -> dict:
    from allied.scenario.load import load_data

    data, _, _ = load_data("korea-2019")
    data = {k: v for k, v in data.items() if k not in ("stances", "alliance", "protocol", "outcomes")}
    data["issues"] = [*data["issues"], {"id": "arms_purchases", "name": "South Korea's purchases of US arms",
                                        "scale": [0, 100], "keywords": ["arms", "military equipment", "buyer"]}]
    return data


def main() -> int:
    if not ARTICLE.is_file():
        print(f"needs the seed article at {ARTICLE}")
        return 1
    tmp = Path(tempfile.mkdtemp(prefix="allied-bench-sources-"))
    try:
        text = corpus(WORDS)
        (tmp / "news.txt").write_text(text, "utf-8")
        sk = skeleton()
        (tmp / "skeleton.yaml").write_text(yaml.safe_dump(sk, sort_keys=False, allow_unicode=True), "utf-8")
        n_words = len(text.split())
        draft = best([ALLIED, "draft", "news.txt", "--skeleton", "skeleton.yaml", "-o", "draft.yaml"], tmp)
        with_src = best([ALLIED, "validate", "korea-2019", "--source-dir", str(SOURCES)], tmp)
        without = best([ALLIED, "validate", "korea-2019", "--no-sources"], tmp)
        print(f"{'measure':58s} {'wall s':>7s} {'cpu s':>7s}  target")
        label = f"allied draft: {n_words:,} words, {len(sk['actors'])} actors × {len(sk['issues'])} issues"
        print(f"{label:58s} {draft[0]:7.2f} {draft[1]:7.2f}  < 3")
        print(f"{'allied validate korea-2019 --source-dir (21 quotes)':58s} {with_src[0]:7.2f} {with_src[1]:7.2f}")
        print(f"{'allied validate korea-2019 --no-sources':58s} {without[0]:7.2f} {without[1]:7.2f}")
        print(f"{'verification adds':58s} {with_src[0] - without[0]:7.2f} {with_src[1] - without[1]:7.2f}  < 0.5")
        print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
