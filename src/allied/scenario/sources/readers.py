"""Read a source file into plain text: ``.txt``/``.md`` as they are, HTML to its readable text with
selectolax (Lexbor engine), PDF with pypdf. Paragraphs are separated by a blank line in the result, so
a quote's paragraph number is the count of blank-line breaks before it, plus one.

Offsets reported by verification and drafting are offsets into this text (for ``.txt`` and ``.md``, the
file itself decoded as UTF-8).
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from allied.errors import ScenarioError, fail

TEXT_SUFFIXES = (".txt", ".md", ".text", ".markdown")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
PDF_SUFFIXES = (".pdf",)
SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + PDF_SUFFIXES
MAX_BYTES = 50 * 1024 * 1024

#: elements whose text is never part of an article's readable text
_SKIP_TAGS = ("script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside", "form",
              "iframe", "button", "select", "head")
_BLOCK_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "th", "dd", "dt",
               "figcaption", "caption")


@dataclass
class SourceText:
    """The readable text of one source file."""

    path: Path
    text: str
    kind: str  # text, html or pdf
    sha256: str  # of the file's bytes (what `sha256sum FILE` prints)

    @cached_property
    def paragraph_starts(self) -> list[int]:
        """Offsets at which each paragraph starts (paragraphs are separated by blank lines)."""
        return [0] + [m.end() for m in re.finditer(r"\n[ \t\r\f\v]*\n\s*", self.text)]

    def paragraph(self, offset: int) -> int:
        """1-based number of the paragraph holding ``offset``."""
        return bisect_right(self.paragraph_starts, offset)

    def passage(self, start: int, end: int, context: int = 300) -> tuple[str, str, str]:
        """(text before, the span, text after), the context cut at word boundaries."""
        a = max(0, start - context)
        b = min(len(self.text), end + context)
        if a > 0:
            a = self.text.find(" ", a, start) + 1 or a
        if b < len(self.text):
            sp = self.text.rfind(" ", end, b)
            b = sp if sp > 0 else b
        return self.text[a:start], self.text[start:end], self.text[end:b]


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_source(path: Path, label: str | None = None) -> SourceText:
    """Read ``path`` by its suffix; raises :class:`ScenarioError` (located at ``label``) when it cannot."""
    where = label or str(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise fail(where, "path", f"cannot read '{path.name}': unknown kind of file '{suffix or '(no suffix)'}'",
                   "give a .txt, .md, .html or .pdf file (save other formats as text first)")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise fail(where, "path", f"cannot read {path}: {exc.strerror}", "check the path and its permissions") from None
    if len(raw) > MAX_BYTES:
        raise fail(where, "path", f"{path.name} is larger than {MAX_BYTES // 2**20} MB", "give the article itself")
    digest = hashlib.sha256(raw).hexdigest()
    if suffix in PDF_SUFFIXES:
        return SourceText(path, _pdf_text(raw, path, where), "pdf", digest)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if suffix in HTML_SUFFIXES:
        return SourceText(path, html_text(text), "html", digest)
    return SourceText(path, text, "text", digest)


def html_text(html: str) -> str:
    """Readable text of an HTML page: the text of its block elements (paragraphs, headings, list items),
    one paragraph each, without scripts, styles, navigation, headers, footers and asides. An
    ``<article>`` or ``<main>`` element, when present, is taken as the page's content."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    tree.strip_tags(list(_SKIP_TAGS))
    root = tree.css_first("article") or tree.css_first("main") or tree.body or tree.root
    if root is None:
        return ""
    paras: list[str] = []
    for node in root.css(",".join(_BLOCK_TAGS)):
        if node.css_first(",".join(t for t in _BLOCK_TAGS if t not in ("td", "th"))) is not None:
            continue  # a container of blocks: its children are taken one by one
        text = re.sub(r"\s+", " ", node.text(separator=" ", deep=True)).strip()
        if text:
            paras.append(text)
    if not paras:  # a page with bare text and line breaks only
        paras = [p for p in (re.sub(r"\s+", " ", t).strip() for t in root.text(separator="\n").split("\n\n")) if p]
    return "\n\n".join(paras)


def _pdf_text(raw: bytes, path: Path, where: str) -> str:
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            raise fail(where, "path", f"{path.name} is an encrypted PDF", "give an unencrypted copy or its text")
        pages = [page.extract_text() or "" for page in reader.pages]
    except ScenarioError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise fail(where, "path", f"cannot read the PDF {path.name}: {exc}",
                   "check it is a PDF with a text layer (scanned images need OCR first)") from None
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text:
        raise fail(where, "path", f"the PDF {path.name} has no text layer",
                   "run OCR on it or give the article as text")
    return text
