"""Let an engine's package double as its API function: ``allied.sweep(...)`` calls ``allied.api.sweep``
even after ``import allied.sweep.runner`` has bound the subpackage to the name ``allied.sweep``."""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any


class _CallableModule(types.ModuleType):
    _api_target: tuple[str, str]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        module, name = self._api_target
        return getattr(importlib.import_module(module), name)(*args, **kwargs)


def make_callable(package: str, api_module: str = "allied.api", name: str | None = None) -> None:
    """Make the already-imported module ``package`` callable as ``api_module.name``."""
    mod = sys.modules[package]
    mod.__class__ = _CallableModule
    mod._api_target = (api_module, name or package.rsplit(".", 1)[-1])  # type: ignore[attr-defined]
