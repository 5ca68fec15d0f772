"""The local web app (``allied serve``): explore and edit a scenario, rerun every engine, watch sweeps.

Thin by design: every page calls the public engine APIs and renders their results and the report's
figures; an engine that is missing shows "not available". FastAPI + Jinja2 + HTMX (vendored in
``static/``) + plotly.js from the plotly wheel; nothing is loaded from another site.

>>> from allied.web import create_app
>>> app = create_app("/tmp/my-scenarios")          # doctest: +SKIP
"""

from allied.web.app import create_app

__all__ = ["create_app"]
