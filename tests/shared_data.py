"""The reference folder beside the checkout (``../shared``: validation cases, specs, the seed article) and the
one rule for a test that needs it: skip where a clone lacks it, FAIL where ``ALLIED_REQUIRE_SHARED=1`` (CI
sets it in ``.ci/run``), so a CI run without the reference data can never pass by skipping."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: ``ALLIED_SHARED`` points elsewhere (e.g. at a missing folder, to see what a bare clone does)
SHARED = Path(os.environ.get("ALLIED_SHARED") or ROOT / ".." / "shared").resolve()
REQUIRE_VAR = "ALLIED_REQUIRE_SHARED"


def required() -> bool:
    """Whether a missing reference file is a failure (``ALLIED_REQUIRE_SHARED`` set to anything but 0/empty)."""
    return os.environ.get(REQUIRE_VAR, "").strip() not in ("", "0")


def need_shared(*parts: str) -> Path:
    """``../shared/<parts>``; skips the test when it is absent, fails it instead under ``ALLIED_REQUIRE_SHARED``."""
    path = SHARED.joinpath(*parts)
    if path.exists():
        return path
    msg = f"reference data {path} not present (../shared beside the checkout)"
    if required():
        pytest.fail(f"{msg}, and {REQUIRE_VAR}={os.environ[REQUIRE_VAR]} makes that a failure", pytrace=False)
    pytest.skip(f"{msg}; set {REQUIRE_VAR}=1 to make this a failure (CI does)")
    raise AssertionError("unreachable")  # pytest.skip raises
