"""The nine KTAB SMP model parameters (KTAB's names and values) and its hard-coded constants.

Each parameter is an enumeration; a value may be given by KTAB's name (``"Linear"``), by its
index in KTAB's list (``0``) or, for ``VotingRule``, by either spelling KTAB uses (``"Prop"`` in
its logs and readers, ``Proportional`` in its enum). :func:`resolve_codes` turns a parameter
mapping into integer codes for the kernels.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from allied.errors import ModelError

#: parameter name -> allowed values in KTAB's order (index = KTAB's enum value)
CHOICES: dict[str, tuple[str, ...]] = {
    "VictoryProbModel": ("Linear", "Square", "Quartic", "Octic", "Binary"),
    "PCEModel": ("Conditional", "MarkovIncentive", "MarkovUniform"),
    "StateTransitions": ("Deterministic", "Stochastic"),
    "VotingRule": ("Binary", "PropBin", "Proportional", "PropCbc", "Cubic", "ASymProsp"),
    "BigRAdjust": ("None", "OneThird", "Half", "TwoThirds", "Full"),
    "BigRRange": ("Min", "Mid", "Max"),
    "ThirdPartyCommit": ("NoCommit", "SemiCommit", "FullCommit"),
    "InterVecBrgn": ("S1P1", "S2P2", "S2PMax"),
    "BargnModel": ("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"),
}

#: KTAB's defaults (smpc / pysmp with no parameters given)
DEFAULTS: dict[str, str] = {
    "VictoryProbModel": "Linear",
    "PCEModel": "Conditional",
    "StateTransitions": "Deterministic",
    "VotingRule": "Proportional",
    "BigRAdjust": "OneThird",
    "BigRRange": "Mid",
    "ThirdPartyCommit": "SemiCommit",
    "InterVecBrgn": "S2P2",
    "BargnModel": "InitOnlyInterp",
}

_ALIASES = {("VotingRule", "prop"): "Proportional", ("BigRAdjust", "no"): "None"}

# KTAB's hard-coded constants (configExec, smpStopFn, bestChallenge, interpBrgnSnPm, Model::vote ...)
MIN_ITER = 2  # the stopping rule is only tested from the 2nd iteration on
MAX_ITER = 100  # hard cap on iterations
STOP_RATIO = 0.02  # stop when step-distance / (first step-distance + MIN_SIG_DELTA) < this
MIN_SIG_DELTA = 1e-4  # guards the first-step distance against 0/0
POS_TOL = 1e-3  # two positions closer than this (Euclidean, [0,1] scale) are the same position
MIN_SIG_EDU = 1e-5  # a challenge is only made if its expected gain exceeds this
MIN_COALITION = 1e-8  # every coalition starts with this strength (Model::coalitions)
MIN_CHALLENGE_COALITION = 1e-10  # ... and this in a challenge (SMPState::probEduChlg)
BIN_TOL = 1e-8  # Binary vote: the utility difference that counts as a full vote
PROPBIN_MIX = 0.2  # PropBin: weight of the binary part
PROPCBC_MIX = 0.5  # PropCbc: weight of the cubic part
BINARY_VP_THRESHOLD = 1.10  # Binary victory model: a 10% coalition advantage is a sure win
BINARY_VP_MIN = 1e-6  # ... and the loser keeps this much
BARGAIN_MIN_W = 1e-6  # interpolated bargains: weight added to the initiator (and S2PMax)
BARGAIN_ROUND = 1e4  # S1P1/S2P2 bargains are rounded to 4 decimals on the [0,1] scale
MARKOV_UNIFORM_TOL = 1e-6
MARKOV_INCENTIVE_TOL = 1e-8
MARKOV_MAX_ITER = 1000
MARKOV_INCENTIVE_EPS = 1e-10


def resolve_codes(params: Mapping[str, Any]) -> dict[str, int]:
    """Integer codes for the nine enumerations in ``params`` (missing ones take KTAB's defaults)."""
    out: dict[str, int] = {}
    for name, values in CHOICES.items():
        raw = params.get(name, DEFAULTS[name])
        if raw is None:
            raw = DEFAULTS[name]
        out[name] = _code(name, raw, values)
    return out


def _code(name: str, raw: Any, values: tuple[str, ...]) -> int:
    if isinstance(raw, bool):
        raise _bad(name, raw, values)
    if isinstance(raw, int):
        if 0 <= raw < len(values):
            return raw
        raise _bad(name, raw, values)
    if isinstance(raw, str):
        key = raw.strip()
        key = _ALIASES.get((name, key.lower()), key)
        for k, v in enumerate(values):
            if v.lower() == key.lower():
                return k
    raise _bad(name, raw, values)


def _bad(name: str, raw: Any, values: tuple[str, ...]) -> ModelError:
    return ModelError(
        f"smp parameter {name}={raw!r} is not one of KTAB's values {', '.join(values)} "
        f"(or their index 0..{len(values) - 1})"
    )
