"""Limits checked before a model allocates or computes anything (docs/limits.md).

A forecast's arrays are ``[B, R+1, A, D]``, so a huge ``rounds`` or sample count would take gigabytes
before the first step; and the bargaining models cost about ``A**p`` per issue and round, so 1,000 actors
can take hours. :func:`check_run` refuses such runs up front with the memory or time they would need.

The time coefficients are rough fits of measured runs (50–200 actors, one core of a shared machine, each
model's default rounds); they decide refusal only, an order-of-magnitude estimate is enough.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from allied.errors import ModelError

if TYPE_CHECKING:
    from allied.arrays import ForecastInput

#: most rounds a model may be asked to run
MAX_ROUNDS = 10_000
#: most memory one model run may plan for its result arrays (bytes)
MAX_BYTES = 2 * 1024**3
#: longest estimated run accepted, seconds (``ALLIED_MAX_SECONDS`` changes it)
MAX_SECONDS = 600.0
#: model -> (seconds per unit, exponent on actors per issue, exponent on issues, rounds the fit was run at):
#: t ≈ c · B · A**p · D**q · rounds / fitted rounds
COST = {
    "eum": (8.8e-6, 2.5, 1.0, 10),
    "smp": (1.7e-5, 2.8, 1.0, 0),  # rounds: SMP stops when positions settle; 0 = not scaled by rounds
    "exchange": (5.3e-5, 2.7, 2.0, 10),
}


def check_rounds(rounds: int | None) -> None:
    """``rounds`` is None or a whole number in 0..MAX_ROUNDS."""
    if rounds is None:
        return
    if isinstance(rounds, bool) or int(rounds) != rounds or not 0 <= rounds <= MAX_ROUNDS:
        raise ModelError(f"--rounds must be a whole number from 0 to {MAX_ROUNDS:,} (got {rounds}); models "
                         "settle in tens of rounds")


def max_seconds() -> float:
    try:
        return float(os.environ.get("ALLIED_MAX_SECONDS", MAX_SECONDS))
    except ValueError:
        return MAX_SECONDS


def estimate_seconds(model: str, inp: ForecastInput, rounds: int | None = None) -> float:
    """Rough run time of ``model`` on ``inp`` (0 for models not in :data:`COST`)."""
    if model not in COST:
        return 0.0
    c, p, q, fitted = COST[model]
    b, _, d = inp.shape
    actors = int(inp.mask.sum(axis=0).max()) if d else 0
    scale = max(1.0, rounds / fitted) if rounds is not None and fitted else 1.0
    return c * b * actors**p * d**q * scale


def check_run(model: str, inp: ForecastInput, rounds: int | None, default_rounds: int = 100) -> None:
    """Refuse a run whose rounds, planned memory or estimated time exceed the limits (ModelError)."""
    check_rounds(rounds)
    b, a, d = inp.shape
    r = default_rounds if rounds is None else int(rounds)
    need = 8 * b * (r + 1) * a * max(d, 1) * 3  # positions, plus the model's working copies
    if need > MAX_BYTES:
        raise ModelError(f"{model}: {b:,} samples × {r + 1:,} rounds × {a:,} actors × {d:,} issues would need "
                         f"about {need / 1024**3:,.1f} GB (limit {MAX_BYTES / 1024**3:.0f} GB); use fewer rounds, "
                         "samples or issues")
    est = estimate_seconds(model, inp, rounds)
    if est > max_seconds():
        raise ModelError(f"{model} on {int(inp.mask.sum(axis=0).max())} actors × {d} issues"
                         f"{f' × {b:,} samples' if b > 1 else ''} would take about {_human(est)} "
                         f"(limit {_human(max_seconds())}); forecast fewer issues (--issue), merge minor actors, "
                         "or raise the limit with ALLIED_MAX_SECONDS")


def _human(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds / 3600:,.0f} hours"
