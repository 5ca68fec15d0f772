"""The "Track record" tab: this scenario's outcomes scored by the journal's scorer, the case library's
backtest (every model against both naive baselines, interval calibration, ensemble weights), guidance per
issue and the journal's records of the scenario."""

from __future__ import annotations

import functools
from typing import Any

import pandas as pd
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from allied.scenario import Scenario
from allied.web.engines import Section
from allied.web.render import page

router = APIRouter()


@functools.lru_cache(maxsize=1)
def _library() -> Any:
    from allied.report.track import TRACK_SAMPLES, collect_track

    return collect_track(TRACK_SAMPLES)


def track_section(sc: Scenario) -> Section:
    from allied.errors import JournalError
    from allied.journal import make, resolve, score
    from allied.journal.guidance import for_scenario
    from allied.report.figures import to_json
    from allied.report.html import table
    from allied.report.track import _RENDER, _SCORE_COLS, calibration_fig, journal_frame, totals_frame

    sec = Section(message="Outcomes dated after as_of are scored against every model and two naive baselines "
                          "(status quo carried forward; capability × salience weighted mean); earlier ones were "
                          "known at the time and are context only. The case library holds only a few cases: "
                          "a record, not a verdict.")
    res = resolve(sc)
    if any(r.scorable for r in res):
        rows = score(sc, make(sc, None))
        df = pd.DataFrame([r.as_dict() for r in rows])
        sec.tables.append(("This scenario: scores per outcome (scale-free first)",
                           table(df, {"outcome": "outcome", **_SCORE_COLS}, render=_RENDER)))
    ctx = [{"outcome": r.outcome.id, "issue": r.outcome.issue or "", "what happened": r.outcome.description,
            "why not scored": r.reason} for r in res if not r.scorable]
    if ctx:
        sec.tables.append(("This scenario: context (known at the time, or text only)", table(pd.DataFrame(ctx))))
    bt = _library()
    tot = totals_frame(bt.totals)
    pct = {c: (lambda v, r: "–" if v is None or v != v else f"{v:.0%}") for c in ("in_p25_p75", "in_p05_p95")}
    sec.tables.append((f"Case library: {len(bt.cases)} cases, "
                       f"{len({(r.case, r.outcome) for r in bt.rows})} scored outcomes",
                       table(tot, {"model": "model", **{k: v for k, v in _SCORE_COLS.items() if k != "abs_error"},
                                   "outcomes": "outcomes"}, render={**_RENDER, **pct})))
    if bt.ensemble_weights:
        w = pd.DataFrame([{"left out": case, **ws} for case, ws in bt.ensemble_weights.items()])
        sec.tables.append(("Ensemble weights per left-out case (fitted on the other cases only)", table(w)))
    sec.figures.append(("Calibration of the intervals over the case library", to_json(calibration_fig(bt.totals))))
    sec.notes.extend(g.sentence() for g in for_scenario(sc))
    try:
        recs = journal_frame(sc.id)
    except JournalError as exc:  # an unreadable journal is reported on the tab, never a failed page
        sec.notes.append(f"The journal could not be read: {exc}")
    else:
        if len(recs):
            sec.tables.append(("Journal records of this scenario", table(recs)))
    return sec


@router.get("/scenarios/{key}/track", response_class=HTMLResponse)
def track(request: Request, key: str) -> HTMLResponse:
    from allied.web.pages import _needs

    got = _needs(request, key, "track")
    if isinstance(got, HTMLResponse):
        return got
    entry, sc = got
    return page(request, "track.html", {"entry": entry, "sc": sc, "tab": "track", "heading": "Track record",
                                        "sec": track_section(sc)})
