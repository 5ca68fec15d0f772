"""A stdlib HTML scanner for the report tests: section ids, plot divs, external references, text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

EXTERNAL = re.compile(r"^\s*(https?:)?//", re.I)


class Scan(HTMLParser):
    """Collects what the tests check; raises nothing on odd markup (the browser test covers rendering)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.sections: list[str] = []
        self.plots: list[dict[str, str]] = []
        self.external: list[str] = []
        self.unavailable: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self._section: str | None = None
        self._in_script = False
        self._in_unavailable = 0
        self._buf: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append(tag)
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "section":
            self.sections.append(a.get("id", ""))
            self._section = a.get("id", "")
        if tag == "div" and "plot" in a.get("class", "").split() and "data-figure" in a:
            self.plots.append({**a, "section": self._section or ""})
        for attr in ("src", "href", "data", "poster", "srcset", "action"):
            if attr in a and EXTERNAL.match(a[attr]) and tag in ("script", "link", "img", "iframe", "embed",
                                                                  "object", "source", "video", "audio", "form"):
                self.external.append(f"<{tag} {attr}={a[attr]}>")
        if tag == "script":
            self._in_script = True
        if tag == "div" and "unavailable" in a.get("class", "").split():
            self._in_unavailable = 1
            self._buf = [f"[{self._section}] "]
        elif self._in_unavailable and tag == "div":
            self._in_unavailable += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False
        if tag == "section":
            self._section = None
        if tag == "div" and self._in_unavailable:
            self._in_unavailable -= 1
            if not self._in_unavailable:
                self.unavailable.append("".join(self._buf))

    def handle_data(self, data: str) -> None:
        if self._in_script:
            return
        self.text.append(data)
        if self._in_unavailable:
            self._buf.append(data)

    @property
    def plain(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.text))


def scan(html: str) -> Scan:
    s = Scan()
    s.feed(html)
    s.close()
    return s
