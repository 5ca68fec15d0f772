"""Each member model's error on the case library: what the ensemble's weights are fitted on.

The library is every built-in scenario with a scorable outcome (a number on an issue, dated after
``as_of``: :func:`allied.scenario.outcomes.scorable`). Each member forecasts each case at point values, on
the issues it fits; its error on an outcome is ``100 · |forecast − actual| / (scale high − scale low)``, the
journal's "error % of scale", from the one definition both use,
:func:`allied.scenario.outcomes.err_pct_scale` (``tests/journal`` checks the two agree). Results are memoised
and cached on disk under ``$ALLIED_HOME/cache/``, keyed by the models' source, the outcome rules, the
library's files and the members.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class LibraryError:
    """One member's forecast of one library outcome and its error (% of scale)."""

    case: str
    model: str
    issue: str
    outcome: str
    forecast: float
    actual: float
    err_pct_scale: float
    scale_width: float


def library_cases() -> list[str]:
    from allied.scenario import builtin_names, load
    from allied.scenario.outcomes import scorable

    return [n for n in builtin_names() if scorable(load(n))]


def same_case(actors: Sequence[str], issues: Sequence[str]) -> str | None:
    """The library case whose actors and issues include these (a forecast of that case, or of part of it,
    must not be weighted by that case's own outcomes); None when there is none."""
    from allied.scenario import load

    for case in library_cases():
        sc = load(case)
        if set(issues) <= {i.id for i in sc.issues} and set(actors) <= {a.id for a in sc.actors}:
            return case
    return None


def _compute(members: Sequence[str]) -> list[LibraryError]:
    from allied.models.base import applicable, run_model
    from allied.models.registry import get
    from allied.scenario import load
    from allied.scenario.outcomes import err_pct_scale, scorable

    out: list[LibraryError] = []
    for case in library_cases():
        sc = load(case)
        inp = sc.forecast_input()
        for m in members:
            ok, _ = applicable(get(m), inp)
            if not ok:
                continue
            sub = inp if len(ok) == inp.shape[2] else inp.select(ok)
            res = run_model(get(m), sub, rng=np.random.default_rng(0))
            final = {iss: float(res.forecast[0, -1, d]) for d, iss in enumerate(sub.issues)}
            for o in scorable(sc):
                if o.issue is not None and o.issue in final and o.value is not None:
                    iss = sc.issue(o.issue)
                    f, y = final[o.issue], float(o.value)
                    out.append(LibraryError(case, m, o.issue, o.id, f, y, err_pct_scale(f, y, iss.lo, iss.hi),
                                            iss.hi - iss.lo))
    return out


def _cache_file(members: Sequence[str]) -> Path:
    import allied.models
    import allied.scenario.outcomes
    from allied.scenario.load import builtin_text

    h = hashlib.sha256(",".join(members).encode())
    root = Path(str(allied.models.__file__)).parent
    for f in sorted(root.rglob("*.py")):
        h.update(f.read_bytes())
    h.update(Path(str(allied.scenario.outcomes.__file__)).read_bytes())  # what is scorable, and the error measure
    for case in library_cases():
        h.update(builtin_text(case).encode())
    env = os.environ.get("ALLIED_HOME")
    home = Path(env).expanduser() if env else Path.home() / ".allied"
    return home / "cache" / f"ensemble-library-{h.hexdigest()[:20]}.json"


_MEMO: dict[tuple[str, ...], list[LibraryError]] = {}


def member_errors(members: Sequence[str]) -> list[LibraryError]:
    """Every member's error on every scorable library outcome (memoised, cached on disk)."""
    key = tuple(members)
    if key in _MEMO:
        return _MEMO[key]
    path = _cache_file(members)
    rows: list[LibraryError] | None = None
    try:
        rows = [LibraryError(**r) for r in json.loads(path.read_text())]
    except (OSError, ValueError, TypeError):
        rows = None
    if rows is None:
        rows = _compute(members)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps([asdict(r) for r in rows]))
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only home only costs the cache
    _MEMO[key] = rows
    return rows
