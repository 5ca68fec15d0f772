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

import hashlib
import importlib.machinery
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

_HERE = Path(__file__).parent
_PREFIX = "protocol_aot_"
_SOURCES = ("kernel.py", "stage.py", "layout.py")
#: rows per thread below which the JIT's threads are not used (allied.protocols.kernel.solve_many)
THREAD_ROWS = 32
#: rows from which the JIT's threads repay numba's start-up (~0.5 s of CPU) on a machine with 2+ cores
JIT_MIN_ROWS = 4096
_loaded: list[ModuleType] = []


def _cpu() -> str:
    """This machine's processor model and instruction-set flags (Linux), else "" (then the build targets a
    generic CPU). The build is compiled for this processor, ≈ 15 % faster than a generic one, so its name
    carries these: a cache folder shared with another kind of machine never serves it there."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            info = f.read(1 << 16).split("\n\n", 1)[0]
    except OSError:
        return ""
    keep = [line for line in info.splitlines() if line.split(":", 1)[0].strip() in ("vendor_id", "model name", "flags")]
    return "\n".join(keep)


def _name() -> str:
    h = hashlib.sha256()
    for src in _SOURCES:
        h.update((_HERE / src).read_bytes())
    h.update(_cpu().encode())
    return f"{_PREFIX}{h.hexdigest()[:12]}"


def _dirs() -> list[Path]:
    out = [_HERE / "__pycache__"]
    if os.environ.get("XDG_CACHE_HOME"):
        out.append(Path(os.environ["XDG_CACHE_HOME"]) / "allied")
    out.append(Path.home() / ".cache" / "allied")
    return out


def load() -> ModuleType | None:
    """The compiled kernel for the current sources, or ``None`` when it has not been built."""
    if _loaded:
        return _loaded[0]
    if os.environ.get("ALLIED_NO_AOT"):
        return None
    name = _name()
    for d in _dirs():
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = d / f"{name}{suffix}"
            if path.is_file():
                spec = importlib.util.spec_from_file_location(name, path)
                if spec is None or spec.loader is None:
                    continue
                mod = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(mod)
                _loaded.append(mod)
                return mod
    return None


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
    from numba.pycc import CC

    last: Exception | None = None
    for d in _dirs():
        try:
            d.mkdir(parents=True, exist_ok=True)
            cc = CC(_name())
            cc.output_dir = str(d)
            cc.verbose = False
            if _cpu():  # this processor's instructions (the name says which processor); else a generic CPU
                cc.target_cpu = "host"
            for name, sig, fn in _exports():
                cc.export(name, sig)(fn)
            cc.compile()
        except (OSError, PermissionError) as exc:  # unwritable folder: try the next one
            last = exc
            continue
        found = sorted(d.glob(f"{_name()}*"))
        if found:
            for old in d.glob(f"{_PREFIX}*"):  # builds of earlier sources are never loaded again
                if not old.name.startswith(_name()):
                    old.unlink(missing_ok=True)
            return found[0]
    raise RuntimeError(f"could not build the protocol kernel ahead of time: {last}")


if __name__ == "__main__":  # pragma: no cover - build step
    print(build() if load() is None else f"{_name()}: up to date")
