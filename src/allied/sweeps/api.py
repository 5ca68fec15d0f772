"""Python API of the sweep layer (re-exported as ``allied.sweep`` and ``allied.sensitivity``).

>>> import allied
>>> df = allied.sweep("korea-2019", model="eum", samples=1000, seed=1)        # one row per sample × issue
>>> rel = allied.sweep("korea-2019", model="mean", samples=1000, as_relation=True)   # a DuckDB relation
>>> allied.sensitivity("korea-2019", model="mean", method="sobol", samples=256).head()
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import pandas as pd

from allied.scenario import Scenario
from allied.scenario import load as _load
from allied.sweeps.runner import SweepResult, run_sweep
from allied.sweeps.sensitivity import SensitivityResult, scenario_sensitivity


def _scenario(sc: Scenario | str | Path, overrides: Sequence[str] = ()) -> Scenario:
    if isinstance(sc, Scenario):
        if overrides:
            raise ValueError("overrides apply to a file or built-in name; pass the name instead of a Scenario")
        return sc
    return _load(sc, list(overrides))


def sweep(
    scenario: Scenario | str | Path,
    model: str = "mean",
    samples: int = 1000,
    *,
    seed: int = 0,
    out: str | Path | None = None,
    resume: bool = False,
    engine: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    executor: Executor | None = None,
    chunk_size: int | None = None,
    rounds: int | None = None,
    overrides: Sequence[str] = (),
    as_relation: bool = False,
    result: bool = False,
    progress: bool = False,
    **params: Any,
) -> pd.DataFrame | Any:
    """Monte Carlo sweep of ``model`` over every uncertain value of ``scenario``.

    Returns a DataFrame with one row per sample and issue (``sample``, ``issue``, ``forecast``, ``mean``,
    ``rounds``, ``pos_<ACTOR>``; other engines their own columns), or a DuckDB relation over the stored
    Parquet when ``as_relation``, or the :class:`~allied.sweeps.runner.SweepResult` (summary, paths) when
    ``result``. Samples are stored under ``out`` (default ``$ALLIED_HOME/runs/…``); ``params`` go to the model.
    """
    sc = _scenario(scenario, overrides)
    res = run_sweep(sc, model, samples, seed=seed, out=out, resume=resume, engine=engine, workers=workers,
                    scheduler=scheduler, executor=executor, chunk_size=chunk_size, params=params, rounds=rounds,
                    progress=progress)
    if result:
        return res
    return res.relation() if as_relation else res.frame()


def sensitivity(
    scenario: Scenario | str | Path,
    model: str = "mean",
    method: str = "sobol",
    samples: int = 256,
    *,
    issues: Sequence[str] | None = None,
    seed: int = 0,
    rounds: int | None = None,
    overrides: Sequence[str] = (),
    result: bool = False,
    **params: Any,
) -> pd.DataFrame | SensitivityResult:
    """Sobol (``S1``, ``S1_conf``, ``ST``, ``ST_conf``) or Morris (``mu_star``, ``sigma``, …) indices of each
    issue's forecast to every uncertain input, ranked; a tidy DataFrame, or the full result when ``result``
    (``.to_json()`` gives the ``allied sensitivity --format json`` object)."""
    sc = _scenario(scenario, overrides)
    res = scenario_sensitivity(sc, model, method, samples, seed, issues, params, rounds)
    return res if result else res.frame()


__all__ = ["SensitivityResult", "SweepResult", "sensitivity", "sweep"]
