"""Web app latency on korea-2019: first forecast page (every model run, compiled code warm), a stance edit
(validate, save, rerun every model, render the panel and figures), and the static plotly.js.

Measured in-process with FastAPI's TestClient, so the figures exclude the browser's own drawing time.
Target from docs/web.md: an edit answers in about a second or less.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time


def main() -> None:
    os.environ.setdefault("ALLIED_HOME", tempfile.mkdtemp(prefix="allied-bench-web-"))
    from fastapi.testclient import TestClient

    from allied.api import load
    from allied.web import create_app, engines

    engines.forecasts(load("korea-2019"))  # compile the models once, as `allied serve` does at start-up
    engines._cache._d.clear()
    client = TestClient(create_app(), base_url="http://127.0.0.1:8765", follow_redirects=False)
    hx = {"Origin": "http://127.0.0.1:8765", "HX-Request": "true"}

    t0 = time.perf_counter()
    r = client.get("/scenarios/korea-2019/forecast")
    first, first_size = time.perf_counter() - t0, len(r.content)
    assert r.status_code == 200
    key = client.post("/scenarios/korea-2019/copy", headers=hx).headers["location"].split("/")[2]
    times, sizes = [], []
    for k in range(10):
        t0 = time.perf_counter()
        r = client.post(f"/scenarios/{key}/stance", headers=hx,
                        data={"actor": "USA", "issue": "sanctions_relief", "position": str(10 + 5 * k)})
        times.append(time.perf_counter() - t0)
        sizes.append(len(r.content))
        assert r.status_code == 200
    t0 = time.perf_counter()
    js = client.get("/static/plotly.min.js")
    static = time.perf_counter() - t0

    print(f"{'what':<48} {'seconds':>9} {'bytes':>11}")
    print(f"{'forecast page, every model (cold cache)':<48} {first:>9.3f} {first_size:>11,}")
    print(f"{'stance edit, median of 10':<48} {statistics.median(times):>9.3f} {int(statistics.median(sizes)):>11,}")
    print(f"{'stance edit, slowest of 10':<48} {max(times):>9.3f}")
    print(f"{'plotly.min.js from the wheel':<48} {static:>9.3f} {len(js.content):>11,}")


if __name__ == "__main__":
    main()
