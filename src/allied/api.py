"""The public Python API (re-exported by ``allied``): load a scenario, run each engine, get DataFrames.

>>> import allied
>>> sc = allied.load("korea-2019")
>>> allied.forecast(sc, models=["mean", "eum"]).head()        # one row per model × issue × round
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from allied.scenario import Scenario
from allied.scenario import load as _load

if TYPE_CHECKING:
    import pandas as pd


def load(name_or_path: str | Path, overrides: Sequence[str] = ()) -> Scenario:
    """A built-in scenario by name (``"korea-2019"``) or a file in any supported format."""
    return _load(name_or_path, overrides)


def _scenario(sc: Scenario | str | Path) -> Scenario:
    return sc if isinstance(sc, Scenario) else load(sc)


def forecast_runs(
    scenario: Scenario | str | Path,
    models: Sequence[str] = ("all",),
    issues: Sequence[str] | None = None,
    rounds: int | None = None,
    seed: int = 0,
    **params: Any,
) -> dict[str, Any]:
    """Run forecast models; returns ``{model: ModelRun}`` with the raw arrays (see ``allied.forecast``)."""
    from allied.models.runner import run_forecasts

    sc = _scenario(scenario)
    return run_forecasts(sc.forecast_input(list(issues) if issues else None), list(models), rounds=rounds,
                         seed=seed, params=params)


def forecast(
    scenario: Scenario | str | Path,
    models: Sequence[str] = ("all",),
    issues: Sequence[str] | None = None,
    rounds: int | None = None,
    seed: int = 0,
    **params: Any,
) -> pd.DataFrame:
    """Forecasts as a tidy DataFrame: model, issue, round, forecast, mean (issue units)."""
    import pandas as pd

    runs = forecast_runs(scenario, models, issues, rounds, seed, **params)
    rows = []
    for name, run in runs.items():
        for iss in run.input.issues:
            for r in run.trajectory(iss):
                rows.append({"model": name, "issue": iss, "round": r["round"], "forecast": r["forecast"],
                             "mean": r["mean"]})
    return pd.DataFrame(rows)


def forecast_json(scenario: Scenario | str | Path, models: Sequence[str] = ("all",), **kwargs: Any) -> dict[str, Any]:
    """The ``allied forecast --format json`` object."""
    from allied.models.runner import to_json

    sc = _scenario(scenario)
    return to_json(sc.id, forecast_runs(sc, models, **kwargs))


def protocol(scenario: Scenario | str | Path, protocols: Sequence[str] | None = None) -> Any:
    """Compare negotiation protocols (big deal, small deal, step-by-step, …) for the scenario's
    ``protocol:`` section (defaults when absent). Returns a ``Comparison`` with ``.table`` (DataFrame,
    one row per protocol), ``.stages`` (belief paths) and ``.rankings`` per ally."""
    from allied.protocols.api import compare

    sc = _scenario(scenario)
    return compare(sc.protocol, protocols)


def ledger(scenario: Scenario | str | Path, year: int | None = None, **kwargs: Any) -> Any:
    """The alliance ledger (lines, totals per lens, missing items, burden measures, exploitation tests)."""
    from allied.ledgers.api import ledger as _ledger

    return _ledger(scenario, year, **kwargs)


def sweep(scenario: Scenario | str | Path, model: str = "mean", samples: int = 1000, **kwargs: Any) -> Any:
    """Monte Carlo sweep over every uncertain input (see :func:`allied.sweeps.api.sweep`)."""
    from allied.sweeps.api import sweep as _sweep

    return _sweep(scenario, model, samples, **kwargs)


def sensitivity(scenario: Scenario | str | Path, model: str = "mean", method: str = "sobol", samples: int = 256,
                **kwargs: Any) -> Any:
    """Sobol or Morris sensitivity indices of each issue's forecast (see :func:`allied.sweeps.api.sensitivity`)."""
    from allied.sweeps.api import sensitivity as _sensitivity

    return _sensitivity(scenario, model, method, samples, **kwargs)
