"""Optional scenario sections, each owned by the engine that reads it (ledger: ``alliance:``,
protocol: ``protocol:``). Until a section's schema module exists it is accepted as a plain mapping."""

from __future__ import annotations

from typing import Any

try:
    from allied.scenario.sections.alliance import AllianceSection
except ModuleNotFoundError as exc:  # pragma: no cover - only while the ledger engine is being written
    if exc.name != "allied.scenario.sections.alliance":
        raise
    AllianceSection = dict[str, Any]  # type: ignore[misc,assignment]

try:
    from allied.scenario.sections.protocol import ProtocolSection
except ModuleNotFoundError as exc:  # pragma: no cover
    if exc.name != "allied.scenario.sections.protocol":
        raise
    ProtocolSection = dict[str, Any]  # type: ignore[misc,assignment]

__all__ = ["AllianceSection", "ProtocolSection"]
