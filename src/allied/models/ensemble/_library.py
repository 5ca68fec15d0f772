"""Each member model's error on the case library: what the ensemble's weights are fitted on.

The library is every built-in scenario with a scorable outcome (a number on an issue, dated after
``as_of``: :func:`allied.scenario.outcomes.scorable`). Each member forecasts each case at point values, on
the issues it fits; its error on an outcome is ``100 · |forecast − actual| / (scale high − scale low)``, the
journal's "error % of scale", from the one definition both use,
:func:`allied.scenario.outcomes.err_pct_scale` (``tests/journal`` checks the two agree).

This module owns the case library's one cache: the members' forecasts of every library outcome are computed
once, memoised and kept on disk under ``$ALLIED_HOME/cache/``, keyed by the models' source, the outcome rules,
the built-in scenarios' files and the members. The ensemble fits its weights on them; the journal scores the
same forecasts against both baselines and keeps what it derives (score rows, issue kinds) in the same entry
through :func:`library_derived`, so the members run once for both. (The journal may import the models layer, never the
reverse, so the cache lives here.)
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

import numpy as np

T = TypeVar("T")


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
    """Where the entry for ``members`` lies. The key covers the members, the models' source, the outcome rules
    and the text of every built-in scenario, so any change recomputes the entry, and finding it reads files
    only (no scenario is parsed or validated on a hit: a table-format ``allied forecast`` looks it up)."""
    import allied.models
    import allied.scenario.outcomes
    from allied.scenario.load import builtin_names, builtin_text

    h = hashlib.sha256(",".join(members).encode())
    root = Path(str(allied.models.__file__)).parent
    for f in sorted(root.rglob("*.py")):
        h.update(f.relative_to(root).as_posix().encode())
        h.update(f.read_bytes())
    h.update(Path(str(allied.scenario.outcomes.__file__)).read_bytes())  # what is scorable, and the error measure
    for n in builtin_names():
        h.update(n.encode())
        h.update(builtin_text(n).encode())
    env = os.environ.get("ALLIED_HOME")
    home = Path(env).expanduser() if env else Path.home() / ".allied"
    return home / "cache" / f"library-{h.hexdigest()[:20]}.json"


@dataclass
class _Entry:
    path: Path
    errors: list[LibraryError]
    derived: dict[str, dict[str, Any]]  # name -> {"digest": ..., "data": ...}, as stored
    values: dict[str, Any] = field(default_factory=dict)  # name -> decoded data, this process


_MEMO: dict[tuple[str, ...], _Entry] = {}


def _entry(members: Sequence[str]) -> _Entry:
    key = tuple(members)
    if key in _MEMO:
        return _MEMO[key]
    path = _cache_file(members)
    entry: _Entry | None = None
    try:
        data = json.loads(path.read_text())
        entry = _Entry(path, [LibraryError(**r) for r in data["errors"]], dict(data["derived"]))
    except (OSError, ValueError, TypeError, KeyError):
        entry = None  # an unreadable or older entry is recomputed
    if entry is None:
        entry = _Entry(path, _compute(members), {})
        _write(entry)
    _MEMO[key] = entry
    return entry


#: library entries kept in the cache folder (the newest; older ones belong to earlier sources or scenarios)
KEEP = 8


def _write(entry: _Entry) -> None:
    try:
        entry.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = entry.path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"errors": [asdict(r) for r in entry.errors], "derived": entry.derived}))
        os.replace(tmp, entry.path)
        _prune(entry.path.parent)
    except OSError:
        pass  # a read-only home only costs the cache


def _prune(folder: Path) -> None:
    """Remove all but the :data:`KEEP` newest library entries: every edit of a model or a built-in scenario
    keys a new one, and nothing reads the old ones again."""
    old = sorted(folder.glob("library-*.json"), key=lambda f: f.stat().st_mtime, reverse=True)[KEEP:]
    for f in old:
        f.unlink(missing_ok=True)


def member_errors(members: Sequence[str]) -> list[LibraryError]:
    """Every member's error on every scorable library outcome (memoised, cached on disk)."""
    return _entry(members).errors


def library_derived(members: Sequence[str], name: str, digest: str, compute: Callable[[list[LibraryError]], Any],
                    decode: Callable[[Any], T]) -> T:
    """What a consumer derives from the members' library forecasts (the journal: its score rows and issue
    kinds), kept in the same cache entry under ``name``. ``compute`` turns :func:`member_errors` into JSON
    data, ``decode`` turns that data into the value returned; ``digest`` names the consumer's own code, so
    a change to it recomputes its part from the cached forecasts without running a model again. Data that
    no longer decodes is recomputed too."""
    entry = _entry(members)
    if name in entry.values:
        return cast(T, entry.values[name])
    stored = entry.derived.get(name)
    if stored is not None and stored.get("digest") == digest:
        try:
            entry.values[name] = decode(stored["data"])
            return cast(T, entry.values[name])
        except (ValueError, TypeError, KeyError):
            pass
    data = compute(entry.errors)
    value = decode(data)
    entry.derived[name] = {"digest": digest, "data": data}
    _write(entry)
    entry.values[name] = value
    return value
