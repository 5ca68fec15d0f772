"""Bilateral bargaining forecaster (``bargain``): where two principals settle inside their zone of agreement.

Papers and the variant implemented (``docs/bargaining.md`` has the formulas and a worked example):

* Nash, J. (1950) "The bargaining problem", *Econometrica* 18(2); asymmetric form: Kalai (1977).
* Rubinstein, A. (1982) "Perfect equilibrium in a bargaining model", *Econometrica* 50(1).
* Ståhl, I. (1972) *Bargaining Theory*, Stockholm School of Economics (finite horizon).
* Binmore, K., Rubinstein, A. & Wolinsky, A. (1986) "The Nash bargaining solution in economic
  modelling", *RAND J. Economics* 17(2): outside options, and the limit of alternating offers as the
  time between offers goes to zero.

Variant. The issue is one line; the side whose position is higher (the *high* side) wants a high
outcome and its reservation point ``r_H`` is the least it accepts; the other side accepts at most ``r_L``.
The zone of agreement is ``[r_H, r_L]`` (empty when ``r_H > r_L``). Utilities are linear: surplus over the
reservation point in issue units; each side's reservation point is also its outside option. Each side
discounts at an annual rate ``rho_i`` and offers come every ``period`` years, so
``delta_i = exp(-rho_i * period)``. By default ``rho_i = rate * cbar / c_i`` (patience grows with
capability, ``cbar`` the two sides' mean), so the Nash power and the limit of alternating offers is the
capability share ``c_H / (c_H + c_L)``. Salience does not enter the split.

``solution``: ``nash`` (asymmetric Nash, power ``rho_L / (rho_H + rho_L)``) or ``alternating``
(Rubinstein; with ``deadline`` years, Ståhl's finite horizon of ``round(deadline / period)`` offers after
which the current arrangement lapses and each side pays ``lapse`` issue units per year of lapse while
offers go on, with outside options as in Binmore–Rubinstein–Wolinsky). ``first`` names the principal who
opens; ``average`` (default) averages both openings, so the result does not depend on actor order. Under
complete information agreement is immediate (period 0) whenever the zone is non-empty; over a batch of
sampled reservation points the model reports the share of samples with an empty zone: the probability of
no agreement by the deadline. Where the zone is empty the reported point is where the same split would
fall between the two reservation points, flagged as no deal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from allied.arrays import ForecastInput
from allied.errors import ModelError
from allied.models.bargain import _kernel as K
from allied.models.bargain._parties import Parties, parties, refusal
from allied.models.base import BaseForecaster, ForecastOutput, weighted_mean
from allied.models.registry import register

__all__ = ["Bargain", "refusal", "split"]


def _per_side(value: Any, names: tuple[str, str], what: str) -> tuple[float, float]:
    """A scalar for both sides, or a mapping ``{principal: value}`` (missing principals get 0)."""
    if value is None:
        return 0.0, 0.0
    if isinstance(value, Mapping):
        unknown = set(value) - set(names)
        if unknown:
            raise ModelError(f"{what} names {sorted(unknown)}, not a bargaining side ({', '.join(names)})")
        return float(value.get(names[0], 0.0)), float(value.get(names[1], 0.0))
    return float(value), float(value)


def _rates(p: Parties, rate: float, rates: Any) -> np.ndarray:
    """``[B, 2]`` annual discount rates: given per principal, else ``rate * cbar / c_i``."""
    if rates is not None:
        r0, r1 = _per_side(rates, p.names, "rates")
        if min(r0, r1) <= 0:
            raise ModelError("rates must be above 0 for both sides (annual discount rates, e.g. 0.1)")
        return np.broadcast_to(np.array([r0, r1]), p.capability.shape).copy()
    c = np.nan_to_num(p.capability, nan=0.0)
    cbar = c.mean(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(c > 0, rate * cbar / c, np.inf)
    return np.where(cbar > 0, out, rate)


def split(p: Parties, params: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """The agreement ``[B]`` and its parts for two parties under the resolved model parameters."""
    b = p.position.shape[0]
    high = p.position[:, 0] >= p.position[:, 1]  # [B] is names[0] the high side?
    hi_ix = np.where(high, 0, 1)
    lo_ix = 1 - hi_ix
    rows = np.arange(b)
    r_hi, r_lo = p.reservation[rows, hi_ix], p.reservation[rows, lo_ix]
    surplus = r_lo - r_hi
    rho = _rates(p, float(params["rate"]), params.get("rates"))
    rho_hi, rho_lo = rho[rows, hi_ix], rho[rows, lo_ix]
    period = float(params["period"])
    if period <= 0:
        raise ModelError("period (years between offers) must be above 0, e.g. 0.0833 for a month")
    d_hi, d_lo = np.exp(-rho_hi * period), np.exp(-rho_lo * period)
    solution = params["solution"]
    first = params["first"]
    if first != "average" and first not in p.names:
        raise ModelError(f"first must be 'average' or a bargaining side ({', '.join(p.names)}); got {first!r}")
    if solution == "nash":
        with np.errstate(invalid="ignore"):
            a = np.where(np.isinf(rho_hi) & np.isinf(rho_lo), 0.5,
                         np.where(np.isinf(rho_lo), 1.0, np.where(np.isinf(rho_hi), 0.0,
                                                                   rho_lo / (rho_hi + rho_lo))))
        share = K.nash_share(a)
    elif solution == "alternating":
        lapse = _per_side(params.get("lapse"), p.names, "lapse")
        if min(lapse) < 0:
            raise ModelError("lapse costs must be 0 or more (issue units per year of lapse)")
        cost = np.array(lapse) * period
        c_hi, c_lo = cost[hi_ix], cost[lo_ix]
        deadline = params.get("deadline")
        n = None if deadline is None else round(float(deadline) / period)
        if n is not None and n < 1:
            raise ModelError(f"deadline {deadline} is shorter than one offer period ({period:g} years)")

        def opening(high_first: np.ndarray | bool) -> np.ndarray:
            hf = np.broadcast_to(np.asarray(high_first), (b,))
            out = np.empty(b)
            for flag in (True, False):
                m = hf == flag
                if not m.any():
                    continue
                if n is None:
                    out[m] = K.rubinstein_share(d_hi[m], d_lo[m], flag)
                else:
                    out[m] = K.deadline_share(surplus[m], d_hi[m], d_lo[m], n, c_hi[m], c_lo[m], flag)
            return out

        if first == "average":
            share = 0.5 * (opening(True) + opening(False))
        else:
            share = opening(hi_ix == p.names.index(first))
    else:
        raise ModelError(f"solution must be 'nash' or 'alternating', got {solution!r}")
    deal = surplus >= 0
    agreement = r_hi + share * surplus
    return {"agreement": agreement, "deal": deal, "share_high": share, "zone_low": np.minimum(r_hi, r_lo),
            "zone_high": np.maximum(r_hi, r_lo), "high_is_first": high}


class Bargain(BaseForecaster):
    """Two principals bargaining over one issue (Nash; Rubinstein; Ståhl's deadline with lapse costs)."""

    name = "bargain"
    title = "Bilateral bargaining (Nash, Rubinstein, Ståhl deadline)"
    citation = ("Nash (1950) Econometrica 18(2); Rubinstein (1982) Econometrica 50(1); Ståhl (1972) "
                "Bargaining Theory; Binmore, Rubinstein & Wolinsky (1986) RAND J. Econ. 17(2)")
    bilateral = True
    parameters: ClassVar[dict[str, Any]] = {
        "solution": "alternating",  # nash | alternating
        "rate": 0.1,  # annual discount rate of a side of average capability
        "rates": None,  # {principal: annual rate} overrides the capability rule
        "period": 1 / 12,  # years between offers
        "deadline": None,  # years until the current arrangement lapses (None: no deadline)
        "lapse": 0.0,  # cost per year of lapse, issue units: a number or {principal: cost}
        "first": "average",  # who opens: average of both, or a principal's id
    }

    def applies(self, inp: ForecastInput) -> str | None:
        """None when the model fits this one-issue input, else why not."""
        return refusal(inp)

    def run(
        self,
        inp: ForecastInput,
        *,
        rounds: int | None = None,
        rng: np.random.Generator | None = None,
        **params: Any,
    ) -> ForecastOutput:
        par = self.resolve(params)
        if float(par["rate"]) <= 0:
            raise ModelError("rate must be above 0 (an annual discount rate, e.g. 0.1)")
        p = parties(inp)
        res = split(p, par)
        n = 0 if rounds is None else int(rounds)
        lo, hi = float(inp.lo[0]), float(inp.hi[0])
        fc = np.clip(res["agreement"], lo, hi)
        mean = weighted_mean(inp.x, inp.c * inp.s)[:, 0]
        deal = res["deal"]
        extras: dict[str, Any] = {
            "parties": list(p.names),
            "p_no_deal": float(1.0 - deal.mean()),
            "deal": deal,
            "agreement_period": np.where(deal, 0, -1),
            "zone": [[float(a), float(b)] for a, b in zip(res["zone_low"][:3], res["zone_high"][:3], strict=True)],
            "share_high": res["share_high"],
        }
        notes = []
        if p.bystanders:
            extras["bystanders"] = list(p.bystanders)
            notes.append(f"{' and '.join(p.names)} bargain; {', '.join(p.bystanders)} "
                         f"{'is a bystander' if len(p.bystanders) == 1 else 'are bystanders'} (no reservation point)")
        if p.from_positions:
            notes.append("no reservation points: the zone of agreement is taken as the span between the two "
                         "positions")
        if not deal.all():
            notes.append(f"no zone of agreement in {1 - deal.mean():.0%} of samples: probability of no deal "
                         f"by the deadline {1 - deal.mean():.3g} (the reported point splits the gap)")
        return ForecastOutput(
            positions=np.repeat(inp.x[:, None], n + 1, axis=1),
            forecast=np.repeat(fc[:, None, None], n + 1, axis=1),
            mean=np.repeat(mean[:, None, None], n + 1, axis=1),
            rounds_run=np.zeros(inp.shape[0], dtype=np.int64),
            extras=extras,
            notes=notes,
        )


register(Bargain())
