"""Shared fixtures: paths to the repository's test data and to the shared validation folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared_data import need_shared

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"


@pytest.fixture
def shared() -> Path:
    """The shared folder beside the checkout (reference data): skips when a clone lacks it, fails under
    ``ALLIED_REQUIRE_SHARED=1`` (see ``shared_data.py``)."""
    return need_shared()


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
