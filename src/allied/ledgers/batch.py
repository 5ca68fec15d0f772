"""Ledger totals over a batch of samples of the uncertain item values and exchange rates.

:func:`plan` compiles an ``alliance:`` section once: the uncertain inputs (item values and exchange rates,
each named by its scenario path) and a sign matrix ``S[n_items, T]`` mapping items to totals
``(year, viewpoint, lens, unit)``. :meth:`LedgerPlan.draw` turns uniforms ``u[B, K]`` into values and rates
(a rate shared by several items is drawn once), and :meth:`LedgerPlan.totals` computes all totals for all
samples as one matrix product: ``((values * factor) / rates) @ S``. With every input at its point value the
totals equal those of :func:`allied.ledgers.lines.build_ledger`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from allied.ledgers.lines import resolve
from allied.scenario.sections.alliance import AllianceSection, parse_money_unit
from allied.scenario.uncertain import Uncertain

if TYPE_CHECKING:  # pandas loads only when the keys are asked for as a table (a sweep needs none)
    import pandas as pd

#: one total: (year, viewpoint, lens, unit)
Key = tuple[int, str, str, str]


@dataclass
class LedgerPlan:
    """A compiled ledger: inputs, fixed values and the item → total sign matrix."""

    key_rows: list[Key]  # T totals: (year, viewpoint, lens, unit), sorted
    inputs: list[tuple[str, Uncertain]]  # K uncertain inputs, by scenario path
    S: np.ndarray  # [n, T] signed incidence (0 for items not counted)
    factor: np.ndarray  # [n] magnitude ratio to the reporting unit (1 for non-money)
    value_fixed: np.ndarray  # [n] point value (0 where the value is an input or missing)
    value_input: np.ndarray  # [n] index into inputs, -1 when fixed
    rate_fixed: np.ndarray  # [n] point rate (1 when none needed)
    rate_input: np.ndarray  # [n] index into inputs, -1 when fixed

    @property
    def keys(self) -> pd.DataFrame:
        """The totals' keys as a table (columns year, viewpoint, lens, unit), in :attr:`key_rows` order."""
        import pandas as pd

        return pd.DataFrame(self.key_rows, columns=["year", "viewpoint", "lens", "unit"])

    @property
    def n_inputs(self) -> int:
        return len(self.inputs)

    def draw(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Uniforms ``u[B, K]`` → item values ``[B, n]`` and exchange rates ``[B, n]``."""
        u = np.atleast_2d(np.asarray(u, dtype=float))
        if u.shape[1] != self.n_inputs:
            raise ValueError(f"expected {self.n_inputs} uniforms per sample, got {u.shape[1]}")
        drawn = np.empty_like(u)
        for k, (_, dist) in enumerate(self.inputs):  # loop over inputs, vectorised over samples
            drawn[:, k] = dist.ppf(u[:, k])
        B = u.shape[0]
        values = np.broadcast_to(self.value_fixed, (B, self.value_fixed.size)).copy()
        rates = np.broadcast_to(self.rate_fixed, (B, self.rate_fixed.size)).copy()
        vi = np.flatnonzero(self.value_input >= 0)
        ri = np.flatnonzero(self.rate_input >= 0)
        values[:, vi] = drawn[:, self.value_input[vi]]
        rates[:, ri] = drawn[:, self.rate_input[ri]]
        return values, rates

    def point(self) -> tuple[np.ndarray, np.ndarray]:
        """Values and rates at every input's point value (``[1, n]`` each)."""
        values = self.value_fixed.copy()[None, :]
        rates = self.rate_fixed.copy()[None, :]
        for k, (_, dist) in enumerate(self.inputs):
            values[0, self.value_input == k] = dist.point()
            rates[0, self.rate_input == k] = dist.point()
        return values, rates

    def totals(self, values: np.ndarray, rates: np.ndarray) -> np.ndarray:
        """Totals ``[B, T]`` (columns as :attr:`keys`) from values and rates ``[B, n]``."""
        return (np.asarray(values, float) * self.factor / np.asarray(rates, float)) @ self.S


def plan(section: AllianceSection, year: int | None = None) -> LedgerPlan:
    """Compile ``section`` (optionally one year) for batched totals."""
    rep = parse_money_unit(section.reporting_unit)
    assert rep is not None
    res = [r for r in resolve(section) if year is None or r.item.year == year]
    inputs: list[tuple[str, Uncertain]] = []
    rate_index: dict[int, int] = {}  # id(section rate object) -> input index
    n = len(res)
    factor = np.ones(n)
    vfix, vin = np.zeros(n), np.full(n, -1)
    rfix, rin = np.ones(n), np.full(n, -1)
    keys: dict[Key, int] = {}
    entries: list[tuple[int, int, float]] = []
    for j, r in enumerate(res):
        it = r.item
        if r.problem is not None or not r.additive:
            continue
        if isinstance(it.value, Uncertain):
            vin[j] = len(inputs)
            inputs.append((f"alliance.items.{it.item}.value", it.value))
        else:
            vfix[j] = float(it.value) if it.value is not None else 0.0
        money = r.scale is not None
        if money:
            assert r.scale is not None
            factor[j] = r.scale / rep[1]
            if isinstance(r.rate, Uncertain):
                if it.exchange_rate is not None:
                    rin[j] = len(inputs)
                    inputs.append((f"alliance.items.{it.item}.exchange_rate", r.rate))
                else:
                    key = id(r.rate)
                    if key not in rate_index:
                        entry = next(x for x in section.exchange_rates if x.rate is r.rate)
                        rate_index[key] = len(inputs)
                        inputs.append((f"alliance.exchange_rates.{entry.id or entry.currency + str(entry.year)}.rate",
                                       r.rate))
                    rin[j] = rate_index[key]
            elif r.rate is not None:
                rfix[j] = float(r.rate)
        unit = section.reporting_unit if money else it.unit
        for viewpoint, sign in ((it.from_, -1.0), (it.to, 1.0)):
            t = keys.setdefault((it.year, viewpoint, r.lens, unit), len(keys))
            entries.append((j, t, sign))
    S = np.zeros((n, len(keys)))
    for j, t, sign in entries:
        S[j, t] += sign
    rows = sorted(keys)  # year (int), then viewpoint, lens, unit (non-empty strings); keys are unique
    order = np.array([keys[k] for k in rows], dtype=np.int64)
    return LedgerPlan(rows, inputs, S[:, order], factor, vfix, vin, rfix, rin)


def sample_totals(section: AllianceSection, samples: int, seed: int = 0,
                  year: int | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """Ledger totals for ``samples`` draws of the uncertain inputs: ``(keys[T], totals[B, T])``.

    Sample ``i`` uses its own stream ``default_rng([seed, i])`` (DESIGN §6), so results do not depend on
    how a sweep chunks the samples."""
    p = plan(section, year)
    u = np.vstack([np.random.default_rng([seed, i]).random(p.n_inputs) for i in range(samples)]) \
        if p.n_inputs else np.zeros((samples, 0))
    values, rates = p.draw(u)
    return p.keys, p.totals(values, rates)
