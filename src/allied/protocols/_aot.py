"""The protocol kernel compiled ahead of time, and the choice between it and numba's JIT.

``python -m allied.protocols._aot`` (run by ``make install``) compiles :func:`allied.protocols.kernel.solve_serial`
with ``numba.pycc`` (needs a C compiler) into a cache folder, under a name that carries a hash of the kernel's
sources (``kernel.py``, ``stage.py``, ``layout.py``), so an edited kernel is never served from a stale build.
Loading the build costs milliseconds; the JIT costs importing numba, numba's start-up (which imports
``scipy.linalg``) and loading its cache, about half a second of CPU in every process that solves a protocol.

:func:`solve_many` uses the build when there is one, on one thread (a pycc function holds the GIL); the JIT
(numba's cache, a thread per core) when there is none, or when several cores can share the batch and it is
large enough to repay numba's start-up (:data:`JIT_MIN_ROWS` rows, or 64 once numba is loaded anyway). A
sweep's workers are processes, so their chunks take the build.
Both compile the same source and give the same numbers, bit for bit (``tests/protocols/test_aot.py``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from allied._aot import build_name, compile_build, cpu_signature, load_once

_HERE = Path(__file__).parent
_PREFIX = "protocol_aot_"
_SOURCES = ("kernel.py", "stage.py", "layout.py")
#: rows per thread below which the JIT's threads are not used (allied.protocols.kernel.solve_many)
THREAD_ROWS = 32
#: rows from which the JIT's threads repay numba's start-up (~0.5 s of CPU) on a machine with 2+ cores
JIT_MIN_ROWS = 4096


def _name() -> str:
    """The build's name: the kernel's sources and, as it is compiled for this processor (≈ 15 % faster than
    a generic build), the processor's model and flags, so a shared cache never serves it to another kind."""
    return build_name(_PREFIX, _HERE, _SOURCES, cpu_signature())


def load() -> ModuleType | None:
    """The compiled kernel for the current sources, or ``None`` when it has not been built."""
    return load_once(_PREFIX, _HERE, _name)


def solve_many(pars: np.ndarray, dd: np.ndarray, dr: np.ndarray, order: np.ndarray, g: int, sel: int,
               tol_rel: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`allied.protocols.kernel.solve_serial` on ``pars[B, NPAR]``: the build, or the JIT (see above)."""
    pars = np.ascontiguousarray(pars, dtype=np.float64)
    built = load()
    rows, cores = pars.shape[0], _cores()
    threads = cores > 1 and rows >= 2 * THREAD_ROWS and ("numba" in sys.modules or rows >= JIT_MIN_ROWS)
    if built is not None and not threads:
        out: tuple[np.ndarray, np.ndarray] = built.solve_serial(
            pars, np.ascontiguousarray(dd, dtype=np.float64), np.ascontiguousarray(dr, dtype=np.float64),
            np.ascontiguousarray(order, dtype=np.int64), int(g), int(sel), float(tol_rel))
        return out
    from allied.protocols import kernel

    return kernel.solve_many(pars, dd, dr, order, g, sel, tol_rel)


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _exports() -> list[tuple[str, Any, Any]]:
    """(name, signature, python function) of each exported entry point."""
    from numba import types as t

    from allied.protocols import kernel

    f1, f2, f3 = (t.Array(t.float64, n, "C") for n in (1, 2, 3))
    i1 = t.Array(t.int64, 1, "C")
    sig = t.Tuple((f2, f3))(f2, f1, f1, i1, t.int64, t.int64, t.float64)
    return [("solve_serial", sig, kernel.solve_serial.py_func)]


def build() -> Path:
    """Compile the kernel into the first writable cache folder; returns the file."""
    return compile_build(_name(), _HERE, _exports(), _PREFIX, "protocol kernel", host_cpu=bool(cpu_signature()))


if __name__ == "__main__":  # pragma: no cover - build step
    print(build() if load() is None else f"{_name()}: up to date")
