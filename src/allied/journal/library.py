"""The case library's point scores, computed once and cached on disk, and the kind of each issue.

Guidance (:mod:`.guidance`) and the ensemble's weights need every member model's scores on the library.
They are cheap (a few seconds) but asked for on every ``allied forecast``, so the scores are cached under
``$ALLIED_HOME/cache/`` keyed by the library's scenario content, the model names and the source of the
models and of the journal: any change to either recomputes them.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

from allied.journal.scores import ScoreRow
from allied.scenario.model import Scenario


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
    import allied.journal
    import allied.models

    h = hashlib.sha256()
    for pkg in (allied.models, allied.journal):
        root = Path(str(pkg.__file__)).parent
        for f in sorted(root.rglob("*.py")):
            h.update(f.relative_to(root).as_posix().encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def _cache_path(names: Sequence[str], members: Sequence[str]) -> Path:
    from allied.journal.store import allied_home, scenario_hash
    from allied.scenario import load

    h = hashlib.sha256(_source_digest().encode())
    for n in names:
        h.update(n.encode())
        h.update(scenario_hash(load(n)).encode())
    h.update(",".join(members).encode())
    return allied_home() / "cache" / f"library-scores-{h.hexdigest()[:20]}.json"


_MEMO: dict[tuple[str, ...], list[ScoreRow]] = {}


def library_rows(members: Sequence[str]) -> list[ScoreRow]:
    """Point scores (no samples) of ``members`` and both baselines on every library case."""
    from allied.journal.backtest import library_names, run

    key = tuple(members)
    if key in _MEMO:
        return _MEMO[key]
    names = library_names()
    path = _cache_path(names, members)
    rows: list[ScoreRow] | None = None
    if path.is_file():
        try:
            keys = {f.name for f in fields(ScoreRow)}
            rows = [ScoreRow(**{k: v for k, v in r.items() if k in keys}) for r in json.loads(path.read_text())]
        except (OSError, ValueError, TypeError):
            rows = None
    if rows is None:
        rows = run(names, list(members), samples=0).rows
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps([asdict(r) for r in rows]))
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only home only costs the cache
    _MEMO[key] = rows
    return rows


def library_kinds() -> dict[tuple[str, str], IssueKind]:
    """The kind of every scored issue of the library, by ``(case, issue)``."""
    from allied.journal.backtest import library_names
    from allied.journal.outcomes import scorable
    from allied.scenario import load

    out = {}
    for n in library_names():
        sc = load(n)
        for iss in {o.issue for o in scorable(sc) if o.issue}:
            out[(n, iss)] = issue_kind(sc, iss)
    return out


def as_rows(data: list[dict[str, Any]]) -> list[ScoreRow]:
    return [ScoreRow(**r) for r in data]
