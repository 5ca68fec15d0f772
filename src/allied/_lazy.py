"""Public names loaded on first use (PEP 562): a package lists which submodule defines each name and
gets the module-level ``__getattr__`` and ``__dir__`` that import it when asked for, so importing the
package itself stays light (``tests/test_startup.py``, ``tests/sweeps/test_schedule.py``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_names(package: str, namespace: dict[str, Any],
               where: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package`` whose globals are ``namespace``; ``where`` maps a public
    name to the submodule (relative to ``package``) that defines it. A loaded name is stored in
    ``namespace``, so later look-ups do not come back here."""

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f"{package}.{module}"), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *where})

    return __getattr__, __dir__
