"""Combination weights for the ensemble, fitted on scored library cases.

``library`` weights are inverse mean absolute error (as a share of each issue's scale) over the training
cases, normalised to sum to one: w_m ∝ 1 / MAE_m (Bates & Granger 1969, *Operational Research Quarterly*
20:451, combine forecasts in inverse proportion to their past error; we use mean absolute rather than
squared error because a handful of cases make squared errors hostage to one miss). A member with no
error at all takes all the weight. ``equal`` weights ignore the library.

Leave-one-case-out: the weights used to forecast case *k* are fitted on every case except *k*, so the
ensemble's score on *k* never sees *k*'s outcome.

:func:`combine` applies weights to the members' forecasts of one quantity, ``Σ w_m f_m / Σ w_m``: the one
definition behind the library fit's out-of-sample score and the journal's backtest of the ensemble.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar, cast

import numpy as np

METHODS = ("library", "equal")

#: a point forecast, or an array of draws combined draw by draw
V = TypeVar("V", float, np.ndarray)


def inverse_error(mae: Mapping[str, float]) -> dict[str, float]:
    """Weights ∝ 1 / MAE; exact members (MAE 0) share all the weight; none known: equal weights."""
    names = [m for m, v in mae.items() if np.isfinite(v)]
    if not names:
        return {m: 1.0 / len(mae) for m in mae} if mae else {}
    exact = [m for m in names if mae[m] == 0.0]
    if exact:
        return {m: (1.0 / len(exact) if m in exact else 0.0) for m in mae}
    inv = {m: (1.0 / mae[m] if m in names else 0.0) for m in mae}
    tot = sum(inv.values())
    return {m: v / tot for m, v in inv.items()}


def fold_weights(rows: Sequence[Any], members: Sequence[str], *, leave_out: str | None = None,
                 method: str = "library") -> dict[str, float]:
    """Weights from score rows (``case``, ``model``, ``err_pct_scale``) of every case but ``leave_out``."""
    if method not in METHODS:
        raise ValueError(f"ensemble weights must be one of {', '.join(METHODS)} (got '{method}')")
    if method == "equal":
        return {m: 1.0 / len(members) for m in members}
    mae = {}
    for m in members:
        errs = [r.err_pct_scale for r in rows if r.model == m and r.case != leave_out]
        mae[m] = float(np.mean(errs)) if errs else float("nan")
    return inverse_error(mae)


def combine(weights: Mapping[str, float], forecasts: Mapping[str, V]) -> V | None:
    """``Σ w_m f_m / Σ w_m`` over the members with positive weight that have a forecast (renormalised, so a
    member that does not forecast this quantity leaves it to the others), summed in ``weights`` order; None
    when no member with weight has one."""
    ws = {m: w for m, w in weights.items() if w > 0 and m in forecasts}
    tot = sum(ws.values())
    if tot <= 0:
        return None
    total: Any = sum(w * forecasts[m] for m, w in ws.items())
    return cast(V, total / tot)
