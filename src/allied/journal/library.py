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
    import allied.journal
    import allied.models

    h = hashlib.sha256()
    for pkg in (allied.models, allied.journal):
        root = Path(str(pkg.__file__)).parent
        for f in sorted(root.rglob("*.py")):
            h.update(f.relative_to(root).as_posix().encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def _cache_path(members: Sequence[str]) -> Path:
    """Where the library's scores and issue kinds for ``members`` are cached. The key covers the source of the
    models and the journal and the text of every built-in scenario, so any change recomputes them, and
    finding the entry reads files only (no scenario is parsed or validated on a hit)."""
    from allied.journal.store import allied_home
    from allied.scenario.load import builtin_names, builtin_text

    h = hashlib.sha256(_source_digest().encode())
    for n in builtin_names():
        h.update(n.encode())
        h.update(builtin_text(n).encode())
    h.update(",".join(members).encode())
    return allied_home() / "cache" / f"library-{h.hexdigest()[:20]}.json"


_MEMO: dict[tuple[str, ...], tuple[list[ScoreRow], dict[tuple[str, str], IssueKind]]] = {}


def library(members: Sequence[str]) -> tuple[list[ScoreRow], dict[tuple[str, str], IssueKind]]:
    """Point scores (no samples) of ``members`` and both baselines on every library case, and the kind of
    every scored issue by ``(case, issue)``; computed once, then read from the cache."""
    key = tuple(members)
    if key in _MEMO:
        return _MEMO[key]
    path = _cache_path(members)
    got = _read(path)
    if got is None:
        got = _compute(members)
        _write(path, got)
    _MEMO[key] = got
    return got


def library_rows(members: Sequence[str]) -> list[ScoreRow]:
    """The library's point scores of ``members`` and both baselines (see :func:`library`)."""
    return library(members)[0]


def library_kinds(members: Sequence[str] | None = None) -> dict[tuple[str, str], IssueKind]:
    """The kind of every scored issue of the library, by ``(case, issue)`` (see :func:`library`)."""
    if members is None:
        from allied.models.ensemble import member_names

        members = member_names()
    return library(members)[1]


def _compute(members: Sequence[str]) -> tuple[list[ScoreRow], dict[tuple[str, str], IssueKind]]:
    from allied.journal.backtest import library_names, run
    from allied.journal.outcomes import scorable
    from allied.scenario import load

    names = library_names()
    rows = run(names, list(members), samples=0).rows
    kinds = {}
    for n in names:
        sc = load(n)
        for iss in {o.issue for o in scorable(sc) if o.issue}:
            kinds[(n, iss)] = issue_kind(sc, iss)
    return rows, kinds


def _read(path: Path) -> tuple[list[ScoreRow], dict[tuple[str, str], IssueKind]] | None:
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text())
        keys = {f.name for f in fields(ScoreRow)}
        rows = [ScoreRow(**{k: v for k, v in r.items() if k in keys}) for r in data["rows"]]
        kinds = {(k["case"], k["issue"]): IssueKind(int(k["actors"]), float(k["spread"])) for k in data["kinds"]}
    except (OSError, ValueError, TypeError, KeyError):
        return None  # an unreadable or older cache entry is recomputed
    return rows, kinds


def _write(path: Path, got: tuple[list[ScoreRow], dict[tuple[str, str], IssueKind]]) -> None:
    rows, kinds = got
    data = {"rows": [asdict(r) for r in rows],
            "kinds": [{"case": c, "issue": i, "actors": k.actors, "spread": k.spread} for (c, i), k in kinds.items()]}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(jsonable(data)))
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home only costs the cache


def as_rows(data: list[dict[str, Any]]) -> list[ScoreRow]:
    return [ScoreRow(**r) for r in data]
