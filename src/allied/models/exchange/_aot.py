"""Optional ahead-of-time build of the exchange kernel, so that a process can run the model without
importing numba (which costs more than a whole COP21 run).

``python -m allied.models.exchange._aot`` compiles :func:`allied.models.exchange._numba.run_batch` with
``numba.pycc`` (needs a C compiler) into a cache folder; the module's name carries a hash of the kernel's
source, so an edited kernel is never served from a stale build. :func:`load` returns the built module or
``None``; the model then falls back to the numba JIT, which compiles the same source (same results).
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import os
from pathlib import Path
from types import ModuleType

_KERNEL = Path(__file__).with_name("_numba.py")
_loaded: ModuleType | None = None


def _name() -> str:
    digest = hashlib.sha256(_KERNEL.read_bytes()).hexdigest()[:12]
    return f"exchange_aot_{digest}"


def _dirs() -> list[Path]:
    out = [Path(__file__).with_name("__pycache__")]
    if os.environ.get("XDG_CACHE_HOME"):
        out.append(Path(os.environ["XDG_CACHE_HOME"]) / "allied")
    out.append(Path.home() / ".cache" / "allied")
    return out


def load() -> ModuleType | None:
    """The compiled kernel for the current source, or ``None`` when it has not been built."""
    global _loaded
    if _loaded is not None:
        return _loaded
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
                _loaded = mod
                return mod
    return None


def build() -> Path:
    """Compile the kernel into the first writable cache folder; returns the file."""
    from numba import types as t
    from numba.pycc import CC

    from allied.models.exchange import _numba as k

    f3 = t.Array(t.float64, 3, "C")
    mask = t.Array(t.bool_, 2, "C")
    ret = t.Tuple((t.Array(t.float64, 4, "C"), t.Array(t.float64, 4, "C"), t.Array(t.float64, 2, "A"),
                   t.Array(t.int64, 2, "A"), t.Array(t.float64, 2, "A"), t.Array(t.bool_, 2, "A")))
    last: Exception | None = None
    for d in _dirs():
        try:
            d.mkdir(parents=True, exist_ok=True)
            cc = CC(_name())
            cc.output_dir = str(d)
            cc.verbose = False
            cc.export("run_batch", ret(f3, f3, f3, mask, t.int64, t.boolean, t.int64))(k.run_batch.py_func)
            cc.compile()
        except (OSError, PermissionError) as exc:  # unwritable folder: try the next one
            last = exc
            continue
        found = sorted(d.glob(f"{_name()}*"))
        if found:
            return found[0]
    raise RuntimeError(f"could not build the exchange kernel ahead of time: {last}")


if __name__ == "__main__":  # pragma: no cover - build step
    print(build())
