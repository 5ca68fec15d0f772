"""Sweep tests write their run registry to a temporary ALLIED_HOME, never to ~/.allied."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def allied_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "allied-home"
    monkeypatch.setenv("ALLIED_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def korea():
    import allied

    return allied.load("korea-2019")
