"""Shared fixtures: paths to the repository's test data and to the shared validation folder."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SHARED = (ROOT / ".." / "shared").resolve()


@pytest.fixture
def shared() -> Path:
    """The shared folder beside the checkout (reference data); skips when a clone lacks it."""
    if not SHARED.is_dir():
        pytest.skip(f"reference folder {SHARED} not present (only in the project's own checkouts and CI)")
    return SHARED


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep run registries and user scenario folders out of the real home directory."""
    monkeypatch.setenv("ALLIED_HOME", str(tmp_path_factory.mktemp("allied_home")))


# Property tests: CI runs a fixed, derandomised set of examples so a landing never hinges on the draw;
# local runs keep exploring new examples (and replay any failure from .hypothesis/).
try:
    import os

    from hypothesis import settings

    settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True)
    settings.register_profile("dev", deadline=None)
    settings.load_profile("ci" if os.environ.get("CI") else "dev")
except ImportError:  # pragma: no cover - hypothesis is a dev dependency
    pass
