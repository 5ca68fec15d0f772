"""Optional scenario sections, each owned by the engine that reads it (ledger: ``alliance:``, protocols:
``protocol:``). A ``protocol:`` section describes one game family, chosen by its ``family:`` key:
``denuclearisation`` (the default) or ``cost-sharing``."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Discriminator, Tag

from allied.scenario.sections.alliance import AllianceSection
from allied.scenario.sections.cost_sharing import CostSharingSection
from allied.scenario.sections.protocol import ProtocolSection

FAMILIES = ("denuclearisation", "cost-sharing")


def _family(v: Any) -> str:
    """Which game family a ``protocol:`` section describes (``family:``; default denuclearisation)."""
    if isinstance(v, dict):
        return str(v.get("family", "denuclearisation"))
    return str(getattr(v, "family", "denuclearisation"))


#: a ``protocol:`` section of any family
ProtocolSpec = Annotated[
    Annotated[ProtocolSection, Tag("denuclearisation")] | Annotated[CostSharingSection, Tag("cost-sharing")],
    Discriminator(_family),
]

__all__ = ["FAMILIES", "AllianceSection", "CostSharingSection", "ProtocolSection", "ProtocolSpec"]
