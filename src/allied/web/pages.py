"""Read-only pages: the scenario list, a scenario's evidence, forecasts, protocols, ledger, downloads."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from allied.errors import Cancelled
from allied.scenario import Scenario, ScenarioError
from allied.scenario.writer import to_yaml
from allied.web import engines, views
from allied.web.render import page
from allied.web.store import Entry, Store

T = TypeVar("T")

router = APIRouter()


def store_of(request: Request) -> Store:
    return request.app.state.store  # type: ignore[no-any-return]


def entry_of(request: Request, key: str) -> Entry:
    """The listed scenario named ``key``; 404 for anything else (no request path reaches the disk)."""
    entry = store_of(request).get(key)
    if entry is None:
        raise HTTPException(404, "No such scenario. Scenarios are named as the list on the start page shows them.")
    return entry


def loaded(request: Request, key: str) -> tuple[Entry, Scenario | None, list[Any]]:
    entry = entry_of(request, key)
    try:
        return entry, store_of(request).scenario(entry), []
    except ScenarioError as exc:
        return entry, None, exc.problems


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> HTMLResponse:
    return page(request, "index.html", views.index_context(store_of(request)))


@router.get("/scenarios/{key}", response_class=HTMLResponse)
def scenario(request: Request, key: str) -> HTMLResponse:
    entry, sc, problems = loaded(request, key)
    if sc is None:
        return page(request, "scenario.html", {"entry": entry, "sc": None, "problems": problems, "tab": "scenario"},
                    status_code=422)
    return tab_page(request, entry, sc, "scenario")


def tab_page(request: Request, entry: Entry, sc: Scenario, tab: str, status_code: int = 200,
             **extra: Any) -> HTMLResponse:
    """The scenario, protocol or ledger page (``extra``: the change form's values and problems)."""
    ctx: dict[str, Any] = {"entry": entry, "sc": sc, "tab": tab, "set_paths": views.set_paths(sc, tab), **extra}
    if tab == "protocol":
        ctx.update(heading="Negotiating protocols compared", sec=engines.protocol_section(sc))
        return page(request, "engine.html", ctx, status_code=status_code)
    if tab == "ledger":
        ctx.update(heading="Alliance ledger", sec=engines.ledger_section(sc))
        return page(request, "engine.html", ctx, status_code=status_code)
    ctx.update(views.evidence(sc, verify_quotes(request, entry, sc)))
    return page(request, "scenario.html", ctx, status_code=status_code)


def verify_quotes(request: Request, entry: Entry, sc: Scenario) -> Any:
    """Check the scenario's quotes against its source files (beside the file, in the app's source folders
    and $ALLIED_SOURCES); None when no source names a file."""
    if not any(s.path for s in sc.sources):
        return None
    from allied.scenario.sources import verify

    return verify(sc, entry.path, getattr(request.app.state, "source_dirs", []))


def _needs(request: Request, key: str, tab: str) -> tuple[Entry, Scenario] | HTMLResponse:
    entry, sc, problems = loaded(request, key)
    if sc is None:
        return page(request, "scenario.html", {"entry": entry, "sc": None, "problems": problems, "tab": tab},
                    status_code=422)
    return entry, sc


async def while_connected(request: Request, work: Callable[[Callable[[], bool]], T]) -> T:
    """Run ``work(stop)`` off the event loop; if the client goes away first, ``stop()`` turns true and the
    work abandons itself (between models) with :class:`~allied.errors.Cancelled`."""
    gone = threading.Event()
    task = asyncio.ensure_future(run_in_threadpool(work, gone.is_set))
    while not task.done():
        await asyncio.wait({task}, timeout=POLL_SECONDS)
        if not task.done() and await request.is_disconnected():
            gone.set()
    return task.result()


#: how often a waiting forecast page checks that its client is still there
POLL_SECONDS = 0.25
#: the status nginx made common for "client closed the request" (nobody reads it: the client is gone)
CLIENT_GONE = 499


@router.get("/scenarios/{key}/forecast", response_class=HTMLResponse)
async def forecast(request: Request, key: str, issue: str | None = None) -> Response:
    got = await run_in_threadpool(_needs, request, key, "forecast")
    if isinstance(got, HTMLResponse):
        return got
    entry, sc = got
    try:
        fc = await while_connected(request, lambda stop: engines.forecast_section(sc, issue, stop))
    except Cancelled:
        return Response(status_code=CLIENT_GONE)
    ctx = {"entry": entry, "sc": sc, "tab": "forecast", "fc": fc, "groups": views.stance_groups(sc)}
    return page(request, "forecast.html", ctx)


@router.get("/scenarios/{key}/forecast/panel", response_class=HTMLResponse)
async def forecast_panel(request: Request, key: str, issue: str | None = None) -> Response:
    got = await run_in_threadpool(_needs, request, key, "forecast")
    if isinstance(got, HTMLResponse):
        return got
    entry, sc = got
    try:
        fc = await while_connected(request, lambda stop: engines.forecast_section(sc, issue, stop))
    except Cancelled:
        return Response(status_code=CLIENT_GONE)
    return page(request, "_forecast.html", {"entry": entry, "sc": sc, "fc": fc, "partial": True})


@router.get("/scenarios/{key}/protocol", response_class=HTMLResponse)
def protocol(request: Request, key: str) -> HTMLResponse:
    got = _needs(request, key, "protocol")
    if isinstance(got, HTMLResponse):
        return got
    entry, sc = got
    return tab_page(request, entry, sc, "protocol")


@router.get("/scenarios/{key}/ledger", response_class=HTMLResponse)
def ledger(request: Request, key: str) -> HTMLResponse:
    got = _needs(request, key, "ledger")
    if isinstance(got, HTMLResponse):
        return got
    entry, sc = got
    return tab_page(request, entry, sc, "ledger")


@router.get("/scenarios/{key}/download.yaml")
def download_yaml(request: Request, key: str) -> Response:
    _, sc, _ = loaded(request, key)
    if sc is None:
        raise HTTPException(422, "This file does not load as a scenario; fix the problems shown on its page.")
    name = f"{views.safe_stem(sc.id)}.yaml"
    return Response(to_yaml(sc), media_type="application/x-yaml; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/scenarios/{key}/report.html")
def download_report(request: Request, key: str) -> Response:
    _, sc, _ = loaded(request, key)
    if sc is None:
        raise HTTPException(422, "This file does not load as a scenario; fix the problems shown on its page.")
    html = engines.report_html(sc)
    name = f"{views.safe_stem(sc.id)}-report.html"
    return Response(html, media_type="text/html; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
