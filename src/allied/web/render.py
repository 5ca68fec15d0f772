"""What every page shares: the templates, the page renderer, upload limits and plotly.js.

The routers (:mod:`allied.web.pages`, :mod:`allied.web.edit`, :mod:`allied.web.builder`,
:mod:`allied.web.sweeps`, :mod:`allied.web.track`) import this module, and :mod:`allied.web.app` imports the
routers: nothing imports the application factory back.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape

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


def page(request: Request, template: str, context: dict[str, Any], status_code: int = 200,
         headers: dict[str, str] | None = None) -> HTMLResponse:
    """Render a template with the context every page shares."""
    templates: Jinja2Templates = request.app.state.templates
    ctx = {"request": request, **context}
    return templates.TemplateResponse(request, template, ctx, status_code=status_code, headers=headers)
