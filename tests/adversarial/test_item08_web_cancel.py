"""Item 8 of issue 20: a web forecast whose client has left is cancelled (between models) instead of running
every model to the end, and nothing half-done is cached."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from allied.errors import Cancelled
from allied.scenario import load
from allied.web import engines
from allied.web.pages import while_connected


def test_stop_abandons_the_run_between_models_and_caches_nothing() -> None:
    sc = load("korea-2019")
    engines._cache._d.clear()
    asked: list[int] = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) > 1  # the client leaves once the first model has run

    with pytest.raises(Cancelled, match="abandoned"):
        engines.forecast_section(sc, None, stop)
    assert len(asked) == 2 and not engines._cache._d  # stopped before the second model; nothing cached
    frame, _ = engines.forecasts(sc)  # a later visitor gets the whole run
    assert set(frame["model"]) >= {"mean", "median", "eum"}


class _Request:
    """A request whose client disconnects after ``after`` checks."""

    def __init__(self, after: int) -> None:
        self.after, self.checks = after, 0

    async def is_disconnected(self) -> bool:
        self.checks += 1
        return self.checks > self.after


def test_a_page_whose_client_left_tells_its_work_to_stop(monkeypatch: pytest.MonkeyPatch) -> None:
    import allied.web.pages as pages

    monkeypatch.setattr(pages, "POLL_SECONDS", 0.01)
    seen: dict[str, Any] = {}

    def work(stop: Any) -> str:
        import time

        for _ in range(500):  # a long forecast, asking between models
            if stop():
                seen["stopped"] = True
                raise Cancelled("gone")
            time.sleep(0.01)
        return "finished"

    with pytest.raises(Cancelled):
        asyncio.run(while_connected(_Request(after=2), work))  # type: ignore[arg-type]
    assert seen == {"stopped": True}
    assert asyncio.run(while_connected(_Request(after=10**6), lambda stop: "quick")) == "quick"  # type: ignore[arg-type]
