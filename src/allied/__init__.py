"""Allied: turn a geopolitical negotiation into something an analyst can compute, question and stress-test.

Python API (see ``allied.api``)::

    import allied
    sc = allied.load("korea-2019")
    sc.to_frame()                        # stances with evidence
    allied.forecast(sc, models=["all"])  # every forecast model side by side

Names are imported on first use, so ``import allied`` (and every ``allied`` command) starts fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: public name -> module that defines it
_EXPORTS = {
    "load": "allied.api",
    "forecast": "allied.api",
    "forecast_json": "allied.api",
    "forecast_runs": "allied.api",
    "protocol": "allied.api",
    "ledger": "allied.api",
    "sweep": "allied.api",
    "sensitivity": "allied.api",
    "Scenario": "allied.scenario",
    "ScenarioError": "allied.scenario",
}

__all__ = [*sorted(_EXPORTS), "__version__"]

if TYPE_CHECKING:
    from allied.api import (
        forecast as forecast,
    )
    from allied.api import (
        forecast_json as forecast_json,
    )
    from allied.api import (
        forecast_runs as forecast_runs,
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
    from allied.scenario import Scenario as Scenario
    from allied.scenario import ScenarioError as ScenarioError


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'allied' has no attribute {name!r}")
