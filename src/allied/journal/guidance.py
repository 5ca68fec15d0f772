"""Which models the case library scores best on issues of a given kind — a statement of record.

An issue's kind is whether it is bilateral, how many actors take part (2, 3–5, 6 or more) and how far
apart their positions lie (c·s-weighted standard deviation under or over 20 % of the scale). For each
issue of a scenario the library's scored outcomes of the same kind are pooled and every model (and both
baselines) ranked by mean absolute error as a share of the scale. When no library issue shares all three
traits, the match is loosened (same number-of-actors class, then any issue) and the statement says so.
The evidence count is the number of scored outcomes behind the ranking: with a library this small it is
a record of what happened, never a verdict.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from allied.journal.library import IssueKind, issue_kind, library
from allied.journal.scores import ScoreRow
from allied.scenario.model import Scenario


@dataclass
class Guidance:
    """The record for one issue: its kind, how the library was matched, the ranking and its evidence."""

    issue: str
    kind: IssueKind
    match: str  # "same kind", "same number of actors", "any issue"
    outcomes: int
    cases: int
    ranking: list[tuple[str, float]]  # (model, mean error % of scale), best first

    def sentence(self, top: int = 3) -> str:
        if not self.ranking:
            return f"{self.issue}: the case library has no scored outcome to compare models on"
        best = ", ".join(f"{m} ({e:.0f} %)" for m, e in self.ranking[:top])
        return (f"{self.issue} ({self.kind.label()}): on {self.outcomes} scored outcome"
                f"{'s' if self.outcomes != 1 else ''} in {self.cases} case{'s' if self.cases != 1 else ''} "
                f"({self.match}), the library's lowest mean errors (% of scale) are {best}")


def _members() -> list[str]:
    from allied.models.ensemble import member_names

    return member_names()


def for_scenario(sc: Scenario, issues: Sequence[str] | None = None) -> list[Guidance]:
    """Guidance for every issue of ``sc`` (or the chosen ones)."""
    rows, kinds = library(_members())
    out = []
    for iss in issues or [i.id for i in sc.issues]:
        k = issue_kind(sc, iss)
        label, pool = _pool(k, kinds, rows, sc.id)
        errs: dict[str, list[float]] = {}
        for r in pool:
            errs.setdefault(r.model, []).append(r.err_pct_scale)
        # rank only what forecast every pooled outcome (a status quo exists on some issues only)
        n_out = len({(r.case, r.outcome) for r in pool})
        ranking = sorted(((m, float(np.mean(v))) for m, v in errs.items() if len(v) == n_out), key=lambda t: t[1])
        out.append(Guidance(iss, k, label, len({(r.case, r.outcome) for r in pool}), len({r.case for r in pool}),
                            ranking))
    return out


def _pool(k: IssueKind, kinds: dict[tuple[str, str], IssueKind], rows: Sequence[ScoreRow],
          own: str) -> tuple[str, list[ScoreRow]]:
    """The library's score rows on issues like ``k`` (never the scenario's own), loosening the match in tiers."""
    tiers = (("same kind", lambda o: o.bilateral == k.bilateral and o.size == k.size and o.width == k.width),
             ("same number of actors", lambda o: o.size == k.size),
             ("any issue", lambda o: True))
    for label, same in tiers:
        keys = {key for key, kind in kinds.items() if same(kind) and key[0] != own}
        pool = [r for r in rows if (r.case, r.issue) in keys]
        if pool:
            return label, pool
    return "any issue", []
