"""``ensemble``: a weighted combination of the other registered models' forecasts.

The forecast of each issue is ``Σ_m w_m f_m`` over the member models ``m`` (every registered model that
is not itself a combiner). Weights come from the case library (the built-in scenarios with scorable
outcomes, see :mod:`._library`) by inverse mean absolute error (:mod:`._weights`), or are
equal when ``weights="equal"``. ``exclude`` names a library case to leave out of the fit; without it, an
input whose actors and issues belong to a library case leaves that case out, so neither a forecast nor a
score of a library case is ever weighted by its own outcomes.

Variant and caveat: the library holds only a handful of cases, so the weights rest on few outcomes; the
notes of every run say how many. Being a convex combination, the forecast stays inside the scale.

Round 0 is the input (the members' round-0 forecasts combined); round 1 combines the members' final
forecasts. Actors do not move: positions repeat the input.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from allied.arrays import ForecastInput
from allied.errors import ModelError
from allied.models.base import BaseForecaster, ForecastOutput, applicable, run_model, weighted_mean
from allied.models.ensemble._library import LibraryError, library_derived, member_errors, same_case
from allied.models.ensemble._weights import METHODS, combine, fold_weights, inverse_error
from allied.models.registry import register
from allied.scenario.outcomes import err_pct_scale

__all__ = ["METHODS", "Ensemble", "LibraryError", "combine", "fold_weights", "inverse_error", "library_derived",
           "library_fit", "member_errors", "member_names", "same_case"]


def member_names() -> list[str]:
    from allied.models.registry import available, get

    return [m for m in available() if not getattr(get(m), "combiner", False)]


def library_fit(method: str = "library", exclude: str | None = None) -> dict[str, Any]:
    """Weights over the members, the number of cases and outcomes behind them, and the leave-one-case-out
    score of the ensemble on the library (mean absolute error, % of scale)."""
    members = tuple(member_names())
    rows = list(member_errors(members)) if method == "library" else []
    train = [r for r in rows if r.case != exclude]
    weights = fold_weights(train, members, method=method) if method == "library" else \
        {m: 1.0 / len(members) for m in members}
    cases = sorted({r.case for r in train})
    outcomes = len({(r.case, r.outcome) for r in train})
    # out-of-sample: each training case forecast with weights fitted on the others
    loo: list[float] = []
    by_key: dict[tuple[str, str], dict[str, Any]] = {}
    for r in train:
        by_key.setdefault((r.case, r.outcome), {})[r.model] = r
    for (case, _), got in by_key.items():
        w = fold_weights(train, members, leave_out=case, method=method)
        f = combine(w, {m: r.forecast for m, r in got.items()})
        if f is not None:
            any_r = next(iter(got.values()))
            loo.append(err_pct_scale(f, any_r.actual, 0.0, any_r.scale_width))
    return {"weights": weights, "cases": cases, "outcomes": outcomes,
            "loo_mean_err_pct_scale": float(np.mean(loo)) if loo else None}


class Ensemble(BaseForecaster):
    name = "ensemble"
    title = "Ensemble of the other models (weights from the case library)"
    citation = ("Bates & Granger (1969), 'The combination of forecasts', Operational Research Quarterly 20(4); "
                "weights by inverse error, leave-one-case-out on Allied's case library")
    multidimensional = True
    combiner: ClassVar[bool] = True
    parameters: ClassVar[Mapping[str, Any]] = {"weights": "library", "exclude": None}

    def run(self, inp: ForecastInput, *, rounds: int | None = None, rng: np.random.Generator | None = None,
            **params: Any) -> ForecastOutput:
        p = self.resolve(params)
        if p["weights"] not in METHODS:
            raise ModelError(f"ensemble weights must be one of {', '.join(METHODS)} (got '{p['weights']}')")
        exclude = p["exclude"]
        if exclude is None and p["weights"] == "library":  # forecasting a library case: never with its outcomes
            exclude = same_case(inp.actors, inp.issues)
        fit = library_fit(str(p["weights"]), exclude)
        w = fit["weights"]
        from allied.models.registry import get

        rng = rng if rng is not None else np.random.default_rng(0)
        b, _, d = inp.shape
        first = np.zeros((b, d))
        last = np.zeros((b, d))
        wsum = np.zeros(d)
        for m, wm in w.items():
            model = get(m)
            ok, _ = applicable(model, inp)  # a member that does not fit an issue leaves it to the others
            if wm <= 0 or not ok:
                continue
            out = run_model(model, inp if len(ok) == d else inp.select(ok), rounds=rounds, rng=rng)
            first[:, ok] += wm * out.forecast[:, 0, :]
            last[:, ok] += wm * out.forecast[:, -1, :]
            wsum[ok] += wm
        mask = inp.mask[None, :, :]
        mean = weighted_mean(np.where(mask, inp.x, np.nan), inp.c * inp.s)
        # renormalise per issue over the members that forecast it (the c·s mean where none did)
        first = np.where(wsum > 0, first / np.where(wsum > 0, wsum, 1.0), mean)
        last = np.where(wsum > 0, last / np.where(wsum > 0, wsum, 1.0), mean)
        pos = np.repeat(inp.x[:, None], 2, axis=1)
        notes = ["weights " + ", ".join(f"{m} {v:.2f}" for m, v in w.items())
                 + (f", fitted on {len(fit['cases'])} library cases ({fit['outcomes']} outcomes): few, so read them "
                    "as a record, not a law" if p["weights"] == "library" else " (equal weights)")]
        if exclude is not None:
            notes.append(f"library case '{exclude}' left out of the fit: its outcomes must not weight its own forecast")
        if fit["loo_mean_err_pct_scale"] is not None:
            notes.append(f"out-of-sample (leave-one-case-out) mean error on the library: "
                         f"{fit['loo_mean_err_pct_scale']:.1f} % of scale")
        return ForecastOutput(pos, np.stack([first, last], axis=1), np.stack([mean, mean], axis=1),
                              rounds_run=np.ones(b, dtype=np.int64),
                              extras={"weights": dict(w), "cases": list(fit["cases"])}, notes=notes)


register(Ensemble())
