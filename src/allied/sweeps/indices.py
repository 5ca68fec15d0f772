"""Variance-based (Sobol) and elementary-effects (Morris) sensitivity of an engine's outputs to the
uncertain inputs of a scenario, with SALib.

Design: SALib samples the unit hypercube of the inputs' *quantiles* (``bounds = [0, 1]`` for every
input); each column is mapped through its input's inverse CDF (:meth:`InputSpace.map`), so triangular and
normal ranges get their own distributions, not a uniform over their support. Sobol indices are invariant
under this per-input monotone transform; Morris ``mu_star`` and ``sigma`` are per unit of quantile.

* Sobol: Saltelli's design (``SALib.sample.sobol``, ``N (K + 2)`` evaluations without second-order terms)
  and the Saltelli (2010) / Jansen estimators of ``SALib.analyze.sobol``, bootstrap confidence intervals.
* Morris: Morris (1991) trajectories with ``levels`` grid levels and Campolongo et al.'s (2007) ``mu_star``
  (``SALib.sample.morris``, ``SALib.analyze.morris``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from allied.errors import SweepError
from allied.scenario.model import Scenario
from allied.sweeps.engines import ForecastEngine, ProtocolEngine, get_engine
from allied.sweeps.inputs import Draw, InputSpace, scenario_inputs

METHODS = ("sobol", "morris")
#: model evaluations per engine call (bounds memory)
BATCH = 8192

Evaluate = Callable[[Draw], Mapping[str, np.ndarray]]


@dataclass
class SensitivityResult:
    """Indices per output key and input; ``ranked(key)`` orders the inputs by importance."""

    method: str
    inputs: list[str]
    indices: dict[str, dict[str, dict[str, float | None]]]  # key -> input -> measure -> value
    samples: int
    evaluations: int
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def rank_by(self) -> str:
        return "ST" if self.method == "sobol" else "mu_star"

    def ranked(self, key: str) -> list[tuple[str, dict[str, float | None]]]:
        rows = list(self.indices[key].items())
        return sorted(rows, key=lambda kv: -(kv[1].get(self.rank_by) or 0.0))

    def top(self, key: str, n: int = 3) -> list[str]:
        """The ``n`` most influential inputs of ``key``, most influential first."""
        return [name for name, m in self.ranked(key)[:n] if m.get(self.rank_by) is not None]

    def overlaps(self, key: str, n: int = 3) -> list[tuple[int, str, str]]:
        """Adjacent ranks among the top ``n`` whose bootstrap confidence intervals overlap, as
        ``(rank, input, next input)``: the order of those two is not yet known at this sample size."""
        conf = f"{self.rank_by}_conf"
        rows = self.ranked(key)
        out = []
        for r in range(min(n, len(rows) - 1)):
            (a, ma), (b, mb) = rows[r], rows[r + 1]
            va, vb = ma.get(self.rank_by), mb.get(self.rank_by)
            if va is None or vb is None:
                continue
            if va - (ma.get(conf) or 0.0) <= vb + (mb.get(conf) or 0.0):
                out.append((r + 1, a, b))
        return out

    def beyond_one(self, key: str) -> list[str]:
        """Inputs of ``key`` with a Sobol index above 1: impossible for a variance share, so sampling error."""
        if self.method != "sobol":
            return []
        return [name for name, m in self.ranked(key) if any((m.get(c) or 0.0) > 1.0 for c in ("S1", "ST"))]

    def to_json(self) -> dict[str, Any]:
        """The ``sensitivity --format json`` object: ``{"issues": {ID: {"indices": {INPUT: {...}},
        "ranking_stable": bool, "overlapping_ranks": [...]}}}``."""
        issues = {k: {"indices": dict(self.ranked(k)), "ranking_stable": not self.overlaps(k),
                      "overlapping_ranks": [{"rank": r, "inputs": [a, b]} for r, a, b in self.overlaps(k)]}
                  for k in self.indices}
        return {**self.meta, "method": self.method, "samples": self.samples, "evaluations": self.evaluations,
                "inputs": self.inputs, "issues": issues}

    def frame(self) -> Any:
        """A tidy DataFrame: issue, input, rank and each measure."""
        import pandas as pd

        rows = []
        for k in self.indices:
            for r, (name, m) in enumerate(self.ranked(k), start=1):
                rows.append({"issue": k, "input": name, "rank": r, **m})
        return pd.DataFrame(rows)


def _num(v: Any) -> float | None:
    v = float(v)
    return v if np.isfinite(v) else None


def evaluate_design(space: InputSpace, u: np.ndarray, f: Evaluate) -> dict[str, np.ndarray]:
    """Evaluate ``f`` on the uniform design ``u[M, K]`` in batches; returns ``{key: y[M]}``."""
    parts: dict[str, list[np.ndarray]] = {}
    for start in range(0, u.shape[0], BATCH):
        out = f(space.draw_uniform(u[start:start + BATCH]))
        for k, y in out.items():
            parts.setdefault(k, []).append(np.asarray(y, dtype=float).reshape(-1))
    return {k: np.concatenate(v) for k, v in parts.items()}


#: most model runs one analysis may plan (the design is built in memory before any run)
MAX_RUNS = 5_000_000


def analyse(space: InputSpace, f: Evaluate, method: str = "sobol", samples: int = 512, seed: int = 0,
            levels: int = 4, conf_level: float = 0.95) -> SensitivityResult:
    """Indices of every output of ``f`` (a function of a :class:`Draw`) over ``space`` (the core routine,
    also used directly on analytic test functions)."""
    if method not in METHODS:
        raise SweepError(f"--method must be one of {', '.join(METHODS)} (got '{method}')")
    if samples < 2:
        raise SweepError(f"--samples must be 2 or more for sensitivity analysis (got {samples})")
    if len(space) == 0:
        raise SweepError("no uncertain inputs: give some figures as ranges ({low, high}, {low, mode, high} or "
                         "{mean, sd}) to analyse their influence")
    k = len(space)
    runs = (1 << max(1, int(samples - 1).bit_length())) * (k + 2) if method == "sobol" else samples * (k + 1)
    if runs > MAX_RUNS:
        raise SweepError(f"--samples {samples:,} with {k} uncertain inputs means {runs:,} model runs and a design of "
                         f"{runs * k * 8 / 1e9:,.1f} GB (limit {MAX_RUNS:,} runs); use fewer samples (a few thousand "
                         "base samples rank inputs reliably)")
    problem = space.problem()
    if method == "sobol":
        from SALib.analyze import sobol as sobol_analyze
        from SALib.sample import sobol as sobol_sample

        n = 1 << max(1, int(samples - 1).bit_length())  # Sobol' sequences balance at powers of two
        u = sobol_sample.sample(problem, n, calc_second_order=False, scramble=True, seed=seed)
        ys = evaluate_design(space, u, f)
        indices: dict[str, dict[str, dict[str, float | None]]] = {}
        for key, y in ys.items():
            if not np.all(np.isfinite(y)) or np.var(y) == 0.0:
                indices[key] = {nm: {"S1": None, "S1_conf": None, "ST": None, "ST_conf": None} for nm in space.names}
                continue
            # SALib seeds its bootstrap only for a truthy seed (0 means "unseeded"): shift by one so every
            # seed, 0 included, gives the same confidence intervals on every run
            r = sobol_analyze.analyze(problem, y, calc_second_order=False, conf_level=conf_level, seed=seed + 1,
                                      print_to_console=False)
            indices[key] = {nm: {"S1": _num(r["S1"][j]), "S1_conf": _num(r["S1_conf"][j]),
                                 "ST": _num(r["ST"][j]), "ST_conf": _num(r["ST_conf"][j])}
                            for j, nm in enumerate(space.names)}
        return SensitivityResult(method, space.names, indices, n, int(u.shape[0]))
    from SALib.analyze import morris as morris_analyze
    from SALib.sample import morris as morris_sample

    u = morris_sample.sample(problem, samples, num_levels=levels, seed=seed)
    ys = evaluate_design(space, u, f)
    indices = {}
    for key, y in ys.items():
        r = morris_analyze.analyze(problem, u, y, num_levels=levels, conf_level=conf_level, seed=seed,
                                   print_to_console=False)
        indices[key] = {nm: {"mu_star": _num(r["mu_star"][j]), "mu_star_conf": _num(r["mu_star_conf"][j]),
                             "mu": _num(r["mu"][j]), "sigma": _num(r["sigma"][j])}
                        for j, nm in enumerate(space.names)}
    return SensitivityResult(method, space.names, indices, samples, int(u.shape[0]))


def scenario_sensitivity(sc: Scenario, model: str, method: str = "sobol", samples: int = 512, seed: int = 0,
                         issues: Sequence[str] | None = None, params: Mapping[str, Any] | None = None,
                         rounds: int | None = None) -> SensitivityResult:
    """Indices of ``model``'s ``target`` output per issue (or protocol / ledger total) of ``sc``."""
    eng = get_engine(model, params, rounds, None)
    keys = eng.keys(sc)
    if issues:
        bad = [i for i in issues if i not in keys]
        if bad:
            raise SweepError(f"--issue {', '.join(bad)}: not an output of '{model}' on {sc.id}; "
                             f"choose from {', '.join(keys)}")
    wanted = list(issues) if issues else keys
    if isinstance(eng, ProtocolEngine) and issues:
        eng.params["protocols"] = list(wanted)  # solve only the protocols asked for
    full = scenario_inputs(sc)

    def run(engine: Any, outputs: list[str]) -> SensitivityResult:
        space = full.subset(engine.uses(sc, full, outputs))

        def f(draw: Draw) -> dict[str, np.ndarray]:
            ks, cols = engine.evaluate(sc, draw)
            y = cols[engine.target]
            return {k: y[:, ks.index(k)] for k in outputs}

        return analyse(space, f, method, samples, seed)

    if isinstance(eng, ForecastEngine) and not eng.model.multidimensional:
        # a one-issue model: each issue depends only on its own stances and the actors' clout, so each issue
        # gets its own (smaller) design and no spurious indices for other issues' inputs
        parts = [run(ForecastEngine(model, dict(params or {}), rounds, [iss]), [iss]) for iss in wanted]
        res = SensitivityResult(method, sorted({n for p in parts for n in p.inputs}),
                                {k: v for p in parts for k, v in p.indices.items()}, parts[0].samples,
                                sum(p.evaluations for p in parts))
    else:
        res = run(eng, wanted)
    res.meta = {"scenario": sc.id, "model": model, "target": eng.target}
    return res
