"""The FastAPI application factory.

``create_app(scenarios_dir)`` wires the scenario store, the templates (package data), the vendored static
files (HTMX) and plotly.js from the plotly wheel, the request guards (:mod:`allied.web.security`) and the
page routes (:mod:`allied.web.pages`, :mod:`allied.web.edit`, :mod:`allied.web.sweeps`). Nothing is
fetched from another site: every script the pages load is served by this app.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from allied.web.render import MAX_BODY, _templates, page, plotly_js
from allied.web.security import LOOPBACK, Guard
from allied.web.store import Store


def create_app(scenarios_dir: str | Path | None = None, allowed_hosts: Iterable[str] = LOOPBACK,
               runs_dir: str | Path | None = None, source_dirs: Iterable[str | Path] = (),
               history: int | None = None) -> FastAPI:
    """The web app over the scenarios in ``scenarios_dir`` (default ``$ALLIED_HOME/scenarios`` or
    ``~/.allied/scenarios``). ``allowed_hosts`` are the names the app answers to (loopback by default);
    ``source_dirs`` are folders holding the scenarios' source files (quotes are checked against them);
    ``history`` is how many previous versions of each edited file are kept (default 20 or ``$ALLIED_HISTORY``)."""
    from allied.web import builder, edit, pages, sweeps, track

    app = FastAPI(title="Allied", docs_url=None, redoc_url=None, openapi_url=None)
    store = Store(scenarios_dir, history=history)
    app.state.store = store
    app.state.source_dirs = [Path(d) for d in source_dirs]
    app.state.templates = _templates()
    if runs_dir is None:  # $ALLIED_HOME/runs (docs/web.md), also when --scenarios names another folder
        from allied.sweeps.store import allied_home

        runs_dir = allied_home() / "runs"
    app.state.runs_dir = Path(runs_dir)
    app.state.sweeps = sweeps.Manager(app.state.runs_dir)

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly(request: Request) -> Response:
        body, etag = plotly_js()
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304)
        return Response(body, media_type="application/javascript",
                        headers={"ETag": etag, "Cache-Control": "public, max-age=86400"})

    app.mount("/static", StaticFiles(packages=[("allied.web", "static")]), name="static")
    app.include_router(pages.router)
    app.include_router(edit.router)
    app.include_router(builder.router)
    app.include_router(sweeps.router)
    app.include_router(track.router)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/static/"):
            return Response(f"{exc.status_code} {exc.detail}", status_code=exc.status_code,
                            media_type="text/plain")
        return page(request, "error.html", {"status": exc.status_code, "detail": exc.detail},
                    status_code=exc.status_code)

    app.add_middleware(Guard, max_body=MAX_BODY, allowed_hosts=allowed_hosts)
    return app
