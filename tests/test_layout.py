"""Test modules live in folders without __init__.py, so their basenames must be unique across tests/."""

from __future__ import annotations

from collections import Counter
from pathlib import Path


def test_test_module_names_are_unique() -> None:
    names = Counter(p.name for p in Path(__file__).resolve().parent.rglob("test_*.py"))
    assert [n for n, k in names.items() if k > 1] == []
