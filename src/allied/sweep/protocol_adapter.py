"""The sweep's narrow interface to the protocol engine (``allied.protocol``).

The sweep needs two things from it: the uncertain ``protocol:`` parameters with their domains, and a
solver batched over ``[B]`` parameter arrays. Both live behind these two functions so that the protocol
engine can change its internals without touching the sweep.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

import numpy as np

from allied.scenario.model import Scenario
from allied.scenario.uncertain import Uncertain


class ProtocolUnavailable(RuntimeError):
    """The protocol engine is not installed in this build."""


def _module(name: str) -> Any | None:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and name.startswith(exc.name):
            return None
        raise


def _walk(prefix: str, obj: Any) -> list[tuple[str, Uncertain]]:
    """Every :class:`Uncertain` under ``obj`` (pydantic model, mapping or list), named by dotted path."""
    if isinstance(obj, Uncertain):
        return [(prefix, obj)]
    if hasattr(obj, "model_fields"):
        items: Any = ((k, getattr(obj, k)) for k in type(obj).model_fields)
    elif isinstance(obj, Mapping):
        items = obj.items()
    else:
        return []
    out: list[tuple[str, Uncertain]] = []
    for k, v in items:
        out += _walk(f"{prefix}.{k}", v)
    return out


def uncertain_parameters(sc: Scenario) -> list[tuple[str, Uncertain, tuple[float, float] | None]]:
    """``(path, range, clip)`` for each uncertain protocol parameter, e.g. ``protocol.rho``."""
    section = getattr(sc, "protocol", None)
    if section is None:
        return []
    batch = _module("allied.protocol.batch")
    if batch is not None and hasattr(batch, "uncertain_parameters"):
        return [(str(p), d, None if c is None else (float(c[0]), float(c[1])))
                for p, d, c in batch.uncertain_parameters(sc)]
    return [(p, d, None) for p, d in _walk("protocol", section)]


def evaluate(sc: Scenario, values: Mapping[str, np.ndarray], n: int,
             params: Mapping[str, Any]) -> tuple[list[str], dict[str, np.ndarray]]:
    """Solve every chosen protocol for ``n`` parameter samples: ``(protocols, {column: [n, P]})``."""
    batch = _module("allied.protocol.batch")
    if batch is None or not hasattr(batch, "solve_batch"):
        raise ProtocolUnavailable("the protocol engine is not available in this build of Allied")
    keys, cols = batch.solve_batch(sc, dict(values), n, **dict(params))
    return list(keys), {k: np.asarray(v, dtype=float) for k, v in cols.items()}
