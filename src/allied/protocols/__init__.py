"""Negotiation-protocol engine: big deal vs small deals vs step-by-step as a perfect Bayesian equilibrium.

Model and literature: ``docs/protocols.md`` (spec ``protocol.md``). Entry points: :func:`compare`
(DataFrames, rankings, JSON), :func:`solve_batch` (sweeps), :func:`protocol_inputs`, :func:`simulate`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from allied._lazy import lazy_names
from allied.errors import fail

if TYPE_CHECKING:
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
    from allied.protocols.layout import OUT_NAMES, PARAM_NAMES
    from allied.protocols.presets import PRESETS, Protocol, from_stages
    from allied.scenario.model import Scenario

#: public name -> the submodule that defines it; loaded on first use (PEP 562), so listing a scenario's
#: uncertain protocol parameters (:mod:`allied.protocols.inputs`) loads neither numba nor pandas
_WHERE = {
    "Comparison": "api", "compare": "api", "parameter_table": "api", "params_matrix": "api",
    "point_vector": "api", "simulate": "api", "solve": "api", "solve_batch": "api",
    "protocol_inputs": "inputs",
    "OUT_NAMES": "layout", "PARAM_NAMES": "layout",
    "PRESETS": "presets", "Protocol": "presets", "from_stages": "presets",
}


__getattr__, __dir__ = lazy_names(__name__, globals(), _WHERE)


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
    from allied.protocols.api import compare

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

