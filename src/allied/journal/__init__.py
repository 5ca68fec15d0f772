"""Forecast records, outcomes, scores and backtests (docs/track-record.md).

* :mod:`.outcomes` — which outcomes may be scored: a number, dated after ``as_of`` (no look-ahead);
* :mod:`.metrics` — absolute and relative errors, interval coverage, CRPS, skill, paired bootstrap;
* :mod:`.forecasts` — the models' and both naive baselines' forecasts of a scenario, with samples;
* :mod:`.scores` — one scorer for the CLI, the backtest and the report;
* :mod:`.store` — the SQLite journal; :mod:`.backtest` — the case library; :mod:`.guidance` — which
  models the library scores best on issues of a kind.
"""

from __future__ import annotations

from allied.journal.forecasts import BASELINES, ForecastSet, IssueForecast, make
from allied.journal.outcomes import Resolution, known_at_the_time, resolve, scorable
from allied.journal.scores import ModelTotal, ScoreRow, score, totals
from allied.journal.store import Journal, Record, scenario_hash

__all__ = ["BASELINES", "ForecastSet", "IssueForecast", "Journal", "ModelTotal", "Record", "Resolution", "ScoreRow",
           "known_at_the_time", "make", "resolve", "scenario_hash", "scorable", "score", "totals"]
