"""Uncertainty at scale: sampling of uncertain inputs, batched sweeps on any engine, run store, sensitivity.

* :mod:`allied.sweeps.inputs` — named uncertain inputs and per-sample random streams;
* :mod:`allied.sweeps.engines` — the interface every engine plugs into (forecast models, protocol, ledger);
* :mod:`allied.sweeps.runner` — chunked execution on a ``concurrent.futures.Executor`` into the run store;
* :mod:`allied.sweeps.store`, :mod:`allied.sweeps.registry` — ``RUNDIR`` layout and the SQLite run registry;
* :mod:`allied.sweeps.sensitivity` — SALib Sobol and Morris indices over the uncertain inputs;
* :mod:`allied.sweeps.api` — ``sweep()`` and ``sensitivity()`` for the Python API.
"""

