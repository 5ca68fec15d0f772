"""The FastAPI application factory.

``create_app(scenarios_dir)`` wires the scenario store, the templates (package data), the vendored static
files (HTMX) and plotly.js from the plotly wheel, the request guards (:mod:`allied.web.security`) and the
page routes (:mod:`allied.web.pages`, :mod:`allied.web.edit`, :mod:`allied.web.sweeps`). Nothing is
fetched from another site: every script the pages load is served by this app.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from allied.web.security import LOOPBACK, Guard
from allied.web.store import Store

#: largest accepted upload (the file itself); the request body may carry a little multipart framing more
MAX_UPLOAD = 5 * 1024 * 1024
MAX_BODY = MAX_UPLOAD + 64 * 1024


@functools.lru_cache(maxsize=1)
def plotly_js() -> tuple[bytes, str]:
    """plotly.js from the installed plotly wheel, and its ETag."""
    from plotly.offline import get_plotlyjs

    body = get_plotlyjs().encode("utf-8")
    return body, hashlib.sha256(body).hexdigest()[:16]


def _templates() -> Jinja2Templates:
    env = Environment(loader=PackageLoader("allied.web", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    env.filters["num"] = _num
    return Jinja2Templates(env=env)


def _num(v: Any) -> str:
    """A number for tables: thousands separated, one or two decimals; '–' when missing."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return "–" if v is None else str(v)
    if f != f:
        return "–"
    if abs(f) >= 1000:
        return f"{f:,.0f}"
    return f"{f:.1f}" if abs(f) >= 10 else f"{f:.2f}"


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


def page(request: Request, template: str, context: dict[str, Any], status_code: int = 200,
         headers: dict[str, str] | None = None) -> HTMLResponse:
    """Render a template with the context every page shares."""
    templates: Jinja2Templates = request.app.state.templates
    ctx = {"request": request, **context}
    return templates.TemplateResponse(request, template, ctx, status_code=status_code, headers=headers)
