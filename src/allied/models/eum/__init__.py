"""Bueno de Mesquita's expected-utility model (EUM), as reconstructed by Scholz, Calbert & Smith (2011).

Sources: B. Bueno de Mesquita (1994), "Political forecasting: an expected utility method", in Bueno de
Mesquita & Stokman (eds), *European Community Decision Making*, Yale UP, pp. 71–104; J. B. Scholz,
G. J. Calbert & G. A. Smith (2011), "Unravelling Bueno de Mesquita's group decision model", *J. Theoretical
Politics* 23(4):510–531 (conference version: ICAART 2011). Specification: ``shared/specs/eum.md``.

Each round: every actor's risk exponent is derived from how exposed its position is (a first pass with
r = 1), expected utilities of challenging and being challenged are computed for every pair, each actor
takes its best offer, and all actors move at once. The forecast is the median voter μ (the c·s-weighted
median, i.e. the Condorcet winner in one dimension) after each round; ``mean`` is the c·s-weighted mean.

Variants (parameter ``variant``):

``scholz`` (default)
    The reading of Scholz's own code as published by J. McKibben (github.com/jmckib/
    bdm-scholz-expected-utility-model, 2014), which reproduces 7 of the 8 medians of Scholz's Table 2 and
    which we reproduce bit for bit on all thirteen reference cases in ``shared/validation/eum``. Our code
    is our own, vectorised over samples and pairs. Its rules:

    * R, the normalising range, is the initial range of positions, fixed for the run;
    * voter k backs x_i over x_j with c_k s_k [(|x_k−x_j|/R)^{r_k} − (|x_k−x_i|/R)^{r_k}] (its own risk
      exponent on distances); P(i beats j) = sum of positive backings / one constant for the whole
      system (the sum of |backing| over all voters and all ordered pairs of actors), so P_ij + P_ji ≠ 1;
    * E(U_ij) = s_j [P U_s + (1−P) U_f] + (1−s_j) U_s − q U_sq with U_s = 2 − 4(0.5 − 0.5 d/R)^r,
      U_f = 2 − 4(0.5 + 0.5 d/R)^r, U_sq = 2 − 4·0.5^r; there is no U_b/U_w term and q = 1 by default;
    * every value an actor uses is computed with its own r, including the other side's E ("as i sees it");
      the security S_i = Σ_{j≠i} E(U_ji) comes from the r = 1 pass;
    * receiver i and proposer j (x_j ≠ x_i), with a = E(U_ij), b = E(U_ji): b > a > 0 is a lost
      confrontation (i moves to x_j); b > 0 > a with b > |a| is a compromise (i moves to
      x_i + (x_j − x_i)|a/b|); capitulation never happens (the reference's test for it is always false);
    * i takes the nearest confrontation; failing that, the compromise whose |E|-weighted average of the
      two positions, (|a| x_i + |b| x_j)/(|a| + |b|), is smallest (a quirk of Scholz's code); exact ties go
      to the proposer listed first, as in the reference (needed to reproduce ``litigation_orig`` round 2).
      This is the only way the input order of actors can matter;
    * moves are simultaneous, from the positions at the start of the round.

``paper``
    The equations as printed in Scholz et al. (2011). Differences from ``scholz``:

    1. P_ij = Σ_{k: v_k>0} v_k / Σ_k |v_k| per pair, v_k = c_k s_k (|x_k−x_j| − |x_k−x_i|) (linear), so
       P_ij + P_ji = 1 (eqs. 30–31);
    2. each actor's E uses its own r: E^i(U_ij) with r_i and E^j(U_ji) with r_j;
    3. security S_i = Σ_{j≠i} E^j(U_ji), j's own expected utility of challenging i (the prose reading);
    4. with Q < 1 the term −(1−Q)[T U_b + (1−T) U_w] is included, T = 1 iff |x_i − μ| < |x_i − x_j|,
       U_b/U_w = 2 − 4[0.5 ∓ 0.25(|x_i − μ| + |x_i − x_j|)/R]^r (eqs. 22, 23, 25a);
    5. offers (Fig. 6), for receiver j and proposer i with a = E^i(U_ij) > 0, b = E^j(U_ji): b > 0 and
       a > b: lost conflict, j moves to x_i; b ≤ 0 and a ≥ |b|: compromise, j moves to
       x_j + (x_i − x_j)|b/a| (eq. 35); b < 0 and |b| > a: capitulation, j moves to x_i;
    6. j prefers a lost conflict, then a compromise, then a capitulation (§6.2) and within the class moves
       the least; ties go to the proposer with the larger E, then to the lower position (order-free).

    With Q = 1 the security pass is the same in both readings, so item 3 matters only when Q < 1.

Defined results where the reference codes divide by zero: when every actor is equally secure
(max S = min S, e.g. once all positions have converged) every risk exponent is 1; when a sample starts
with all actors at one position nothing moves; a system in which no voter has weight gets P = 0
(``scholz``) or 1/2 (``paper``).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from allied.arrays import ForecastInput
from allied.errors import ModelError
from allied.models.base import BaseForecaster, ForecastOutput, weighted_mean
from allied.models.eum._numpy import ROUNDS, run_eum
from allied.models.mean import weighted_median
from allied.models.registry import register

VARIANTS = tuple(ROUNDS)
DEFAULT_ROUNDS = 10


class ExpectedUtility(BaseForecaster):
    """The ``eum`` model: positions, median voter μ and weighted mean per round."""

    name = "eum"
    title = "Expected-utility model (Bueno de Mesquita; Scholz et al. reconstruction)"
    citation = ("Bueno de Mesquita (1994), in Bueno de Mesquita & Stokman (eds), European Community Decision "
                "Making; Scholz, Calbert & Smith (2011), J. Theoretical Politics 23(4):510-531")
    parameters: ClassVar[dict[str, Any]] = {"variant": "scholz", "q": 1.0}

    def run(
        self,
        inp: ForecastInput,
        *,
        rounds: int | None = None,
        rng: np.random.Generator | None = None,
        **params: Any,
    ) -> ForecastOutput:
        p = self.resolve(params)
        variant = str(p["variant"])
        if variant not in VARIANTS:
            raise ModelError(f"eum has no variant '{variant}'; choose one of {', '.join(VARIANTS)}")
        q = float(p["q"])
        if not 0.0 <= q <= 1.0:
            raise ModelError(f"eum: q is the probability of the status quo and must lie in [0, 1], got {q}")
        n_rounds = DEFAULT_ROUNDS if rounds is None else int(rounds)
        if n_rounds < 0:
            raise ModelError(f"eum: rounds must be >= 0, got {n_rounds}")
        b, a, d = inp.shape
        if d != 1:
            raise ModelError("eum is one-dimensional: run it one issue at a time (allied.forecast.run_model)")
        if a == 0:
            raise ModelError("eum needs at least one actor on the issue")
        x = np.asarray(inp.x[:, :, 0], dtype=float)
        s = np.asarray(inp.s[:, :, 0], dtype=float)
        c = np.asarray(inp.c[:, :, 0], dtype=float)
        if not (np.all(np.isfinite(x)) and np.all(np.isfinite(s)) and np.all(np.isfinite(c))):
            raise ModelError("eum: positions, saliences and capabilities must be finite numbers")
        if np.any(s < 0) or np.any(s > 1 + 1e-12):
            raise ModelError("eum: salience must lie in [0, 1] (divide 0-100 saliences by 100)")
        if np.any(c < 0):
            raise ModelError("eum: capabilities must be >= 0")
        pos, risk = run_eum(x, s, c, n_rounds, variant, q)
        w = np.broadcast_to((c * s)[:, None, :], pos.shape)
        forecast = weighted_median(pos, w)[:, :, None]
        mean = weighted_mean(pos[..., None], w[..., None])
        notes = []
        if np.any(x.max(axis=1) == x.min(axis=1)):
            notes.append("all actors start at one position: nothing to bargain over, positions kept")
        return ForecastOutput(
            positions=pos[..., None],
            forecast=forecast,
            mean=mean,
            rounds_run=np.full(b, n_rounds, dtype=np.int64),
            extras={"risk": risk, "variant": variant, "q": q},
            notes=notes,
        )


register(ExpectedUtility())
