"""The uncertain parameters of a ``protocol:`` section, without the solver.

A light module (the scenario layer and numpy only): a sweep lists every scenario's uncertain protocol
parameters, whatever model it runs, and must not pay for numba or pandas to do so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from allied.scenario.sections.protocol import ProtocolSection, iter_values
from allied.scenario.uncertain import Uncertain


def as_section(section: Any) -> ProtocolSection:
    """A ProtocolSection from None (korea-2019 defaults), a section, a mapping, or a Scenario."""
    if section is None:
        return ProtocolSection()
    if isinstance(section, ProtocolSection):
        return section
    if not isinstance(section, Mapping) and hasattr(section, "protocol"):  # a Scenario
        return as_section(section.protocol)
    return ProtocolSection.model_validate(dict(section))


def protocol_inputs(section: ProtocolSection | None = None) -> list[tuple[str, Uncertain]]:
    """Every uncertain parameter as ``("protocol.<path>", Uncertain)``, e.g. ``protocol.alpha.T``."""
    sec = as_section(section)
    return [(f"protocol.{p}", v) for p, v in iter_values(sec) if isinstance(v, Uncertain)]
