"""Negotiation-protocol engine: big deal vs small deals vs step-by-step as a perfect Bayesian equilibrium.

Model and literature: ``docs/protocols.md`` (spec ``protocol.md``). Entry points: :func:`compare`
(DataFrames, rankings, JSON), :func:`solve_batch` (sweeps), :func:`protocol_inputs`, :func:`simulate`.
"""

from allied.protocols.api import (
    Comparison,
    compare,
    parameter_table,
    params_matrix,
    point_vector,
    protocol_inputs,
    simulate,
    solve,
    solve_batch,
)
from allied.protocols.kernel import OUT_NAMES, PARAM_NAMES
from allied.protocols.presets import PRESETS, Protocol, from_stages

__all__ = [
    "OUT_NAMES",
    "PARAM_NAMES",
    "PRESETS",
    "Comparison",
    "Protocol",
    "compare",
    "from_stages",
    "parameter_table",
    "params_matrix",
    "point_vector",
    "protocol_inputs",
    "simulate",
    "solve",
    "solve_batch",
]

