"""Negotiation-protocol engine: big deal vs small deals vs step-by-step as a perfect Bayesian equilibrium.

Model and literature: ``docs/protocols.md`` (spec ``protocol.md``). Entry points: :func:`compare`
(DataFrames, rankings, JSON), :func:`solve_batch` (sweeps), :func:`protocol_inputs`, :func:`simulate`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from allied.scenario.model import Scenario



def run(scenario: Scenario, protocols: Sequence[str] | None = None) -> Comparison:
    """Compare the protocols of ``scenario``'s ``protocol:`` section (all its protocols, or those named)."""
    return compare(scenario.protocol, protocols)


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
    "run",
    "simulate",
    "solve",
    "solve_batch",
]

