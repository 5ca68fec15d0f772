"""Fixtures of the adversarial suite (helpers are in adversarial_helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write text to a file in a fresh folder and return its path as a string."""

    def _write(text: str, name: str = "case.yaml") -> str:
        p = tmp_path / name
        p.write_text(text, encoding="utf-8", errors="surrogatepass")
        return str(p)

    return _write
