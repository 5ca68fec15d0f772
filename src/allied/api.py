"""The public Python API (re-exported by ``allied``): load a scenario, run each engine, hold the result.

Every verb takes the same words: ``scenario`` (a :class:`~allied.scenario.Scenario`, a file path or a
built-in name), ``models``, ``issues``, ``overrides`` (``--set`` assignments: ``["protocol.rho=0.5"]`` or
``{"protocol.rho": 0.5}``), ``seed`` and ``samples``; and returns a typed result with ``.frame()`` (a tidy
DataFrame) and ``.to_json()`` (the CLI's ``--format json`` object).

>>> import allied
>>> res = allied.forecast("korea-2019", models=["mean", "eum"])
>>> res.frame().head()                     # one row per model × issue × round
>>> allied.sweep("korea-2019", models="eum", samples=1000).frame()   # in memory unless store=PATH
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from allied.scenario import Scenario
from allied.scenario import load as _load

if TYPE_CHECKING:
    from allied.ledgers.api import LedgerResult
    from allied.models.runner import ForecastResult
    from allied.protocols.api import Comparison
    from allied.sweeps.indices import SensitivityResult
    from allied.sweeps.runner import SweepResult

ScenarioLike: TypeAlias = "Scenario | str | Path"
Overrides: TypeAlias = "Sequence[str] | Mapping[str, Any]"


def _assignments(overrides: Overrides) -> list[str]:
    if isinstance(overrides, Mapping):  # JSON is YAML, so each value reads back as itself
        return [f"{k}={json.dumps(v)}" for k, v in overrides.items()]
    if isinstance(overrides, str):
        return [overrides]
    return list(overrides)


def load(scenario: ScenarioLike, overrides: Overrides = ()) -> Scenario:
    """A built-in scenario by name (``"korea-2019"``) or a file in any supported format, with ``overrides``
    applied. A :class:`Scenario` is returned as it is, or re-validated with the overrides applied."""
    sets = _assignments(overrides)
    if isinstance(scenario, Scenario):
        if not sets:
            return scenario
        from allied.scenario.overrides import apply_overrides
        from allied.scenario.validate import from_data
        from allied.scenario.writer import to_data

        return from_data(apply_overrides(to_data(scenario, json_safe=False), sets, scenario.id), {}, scenario.id)
    return _load(scenario, sets)


def forecast(
    scenario: ScenarioLike,
    models: Sequence[str] = ("all",),
    *,
    issues: Sequence[str] | None = None,
    rounds: int | None = None,
    seed: int = 0,
    overrides: Overrides = (),
    **params: Any,
) -> ForecastResult:
    """Every chosen forecast model side by side. ``params`` go to the models that take them
    (``variant="paper"``, ``q=0.8``, ``VictoryProbModel="Square"``, …)."""
    from allied.models import run

    return run(load(scenario, overrides), models, issues=issues, rounds=rounds, seed=seed, params=params)


def protocol(scenario: ScenarioLike, protocols: Sequence[str] | None = None, *,
             overrides: Overrides = ()) -> Comparison:
    """Negotiation protocols compared (big deal, small deal, step-by-step, …) for the scenario's
    ``protocol:`` section: ``.frame()`` one row per protocol, ``.stages`` the belief paths, ``.rankings``."""
    from allied.protocols import run

    return run(load(scenario, overrides), protocols)


def ledger(scenario: ScenarioLike, *, year: int | None = None, overrides: Overrides = ()) -> LedgerResult:
    """The alliance ledger: lines (``.frame()``), totals per lens, missing items, burden measures and
    exploitation tests."""
    from allied.ledgers import run

    return run(load(scenario, overrides), year=year)


def sweep(
    scenario: ScenarioLike,
    models: str | Sequence[str] = "mean",
    samples: int = 1000,
    *,
    issues: Sequence[str] | None = None,
    seed: int = 0,
    overrides: Overrides = (),
    store: str | Path | None = None,
    resume: bool = False,
    engine: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    executor: Executor | None = None,
    chunk_size: int | None = None,
    rounds: int | None = None,
    progress: bool = False,
    force: bool = False,
    **params: Any,
) -> SweepResult:
    """Monte Carlo sweep of one engine (a forecast model, ``protocol`` or ``ledger``) over every uncertain
    value: ``.frame()`` one row per sample and issue, ``.summary`` per issue. In memory unless ``store``
    names a run folder (then resumable, registered, queryable with ``.relation()``)."""
    from allied.sweeps import run

    return run(load(scenario, overrides), models, samples, issues=issues, seed=seed, store=store, resume=resume,
               engine=engine, workers=workers, scheduler=scheduler, executor=executor, chunk_size=chunk_size,
               rounds=rounds, progress=progress, params=params, force=force)


def sensitivity(
    scenario: ScenarioLike,
    models: str | Sequence[str] = "mean",
    *,
    method: str = "sobol",
    samples: int = 256,
    issues: Sequence[str] | None = None,
    seed: int = 0,
    rounds: int | None = None,
    overrides: Overrides = (),
    **params: Any,
) -> SensitivityResult:
    """Sobol or Morris indices of each issue's forecast to every uncertain input (``.frame()`` ranked)."""
    from allied.sweeps import sensitivity as _sensitivity

    return _sensitivity(load(scenario, overrides), models, method=method, samples=samples, issues=issues,
                        seed=seed, rounds=rounds, params=params)
