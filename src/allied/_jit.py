"""numba's on-disk cache, keyed also on the sources a kernel depends on.

numba's ``cache=True`` keys a compiled function on its own bytecode and on the timestamp of the file that
defines it. A kernel compiled together with another module's compiled functions or constants
(:mod:`allied.protocols.kernel` calls :mod:`allied.protocols.stage`; :mod:`allied.models.smp._numba`
reads :mod:`allied.models.smp.params`) carries their code inside its cached machine code, so editing only
that other module used to leave numba serving the old kernel. :func:`njit` adds a hash of the source of
every module named in ``depends`` to the cache's index key: after an edit the key differs, the cache
misses and the kernel is compiled afresh (then cached under the new key). Nothing needs editing by hand.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from numba import njit as _numba_njit
from numba.core.caching import FunctionCache


def source_file(dep: ModuleType | str | Path) -> Path:
    """The file a dependency's code comes from (a module's ``__file__``, or a path)."""
    if isinstance(dep, ModuleType):
        if dep.__file__ is None:
            raise ValueError(f"module {dep.__name__} has no file to key a cache on")
        return Path(dep.__file__)
    return Path(dep)


def source_key(deps: Sequence[ModuleType | str | Path]) -> str:
    """SHA-256 over the names and bytes of the dependencies' source files, in the order given."""
    h = hashlib.sha256()
    for dep in deps:
        path = source_file(dep)
        h.update(path.name.encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


class KeyedCache(FunctionCache):
    """numba's per-function cache with ``dependency_key`` added to every index key."""

    def __init__(self, py_func: Callable[..., Any], dependency_key: str) -> None:
        super().__init__(py_func)
        self.dependency_key = dependency_key

    def _index_key(self, sig: Any, codegen: Any) -> tuple[Any, ...]:
        return (*super()._index_key(sig, codegen), ("depends", self.dependency_key))


def njit(*, depends: Sequence[ModuleType | str | Path], **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """``numba.njit(cache=True, **options)`` whose cache entries are keyed on the sources in ``depends``."""
    key = source_key(depends)

    def decorate(fn: Callable[..., Any]) -> Any:
        dispatcher = _numba_njit(cache=True, **options)(fn)
        dispatcher._cache = KeyedCache(dispatcher.py_func, key)
        return dispatcher

    return decorate
