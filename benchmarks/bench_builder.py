"""Scenario builder latency on a 20-actor × 10-issue scenario: one edit (validate and save, the previous
version kept) followed by the rerun of every model's deterministic forecast (the builder's preview),
measured as whole HTTP requests in-process with FastAPI's TestClient, plus the stance editor's single
request (validate, save, rerun every model, render the panel and its figures).

Target from issue 17 (docs/web.md): edit + rerun under 1 s on 2 cores. Run: ``python benchmarks/bench_builder.py``.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ACTORS, ISSUES = 20, 10


def big_scenario(actors: int = ACTORS, issues: int = ISSUES, seed: int = 7) -> dict[str, Any]:
    """A synthetic scenario: every actor on every issue, a third of the figures given as ranges."""
    rng = np.random.default_rng(seed)
    acts = [{"id": f"A{a:02d}", "name": f"Actor {a}", "capability": int(rng.integers(5, 100))}
            for a in range(actors)]
    isss = [{"id": f"i{i}", "name": f"Issue {i}", "scale": [0, 100], "status_quo": 50} for i in range(issues)]
    stances = []
    for i in isss:
        for a in acts:
            pos = float(rng.integers(0, 101))
            st: dict[str, Any] = {"actor": a["id"], "issue": i["id"], "salience": int(rng.integers(10, 100))}
            st["position"] = {"low": max(0.0, pos - 10), "mode": pos, "high": min(100.0, pos + 10)} \
                if rng.random() < 1 / 3 else pos
            st["evidence"] = {"source": "synthetic", "note": "made-up figure for the benchmark"}
            stances.append(st)
    return {"allied": 1, "id": "bench-20x10", "title": "Benchmark 20 actors × 10 issues",
            "sources": [{"id": "synthetic", "title": "Synthetic data"}], "actors": acts, "issues": isss,
            "stances": stances}


def main(rounds: int = 10) -> None:
    os.environ.setdefault("ALLIED_HOME", tempfile.mkdtemp(prefix="allied-bench-builder-"))
    from fastapi.testclient import TestClient

    from allied.scenario.validate import from_data
    from allied.scenario.writer import to_yaml
    from allied.web import create_app, engines

    data = big_scenario()
    sc = from_data(data, {}, "bench")
    app = create_app()
    folder: Path = app.state.store.folder
    (folder / "bench.work.yaml").write_text(to_yaml(sc), encoding="utf-8")
    from allied.web.builder import preview_forecasts

    engines.forecasts(sc)  # compile the models once, as `allied serve` does at start-up
    preview_forecasts(sc)
    client = TestClient(app, base_url="http://127.0.0.1:8765", follow_redirects=False)
    h = {"Origin": "http://127.0.0.1:8765"}
    edit, preview, both, stance = [], [], [], []
    for k in range(rounds):
        t0 = time.perf_counter()
        r = client.post("/scenarios/bench.work.yaml/build/set", headers=h,
                        json={"path": ["stances", {"actor": "A03", "issue": "i2"}, "salience"], "value": 20 + 3 * k})
        t1 = time.perf_counter()
        assert r.status_code == 200, r.text
        p = client.get("/scenarios/bench.work.yaml/build/preview")
        t2 = time.perf_counter()
        assert p.status_code == 200 and "preview-table" in p.text
        edit.append(t1 - t0)
        preview.append(t2 - t1)
        both.append(t2 - t0)
    for k in range(min(rounds, 2)):  # the forecast page's editor: exact exchange arithmetic and figures
        t0 = time.perf_counter()
        r = client.post("/scenarios/bench.work.yaml/stance", headers={**h, "HX-Request": "true"},
                        data={"actor": "A05", "issue": "i4", "position": str(10 + 4 * k)})
        stance.append(time.perf_counter() - t0)
        assert r.status_code == 200
    print(f"20 actors × 10 issues, {rounds} edits, {os.cpu_count()} CPUs visible")
    print(f"{'what':<58} {'median s':>9} {'max s':>7}")
    for name, xs in (("builder edit: validate + save (+ version kept)", edit),
                     ("builder preview: rerun every model, deterministic", preview),
                     ("edit + rerun, whole requests", both),
                     ("stance editor: edit, rerun, panel and figures (1 request)", stance)):
        print(f"{name:<58} {statistics.median(xs):>9.3f} {max(xs):>7.3f}")


if __name__ == "__main__":
    main()
