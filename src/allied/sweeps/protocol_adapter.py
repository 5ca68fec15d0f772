"""The sweep's narrow interface to the protocol engine (``allied.protocols``).

The sweep needs two things from it: the uncertain ``protocol:`` parameters with their domains, and a
solver batched over ``[B]`` parameter arrays. Both live behind these two functions so that the protocol
engine can change its internals without touching the sweep.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from allied.scenario.model import Scenario
from allied.scenario.uncertain import Uncertain


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
    """``(path, range, clip)`` for each uncertain protocol parameter, e.g. ``protocol.rho``, clipped to the
    parameter's admissible values; none for a scenario without a ``protocol:`` section."""
    from allied.protocols import inputs

    section = getattr(sc, "protocol", None)
    if section is None:  # no game to sweep (the protocol engine itself refuses such a scenario)
        return []
    if getattr(section, "family", "") == "cost-sharing":
        from allied.protocols import cost_sharing

        return [(p, d, clip) for p, d, clip in cost_sharing.inputs(section)]
    from allied.scenario.sections.protocol import PARAM_BY_PATH

    out: list[tuple[str, Uncertain, tuple[float, float] | None]] = []
    for path, dist in inputs.protocol_inputs(section):
        doc = PARAM_BY_PATH.get(path.removeprefix("protocol."))
        out.append((path, dist, None if doc is None else (float(doc.lo_bound), float(doc.hi_bound))))
    return out


def protocol_names(sc: Scenario, params: Mapping[str, Any]) -> list[str]:
    """The protocols a sweep solves: ``params["protocols"]`` (list or comma-separated), else the section's."""
    from allied.protocols import require_section
    from allied.protocols.inputs import as_section
    from allied.protocols.presets import resolve

    section = require_section(sc)
    wanted = params.get("protocols")
    if isinstance(wanted, str):
        wanted = [w.strip() for w in wanted.split(",") if w.strip()]
    if getattr(section, "family", "") == "cost-sharing":
        names = list(wanted or section.compare or section.protocols)
        bad = [n for n in names if n not in section.protocols]
        if bad:
            from allied.errors import SweepError

            raise SweepError(f"unknown protocol(s) {', '.join(bad)}; this section names "
                             f"{', '.join(section.protocols)}")
        return names
    return [p.name for p in resolve(as_section(section), wanted)]


#: the ``--param NAME=VALUE`` settings a (denuclearisation) protocol sweep takes
PARAMS = ("protocols", "grid", "selection")


def check_params(params: Mapping[str, Any]) -> None:
    """Raise :class:`~allied.errors.SweepError` for a setting the protocol sweep does not take, or a grid or
    selection the ``protocol:`` section would refuse (its own bounds), before any sample is solved: an
    out-of-range grid reached the kernel as an internal error, and ``grid=0`` silently meant the default."""
    from allied.errors import SweepError

    unknown = set(params) - set(PARAMS)
    if unknown:
        raise SweepError(f"the protocol sweep takes the parameters protocols, grid and selection, "
                         f"not {', '.join(sorted(unknown))}")
    from typing import get_args

    from allied.scenario.sections.protocol import ProtocolSection

    fields = ProtocolSection.model_fields
    if params.get("grid") is not None:
        grid = params["grid"]
        lo = next(m.ge for m in fields["grid"].metadata if hasattr(m, "ge"))
        hi = next(m.le for m in fields["grid"].metadata if hasattr(m, "le"))
        if isinstance(grid, bool) or not isinstance(grid, int) or not lo <= grid <= hi:
            raise SweepError(f"--param grid must be a whole number from {lo} to {hi} (got {grid!r}): the "
                             f"belief-grid points of the backward induction")
    if params.get("selection") is not None:
        rules = get_args(fields["selection"].annotation)
        if params["selection"] not in rules:
            raise SweepError(f"--param selection must be one of {', '.join(rules)} (got {params['selection']!r})")


def evaluate(sc: Scenario, values: Mapping[str, np.ndarray], n: int,
             params: Mapping[str, Any]) -> tuple[list[str], dict[str, np.ndarray]]:
    """Solve every chosen protocol for ``n`` parameter samples: ``(protocols, {output: [n, P]})``."""
    from allied.protocols import api, require_section

    names = protocol_names(sc, params)
    raw = require_section(sc)
    if getattr(raw, "family", "") == "cost-sharing":
        from allied.protocols import cost_sharing

        if set(params) - {"protocols"}:
            from allied.errors import SweepError

            raise SweepError("the cost-sharing protocol sweep takes only the parameter protocols")
        outs = [cost_sharing.solve_batch(dict(values), name, raw) for name in names]
        return names, {k: np.column_stack([np.broadcast_to(o[k], (n,)) for o in outs]) for k in outs[0]}
    section = api._section(raw)
    extra = {k: params[k] for k in ("grid", "selection") if params.get(k) is not None}
    check_params(params)
    cols: dict[str, list[np.ndarray]] = {}
    for name in names:
        res = api.solve_batch(dict(values), name, section=section, **extra)
        for k, v in res.items():
            cols.setdefault(k, []).append(np.broadcast_to(np.asarray(v, dtype=float), (n,)))
    return names, {k: np.column_stack(v) for k, v in cols.items()}
