"""Small HTML helpers for the report: escaping, tables, boxes, and a page that collects its figures."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from allied.report.prep import fmt


def esc(v: Any) -> str:
    return html.escape("" if v is None else str(v), quote=True)


def unavailable(what: str, reason: str) -> str:
    """The box shown instead of a part whose engine is missing or failed."""
    return f'<div class="unavailable" role="note"><b>{esc(what)} not available:</b> {esc(reason)}</div>'


def warning(text: str) -> str:
    return f'<div class="warning" role="note">{esc(text)}</div>'


def table(
    df: pd.DataFrame,
    columns: Mapping[str, str] | Sequence[str] | None = None,
    render: Mapping[str, Callable[[Any, pd.Series], str]] | None = None,
    numeric: Iterable[str] = (),
    row_class: Callable[[pd.Series], str] | None = None,
    caption: str | None = None,
) -> str:
    """An HTML table of ``df``: ``columns`` maps column → header; ``render`` gives raw-HTML cell renderers
    (everything else is escaped and numbers formatted); ``numeric`` columns are right-aligned."""
    if columns is None:
        columns = {c: str(c) for c in df.columns}
    elif not isinstance(columns, Mapping):
        columns = {c: str(c) for c in columns}
    cols = {c: h for c, h in columns.items() if c in df.columns}
    nums = set(numeric) | {c for c in cols if pd.api.types.is_numeric_dtype(df[c]) and df[c].dtype != bool}
    render = render or {}
    out = ['<div class="tablewrap"><table>']
    if caption:
        out.append(f"<caption class='small'>{esc(caption)}</caption>")
    out.append("<thead><tr>" + "".join(f"<th{' class=num' if c in nums else ''}>{esc(h)}</th>"
                                       for c, h in cols.items()) + "</tr></thead><tbody>")
    for _, row in df.iterrows():
        cls = row_class(row) if row_class else ""
        cells = []
        for c in cols:
            v = row[c]
            if c in render:
                cell = render[c](v, row)
            else:
                cell = esc(fmt(v)) if not (isinstance(v, float) and pd.isna(v)) else "–"
            cells.append(f"<td{' class=num' if c in nums else ''}>{cell}</td>")
        out.append(f"<tr{f' class={cls}' if cls else ''}>" + "".join(cells) + "</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


#: how each quote-verification status reads in the report (docs/sources.md)
QUOTE_STATUS = {"verified": "verified", "misquoted": "misquoted", "not_found": "not found in source",
                "not_at_hand": "source not at hand"}


def quote_status(check: Mapping[str, Any] | None) -> str:
    """A quote's verification badge and, when the source was at hand, its passage on demand."""
    if not check or check.get("status") not in QUOTE_STATUS:
        return ""
    st = str(check["status"])
    where = f" ¶{check['paragraph']}" if st == "verified" and check.get("paragraph") else ""
    badge = f'<span class="badge {st}" title="quote checked against the source file">{QUOTE_STATUS[st]}{where}</span>'
    passage = check.get("passage")
    if not passage:
        return " " + badge
    before, span, after = passage
    diff = f"<div class='small'>{esc(check['difference'])}</div>" if check.get("difference") else ""
    return (f" {badge}<details class='passage'><summary>passage in the source</summary>{diff}"
            f"<p>…{esc(before)}<mark>{esc(span)}</mark>{esc(after)}…</p></details>")


def evidence_cell(quote: Any, source: Any, note: Any, sources: Mapping[str, str], rng: str = "",
                  check: Mapping[str, Any] | None = None, edited: Any = "") -> str:
    """A stance's evidence: a verbatim quote with its source (and its verification status, when checked), or
    an estimate flag with range and note; a figure edited away from its quote says so (``edited``: what the
    quote supported)."""
    parts = []
    if isinstance(quote, str) and quote:
        parts.append(f'<span class="badge quoted">quoted</span> <span class="quote">{esc(quote)}</span> '
                     f'<span class="src">— {esc(sources.get(str(source), source))}</span>{quote_status(check)}')
        if isinstance(edited, str) and edited:
            parts.append(f'<div class="src"><span class="badge est">edited after quote</span> {esc(edited)}</div>')
    else:
        parts.append('<span class="badge est">estimate</span>' + (f" range {esc(rng)}" if rng else ""))
    if isinstance(note, str) and note:
        parts.append(f'<div class="src">{esc(note)}</div>')
    return " ".join(parts)


@dataclass
class Page:
    """Collects figure specs while sections are rendered; each figure becomes a div plus a JSON script."""

    figures: list[tuple[str, str]] = field(default_factory=list)
    engines_with_figures: set[str] = field(default_factory=set)

    def figure(self, fig: Any, engine: str, label: str = "") -> str:
        """Register a plotly figure; returns the placeholder div."""
        from allied.report.figures import to_json

        n = len(self.figures)
        fid = f"fig-{n}"
        spec = to_json(fig).replace("</", "<\\/")
        self.figures.append((fid, spec))
        self.engines_with_figures.add(engine)
        # the div carries the figure's height: plotly's responsive resizes (window, print) then keep it
        height = getattr(fig.layout, "height", None) or 450
        return (f'<div class="plot" id="plot-{n}" data-figure="{fid}-data" data-engine="{esc(engine)}" '
                f'style="height:{int(height)}px" role="img" aria-label="{esc(label or engine + " figure")}"></div>')

    def scripts(self) -> str:
        return "\n".join(f'<script type="application/json" id="{fid}-data">{spec}</script>'
                         for fid, spec in self.figures)
