"""Uncertainty at scale: sampling of uncertain inputs, batched sweeps on any engine, run store, sensitivity.

* :mod:`allied.sweep.inputs` — named uncertain inputs and per-sample random streams;
* :mod:`allied.sweep.engines` — the interface every engine plugs into (forecast models, protocol, ledger);
* :mod:`allied.sweep.runner` — chunked execution on a ``concurrent.futures.Executor`` into the run store;
* :mod:`allied.sweep.store`, :mod:`allied.sweep.registry` — ``RUNDIR`` layout and the SQLite run registry;
* :mod:`allied.sweep.sensitivity` — SALib Sobol and Morris indices over the uncertain inputs;
* :mod:`allied.sweep.api` — ``sweep()`` and ``sensitivity()`` for the Python API.
"""

from allied._callable import make_callable

make_callable(__name__)  # `allied.sweep(...)` is the API function allied.api.sweep, even once this package is imported
