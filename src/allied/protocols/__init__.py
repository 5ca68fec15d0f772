"""Negotiation-protocol engine: big deal vs small deals vs step-by-step as a perfect Bayesian equilibrium.

Model and literature: ``docs/protocols.md`` (spec ``protocol.md``). Entry points: :func:`compare`
(DataFrames, rankings, JSON), :func:`solve_batch` (sweeps), :func:`protocol_inputs`, :func:`simulate`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from allied.errors import fail
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



NO_SECTION_FIX = ("add a 'protocol:' section naming its game: 'family: denuclearisation' (the korea-2019 game; "
                  "see docs/protocols.md) or 'family: cost-sharing' with patron, client and reservation points")


def require_section(scenario: Scenario) -> Any:
    """The scenario's ``protocol:`` section, or the one located error every front end shows without it."""
    if scenario.protocol is None:
        raise fail(scenario.id, "protocol", "the scenario has no protocol: section, so there is no negotiation "
                   "game to solve (protocols are defined by the scenario)", NO_SECTION_FIX, kind="missing_section")
    return scenario.protocol


def run(scenario: Scenario, protocols: Sequence[str] | None = None) -> Any:
    """Compare the protocols of ``scenario``'s ``protocol:`` section (all its protocols, or those named):
    a :class:`Comparison` (denuclearisation family) or a ``CostSharingComparison`` (cost-sharing)."""
    section = require_section(scenario)
    if getattr(section, "family", "denuclearisation") == "cost-sharing":
        from allied.protocols.cost_sharing import compare as compare_cost_sharing

        sides = {a.id for a in scenario.actors} | set(scenario.delegation or {})
        for role in ("patron", "client"):
            who = getattr(section, role)
            if who not in sides:
                raise fail(scenario.id, f"protocol.{role}", f"unknown actor '{who}'",
                           f"name an actor or a delegation principal: {', '.join(sorted(sides))}")
        return compare_cost_sharing(section, list(protocols) if protocols else None)
    return compare(section, protocols)


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
    "require_section",
    "run",
    "simulate",
    "solve",
    "solve_batch",
]

