"""Allied: turn a geopolitical negotiation into something an analyst can compute, question and stress-test.

Python API (see ``allied.api``)::

    import allied
    sc = allied.load("korea-2019")
    sc.to_frame()                        # stances with evidence
    allied.forecast(sc).frame()          # every forecast model side by side, one row per model × issue × round

Names are imported on first use, so ``import allied`` (and every ``allied`` command) starts fast.
"""

from __future__ import annotations

import importlib as _importlib
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

__version__ = "0.1.0"

#: public name -> module that defines it
_EXPORTS = {
    "load": "allied.api",
    "forecast": "allied.api",
    "protocol": "allied.api",
    "ledger": "allied.api",
    "sweep": "allied.api",
    "sensitivity": "allied.api",
    "Scenario": "allied.scenario",
    "AlliedError": "allied.errors",
    "ScenarioError": "allied.errors",
    "ModelError": "allied.errors",
    "SweepError": "allied.errors",
    "ReportError": "allied.errors",
}

__all__ = [*sorted(_EXPORTS), "__version__"]

if _TYPE_CHECKING:
    from allied.api import (
        forecast as forecast,
    )
    from allied.api import (
        ledger as ledger,
    )
    from allied.api import (
        load as load,
    )
    from allied.api import (
        protocol as protocol,
    )
    from allied.api import (
        sensitivity as sensitivity,
    )
    from allied.api import (
        sweep as sweep,
    )
    from allied.errors import AlliedError as AlliedError
    from allied.errors import ModelError as ModelError
    from allied.errors import ReportError as ReportError
    from allied.errors import ScenarioError as ScenarioError
    from allied.errors import SweepError as SweepError
    from allied.scenario import Scenario as Scenario


def __getattr__(name: str) -> _Any:
    if name in _EXPORTS:
        value = getattr(_importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'allied' has no attribute {name!r}")


def __dir__() -> list[str]:
    return list(__all__)
