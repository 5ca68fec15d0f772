"""Uncertainty at scale: sampling of uncertain inputs, batched sweeps on any engine, run store, sensitivity.

Entry points: :func:`run` (a Monte Carlo sweep, in memory or into a run store) and :func:`sensitivity`
(Sobol or Morris indices); ``allied.sweep`` and ``allied.sensitivity`` call them.

* :mod:`allied.sweeps.inputs` — named uncertain inputs and per-sample random streams;
* :mod:`allied.sweeps.engines` — the interface every engine plugs into (forecast models, protocol, ledger);
* :mod:`allied.sweeps.runner` — chunked execution on a ``concurrent.futures.Executor`` into the run store;
* :mod:`allied.sweeps.store`, :mod:`allied.sweeps.registry` — ``RUNDIR`` layout and the SQLite run registry;
* :mod:`allied.sweeps.indices` — SALib Sobol and Morris indices over the uncertain inputs.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from allied.errors import SweepError

if TYPE_CHECKING:
    from allied.scenario.model import Scenario
    from allied.sweeps.indices import SensitivityResult
    from allied.sweeps.runner import SweepResult


def one_model(models: str | Sequence[str]) -> str:
    """A sweep runs one engine: ``"eum"`` or ``["eum"]``."""
    names = [models] if isinstance(models, str) else list(models)
    if len(names) != 1:
        raise SweepError(f"a sweep runs one model at a time (got {', '.join(names) or 'none'}); "
                         "run one sweep per model")
    return names[0]


def run(
    scenario: Scenario,
    models: str | Sequence[str] = "mean",
    samples: int = 1000,
    *,
    issues: Sequence[str] | None = None,
    seed: int = 0,
    store: str | Path | None = None,
    resume: bool = False,
    engine: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    executor: Executor | None = None,
    chunk_size: int | None = None,
    rounds: int | None = None,
    progress: bool = False,
    params: Mapping[str, Any] | None = None,
    timeout: float = 10.0,
    force: bool = False,
) -> SweepResult:
    """Monte Carlo sweep of one engine over every uncertain value of ``scenario``.

    ``store=None`` runs in memory (a throw-away run folder; the samples are kept in the result and nothing
    is registered); a path keeps the run there (Parquet parts, ``run.json``, the run registry). ``resume``
    continues a run in ``store``; ``force`` resumes one that another Allied version started."""
    from allied.sweeps.runner import run_sweep

    model = one_model(models)
    kwargs: dict[str, Any] = {"seed": seed, "resume": resume, "engine": engine, "workers": workers,
                              "scheduler": scheduler, "executor": executor, "chunk_size": chunk_size,
                              "params": dict(params or {}), "rounds": rounds, "issues": issues,
                              "progress": progress, "timeout": timeout, "force": force}
    if store is not None:
        return run_sweep(scenario, model, samples, out=store, **kwargs)
    if resume:
        raise SweepError("resume needs the run folder to continue: pass store=PATH")
    with tempfile.TemporaryDirectory(prefix="allied-sweep-") as tmp:
        res = run_sweep(scenario, model, samples, out=Path(tmp) / "run", register=False, **kwargs)
        res.keep_in_memory()
    return res


def sensitivity(
    scenario: Scenario,
    models: str | Sequence[str] = "mean",
    *,
    method: str = "sobol",
    samples: int = 256,
    issues: Sequence[str] | None = None,
    seed: int = 0,
    rounds: int | None = None,
    params: Mapping[str, Any] | None = None,
) -> SensitivityResult:
    """Sobol (``S1``, ``ST`` with confidences) or Morris (``mu_star``, ``sigma``) indices of each output of one
    engine to every uncertain input."""
    from allied.sweeps.indices import scenario_sensitivity

    return scenario_sensitivity(scenario, one_model(models), method, samples, seed, issues, params, rounds)


__all__ = ["one_model", "run", "sensitivity"]
