"""Fixtures the source tests write themselves: a minimal text PDF, an HTML page, a small scenario."""

from __future__ import annotations

from pathlib import Path

import yaml


def pdf_bytes(lines: list[str]) -> bytes:
    """A one-page PDF (Helvetica, one text line per entry), written by hand from the PDF 1.4 syntax."""

    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = "BT /F1 11 Tf 14 TL 72 760 Td " + " ".join(f"({esc(line)}) Tj T*" for line in lines) + " ET"
    stream = ops.encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R "
        b"/Resources << /Font << /F1 4 0 R >> >> >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


HTML_PAGE = """<!doctype html><html><head><title>Talks</title><style>p {color: red}</style>
<script>var hidden = "Tokyo agreed to pay everything at once";</script></head>
<body><nav><a href="/">Home</a> <a href="/world">World news menu</a></nav>
<header>Site banner with a Subscribe button</header>
<article><h1>Host-nation support talks resume</h1>
<p>Japan&rsquo;s negotiators said on Tuesday that Tokyo would <b>not</b> accept a fourfold increase
   in its host&#8209;nation support.</p>
<p>The US side asked for &ldquo;a fairer share&rdquo;&nbsp;of the costs of its 54,000 troops.</p>
</article><footer>Copyright notice and cookie banner</footer></body></html>"""


def scenario(tmp: Path, source: dict, quotes: list[str], name: str = "case.yaml") -> Path:
    """A small valid scenario whose stances quote ``quotes`` from ``source`` (id 'src')."""
    data = {
        "allied": 1, "id": "case", "title": "Test case",
        "sources": [{"id": "src", "title": "A source", **source}],
        "actors": [{"id": f"A{k}", "name": f"Actor {k}", "capability": 1} for k in range(len(quotes))],
        "issues": [{"id": "i", "name": "Issue", "scale": [0, 100]}],
        "stances": [{"actor": f"A{k}", "issue": "i", "position": 50, "salience": 50,
                     "evidence": {"source": "src", "quote": q}} for k, q in enumerate(quotes)],
    }
    path = tmp / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    return path
