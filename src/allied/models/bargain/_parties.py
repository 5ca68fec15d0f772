"""Who bargains on an issue: actors grouped into principals, the two parties, and their arrays.

Actors are grouped by ``delegation:`` (a part's position, reservation and capability enter its
principal's as a weighted mean, weights normalised within the principal). The parties are the principals
that give reservation points; when no stance gives one, an issue with exactly two principals is bargained
over the span between their positions (each side's walk-away point taken as the other's position).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from allied.arrays import ForecastInput
from allied.errors import ModelError

FITS_MANY = "mean, median, eum, smp or exchange"


@dataclass(frozen=True)
class Parties:
    """The two principals of one issue and their ``[B]`` arrays (``names[0]`` is listed first, not ranked)."""

    names: tuple[str, str]
    position: np.ndarray  # [B, 2]
    reservation: np.ndarray  # [B, 2]
    capability: np.ndarray  # [B, 2]
    bystanders: tuple[str, ...]
    from_positions: bool  # True when no reservation was given: the zone is the span between positions


def _groups(inp: ForecastInput) -> dict[str, list[int]]:
    names = inp.principals or inp.actors
    out: dict[str, list[int]] = {}
    for k, p in enumerate(names):
        out.setdefault(p, []).append(k)
    return out


def _pooled(v: np.ndarray, w: np.ndarray, ix: list[int]) -> np.ndarray:
    """Weighted mean over the parts ``ix`` of ``v[B, A]`` ignoring NaN parts; NaN when all are NaN."""
    vals = v[:, ix]
    ww = np.where(np.isnan(vals), 0.0, w[ix][None, :])
    tot = ww.sum(axis=1)
    num = np.where(np.isnan(vals), 0.0, vals) * ww
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(tot > 0, num.sum(axis=1) / tot, np.nan)


def refusal(inp: ForecastInput) -> str | None:
    """Why the bargaining model does not apply to this one-issue input (None when it does)."""
    try:
        parties(inp)
    except ModelError as exc:
        return str(exc)
    return None


def parties(inp: ForecastInput) -> Parties:
    """The two bargaining principals of a one-issue input, or a ModelError saying what fits instead."""
    issue = inp.issues[0]
    groups = _groups(inp)
    w = np.ones(len(inp.actors)) if inp.part_weights is None else np.asarray(inp.part_weights, dtype=float)
    x = inp.x[:, :, 0]
    c = inp.c[:, :, 0]
    res = None if inp.reservation is None else inp.reservation[:, :, 0]
    with_res = [p for p, ix in groups.items() if res is not None and not np.isnan(res[:, ix]).all()]
    if with_res:
        if len(with_res) != 2:
            raise ModelError(
                f"issue '{issue}': the bargain model needs exactly two principals with reservation points; "
                f"{len(with_res)} give one ({', '.join(with_res)}). Give reservation points to the two "
                f"bargaining sides, or for a collective decision use {FITS_MANY}")
        chosen = with_res
    elif len(groups) == 2:
        chosen = list(groups)
    else:
        raise ModelError(
            f"issue '{issue}' has {len(groups)} principals ({', '.join(groups)}); the bargain model takes "
            f"bilateral issues only: two principals (group sub-state actors under 'delegation:'), or give "
            f"reservation points to the two bargaining sides. For a multi-actor issue use {FITS_MANY}")
    pos = np.stack([_pooled(x, w, groups[p]) for p in chosen], axis=1)
    cap = np.stack([_pooled(c, w, groups[p]) for p in chosen], axis=1)
    if with_res:
        assert res is not None
        rsv = np.stack([_pooled(res, w, groups[p]) for p in chosen], axis=1)
    else:
        rsv = pos[:, ::-1].copy()
    others = tuple(p for p in groups if p not in chosen)
    return Parties((chosen[0], chosen[1]), pos, rsv, cap, others, not with_res)
