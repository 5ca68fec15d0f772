"""Ahead-of-time kernel builds (allied/_aot.py): names follow the sources, damaged builds are passed over."""

from __future__ import annotations

import importlib.machinery
from pathlib import Path

import pytest

from allied import _aot


def test_a_damaged_build_is_passed_over(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build truncated by a full disk must not fail the command: the kernel falls back to the JIT."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("ALLIED_NO_AOT", raising=False)
    pkg = tmp_path / "pkg"
    (pkg / "__pycache__").mkdir(parents=True)
    name = "demo_aot_000000000000"
    (pkg / "__pycache__" / f"{name}{importlib.machinery.EXTENSION_SUFFIXES[0]}").write_bytes(b"\x7fELF truncated")
    assert _aot.load_build(name, pkg) is None
    assert _aot.load_build("no_such_build", pkg) is None


def test_the_name_follows_every_source_and_the_salt(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "b.py").write_text("y = 2\n")
    first = _aot.build_name("k_", tmp_path, ("a.py", "b.py"))
    assert first.startswith("k_") and first == _aot.build_name("k_", tmp_path, ("a.py", "b.py"))
    assert _aot.build_name("k_", tmp_path, ("a.py", "b.py"), salt="cpu") != first
    (tmp_path / "b.py").write_text("y = 3\n")
    assert _aot.build_name("k_", tmp_path, ("a.py", "b.py")) != first
