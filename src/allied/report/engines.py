"""Run every engine for the report, each behind a guard: a missing or failing engine becomes a reason.

This module is the only place in :mod:`allied.report` that calls the engines. Each ``collect_*`` function
returns a :class:`Part` holding the engine's result normalised to the JSON contract of DESIGN §5, or the
reason it is not available; the report shows that reason in a box instead of failing.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from allied.scenario.model import Scenario
from allied.serialise import jsonable


@dataclass
class Part:
    """One engine's contribution: ``value`` when it ran, else ``error`` says why not."""

    value: Any = None
    error: str | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None and self.value is not None


class Unavailable(Exception):
    """A part the scenario cannot have (no such section, …): the message is shown as it is."""


def attempt(fn: Callable[[], Any]) -> Part:
    """Call ``fn``; an exception becomes ``Part(error=...)`` (the report shows why a part is missing)."""
    t0 = time.perf_counter()
    try:
        with warnings.catch_warnings():  # engines' warnings (e.g. SALib on a constant output) stay out of the CLI
            warnings.simplefilter("ignore")
            value = fn()
    except Unavailable as exc:
        return Part(error=str(exc), seconds=time.perf_counter() - t0)
    except Exception as exc:  # the report must never fail because an engine does
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return Part(error=f"{type(exc).__name__}: {msg}"[:400], seconds=time.perf_counter() - t0)
    if value is None:
        return Part(error="the engine returned nothing", seconds=time.perf_counter() - t0)
    return Part(value=value, seconds=time.perf_counter() - t0)


# --- forecast ------------------------------------------------------------------------------------
def collect_forecasts(sc: Scenario, seed: int = 0) -> dict[str, Part]:
    """Every registered model, each run on its own so one failing model hides no other."""
    from allied.models import available, run

    whole = attempt(lambda: run(sc, ["all"], seed=seed, keep_going=True))
    if not whole.ok:  # the scenario itself cannot be forecast: every model says why
        return {name: Part(error=whole.error, seconds=whole.seconds) for name in available()}
    res = whole.value
    out: dict[str, Part] = {}
    for name in available():
        if name not in res.runs and name not in res.errors:  # fits no issue (bargain without a bilateral one)
            continue
        sec = res.seconds.get(name, 0.0)
        out[name] = (Part(value=res.runs[name], seconds=sec) if name in res.runs
                     else Part(error=res.errors.get(name, "the model did not run"), seconds=sec))
    return out


# --- protocol ------------------------------------------------------------------------------------
def _protocol_json(sc: Scenario) -> dict[str, Any]:
    from allied.errors import ScenarioError
    from allied.protocols import require_section, run
    from allied.scenario.sections import ProtocolSection

    try:  # the same located message as `allied protocol`, the web page and the sweep form
        require_section(sc)
    except ScenarioError as exc:
        p = exc.problems[0]
        raise Unavailable(f"{p.message}; fix: {p.fix}") from None
    data = dict(jsonable(run(sc).to_json()))
    if isinstance(sc.protocol, ProtocolSection):
        try:  # the parameters with their ranges and reasoning, for the report's table (optional)
            from allied.protocols import parameter_table

            data["parameter_table"] = jsonable(parameter_table(sc.protocol).reset_index())
        except Exception:
            pass
    return data


def collect_protocol(sc: Scenario) -> Part:
    """Protocol engine JSON (DESIGN §5): ``{"protocols": {...}, "rankings": {...}}``."""
    part = attempt(lambda: _protocol_json(sc))
    if part.ok and not part.value.get("protocols"):
        return Part(error="the protocol engine returned no protocols")
    return part


# --- ledger --------------------------------------------------------------------------------------
def _ledger_json(sc: Scenario) -> dict[str, Any]:
    if sc.alliance is None:
        raise Unavailable("the scenario has no alliance: section")
    from allied.ledgers import run

    return dict(jsonable(run(sc).to_json()))


def collect_ledger(sc: Scenario) -> Part:
    """Ledger engine JSON (DESIGN §5): ``{"lines", "totals", "burden", "tests"}``."""
    return attempt(lambda: _ledger_json(sc))


# --- sweep and sensitivity -----------------------------------------------------------------------
class InlineExecutor(Executor):
    """Runs each task at once in the calling thread: a report's small sweep costs less than starting
    worker processes, and the sweep layer gives the same numbers whatever the executor."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        fut: Future[Any] = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            fut.set_exception(exc)
        return fut


def _sweep_frames(sc: Scenario, models: list[str], samples: int, seed: int) -> pd.DataFrame:
    from allied.sweeps import run

    frames = []
    for m in models:  # in memory: the report is self-contained and leaves no runs behind
        df = run(sc, m, samples, seed=seed, executor=InlineExecutor()).frame()
        frames.append(df.assign(model=m)[["model", "issue", "sample", "forecast"]])
    return pd.concat(frames, ignore_index=True)


def collect_sweep(sc: Scenario, models: list[str], samples: int, seed: int = 0) -> Part:
    """A small sweep of every model: a DataFrame ``model, issue, sample, forecast``; a model whose sweep fails
    is left out and named in the part's notes."""

    def run() -> pd.DataFrame:
        frames, notes = [], []
        for m in models:
            part = attempt(lambda m=m: _sweep_frames(sc, [m], samples, seed))  # type: ignore[misc]
            if part.ok:
                frames.append(part.value)
            else:
                notes.append(f"{m}: {part.error}")
        if not frames:
            raise RuntimeError("; ".join(notes) or "no model to sweep")
        out = pd.concat(frames, ignore_index=True)
        out.attrs["notes"] = notes
        return out

    return attempt(run)


def collect_sensitivity(sc: Scenario, model: str, samples: int, seed: int = 0) -> Part:
    """Sobol indices per issue: ``{"issues": {ID: {"indices": {INPUT: {S1, S1_conf, ST, ST_conf}}}}}``."""

    def run() -> dict[str, Any]:
        from allied.sweeps import sensitivity

        return dict(jsonable(sensitivity(sc, model, method="sobol", samples=samples, seed=seed).to_json()))

    return attempt(run)


def collect_protocol_sweep(sc: Scenario, samples: int, seed: int = 0) -> Part:
    """The protocol engine over sampled parameters: one row per sample and protocol (``issue`` = protocol)
    with each player's value ``V_USA``, ``V_ROK``, … and the outcome probabilities."""

    def run() -> pd.DataFrame:
        from allied.sweeps import run

        return run(sc, "protocol", samples, seed=seed, executor=InlineExecutor()).frame()

    return attempt(run)
