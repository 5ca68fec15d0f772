"""Engines as the sweep sees them: one small interface every engine plugs into.

An :class:`Engine` evaluates ``n`` sampled scenarios at once and returns ``(keys, columns)``: the output
keys (forecast issues, protocols, ledger totals) and ``{column: array[n, len(keys)]}``. Its ``target``
column is what summaries and sensitivity indices describe. :func:`get_engine` resolves a name: every
registered forecast model (``mean``, ``eum``, ``smp``, ``exchange`` and any later one), ``protocol`` and
``ledger``; :func:`register_engine` adds others.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np

from allied.errors import ModelError, SweepError
from allied.scenario.model import Scenario
from allied.sweeps.inputs import Draw, InputSpace

Columns = dict[str, np.ndarray]


@runtime_checkable
class Engine(Protocol):
    """What the sweep needs from an engine."""

    name: str
    target: str  # the column summarised and analysed

    def uses(self, sc: Scenario, space: InputSpace, keys: Sequence[str] | None = None) -> list[str]:
        """Names of the inputs this engine reads (restricted to ``keys`` where that is meaningful)."""
        ...

    def keys(self, sc: Scenario) -> list[str]:
        """Output keys (issues, protocols, totals)."""
        ...

    def evaluate(self, sc: Scenario, draw: Draw) -> tuple[list[str], Columns]:
        """``(keys, {column: [n, len(keys)]})`` for the ``n`` samples of ``draw``."""
        ...


@dataclass
class ForecastEngine:
    """Any registered forecast model, on all or some issues."""

    name: str
    params: dict[str, Any] = field(default_factory=dict)
    rounds: int | None = None
    issues: list[str] | None = None
    target: str = "forecast"

    def __post_init__(self) -> None:
        from allied.models.runner import split_params

        split_params([self.name], self.params)  # unknown parameters fail now, with the model's list
        # a model may ask for faster settings in batch sweeps (the exchange model's float arithmetic);
        # they are recorded in the run's parameters like any other
        self.params = {**dict(getattr(self.model, "batch_parameters", {})), **self.params}
        if "rounds" in self.params:  # a model may list its round count among its parameters
            r = self.params.pop("rounds")
            self.rounds = self.rounds if self.rounds is not None else (None if r is None else int(r))
        from allied.models.limits import check_rounds

        check_rounds(self.rounds)  # before any worker starts or any sample is drawn

    @property
    def model(self) -> Any:
        from allied.models.registry import get

        return get(self.name)

    def keys(self, sc: Scenario) -> list[str]:
        """The chosen issues; without a choice, every issue the model fits (``bargain``: bilateral ones)."""
        if self.issues:
            return list(self.issues)
        ids = [i.id for i in sc.issues]
        if getattr(self.model, "applies", None) is None:
            return ids
        from allied.models.base import applicable
        from allied.models.runner import _refusal

        ok, skipped = applicable(self.model, sc.forecast_input(ids))
        if not ok:
            raise ModelError(_refusal(self.name, skipped))
        return [ids[k] for k in ok]

    @property
    def shares(self) -> dict[str, str]:
        """Extra 0/1 columns whose mean the summary reports (``bargain``: ``p_no_deal``)."""
        return {"p_no_deal": "no_deal"} if getattr(self.model, "bilateral", False) else {}

    def uses(self, sc: Scenario, space: InputSpace, keys: Sequence[str] | None = None) -> list[str]:
        mine = set(keys or self.keys(sc)) if not self.model.multidimensional else set(self.keys(sc))
        out = []
        for name in space.names:
            parts = name.split(".")
            if parts[0] == "actors" or (parts[0] == "stances" and parts[2] in mine):
                out.append(name)
        return out

    def evaluate(self, sc: Scenario, draw: Draw) -> tuple[list[str], Columns]:
        from allied.models.base import run_model

        keys = self.keys(sc)
        vals = {k: v for k, v in draw.values.items() if k.startswith(("actors.", "stances."))}
        inp = sc.forecast_input(keys, values=vals, samples=draw.n)
        model = self.model
        cols: Columns | None = None
        if not getattr(model, "stochastic", False):
            # a model may draw random numbers only under some parameters (SMP's stochastic transitions,
            # the exchange model's random ties): hand it a probe generator and see whether it was used
            probe = np.random.default_rng(0)
            before = probe.bit_generator.state
            out = run_model(model, inp, rounds=self.rounds, rng=probe, **self.params)
            if probe.bit_generator.state == before:
                cols = _final(out)
        if cols is None:
            # stochastic: each sample continues its own stream, so chunking cannot change its result
            rngs = draw.rngs or [np.random.default_rng([0, int(i)]) for i in range(draw.n)]
            parts = [run_model(model, inp.take(slice(j, j + 1)), rounds=self.rounds, rng=rngs[j], **self.params)
                     for j in range(draw.n)]
            final = [_final(p) for p in parts]
            cols = {c: np.concatenate([f[c] for f in final]) for c in final[0]}
        for a_ix, actor in enumerate(inp.actors):
            cols[f"pos_{actor}"] = cols.pop(f"_pos{a_ix}")
        deal = cols.pop("_deal", None)
        if self.shares:  # 1.0 where a bargaining sample has no zone of agreement
            cols["no_deal"] = 1.0 - (deal if deal is not None else np.ones_like(cols["forecast"]))
        return keys, cols


def _final(out: Any) -> Columns:
    """Last-round forecast, mean, rounds run and every actor's final position, each ``[n, D]``."""
    b, _, a, d = out.positions.shape
    rr = out.rounds_run if out.rounds_run is not None else np.full(b, out.positions.shape[1] - 1)
    cols: Columns = {
        "forecast": np.ascontiguousarray(out.forecast[:, -1, :], dtype=float),
        "mean": np.ascontiguousarray(out.mean[:, -1, :], dtype=float),
        "rounds": np.broadcast_to(np.asarray(rr, dtype=np.int64).reshape(b, -1)[:, :1], (b, d)).copy(),
    }
    for k in range(a):
        cols[f"_pos{k}"] = np.ascontiguousarray(out.positions[:, -1, k, :], dtype=float)
    per_issue = out.extras.get("per_issue", {})
    if any("deal" in e for e in per_issue.values()):
        cols["_deal"] = np.stack([np.asarray(e.get("deal", np.ones(b)), dtype=float)
                                  for e in per_issue.values()], axis=1)
    return cols


@dataclass
class LedgerEngine:
    """Ledger totals (year × viewpoint × lens × unit) over sampled item values and exchange rates."""

    params: dict[str, Any] = field(default_factory=dict)
    name: str = "ledger"
    target: str = "total"

    def _plan(self, sc: Scenario) -> Any:
        from allied.ledgers.batch import plan

        if sc.alliance is None:
            raise ModelError(f"scenario '{sc.id}' has no alliance: section for the ledger engine")
        year = self.params.get("year")
        p = plan(sc.alliance, year)
        if year is not None and not p.key_rows:  # as allied ledger --year: an empty table would pass unnoticed
            years = ", ".join(str(y) for y in sorted({it.year for it in sc.alliance.items}))
            raise SweepError(f"--param year={year}: the alliance section has no items that year; years present: "
                             f"{years}")
        return p

    def keys(self, sc: Scenario) -> list[str]:
        return [f"{y}/{v}/{lens}/{unit}" for y, v, lens, unit in self._plan(sc).key_rows]

    def uses(self, sc: Scenario, space: InputSpace, keys: Sequence[str] | None = None) -> list[str]:
        return [n for n in space.names if n.startswith("alliance.")]

    def evaluate(self, sc: Scenario, draw: Draw) -> tuple[list[str], Columns]:
        p = self._plan(sc)
        # the ledger maps its own uniforms; hand it ours, column by column, in its input order
        from allied.sweeps.inputs import ledger_path

        u = np.column_stack([draw.column(ledger_path(sc.alliance, name)) for name, _ in p.inputs]) \
            if p.inputs else np.zeros((draw.n, 0))
        values, rates = p.draw(u)
        return self.keys(sc), {"total": p.totals(values, rates)}


@dataclass
class ProtocolEngine:
    """The protocol solver batched over sampled ``protocol.*`` parameters."""

    params: dict[str, Any] = field(default_factory=dict)
    name: str = "protocol"
    target: str = "p_full"

    def keys(self, sc: Scenario) -> list[str]:
        from allied.sweeps import protocol_adapter

        return protocol_adapter.protocol_names(sc, self.params)

    def uses(self, sc: Scenario, space: InputSpace, keys: Sequence[str] | None = None) -> list[str]:
        return [n for n in space.names if n.startswith("protocol.")]

    def evaluate(self, sc: Scenario, draw: Draw) -> tuple[list[str], Columns]:
        from allied.sweeps import protocol_adapter

        vals = {k: v for k, v in draw.values.items() if k.startswith("protocol.")}
        return protocol_adapter.evaluate(sc, vals, draw.n, self.params)


EngineFactory = Callable[..., Engine]
_ENGINES: dict[str, EngineFactory] = {}


def register_engine(name: str, factory: EngineFactory) -> None:
    """Make ``name`` available to ``allied sweep --model`` (factory takes params=, rounds=, issues=)."""
    _ENGINES[name] = factory


def _ledger_engine(params: Mapping[str, Any] | None = None, rounds: int | None = None,
                   issues: Sequence[str] | None = None) -> LedgerEngine:
    """The ledger engine; its one setting is ``year`` (``--param year=2019``), which it used to ignore
    silently when misspelt."""
    params = dict(params or {})
    unknown = set(params) - {"year"}
    if unknown:
        raise SweepError(f"the ledger sweep takes the parameter year only, not {', '.join(sorted(unknown))}")
    year = params.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise SweepError(f"--param year must be a whole year such as 2019 (got {year!r})")
    return LedgerEngine(params)


def _protocol_engine(params: Mapping[str, Any] | None = None, rounds: int | None = None,
                     issues: Sequence[str] | None = None) -> ProtocolEngine:
    """The protocol engine, its settings checked before any sample is solved."""
    from allied.sweeps.protocol_adapter import check_params

    check_params(params or {})
    return ProtocolEngine(dict(params or {}))


register_engine("ledger", _ledger_engine)
register_engine("protocol", _protocol_engine)


def engine_names() -> list[str]:
    from allied.models.registry import available

    return available() + list(_ENGINES)


def get_engine(name: str, params: Mapping[str, Any] | None = None, rounds: int | None = None,
               issues: Sequence[str] | None = None) -> Engine:
    """The engine called ``name``: a special engine, else a forecast model from the registry."""
    if name in _ENGINES:
        if issues:
            raise SweepError(f"--issue applies to forecast models; the {name} engine has no issues to choose")
        if rounds is not None:  # it used to be ignored without a word
            raise SweepError(f"--rounds applies to forecast models; the {name} engine runs no rounds")
        return _ENGINES[name](params=dict(params or {}), rounds=rounds, issues=list(issues) if issues else None)
    from allied.models.registry import available

    if name not in available():
        raise ModelError(f"unknown model '{name}'; choose one of {', '.join(engine_names())}")
    return ForecastEngine(name, dict(params or {}), rounds, list(issues) if issues else None)
