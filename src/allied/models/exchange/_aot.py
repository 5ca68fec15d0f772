"""Optional ahead-of-time build of the exchange kernels (the plain float one and the certified one), so
that a process can run the model without
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
from typing import Any

_HERE = Path(__file__).parent
#: kernel name -> source file
_SOURCES = {"plain": "_numba.py", "certified": "_certified.py"}
_loaded: dict[str, ModuleType] = {}


def _cpu() -> str:
    """Processor model and instruction-set flags of this machine (from /proc/cpuinfo), or "" elsewhere.

    The plain kernel is compiled for the build machine's processor (≈ 20 % faster than a generic build on
    the Korea sweep; no fused multiply-add, so the same numbers), so these go into its name: a cache folder
    shared with another kind of machine never serves it there."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            first = f.read(1 << 16).split("\n\n", 1)[0]
    except OSError:
        return ""
    wanted = ("vendor_id", "model name", "flags")
    return "\n".join(ln for ln in first.splitlines() if ln.split(":", 1)[0].strip() in wanted)


def _host(kind: str) -> bool:
    """Whether ``kind`` is built for this processor (the plain kernel, where the processor is known)."""
    return kind == "plain" and bool(_cpu())


def _name(kind: str = "plain") -> str:
    src = (_HERE / _SOURCES[kind]).read_bytes() + (_HERE / "_state.py").read_bytes()
    if _host(kind):
        src += _cpu().encode()
    digest = hashlib.sha256(src).hexdigest()[:12]
    return f"exchange_aot_{kind}_{digest}"


def _dirs() -> list[Path]:
    out = [_HERE / "__pycache__"]
    if os.environ.get("XDG_CACHE_HOME"):
        out.append(Path(os.environ["XDG_CACHE_HOME"]) / "allied")
    out.append(Path.home() / ".cache" / "allied")
    return out


def load(kind: str = "plain") -> ModuleType | None:
    """The compiled kernel for the current source, or ``None`` when it has not been built."""
    if kind in _loaded:
        return _loaded[kind]
    if os.environ.get("ALLIED_NO_AOT"):
        return None
    name = _name(kind)
    for d in _dirs():
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = d / f"{name}{suffix}"
            if path.is_file():
                spec = importlib.util.spec_from_file_location(name, path)
                if spec is None or spec.loader is None:
                    continue
                mod = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(mod)
                _loaded[kind] = mod
                return mod
    return None


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
    from numba.pycc import CC

    last: Exception | None = None
    for d in _dirs():
        try:
            d.mkdir(parents=True, exist_ok=True)
            cc = CC(_name(kind))
            cc.output_dir = str(d)
            cc.verbose = False
            if _host(kind):
                cc.target_cpu = "host"
            for name, sig, fn in _exports(kind):
                cc.export(name, sig)(fn)
            cc.compile()
        except (OSError, PermissionError) as exc:  # unwritable folder: try the next one
            last = exc
            continue
        found = sorted(d.glob(f"{_name(kind)}*"))
        if found:
            for old in d.glob(f"exchange_aot_{kind}_*"):  # builds of earlier sources are never loaded again
                if not old.name.startswith(_name(kind)):
                    old.unlink(missing_ok=True)
            return found[0]
    raise RuntimeError(f"could not build the exchange kernel ahead of time: {last}")


if __name__ == "__main__":  # pragma: no cover - build step
    for kind in _SOURCES:
        print(build(kind) if load(kind) is None else f"{_name(kind)}: up to date")
