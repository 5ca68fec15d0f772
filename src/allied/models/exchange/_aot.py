"""Optional ahead-of-time build of the exchange kernels (the plain float one and the certified one), so
that a process can run the model without
importing numba (which costs more than a whole COP21 run).

``python -m allied.models.exchange._aot`` compiles :func:`allied.models.exchange._numba.run_batch` with
``numba.pycc`` (needs a C compiler) into a cache folder; the module's name carries a hash of the kernel's
source, so an edited kernel is never served from a stale build. :func:`load` returns the built module or
``None``; the model then falls back to the numba JIT, which compiles the same source (same results).
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

from allied._aot import build_name, compile_build, cpu_signature, load_once

_HERE = Path(__file__).parent
#: kernel name -> source file
_SOURCES = {"plain": "_numba.py", "certified": "_certified.py"}


def _host(kind: str) -> bool:
    """Whether ``kind`` is built for this processor: the plain kernel, where the processor is known (≈ 20 %
    faster than a generic build on the Korea sweep; no fused multiply-add, so the same numbers). The
    processor then goes into the build's name, so a shared cache folder never serves it to another kind."""
    return kind == "plain" and bool(cpu_signature())


def _name(kind: str = "plain") -> str:
    salt = cpu_signature() if _host(kind) else ""
    return build_name(f"exchange_aot_{kind}_", _HERE, (_SOURCES[kind], "_state.py"), salt)


def load(kind: str = "plain") -> ModuleType | None:
    """The compiled kernel for the current source, or ``None`` when it has not been built."""
    return load_once(kind, _HERE, lambda: _name(kind))


def _exports(kind: str) -> list[tuple[str, Any, Any]]:
    """(name, signature, python function) of each exported entry point."""
    from numba import types as t

    f1, f2, f3 = (t.Array(t.float64, n, "C") for n in (1, 2, 3))
    i1, i2, i3 = (t.Array(t.int64, n, "C") for n in (1, 2, 3))
    mask = t.Array(t.bool_, 2, "C")
    if kind == "plain":
        from allied.models.exchange import _numba as k

        ret = t.Tuple((t.Array(t.float64, 4, "C"), t.Array(t.float64, 4, "C"), t.Array(t.float64, 2, "A"),
                       t.Array(t.int64, 2, "A"), t.Array(t.float64, 2, "A"), t.Array(t.bool_, 2, "A")))
        return [("run_batch", ret(f3, f3, f3, mask, t.int64, t.boolean, t.int64), k.run_batch.py_func)]
    from allied.models.exchange import _certified as c

    order = t.Array(t.int8, 4, "C")
    return [
        ("weights", t.Tuple((f2, f2, f2, f1, f1))(f2, f2, mask), c.weights.py_func),
        ("round_begin", t.Tuple((f1, f1, i2, i2, f2, f3, f3, i3))(f2, f2, f2, f2, f2, f2, f1, f1, mask, i2, order,
                                                                  i2, i1), c.round_begin.py_func),
        ("advance", t.int64(i2, f2, f3, f3, i3, i3, f2, f2, f2, f2, f2, f2, f1, f1, f1, f1, i2, mask, f2, i2, f2,
                            mask, i2, i3, i2, i1, i1, i2, i1, t.int64, t.int64), c.advance.py_func),
        ("round_end", t.Tuple((f2, f2, f2))(f2, f2, f2, f2, i2, f2, i2, t.int64), c.round_end.py_func),
    ]


def build(kind: str = "plain") -> Path:
    """Compile one kernel into the first writable cache folder; returns the file."""
    return compile_build(_name(kind), _HERE, _exports(kind), f"exchange_aot_{kind}_", "exchange kernel",
                         host_cpu=_host(kind))


if __name__ == "__main__":  # pragma: no cover - build step
    for kind in _SOURCES:
        print(build(kind) if load(kind) is None else f"{_name(kind)}: up to date")
