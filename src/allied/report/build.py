"""Build the self-contained HTML report: run every engine (guarded), render the sections, inline plotly.js."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from allied.report.engines import (
    Part,
    attempt,
    collect_forecasts,
    collect_ledger,
    collect_protocol,
    collect_protocol_sweep,
    collect_sensitivity,
    collect_sweep,
)
from allied.scenario.model import Scenario

#: default sweep size: small enough that the whole korea-2019 report builds well under a minute
DEFAULT_SAMPLES = 256
HEADLINE_ORDER = ("eum", "smp", "exchange", "median", "mean")


@dataclass
class Results:
    """Everything the report shows, each engine's part either a value or the reason it is missing."""

    sc: Scenario
    forecasts: dict[str, Part]
    protocol: Part
    ledger: Part
    sweep: Part
    sensitivity: Part
    samples: int
    sensitivity_model: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    protocol_sweep: Part = field(default_factory=lambda: Part(error="not run"))
    track: Part | None = None
    quotes: Any = None  # allied.scenario.sources.Verification, when the sources were checked

    def quote_check(self, source: Any, quote: Any) -> dict[str, Any] | None:
        """The verification of one quote, with its passage, for the evidence tables (None when unchecked)."""
        if self.quotes is None or not isinstance(quote, str):
            return None
        hit = next((q for q in self.quotes.quotes if q.source == source and q.quote == quote), None)
        if hit is None:
            return None
        return {"status": hit.status, "paragraph": hit.paragraph, "difference": hit.difference,
                "passage": self.quotes.passage(hit, 240)}

    @property
    def runs(self) -> dict[str, Any]:
        return {m: p.value for m, p in self.forecasts.items() if p.ok}

    @property
    def headline_model(self) -> str | None:
        runs = self.runs
        return next((m for m in HEADLINE_ORDER if m in runs), next(iter(runs), None))


def collect(sc: Scenario, samples: int = DEFAULT_SAMPLES, seed: int = 0,
            sweep_models: list[str] | None = None) -> Results:
    """Run every engine on ``sc`` for the report (a failing engine is recorded, never raised)."""
    t0 = time.perf_counter()
    whole = attempt(lambda: collect_forecasts(sc, seed))
    forecasts = whole.value if whole.ok else {"forecast": Part(error=whole.error)}
    ok = [m for m, p in forecasts.items() if p.ok]
    t1 = time.perf_counter()
    protocol = collect_protocol(sc)
    ledger = collect_ledger(sc)
    t2 = time.perf_counter()
    models = sweep_models if sweep_models is not None else ok
    headline = next((m for m in HEADLINE_ORDER if m in ok), ok[0] if ok else "mean")
    if samples > 0:
        sweep = collect_sweep(sc, models, samples, seed)
        sens = collect_sensitivity(sc, headline, samples, seed)
        psweep = collect_protocol_sweep(sc, samples, seed) if protocol.ok else \
            Part(error=f"the protocol engine did not run ({protocol.error})")
    else:
        sweep = sens = psweep = Part(error="skipped (--samples 0)")
    t3 = time.perf_counter()
    from allied.report.track import TRACK_SAMPLES, collect_track

    track = attempt(lambda: collect_track(min(samples, TRACK_SAMPLES), seed))
    t4 = time.perf_counter()
    return Results(sc, forecasts, protocol, ledger, sweep, sens, samples, headline,
                   {"forecast": t1 - t0, "protocol+ledger": t2 - t1, "sweeps+sensitivity": t3 - t2,
                    "track record": t4 - t3}, psweep, track=track)


def build_report(sc: Scenario, samples: int = DEFAULT_SAMPLES, seed: int = 0, results: Results | None = None,
                 quotes: Any = None) -> str:
    """The whole report as one HTML string (plotly.js inlined, no network references)."""
    import plotly.offline

    from allied import __version__
    from allied.report import sections, track
    from allied.report.html import Page, esc
    from allied.report.templates import CSS, LOADER, PAGE

    t0 = time.perf_counter()
    res = results or collect(sc, samples, seed)
    if quotes is not None:
        res.quotes = quotes
    page = Page()
    parts = [sections.safe(sid, fn, res, page) for sid, fn in (
        ("glance", sections.glance), ("evidence", sections.evidence), ("forecast", sections.forecast),
        ("protocol", sections.protocol), ("ledger", sections.ledger), ("sensitivity", sections.sensitivity),
        ("outcomes", track.outcomes), ("track", track.track_record), ("method", lambda r, p: sections.method(r)))]
    nav = "".join(f'<a href="#{sid}">{label}</a>' for sid, label in sections.NAV)
    subtitle = f"<p>{esc(sc.description)}</p>" if sc.description else ""
    built = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    secs = time.perf_counter() - t0
    meta = (f"scenario <b>{esc(sc.id)}</b> as of {esc(sc.as_of or '—')} · built {built} in {secs:.1f} s · "
            f"models: {esc(', '.join(res.runs) or 'none')} · sweep: {res.samples} samples")
    return PAGE.substitute(version=esc(__version__), title=esc(sc.title), subtitle=subtitle, meta=meta, nav=nav,
                           css=CSS, plotlyjs=plotly.offline.get_plotlyjs(), body="\n".join(parts),
                           figures=page.scripts(), loader=LOADER)


def write_report(sc: Scenario, out: str | Path, samples: int = DEFAULT_SAMPLES, seed: int = 0,
                 quotes: Any = None) -> Path:
    """Write the report to ``out`` (atomically) and return its path. ``quotes``: the scenario's quote
    verification (:func:`allied.scenario.sources.verify`), shown beside each quote."""
    path = Path(out)
    text = build_report(sc, samples, seed, quotes=quotes)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path
