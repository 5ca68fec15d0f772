"""Helpers for the ledger tests: a synthetic 12-ally panel (made up, clearly not real data), the article."""

from __future__ import annotations

import numpy as np
import pandas as pd

ARTICLE = ("sources", "allied-approach-to-north-korea-2019.txt")


def synthetic_panel(year: int = 2020, seed: int = 7) -> pd.DataFrame:
    """Twelve made-up allies A01..A12: GDP spread over two orders of magnitude, defence loosely rising with
    GDP, population, exposure and host-nation support; money in US$ million."""
    rng = np.random.default_rng(seed)
    n = 12
    gdp = np.round(np.geomspace(50_000, 5_000_000, n) * rng.uniform(0.8, 1.2, n), 1)
    burden = np.clip(0.012 + 0.004 * np.log10(gdp / 50_000) + rng.normal(0, 0.004, n), 0.004, None)
    return pd.DataFrame({
        "member": [f"A{i + 1:02d}" for i in range(n)],
        "year": year,
        "gdp": gdp,
        "defence": np.round(gdp * burden, 1),
        "population": np.round(rng.uniform(2, 120, n), 2),
        "exposure": np.round(rng.uniform(0, 1, n), 3),
        "hns_cash": np.round(rng.uniform(0, 900, n), 1),
        "hns_in_kind": np.round(rng.uniform(0, 300, n), 1),
        "troops_hosted": np.round(rng.uniform(500, 30_000, n)),
        "peacekeeping": np.round(rng.uniform(0, 200, n), 1),
        "aid": np.round(rng.uniform(0, 500, n), 1),
        "stationing_cost": np.round(rng.uniform(1000, 4000, n), 1),
    })


def normalise(text: str) -> str:
    for a, b in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("–", "-"), ("—", "-")):
        text = text.replace(a, b)
    return " ".join(text.split())
