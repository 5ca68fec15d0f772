"""The scenario's ``protocol:`` section: parameters of the negotiation-protocol game and its options.

Read by the protocol engine (:mod:`allied.protocol`); model in ``specs/protocol.md`` and
``docs/protocols.md``. Every parameter is a number or an uncertain range (``{low, high}``,
``{low, mode, high}``, ``{mean, sd}``); deterministic runs use the range's point value, sweeps draw
from it. ``ProtocolSection()`` with no arguments gives the **korea-2019 defaults**: illustrative
weights chosen to express the article's qualitative claims, not measurements. Each default is a
triangular range whose mode is the point value; :data:`PARAMETERS` gives each one's meaning and the
reasoning behind it.

User-defined protocols sit beside the five presets::

    protocol:
      divergence: 0.6
      protocols:
        freeze-first: [[0.2, 0.1, N-first], [0.8, 0.9, simultaneous]]
        phased: [{dd: 0.5, dr: 0.5, order: U-first}, {dd: 0.5, dr: 0.5, order: N-first}]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from allied.scenario.uncertain import Uncertain, Value

Order = Literal["N-first", "U-first", "simultaneous"]
PRESET_NAMES: tuple[str, ...] = ("big-deal", "small-deal", "step-by-step", "small-then-big", "starting-small")


@dataclass(frozen=True)
class ParamDoc:
    """One parameter: its path in the section, default range, meaning and the reasoning for the default."""

    path: str
    low: float
    mode: float
    high: float
    meaning: str
    reasoning: str
    lo_bound: float = float("-inf")  # admissible values
    hi_bound: float = float("inf")

    def default(self) -> Uncertain:
        return Uncertain(low=self.low, mode=self.mode, high=self.high)


#: every parameter of the protocol model, in kernel order (illustrative korea-2019 weights)
PARAMETERS: tuple[ParamDoc, ...] = (
    ParamDoc("mu0", 0.2, 0.4, 0.6, "prior probability that North Korea is sincere (S) rather than stalling (T)",
             "After Hanoi the US 'hardened its position' while Seoul kept faith in step-by-step trust "
             "building: a prior below one half, with wide doubt either way.", 1e-6, 1 - 1e-6),
    ParamDoc("delta", 0.8, 0.9, 0.95, "discount factor per stage (a stage ~ one round of summitry, months)",
             "Leaders meet every few months and care about results within a term: 0.9 per stage.", 0.0, 0.99),
    ParamDoc("alpha.S", 0.1, 0.3, 0.5, "sincere North Korea's cost per unit of denuclearisation",
             "A regime that has decided to trade the programme still values it somewhat.", 0.0),
    ParamDoc("alpha.T", 0.7, 1.0, 1.3, "stalling North Korea's cost per unit of denuclearisation",
             "A regime that wants to keep its weapons values them above the relief on offer (> beta).", 0.0),
    ParamDoc("beta", 0.4, 0.6, 0.8, "North Korea's gain per unit of sanctions relief",
             "Relief matters to both types but is worth less than the programme to the stalling type.", 0.0),
    ParamDoc("gamma.S", 0.3, 0.5, 0.8, "sincere North Korea's gain from a completed deal (normalisation)",
             "Security guarantees and normalisation are what the sincere type is after.", 0.0),
    ParamDoc("gamma.T", 0.0, 0.1, 0.3, "stalling North Korea's gain from a completed deal",
             "The stalling type gains little from normalisation it does not seek.", 0.0),
    ParamDoc("A_U", 0.8, 1.0, 1.2, "US gain per unit of denuclearisation (the numeraire)",
             "The US goal is denuclearisation: its weight is the unit of every other weight.", 0.0),
    ParamDoc("B_U", 0.1, 0.3, 0.5, "US cost per unit of sanctions relief (lost leverage)",
             "'The US does not want to remove sanctions ... until substantial progress': relief is a cost.",
             0.0),
    ParamDoc("G_U", 0.2, 0.5, 0.8, "US gain from a completed deal", "A signed, complete deal is a political prize.",
             0.0),
    ParamDoc("A_K", 0.3, 0.5, 0.8, "South Korea's gain per unit of denuclearisation",
             "Seoul wants denuclearisation but weighs it against inter-Korean momentum.", 0.0),
    ParamDoc("B_K", -0.7, -0.4, -0.1, "South Korea's cost per unit of relief (negative: Seoul gains from it)",
             "'Moon has indicated several times that he would prefer some easing of sanctions': relief "
             "opens inter-Korean projects, so B_K < 0."),
    ParamDoc("G_K", 0.3, 0.6, 1.0, "South Korea's gain from a completed deal",
             "Peace on the peninsula is Seoul's first aim.", 0.0),
    ParamDoc("rho", 0.5, 0.7, 0.9, "reversible share of dismantled capacity (rebuilt after a breakdown)",
             "Freezes and facility shutdowns (Yongbyon-type steps) can largely be undone.", 0.0, 1.0),
    ParamDoc("sigma", 0.6, 0.8, 0.95, "snapback efficiency of sanctions when the allies are unified",
             "UN sanctions can be re-imposed, but enforcement gaps mean some relief sticks.", 0.0, 1.0),
    ParamDoc("xi", 0.2, 0.5, 0.8, "how much allied divergence weakens snapback (sigma_eff = sigma (1 - xi d))",
             "A Seoul committed to engagement would enforce a re-imposition half-heartedly.", 0.0, 1.0),
    ParamDoc("divergence", 0.2, 0.4, 0.6, "allied divergence, 0 unified ... 1 fully divergent",
             "'these old allies are gradually moving away from each other': clearly above zero.", 0.0, 1.0),
    ParamDoc("tension.N", 0.1, 0.2, 0.3, "North Korea's per-stage cost of breakdown (tension, isolation)",
             "Renewed 'maximum pressure' is costly to Pyongyang.", 0.0),
    ParamDoc("tension.U", 0.05, 0.1, 0.2, "US per-stage cost of breakdown", "Distant from the peninsula: small.",
             0.0),
    ParamDoc("tension.K", 0.1, 0.3, 0.5, "South Korea's per-stage cost of breakdown",
             "Seoul lives under the guns: its tension cost is the largest.", 0.0),
    ParamDoc("s_uncond", 0.0, 0.0, 0.2, "South Korea's unconditional transfers to the North, per stage",
             "Kaesong and Kumgang stayed closed under sanctions in April 2019: zero, up to 0.2 to explore.",
             0.0),
    ParamDoc("s_cond", 0.0, 0.0, 0.2, "South Korea's side payments while talks are alive, per stage",
             "None were on offer in April 2019; the range explores conditional engagement.", 0.0),
    ParamDoc("kappa_K", 0.8, 1.0, 1.2, "South Korea's cost per unit of transfer", "Transfers cost Seoul about "
             "their value.", 0.0),
    ParamDoc("leak", 0.0, 0.5, 1.0, "how far unconditional transfers substitute for relief "
             "(beta_eff = beta max(0, 1 - leak s_uncond))",
             "Money that arrives regardless of compliance lowers the price of relief to Pyongyang.", 0.0, 1.0),
)
PARAM_BY_PATH: dict[str, ParamDoc] = {p.path: p for p in PARAMETERS}


def _d(path: str) -> Any:
    return Field(default_factory=PARAM_BY_PATH[path].default, description=PARAM_BY_PATH[path].meaning)


class TypePair(BaseModel):
    """A parameter that differs by North Korea's type: ``{S: ..., T: ...}``."""

    model_config = ConfigDict(extra="forbid")
    S: Value
    T: Value


class Tension(BaseModel):
    """Per-stage breakdown costs: ``{N: ..., U: ..., K: ...}``."""

    model_config = ConfigDict(extra="forbid")
    N: Value = _d("tension.N")
    U: Value = _d("tension.U")
    K: Value = _d("tension.K")


class Stage(BaseModel):
    """One tranche: shares of denuclearisation ``dd`` and relief ``dr``, and who is exposed first."""

    model_config = ConfigDict(extra="forbid")
    dd: float = Field(ge=0.0, le=1.0)
    dr: float = Field(ge=0.0, le=1.0)
    order: Order

    @model_validator(mode="before")
    @classmethod
    def _from_list(cls, v: Any) -> Any:
        if isinstance(v, list | tuple):
            if len(v) != 3:
                raise ValueError("a stage is [dd, dr, order], e.g. [0.25, 0.25, simultaneous]")
            return {"dd": v[0], "dr": v[1], "order": v[2]}
        return v


def _alpha() -> TypePair:
    return TypePair(S=PARAM_BY_PATH["alpha.S"].default(), T=PARAM_BY_PATH["alpha.T"].default())


def _gamma() -> TypePair:
    return TypePair(S=PARAM_BY_PATH["gamma.S"].default(), T=PARAM_BY_PATH["gamma.T"].default())


class ProtocolSection(BaseModel):
    """Parameters (spec names) and options of the protocol engine; defaults: korea-2019, illustrative."""

    model_config = ConfigDict(extra="forbid")

    family: Literal["denuclearisation"] = Field(
        "denuclearisation", description="game family: denuclearisation (this game) or cost-sharing")
    mu0: Value = _d("mu0")
    delta: Value = _d("delta")
    alpha: TypePair = Field(default_factory=_alpha)
    beta: Value = _d("beta")
    gamma: TypePair = Field(default_factory=_gamma)
    A_U: Value = _d("A_U")
    B_U: Value = _d("B_U")
    G_U: Value = _d("G_U")
    A_K: Value = _d("A_K")
    B_K: Value = _d("B_K")
    G_K: Value = _d("G_K")
    rho: Value = _d("rho")
    sigma: Value = _d("sigma")
    xi: Value = _d("xi")
    divergence: Value = _d("divergence")
    tension: Tension = Field(default_factory=Tension)
    s_uncond: Value = _d("s_uncond")
    s_cond: Value = _d("s_cond")
    kappa_K: Value = _d("kappa_K")
    leak: Value = _d("leak")

    # options
    grid: int = Field(81, ge=3, le=2001, description="belief-grid points for backward induction")
    selection: Literal["talks", "us", "stall"] = Field(
        "talks", description="equilibrium selection: talks (highest P(talks continue), then US value), "
                             "us (highest US value first), stall (lowest P(talks continue))")
    chooser: Literal["USA", "ROK", "compromise"] = Field("USA", description="who picks the allied protocol")
    w_U: float = Field(0.5, ge=0.0, le=1.0, description="US weight in a compromise choice")
    engagement: Literal["fixed", "choose"] = Field(
        "fixed", description="fixed: apply s_uncond and s_cond as given; choose: Seoul picks none, "
                             "unconditional, conditional or both, anticipating play")
    protocols: dict[str, list[Stage]] = Field(default_factory=dict, description="user-defined protocols")
    compare: list[str] | None = Field(None, description="protocols compared by default (None: all)")

    @field_validator("protocols")
    @classmethod
    def _check_protocols(cls, v: dict[str, list[Stage]]) -> dict[str, list[Stage]]:
        for name, stages in v.items():
            if name in PRESET_NAMES:
                raise ValueError(f"protocol '{name}' is a preset name; give your protocol another name")
            if not stages:
                raise ValueError(f"protocol '{name}' has no stages; give at least one [dd, dr, order]")
            td = sum(s.dd for s in stages)
            tr = sum(s.dr for s in stages)
            if td > 1 + 1e-9 or tr > 1 + 1e-9:
                raise ValueError(f"protocol '{name}': tranches add up to dd={td:g}, dr={tr:g}; each total "
                                 f"must be <= 1 (shares of the whole)")
        return v

    @model_validator(mode="after")
    def _check_ranges(self) -> ProtocolSection:
        for path, value in iter_values(self):
            doc = PARAM_BY_PATH[path]
            lo, hi = (value.bounds() if isinstance(value, Uncertain) else (float(value), float(value)))
            if not (math.isfinite(lo) and math.isfinite(hi)):  # 'inf' or 'nan' text from --set, coerced
                raise ValueError(f"{path} must be a finite number; got {lo:g}..{hi:g}")
            if not (doc.lo_bound <= lo and hi <= doc.hi_bound):
                raise ValueError(f"{path} must lie in [{doc.lo_bound:g}, {doc.hi_bound:g}] "
                                 f"({doc.meaning}); got {lo:g}..{hi:g}")
        if self.compare is not None:
            known = set(PRESET_NAMES) | set(self.protocols)
            bad = [n for n in self.compare if n not in known]
            if bad:
                raise ValueError(f"compare names unknown protocols {bad}; known: {sorted(known)}")
        return self


def iter_values(section: ProtocolSection) -> list[tuple[str, Value]]:
    """``(path, value)`` for every parameter, in kernel order (paths relative to the section)."""
    out: list[tuple[str, Value]] = []
    for doc in PARAMETERS:
        head, _, tail = doc.path.partition(".")
        v: Any = getattr(section, head)
        if tail:
            v = getattr(v, tail)
        out.append((doc.path, v))
    return out


def defaults() -> list[dict[str, Any]]:
    """The documentation table: each parameter's path, default range, meaning and reasoning."""
    return [{"parameter": p.path, "default": p.mode, "low": p.low, "high": p.high, "meaning": p.meaning,
             "reasoning": p.reasoning} for p in PARAMETERS]


def default_mapping() -> dict[str, Any]:
    """The defaults as a nested mapping ready for a scenario's ``protocol:`` section (YAML-able)."""
    out: dict[str, Any] = {}
    for p in PARAMETERS:
        rng = {"low": p.low, "mode": p.mode, "high": p.high}
        head, _, tail = p.path.partition(".")
        if tail:
            out.setdefault(head, {})[tail] = rng
        else:
            out[head] = rng
    return out
