"""Fixtures for the ledger tests."""

from __future__ import annotations

import pandas as pd
import pytest
from ledger_helpers import synthetic_panel


@pytest.fixture
def panel12() -> pd.DataFrame:
    return synthetic_panel()
