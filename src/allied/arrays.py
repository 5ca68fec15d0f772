"""The array core every engine shares (DESIGN §3): a batch of forecast inputs with a leading sample axis.

``ForecastInput`` holds ``x, s, c`` as ``[B, A, D]`` arrays (positions in issue units, salience in
``[0, 1]``, capability ``>= 0``), the issue scales and who takes part where. It sits below both the
scenario layer (which builds it, :mod:`allied.scenario.arrays`) and the engines (which read it), and
imports neither.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from allied.errors import ModelError

FloatArray = np.ndarray


@dataclass(frozen=True)
class ForecastInput:
    """Arrays for one forecast or a batch of ``B`` samples of one."""

    x: FloatArray  # [B, A, D] positions, issue units
    s: FloatArray  # [B, A, D] salience in [0, 1]
    c: FloatArray  # [B, A, D] capability >= 0
    lo: FloatArray  # [D]
    hi: FloatArray  # [D]
    actors: tuple[str, ...]
    issues: tuple[str, ...]
    present: FloatArray | None = None  # [A, D] bool; None = everyone everywhere
    #: walk-away points [B, A, D] in issue units, NaN where a stance gives none (bargaining models)
    reservation: FloatArray | None = None
    #: each actor's principal under ``delegation:`` (its own id when not delegated); None = every actor alone
    principals: tuple[str, ...] | None = None
    #: [A] each actor's weight within its principal (sums to 1 per principal); None = all 1
    part_weights: FloatArray | None = None

    def __post_init__(self) -> None:
        if self.x.ndim != 3:
            raise ModelError(f"positions must be [B, A, D], got shape {self.x.shape}")
        if self.s.shape != self.x.shape or self.c.shape != self.x.shape:
            raise ModelError(
                f"shape mismatch: x {self.x.shape}, s {self.s.shape}, c {self.c.shape}"
            )
        _, a, d = self.x.shape
        if len(self.actors) != a or len(self.issues) != d:
            raise ModelError(f"{a} actors x {d} issues in arrays, names give {len(self.actors)} x "
                                f"{len(self.issues)}")
        if self.lo.shape != (d,) or self.hi.shape != (d,):
            raise ModelError("lo and hi must have one entry per issue")
        if self.reservation is not None and self.reservation.shape != self.x.shape:
            raise ModelError(f"reservation must be shaped like x {self.x.shape}, got {self.reservation.shape}")
        if self.principals is not None and len(self.principals) != a:
            raise ModelError(f"{len(self.principals)} principals for {a} actors")
        if self.part_weights is not None and np.shape(self.part_weights) != (a,):
            raise ModelError(f"part_weights must have one entry per actor ({a})")

    @property
    def shape(self) -> tuple[int, int, int]:
        b, a, d = self.x.shape
        return int(b), int(a), int(d)

    @property
    def mask(self) -> np.ndarray:
        """``[A, D]`` boolean participation mask."""
        if self.present is None:
            return np.ones(self.x.shape[1:], dtype=bool)
        return np.asarray(self.present, dtype=bool)

    def issue(self, d: int) -> ForecastInput:
        """The one-issue input for issue ``d``, keeping only the actors who take part in it."""
        keep = np.flatnonzero(self.mask[:, d])
        return ForecastInput(
            x=self.x[:, keep, d : d + 1],
            s=self.s[:, keep, d : d + 1],
            c=self.c[:, keep, d : d + 1],
            lo=self.lo[d : d + 1],
            hi=self.hi[d : d + 1],
            actors=tuple(self.actors[i] for i in keep),
            issues=(self.issues[d],),
            reservation=None if self.reservation is None else self.reservation[:, keep, d : d + 1],
            principals=None if self.principals is None else tuple(self.principals[i] for i in keep),
            part_weights=None if self.part_weights is None else np.asarray(self.part_weights)[keep],
        )

    def select(self, issues: list[int]) -> ForecastInput:
        """The input restricted to the issues at these indices (all actors kept)."""
        ix = np.asarray(issues, dtype=np.int64)
        present = None if self.present is None else np.asarray(self.present)[:, ix]
        return ForecastInput(self.x[:, :, ix], self.s[:, :, ix], self.c[:, :, ix], self.lo[ix], self.hi[ix],
                             self.actors, tuple(self.issues[i] for i in ix), present,
                             None if self.reservation is None else self.reservation[:, :, ix],
                             self.principals, self.part_weights)

    def take(self, rows: slice | np.ndarray) -> ForecastInput:
        """A sub-batch along the sample axis."""
        return ForecastInput(self.x[rows], self.s[rows], self.c[rows], self.lo, self.hi,
                             self.actors, self.issues, self.present,
                             None if self.reservation is None else self.reservation[rows],
                             self.principals, self.part_weights)
