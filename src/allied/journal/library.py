"""The case library's point scores and the kind of each issue, kept in the case library's one cache.

Guidance (:mod:`.guidance`) needs every member model's scores on the library, asked for on every
``allied forecast``. The members' forecasts of the library are computed once and cached by the models layer
(:func:`allied.models.ensemble.member_errors`, which the ensemble fits its weights on); the journal scores
those same forecasts against both baselines and keeps the score rows and issue kinds in the same cache entry
(:func:`allied.models.ensemble.library_derived`), recomputed when the journal's source changes. A hit reads
files only: no scenario is parsed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

from allied.journal.scores import ScoreRow
from allied.scenario.model import Scenario
from allied.serialise import jsonable


@dataclass(frozen=True)
class IssueKind:
    """What kind of issue: how many actors take part, and how far apart their positions are."""

    actors: int
    spread: float  # c·s-weighted standard deviation of positions, as a share of the scale

    @property
    def bilateral(self) -> bool:
        return self.actors == 2

    @property
    def size(self) -> str:
        return "2 actors" if self.actors == 2 else ("3–5 actors" if self.actors <= 5 else "6 or more actors")

    @property
    def width(self) -> str:
        return "narrow spread" if self.spread < 0.2 else "wide spread"

    def label(self) -> str:
        return f"{'bilateral' if self.bilateral else 'multilateral'}, {self.size}, {self.width}"


def issue_kind(sc: Scenario, issue: str) -> IssueKind:
    """The kind of ``issue`` in ``sc`` at point values."""
    arr = sc.arrays(issue)
    x = np.asarray(arr.x[0], dtype=float)
    w = np.asarray(arr.s[0] * arr.c[0], dtype=float)
    ok = np.isfinite(x)
    x, w = x[ok], w[ok]
    if w.sum() <= 0:
        w = np.ones_like(x)
    m = float(np.average(x, weights=w))
    sd = float(np.sqrt(np.average((x - m) ** 2, weights=w)))
    return IssueKind(int(ok.sum()), sd / (arr.hi - arr.lo))


def _source_digest() -> str:
    """The journal's own source: what turns the members' cached forecasts into score rows and issue kinds (the
    models' source and the library's files key the cache entry itself, :mod:`allied.models.ensemble`)."""
    import allied.journal

    h = hashlib.sha256()
    root = Path(str(allied.journal.__file__)).parent
    for f in sorted(root.rglob("*.py")):
        h.update(f.relative_to(root).as_posix().encode())
        h.update(f.read_bytes())
    return h.hexdigest()


Library = tuple[list[ScoreRow], dict[tuple[str, str], IssueKind]]

_MEMO: dict[tuple[str, ...], Library] = {}


def library(members: Sequence[str]) -> Library:
    """Point scores (no samples) of ``members`` and both baselines on every library case, and the kind of
    every scored issue by ``(case, issue)``: derived from the members' forecasts in the case library's one
    cache (the ensemble fits its weights on the same entry), computed once, then read from it."""
    from allied.models.ensemble import library_derived

    key = tuple(members)
    if key not in _MEMO:
        _MEMO[key] = library_derived(members, "journal", _source_digest(),
                                     lambda errors: _compute(members, errors), _decode)
    return _MEMO[key]


def library_rows(members: Sequence[str]) -> list[ScoreRow]:
    """The library's point scores of ``members`` and both baselines (see :func:`library`)."""
    return library(members)[0]


def library_kinds(members: Sequence[str] | None = None) -> dict[tuple[str, str], IssueKind]:
    """The kind of every scored issue of the library, by ``(case, issue)`` (see :func:`library`)."""
    if members is None:
        from allied.models.ensemble import member_names

        members = member_names()
    return library(members)[1]


def _compute(members: Sequence[str], errors: Sequence[Any]) -> dict[str, Any]:
    """Score the members' cached point forecasts (``LibraryError`` rows) and both baselines on every library
    case, as :func:`allied.journal.backtest.run` with ``samples=0`` would, without running a model again."""
    from allied.journal.backtest import library_names
    from allied.journal.forecasts import ForecastSet, IssueForecast, baselines
    from allied.journal.outcomes import scorable
    from allied.journal.scores import score
    from allied.scenario import load

    rows: list[ScoreRow] = []
    kinds = {}
    for n in library_names():
        sc = load(n)
        models: dict[str, dict[str, IssueForecast]] = {m: {} for m in members}
        for e in errors:
            if e.case == n and e.model in models:
                models[e.model][e.issue] = IssueForecast(e.forecast)
        models.update(baselines(sc))
        rows += score(sc, ForecastSet(models), case=n)
        for iss in {o.issue for o in scorable(sc) if o.issue}:
            kinds[(n, iss)] = issue_kind(sc, iss)
    data = {"rows": [asdict(r) for r in rows],
            "kinds": [{"case": c, "issue": i, "actors": k.actors, "spread": k.spread} for (c, i), k in kinds.items()]}
    out: dict[str, Any] = jsonable(data)
    return out


def _decode(data: dict[str, Any]) -> Library:
    keys = {f.name for f in fields(ScoreRow)}
    rows = [ScoreRow(**{k: v for k, v in r.items() if k in keys}) for r in data["rows"]]
    kinds = {(k["case"], k["issue"]): IssueKind(int(k["actors"]), float(k["spread"])) for k in data["kinds"]}
    return rows, kinds


def as_rows(data: list[dict[str, Any]]) -> list[ScoreRow]:
    return [ScoreRow(**r) for r in data]
