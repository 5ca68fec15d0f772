"""Open a report in headless Chromium with the network cut off: check its plots render, take screenshots.

Uses Playwright (a dev dependency, imported lazily) driving the system's Chromium (Debian package
``chromium``, never ``playwright install``). Every request other than ``file://`` (and inline ``data:``)
is aborted and recorded, so a report that tries to reach the network is caught. A test and documentation
tool, kept out of the installed package:

    .venv/bin/python tests/report/report_browser.py report.html docs/img/report-korea-2019.png
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]

#: JavaScript that measures every plot: its id, engine, the size of its main SVG (or canvas) and of its div
_MEASURE = """() => Array.from(document.querySelectorAll('div.plot[data-figure]')).map(div => {
  const el = div.querySelector('svg.main-svg') || div.querySelector('canvas');
  const r = el ? el.getBoundingClientRect() : {width: 0, height: 0};
  const box = div.getBoundingClientRect();
  return {id: div.id, engine: div.getAttribute('data-engine'), kind: el ? el.tagName.toLowerCase() : null,
          width: r.width, height: r.height, box_height: box.height, traces: div.data ? div.data.length : 0};
})"""


@dataclass
class Opened:
    """What the browser saw: the page, blocked network requests and console errors."""

    page: Any
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def plots(self) -> list[dict[str, Any]]:
        return list(self.page.evaluate(_MEASURE))


@contextmanager
def open_report(path: str | Path, width: int = 1360, height: int = 900, timeout_ms: int = 60_000) -> Iterator[Opened]:
    """Open ``path`` in headless Chromium, network blocked; waits until every plot has been drawn."""
    from playwright.sync_api import sync_playwright

    url = Path(path).resolve().as_uri()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            opened = Opened(page)

            def route(r: Any) -> None:
                if r.request.url.startswith(("file://", "data:")):
                    r.continue_()
                else:
                    opened.blocked.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.on("pageerror", lambda e: opened.errors.append(str(e)))
            page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
            page.goto(url, wait_until="load", timeout=timeout_ms)
            page.wait_for_function("() => window.alliedPlots && "
                                   "window.alliedPlots.drawn + window.alliedPlots.failed.length "
                                   ">= window.alliedPlots.total", timeout=timeout_ms)
            yield opened
        finally:
            browser.close()


def screenshot(path: str | Path, out: str | Path, width: int = 1360, height: int = 1500,
               full_page: bool = False) -> Path:
    """A PNG of the report's first screen(s) (``full_page`` for all of it)."""
    with open_report(path, width, height) as o:
        o.page.screenshot(path=str(out), full_page=full_page)
    return Path(out)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) < 2:
        print("usage: python tests/report/report_browser.py REPORT.html OUT.png [HEIGHT]", file=sys.stderr)
        return 2
    height = int(args[2]) if len(args) > 2 else 1500
    screenshot(args[0], args[1], height=height)
    print(f"wrote {args[1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
