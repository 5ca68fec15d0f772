"""KTAB's Spatial Model of Politics (SMP), multi-dimensional: model ``smp``.

Replicates the SMP of KAPSARC's Toolkit for Behavioral Analysis (KTAB; Wise, Lester & Efird,
"KTAB: A Toolkit for Behavioral Analysis", KAPSARC 2015; Efird, Lester & Wise 2016, *J. East Asian
Studies* 16:111–142), as implemented in KTAB's ``smpc`` (commit 3b5b063, 2019) and summarised in
``shared/specs/smp.md``: salience-weighted Euclidean utilities with inferred risk attitudes, challenges
valued with third-party "little contests", interpolated bargains and a probabilistic Condorcet election
over each actor's bargains, repeated until KTAB's stopping rule holds. Variant: KTAB's "cynical" model
(identity accommodation matrix: ideals follow positions), the only one reachable from KTAB's CSV input.

Input mapping (documented in ``docs/models.md``):

* each issue is a dimension; positions are mapped to ``[0, 1]`` with the issue's ``lo``/``hi`` and back;
* saliences are per actor across issues; an actor whose saliences sum over 1 (100 %) is scaled to sum 1,
  and ``notes`` says so;
* KTAB has one capability per actor: we use the mean of ``c[b, a, :]`` over the issues the actor takes
  part in (exactly the common value when they agree);
* an actor absent from an issue gets salience 0 there and starts at the c·s-weighted mean of the others;
  its output position there is NaN.

All nine KTAB parameters are model parameters under KTAB's names and defaults (``allied.models.smp.params``);
``details=True`` adds the challenge tables (``perspective``: an actor name or index; default each
initiator's own view) and the bargains of every turn.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from allied.arrays import ForecastInput
from allied.errors import ModelError
from allied.models.base import BaseForecaster, ForecastOutput, weighted_mean
from allied.models.registry import register
from allied.models.smp import _numpy as sk
from allied.models.smp import _sim as smp_sim
from allied.models.smp import params as K

#: samples per chunk are limited so that B·N³ stays below this (memory of the N³ kernels)
CHUNK_ELEMENTS = 2_000_000


class SpatialModelOfPolitics(BaseForecaster):
    name = "smp"
    title = "KTAB spatial model of politics (multi-dimensional)"
    citation = (
        "Wise, Lester & Efird (2015), KTAB: A Toolkit for Behavioral Analysis, KAPSARC; "
        "Efird, Lester & Wise (2016), J. East Asian Studies 16:111-142; KTAB smpc (KAPSARC/KTAB)"
    )
    multidimensional = True
    stochastic = False
    parameters: ClassVar[dict[str, Any]] = {**K.DEFAULTS, "details": False, "perspective": None}

    def run(
        self,
        inp: ForecastInput,
        *,
        rounds: int | None = None,
        rng: np.random.Generator | None = None,
        **params: Any,
    ) -> ForecastOutput:
        p = self.resolve(params)
        codes = K.resolve_codes(p)
        details = bool(p["details"])
        persp = _perspective(p["perspective"], inp.actors)
        b, a, _d = inp.shape
        if a < 2:
            raise ModelError("smp needs at least 2 actors (KTAB itself asks for 3)")
        if rounds is not None and rounds < 0:
            raise ModelError("rounds must be >= 0")
        max_iter = K.MAX_ITER if rounds is None else int(rounds)
        x01, s, cap, notes = _map_input(inp)
        if codes["StateTransitions"] == 1 and rng is None:
            rng = np.random.default_rng(0)
            notes.append("Stochastic transitions with no random generator given: seed 0 used")
        step = max(1, CHUNK_ELEMENTS // max(1, a**3))
        from allied.models.smp import _aot as smp_aot

        kern = smp_aot.kernels(min(b, step), a, _d)
        parts = []
        for lo_b in range(0, b, step):
            sl = slice(lo_b, min(b, lo_b + step))
            try:
                parts.append(smp_sim.simulate(x01[sl], s[sl], cap[sl], codes, max_iter, rng, details, persp,
                                                kern))
            except sk.KernelError as exc:
                raise ModelError(f"smp: {exc}; try PCEModel=Conditional") from exc
        last = np.concatenate([pt[1] for pt in parts])
        r_out = max_iter if rounds is not None else int(last.max())
        out = _assemble(inp, parts, r_out, s, cap, details, persp)
        out.rounds_run = last.astype(np.int64)
        out.extras["turns"] = out.rounds_run.copy()  # KTAB's "n states" is turns + 1
        out.notes = notes + out.notes
        return out


def _perspective(value: Any, actors: tuple[str, ...]) -> int | None:
    if value is None or value == "own":
        return None
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        if 0 <= int(value) < len(actors):
            return int(value)
    elif isinstance(value, str) and value in actors:
        return actors.index(value)
    raise ModelError(f"smp perspective {value!r} is not an actor; use one of {', '.join(actors)} or its index")


def _map_input(inp: ForecastInput) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """``[0, 1]`` positions, saliences (rows summing to <= 1) and one capability per actor."""
    notes: list[str] = []
    mask = inp.mask  # [A, D]
    span = inp.hi - inp.lo
    if np.any(span <= 0):
        raise ModelError("smp needs every issue scale with hi > lo")
    x01 = (inp.x - inp.lo) / span
    s = np.where(mask, np.asarray(inp.s, dtype=float), 0.0)
    if np.any(s < 0):
        raise ModelError("smp needs saliences >= 0")
    tot = s.sum(-1, keepdims=True)
    if np.any(tot <= 0):
        bad = sorted({inp.actors[i] for i in np.argwhere(tot[..., 0] <= 0)[:, 1]})
        raise ModelError(f"smp needs every actor to care about some issue; zero salience: {', '.join(bad)}. "
                         "Give each of them a positive salience on some issue, or leave them out of the run")
    over = tot[..., 0] > 1.0 + 1e-9
    if over.any():
        s = np.where(over[..., None], s / tot, s)
        names = sorted({inp.actors[i] for i in np.argwhere(over)[:, 1]})
        notes.append(f"saliences of {', '.join(names)} summed over 100% across issues and were scaled to sum 100%")
    c = np.asarray(inp.c, dtype=float)
    cm = np.where(mask, c, np.nan)
    same = np.nanmax(cm, -1) == np.nanmin(cm, -1)
    first = np.take_along_axis(cm, np.argmax(mask, -1)[None, :, None].repeat(c.shape[0], 0), -1)[..., 0]
    cap = np.where(same, first, np.nanmean(cm, -1))
    if np.any(~(cap > 0)):
        bad = sorted({inp.actors[i] for i in np.argwhere(~(cap > 0))[:, 1]})
        raise ModelError(f"smp needs every capability > 0 (KTAB's votes need a positive weight); capability 0: "
                         f"{', '.join(bad)}. Give these actors a positive capability, or leave them out of the run")
    if not mask.all():
        w = np.where(mask, c * s, 0.0)
        fill = (w * np.nan_to_num(x01)).sum(1, keepdims=True) / np.maximum(w.sum(1, keepdims=True), 1e-300)
        x01 = np.where(mask, x01, fill)
    return np.ascontiguousarray(x01), np.ascontiguousarray(s), np.ascontiguousarray(cap), notes


def _assemble(inp: ForecastInput, parts: list[tuple[smp_sim.Trace, np.ndarray]], r_out: int,
              s: np.ndarray, cap: np.ndarray, details: bool, persp: int | None) -> ForecastOutput:
    """The output arrays ``[B, r_out + 1, ...]``. Scale mapping and weighted means are computed per recorded
    state (each sample's states up to its last), then repeated to ``r_out`` (each element's arithmetic is
    the same as on the padded arrays, at a fraction of the work when a few samples run much longer)."""
    lo, span = inp.lo, inp.hi - inp.lo
    w = inp.c * inp.s
    states = r_out + 1
    cols: dict[str, list[np.ndarray]] = {k: [] for k in ("pos", "fc", "mean", "risk", "prob", "uniq", "frac")}
    start = 0
    for tr, last in parts:
        rows = tr.rows
        pos = [np.where(inp.mask, p * span + lo, np.nan) for p in tr.positions]
        mean = [weighted_mean(p, w[start + rw]) for p, rw in zip(pos, rows, strict=True)]
        ix = smp_sim.state_index(rows, last, states)
        cols["pos"].append(smp_sim.expand(rows, pos, last, states, ix))
        cols["mean"].append(smp_sim.expand(rows, mean, last, states, ix))
        cols["fc"].append(smp_sim.expand(rows, [f * span + lo for f in tr.forecast], last, states, ix))
        cols["risk"].append(smp_sim.expand(rows, tr.risk, last, states, ix))
        cols["prob"].append(smp_sim.expand(rows, tr.prob, last, states, ix))
        cols["uniq"].append(smp_sim.expand(rows, tr.unique, last, states, ix))
        cols["frac"].append(smp_sim.expand_frac(tr, last.shape[0], states))
        start += last.shape[0]
    out = {k: v[0] if len(v) == 1 else np.concatenate(v) for k, v in cols.items()}
    extras: dict[str, Any] = {
        "position_prob": out["prob"],
        "distinct": out["uniq"],
        "risk": out["risk"],
        "effective_power": cap[:, :, None] * s,
        "fractional_change": out["frac"],
    }
    if details:
        extras["details"] = _details(parts, r_out, lo, span, inp.actors, persp)
    return ForecastOutput(positions=out["pos"], forecast=out["fc"], mean=out["mean"], extras=extras)


def _details(parts: list[tuple[smp_sim.Trace, np.ndarray]], r_out: int, lo: np.ndarray, span: np.ndarray,
             actors: tuple[str, ...], persp: int | None) -> dict[str, Any]:
    """Per-turn challenge tables and bargains, ``[B, R, ...]`` (turn t leads from state t to t+1)."""
    keys = list(parts[0][0].details[0]) if parts[0][0].details else []
    out: dict[str, Any] = {"perspective": "own" if persp is None else actors[persp]}
    for key in keys:
        chunks = []
        for t, _ in parts:
            arr = np.stack([dt[key] for dt in t.details], axis=1)
            if arr.shape[1] < r_out:
                fill = -1 if arr.dtype.kind in "iu" else np.nan
                pad = np.full((arr.shape[0], r_out - arr.shape[1], *arr.shape[2:]), fill, dtype=arr.dtype)
                arr = np.concatenate([arr, pad], axis=1)
            chunks.append(arr)
        val = np.concatenate(chunks)
        if key in ("bargain_init_pos", "bargain_rcvr_pos"):
            val = val * span + lo
        out[key] = val
    return out


register(SpatialModelOfPolitics())
