"""Stokman & Van Oosten's exchange model of vote trading between issues, equal-gain variant.

Stokman, F. N. & Van Oosten, R. (1994), "The exchange of voting positions: an object-oriented model
of policy networks", in Bueno de Mesquita & Stokman (eds), *European Community Decision Making*,
Yale University Press, pp. 105–127. Variant: the equal-gain exchange rate exactly as implemented in the
``decide-exchange-model`` package (J. Draaijer, github.com/foarsitter/decide-exchange-model, HEAD
51dee66), including its caps, recalculation rules and deterministic tie order (``ALLOW_RANDOM =
False``); ``variant="random-rate"`` is the randomised exchange rate of Dijkstra, Van Assen, Stokman &
Draaijer (2018). Our own statement of the rules is ``shared/specs/exchange.md``.

One round: the expected outcome of each issue is the capability × salience weighted mean O_d. For
every pair of issues, actors on opposite sides of both outcomes can trade: the one for whom the first
issue matters relatively less moves its vote there towards its partner, the partner moves on the second
issue. The moves are set so that both gain the same salience-weighted outcome shift, capped so that no
actor passes its partner and no outcome passes the demanding actor's position. The exchange with the
highest gain is carried out first, the exchanges that share an actor-issue with it are recalculated,
and so on until none is left. The weighted mean of the resulting voting positions is the round's
forecast. Actors then move their preferences towards their votes, x' = (1 − w) x + w y with
w = 0.4 (1 − s) + 0.1, and the next round starts from them.

Output (DESIGN §5): ``positions[:, r]`` are the preferences after r rounds (round 0 = input), so
``mean[:, r]`` is the package's "preference MDS" of its round r; ``forecast[:, r]`` is the weighted
mean of the voting positions after round r's exchanges (the package's round r − 1 "voting MDS"),
with ``forecast[:, 0]`` = the input's weighted mean. ``arithmetic="exact"`` (the default, forecasts and
sweeps alike) runs the certified float kernel (:mod:`allied.models.exchange._certified`) and settles only the
comparisons too close to call in floating point in the package's 28-digit decimals
(:mod:`allied.models.exchange._hybrid`), so its decisions (which exchanges, in which order, every round)
are the package's bit for bit; ``"decimal"`` runs the whole model in those decimals
(:mod:`allied.models.exchange._decimal`, the reference the tests hold the default to); ``"float"`` runs the
plain numba kernel (:mod:`allied.models.exchange._numba`), which departs from the package where its choice
turns on rounding noise (~1e-26) between exact ties;
``variant="random-rate"`` always runs in the decimal implementation and averages ``repetitions`` runs.
Extras: ``voting_positions`` ``[B, R+1, A, D]``,
``n_exchanges`` ``[B, R+1]`` and ``n_exchanges_issue`` ``[B, R+1, D]``, ``exchanges`` (one row per
realised exchange, a dict of equal-length arrays) and ``externalities`` ``[n_exchanges, A]`` (each
third actor's salience-weighted gain from the outcome shifts of that exchange, NaN where the actor is
not on both issues; the two traders get the exchange's gain) with ``externality_inner``.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from allied.arrays import ForecastInput
from allied.errors import ModelError
from allied.models.base import BaseForecaster, ForecastOutput, weighted_mean
from allied.models.registry import register

TIES = ("deterministic", "random")
VARIANTS = ("equal-gain", "random-rate")


def to_internal(x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Positions in issue units to the model's 0–100 scale (the package's ``Issue.normalize``)."""
    span = hi - lo
    step = np.divide(100.0, span, out=np.zeros_like(span, dtype=float), where=span != 0)
    return (x - lo) * step


def from_internal(v: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The inverse of :func:`to_internal` (a zero-width scale maps everything to ``lo``)."""
    span = hi - lo
    step = np.divide(100.0, span, out=np.zeros_like(span, dtype=float), where=span != 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(step != 0, v / np.where(step != 0, step, 1.0) + lo, lo)
    return np.asarray(out, dtype=float)


def _internal_mean(v: np.ndarray, cs: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Weighted mean over actors of ``v[..., A, D]`` as the package computes it (0 when no weight)."""
    w = np.where(present, cs, 0.0)
    num = np.where(present, np.nan_to_num(v), 0.0) * w
    tot = w.sum(axis=-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = num.sum(axis=-2) / tot
    return np.where(tot != 0, out, 0.0)


#: orders of magnitude between an issue's largest and smallest positive capability × salience weight from
#: which float positions can drift from the package's decimals by more than 1e-9 of 0–100 (docs/limits.md)
SPREAD_NOTE = 6.0


def weight_spread(w: np.ndarray) -> float:
    """The largest ``log10(max / min)`` over samples and issues of the positive weights ``w`` (samples × actors
    × issues, absent actors at 0); 0 when no issue has two."""
    hi = np.max(np.where(w > 0, w, -np.inf), axis=1)
    lo = np.min(np.where(w > 0, w, np.inf), axis=1)
    both = np.isfinite(hi) & np.isfinite(lo)
    return float(np.log10(hi[both] / lo[both]).max()) if both.any() else 0.0


def trade_notes(irec: np.ndarray, gain: np.ndarray, actors: tuple[str, ...], issues: tuple[str, ...],
                top: int = 5) -> list[str]:
    """Who trades what: the actor pairs with the largest total gain, and the issues each gave way on."""
    pairs: dict[tuple[int, int], list[Any]] = {}
    for k in range(len(irec)):
        ai, di, aj, dj = (int(v) for v in irec[k, 2:6])
        key = (min(ai, aj), max(ai, aj))
        rec = pairs.setdefault(key, [0, 0.0, {key[0]: set(), key[1]: set()}])
        rec[0] += 1
        rec[1] += float(gain[k])
        rec[2][ai].add(issues[di])
        rec[2][aj].add(issues[dj])
    out = []
    for (a1, a2), (n, g, gives) in sorted(pairs.items(), key=lambda kv: -kv[1][1])[:top]:
        out.append(f"{actors[a1]} gives way on {', '.join(sorted(gives[a1]))} and {actors[a2]} on "
                   f"{', '.join(sorted(gives[a2]))} ({n} exchanges, total gain {g:.3g})")
    return out


def _kernel() -> Any:
    """The float kernel: the ahead-of-time build when there is one for this source, else numba's JIT."""
    from allied.models.exchange import _aot as exchange_aot

    mod = exchange_aot.load()
    if mod is not None:
        return mod.run_batch
    from allied.models.exchange._numba import run_batch

    return run_batch


class ExchangeModel(BaseForecaster):
    """The exchange model (multi-issue: it links issues)."""

    name = "exchange"
    title = "Exchange model (Stokman & Van Oosten 1994), equal gain"
    citation = ("Stokman & Van Oosten (1994), The exchange of voting positions, in Bueno de Mesquita & Stokman "
                "(eds), European Community Decision Making, 105-127; as implemented in decide-exchange-model")
    multidimensional = True
    stochastic = False
    parameters: ClassVar[dict[str, Any]] = {
        "rounds": 10,
        "ties": "deterministic",
        "variant": "equal-gain",
        "p": 1.0,
        "repetitions": 1,
        "arithmetic": "exact",
    }

    def run(
        self,
        inp: ForecastInput,
        *,
        rounds: int | None = None,
        rng: np.random.Generator | None = None,
        **params: Any,
    ) -> ForecastOutput:
        """Run ``rounds`` rounds on every sample of ``inp``."""
        par = self.resolve(params)
        n_rounds = int(par["rounds"] if rounds is None else rounds)
        if n_rounds < 0:
            raise ModelError("rounds must be 0 or more")
        ties = str(par["ties"])
        if ties not in TIES:
            raise ModelError(f"ties must be one of {', '.join(TIES)}, not '{ties}'")
        if ties == "random" and "arithmetic" not in params:
            par["arithmetic"] = "float"  # the package's random ties have no exact-arithmetic order to follow
        variant = str(par["variant"])
        if variant not in VARIANTS:
            raise ModelError(f"variant must be one of {', '.join(VARIANTS)}, not '{variant}'")
        present = inp.mask
        lo = np.asarray(inp.lo, dtype=float)
        hi = np.asarray(inp.hi, dtype=float)
        xi = np.where(present, to_internal(np.asarray(inp.x, dtype=float), lo, hi), np.nan)
        s = np.where(present, np.asarray(inp.s, dtype=float), 0.0)
        c = np.where(present, np.asarray(inp.c, dtype=float), 0.0)
        with np.errstate(over="ignore", invalid="ignore"):
            weights_finite = bool(np.all(np.isfinite(100.0 * (s * c).sum(axis=1))))  # x·s·c sums, x on 0–100
        if np.any(s < 0) or np.any(c < 0) or not np.all(np.isfinite(xi[:, present])) or not weights_finite:
            raise ModelError("exchange model needs finite positions and finite, non-negative salience and capability "
                             "(an issue's capability x salience weights, times 100, must sum to a finite number)")
        gen = rng if rng is not None else np.random.default_rng(0)
        stats: dict[str, int] = {}
        if variant == "random-rate":
            reps = int(par["repetitions"])
            prefs, votes, rec = self._random_rate(inp, lo, hi, s, c, present, n_rounds, float(par["p"]), reps, gen)
        elif par["arithmetic"] == "exact" and ties != "random":
            from allied.models.exchange._hybrid import run_hybrid

            rec6 = run_hybrid(np.asarray(inp.x, dtype=float), lo, hi, s, c, present, n_rounds, stats)
            prefs, votes, rec = rec6[0], rec6[1], rec6[2:]
        elif par["arithmetic"] == "decimal":
            if ties == "random":
                raise ModelError("arithmetic='decimal' reproduces the package's deterministic tie order only")
            from allied.models.exchange._decimal import run_exact

            rec4 = run_exact(np.asarray(inp.x, dtype=float), lo, hi, s, c, present, n_rounds)
            prefs, votes, rec = rec4[0], rec4[1], rec4[2:]
        elif par["arithmetic"] not in ("float", "exact"):
            raise ModelError(f"arithmetic must be 'exact', 'float' or 'decimal', not '{par['arithmetic']}'")
        else:
            run_batch = _kernel()
            seed = int(gen.integers(0, 2**31 - 1)) if ties == "random" else 0
            prefs, votes, frec, irec, ext, inner = run_batch(
                np.ascontiguousarray(xi), np.ascontiguousarray(s), np.ascontiguousarray(c),
                np.ascontiguousarray(present), n_rounds, ties == "random", seed)
            rec = (frec, irec, ext, inner)
        out = self._output(inp, prefs, votes, rec, lo, hi, s * c, present)
        if stats.get("bail"):
            out.notes.append(f"{stats['bail']} of {inp.shape[0]} sample(s) computed in the package's decimals "
                             "throughout (slower): the fast path could not hold their positions within 1e-9 on the "
                             "model's 0-100 scale, as when capability x salience weights are many orders of "
                             "magnitude apart")
        spread = weight_spread(s * c)
        if spread >= SPREAD_NOTE and par["arithmetic"] == "float" and variant != "random-rate":
            out.notes.append(f"capability x salience weights span {spread:.0f} orders of magnitude within an issue: "
                             "float arithmetic can drift from the package's positions and miss its smallest "
                             "exchanges; the exact default (without -p arithmetic=float) computes such samples in "
                             "the package's decimals (docs/limits.md)")
        if inp.shape[2] < 2:
            out.notes.append("one issue only: the exchange model trades between issues, so nothing moves")
        if variant == "random-rate":  # counts over all repetitions -> per repetition
            out.extras["n_exchanges"] = out.extras["n_exchanges"] / reps
            out.extras["n_exchanges_issue"] = out.extras["n_exchanges_issue"] / reps
            out.notes.append(f"random-rate p={par['p']}: means over {reps} repetition(s)")
        return out

    @staticmethod
    def _random_rate(inp: ForecastInput, lo: np.ndarray, hi: np.ndarray, s: np.ndarray, c: np.ndarray,
                     present: np.ndarray, n_rounds: int, p: float, reps: int, gen: np.random.Generator,
                     ) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, ...]]:
        """Dijkstra et al. (2018) random exchange rates, averaged over ``reps`` repetitions (decimal path)."""
        from allied.models.exchange._decimal import run_exact

        if reps < 1 or not 0.0 <= p <= 1.0:
            raise ModelError("random-rate needs repetitions >= 1 and 0 <= p <= 1")
        runs = [run_exact(np.asarray(inp.x, dtype=float), lo, hi, s, c, present, n_rounds, p=p, rng=gen)
                for _ in range(reps)]
        prefs = np.mean([r[0] for r in runs], axis=0)
        votes = np.mean([r[1] for r in runs], axis=0)
        recs = tuple(np.concatenate([r[k] for r in runs]) for k in range(2, 6))
        return prefs, votes, recs

    def _output(self, inp: ForecastInput, prefs: np.ndarray, votes: np.ndarray, rec: tuple[np.ndarray, ...],
                lo: np.ndarray, hi: np.ndarray, cs: np.ndarray, present: np.ndarray) -> ForecastOutput:
        b, r1 = prefs.shape[:2]
        prefs = np.clip(prefs, 0.0, 100.0)
        votes = np.clip(votes, 0.0, 100.0)
        fc = from_internal(_internal_mean(votes, cs[:, None], present), lo, hi)
        pos = np.where(present, from_internal(prefs, lo, hi), np.nan)
        vpos = np.where(present, from_internal(votes, lo, hi), np.nan)
        mean = weighted_mean(pos, cs[:, None])
        frec, irec, ext, inner = rec
        n_ex = np.zeros((b, r1), dtype=np.int64)
        n_iss = np.zeros((b, r1, inp.shape[2]), dtype=np.int64)
        if len(irec):
            np.add.at(n_ex, (irec[:, 0], irec[:, 1]), 1)
            np.add.at(n_iss, (irec[:, 0], irec[:, 1], irec[:, 3]), 1)
            np.add.at(n_iss, (irec[:, 0], irec[:, 1], irec[:, 5]), 1)
        lo_i, hi_i = lo[irec[:, 3]], hi[irec[:, 3]]
        lo_j, hi_j = lo[irec[:, 5]], hi[irec[:, 5]]
        exchanges = {
            "sample": irec[:, 0], "round": irec[:, 1],
            "actor_i": irec[:, 2], "issue_i": irec[:, 3], "actor_j": irec[:, 4], "issue_j": irec[:, 5],
            "group": np.where(irec[:, 6] == 0, "a-d", "b-c"),
            "from_i": from_internal(frec[:, 0], lo_i, hi_i), "to_i": from_internal(frec[:, 1], lo_i, hi_i),
            "from_j": from_internal(frec[:, 2], lo_j, hi_j), "to_j": from_internal(frec[:, 3], lo_j, hi_j),
            "gain": frec[:, 4],
            "outcome_i_before": from_internal(frec[:, 5], lo_i, hi_i),
            "outcome_i_after": from_internal(frec[:, 6], lo_i, hi_i),
            "outcome_j_before": from_internal(frec[:, 7], lo_j, hi_j),
            "outcome_j_after": from_internal(frec[:, 8], lo_j, hi_j),
            # each trader's own gain from the two outcome shifts (salience-weighted, 0-100 scale)
            "gain_i": frec[:, 11], "gain_j": frec[:, 12],
        }
        notes = []
        if b == 1:
            notes.append(f"{len(irec)} exchanges realised in {r1 - 1} rounds")
            notes += trade_notes(irec, frec[:, 4], inp.actors, inp.issues)
        return ForecastOutput(
            positions=pos,
            forecast=fc,
            mean=mean,
            rounds_run=np.full(b, r1 - 1, dtype=np.int64),
            extras={
                "voting_positions": vpos,
                "n_exchanges": n_ex,
                "n_exchanges_issue": n_iss,
                "exchanges": exchanges,
                "externalities": ext,
                "externality_inner": inner,
                "actors": inp.actors,
                "issues": inp.issues,
            },
            notes=notes,
        )


register(ExchangeModel())
