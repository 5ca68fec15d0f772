"""The fused SMP kernels (:mod:`allied.models.smp._fused`) compiled ahead of time, and the choice of kernels.

``python -m allied.models.smp._aot`` (run by ``make install``) compiles the kernels with ``numba.pycc``
(needs a C compiler) into a cache folder, under a name that carries a hash of the kernels' sources, so an
edited kernel is never served from a stale build. Loading the build costs milliseconds where importing numba
costs a few tenths of a second, more than a whole 30-actor forecast.

:func:`kernels` picks what a run uses: the build when there is one; else numba's JIT of the same source
when the batch is big enough to repay importing numba; else ``None`` (the numpy reference). All three give
the same numbers, bit for bit (``tests/models/test_smp_fused.py``).
"""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

from allied._aot import build_name, compile_build, load_once

_HERE = Path(__file__).parent
_PREFIX = "smp_aot_"
_SOURCES = ("_fused.py", "params.py")
#: below this much work per turn (samples x actors³) numpy is cheaper than importing numba for the JIT
JIT_MIN_WORK = 100_000
#: the fused path covers fewer actors than the old numba kernels' threshold and axes numpy sums in one block
MAX_ACTORS = 39
#: longest axis the kernels sum in numpy's order (``_fused._pwsum``: one pairwise block)
MAX_AXIS = 128


def _name() -> str:
    return build_name(_PREFIX, _HERE, _SOURCES)


def load() -> ModuleType | None:
    """The compiled kernels for the current sources, or ``None`` when they have not been built."""
    return load_once(_PREFIX, _HERE, _name)


def _jit() -> Any:
    from allied.models.smp import _fused

    return SimpleNamespace(**{name: getattr(_fused, name) for name, _ in _EXPORTS})


def kernels(b: int, n: int, d: int) -> Any:
    """The kernels for a batch of ``b`` samples, ``n`` actors and ``d`` dimensions, or ``None`` for numpy."""
    if n > MAX_ACTORS or d > MAX_AXIS or os.environ.get("ALLIED_SMP_NUMPY"):
        return None
    mod = load()
    if mod is not None:
        return mod
    if b * n**3 < JIT_MIN_WORK:
        return None
    try:
        return _jit()
    except ImportError:  # pragma: no cover - numba is a declared dependency
        return None


#: exported kernels and their signatures (numba type strings)
_EXPORTS = (
    ("distances", "f8[:,:,::1](f8[:,:,::1], f8[:,:,::1])"),
    ("point_utils", "f8[:,:,::1](f8[:,:,::1], f8[:,:,::1], f8[:,:,::1], f8[:,::1])"),
    ("own_utils", "f8[:,:,::1](f8[:,:,::1], f8[:,:,::1])"),
    ("coalitions", "f8[:,:,::1](f8[:,:,::1], f8[:,::1], i8)"),
    ("challenge_own", "Tuple((f8[:,:,::1], f8[:,:,::1], f8[:,:,::1]))"
                      "(f8[:,:,::1], f8[:,:,::1], f8[:,::1], f8[:,::1], i8, i8, b1)"),
    ("unique_positions", "Tuple((b1[:,:,::1], b1[:,::1]))(f8[:,:,::1])"),
    ("bargains", "Tuple((i8[:,::1], b1[:,::1], f8[:,:,::1], f8[:,:,::1]))"
                 "(f8[:,:,::1], f8[:,:,::1], f8[:,:,::1], f8[:,:,::1], i8)"),
    ("option_utils", "Tuple((f8[:,:,::1], b1[:,:,::1]))(f8[:,:,::1], f8[:,:,::1], f8[:,:,::1], f8[:,:,::1],"
                     " f8[:,::1], f8[:,:,::1], i8[:,::1], b1[:,::1])"),
    ("victory_probs", "f8[:,:,::1](f8[:,:,::1], i8)"),
    ("choose", "f8[:,:,::1](f8[:,:,::1], b1[:,:,::1], f8[:,:,::1], f8[:,:,::1], f8[:,:,::1])"),
)


def build() -> Path:
    """Compile the kernels into the first writable cache folder; returns the file."""
    from allied.models.smp import _fused

    exports = [(fn, sig, getattr(_fused, fn).py_func) for fn, sig in _EXPORTS]
    return compile_build(_name(), _HERE, exports, _PREFIX, "SMP kernels")


def warm_jit() -> None:
    """Compile numba's JIT of every kernel once, into its on-disk cache (the fallback without a C compiler)."""
    import numpy as np

    k = _jit()
    x = np.random.default_rng(0).uniform(size=(2, 3, 2))
    s = np.full((2, 3, 2), 0.5)
    cap = np.ones((2, 3))
    vd = k.distances(x, s)
    rest = np.zeros((2, 3, 3))
    k.own_utils(vd, rest)
    k.point_utils(x, s, x, cap)
    k.coalitions(vd, cap, 2)
    k.challenge_own(vd, rest, cap, cap, 2, 1, False)
    k.unique_positions(x)
    tgt, has, pi, pr = k.bargains(vd, vd, x, s, 1)
    u, q = k.option_utils(x, s, pi, pr, cap, vd, tgt, has)
    k.choose(u, q, x, pi, pr)
    k.victory_probs(vd, 4)


if __name__ == "__main__":  # pragma: no cover - build step
    if load() is not None:
        print(f"{_name()}: up to date")
    else:
        try:
            print(build())
        except Exception as exc:  # no C compiler, or pycc unavailable: warm the JIT's cache instead
            warm_jit()
            raise SystemExit(f"SMP kernels not built ahead of time ({exc}); numba's cache is warm instead") from exc
