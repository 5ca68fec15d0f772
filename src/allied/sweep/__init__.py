"""Uncertainty at scale: sampling of uncertain inputs, batched sweeps on any engine, run store, sensitivity.

* :mod:`allied.sweep.inputs` — named uncertain inputs and per-sample random streams;
* :mod:`allied.sweep.engines` — the interface every engine plugs into (forecast models, protocol, ledger);
* :mod:`allied.sweep.runner` — chunked execution on a ``concurrent.futures.Executor`` into the run store;
* :mod:`allied.sweep.store`, :mod:`allied.sweep.registry` — ``RUNDIR`` layout and the SQLite run registry;
* :mod:`allied.sweep.sensitivity` — SALib Sobol and Morris indices over the uncertain inputs;
* :mod:`allied.sweep.api` — ``sweep()`` and ``sensitivity()`` for the Python API.
"""

from __future__ import annotations

import sys
import types
from typing import Any


class _CallableModule(types.ModuleType):
    """``allied.sweep(...)`` works whether ``allied.sweep`` names this package or the API function."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from allied.sweep.api import sweep

        return sweep(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule

from allied._callable import make_callable  # noqa: E402

make_callable(__name__)  # `allied.sweep(...)` is the API function allied.api.sweep
