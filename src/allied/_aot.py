"""Ahead-of-time builds of numba kernels (``numba.pycc``), shared by the exchange, SMP and protocol kernels.

A build is a C extension named by a prefix and a hash of the kernel's source files (and, when it targets
this processor, of the processor's model and flags), so an edited kernel is never served from a stale
build. Builds are looked for, and written, in the kernel package's ``__pycache__``, then
``$XDG_CACHE_HOME/allied``, then ``~/.cache/allied``. ``ALLIED_NO_AOT=1`` ignores every build (the kernels
then run on numba's JIT of the same source, or numpy, with the same numbers).

Loading a build costs milliseconds; importing numba costs a few tenths of a second of CPU, more than many
whole commands (docs/performance.md).
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

#: (exported name, numba signature, Python function) of each entry point of a build
Export = tuple[str, Any, Any]
#: builds imported so far in this process, by (kernel package folder, key)
_loaded: dict[tuple[Path, str], ModuleType] = {}


def cache_dirs(package_dir: Path) -> list[Path]:
    """Where builds of the kernels in ``package_dir`` are looked for and written, first choice first."""
    out = [package_dir / "__pycache__"]
    if os.environ.get("XDG_CACHE_HOME"):
        out.append(Path(os.environ["XDG_CACHE_HOME"]) / "allied")
    out.append(Path.home() / ".cache" / "allied")
    return out


def cpu_signature() -> str:
    """This machine's processor model and instruction-set flags (Linux), else "" (a generic-CPU build)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            info = f.read(1 << 16).split("\n\n", 1)[0]
    except OSError:
        return ""
    keep = [line for line in info.splitlines() if line.split(":", 1)[0].strip() in ("vendor_id", "model name", "flags")]
    return "\n".join(keep)


def build_name(prefix: str, package_dir: Path, sources: Iterable[str], salt: str = "") -> str:
    """``prefix`` plus a hash of the source files (relative to ``package_dir``) and ``salt``."""
    h = hashlib.sha256()
    for src in sources:
        h.update((package_dir / src).read_bytes())
    h.update(salt.encode())
    return f"{prefix}{h.hexdigest()[:12]}"


def load_build(name: str, package_dir: Path) -> ModuleType | None:
    """The build called ``name``, imported, or ``None`` when there is none (or ``ALLIED_NO_AOT`` is set). A
    build that cannot be loaded (truncated by a full disk, built for another system) is passed over, so
    the kernel runs on numba's JIT of the same source instead of failing the command."""
    if os.environ.get("ALLIED_NO_AOT"):
        return None
    for d in cache_dirs(package_dir):
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = d / f"{name}{suffix}"
            if path.is_file():
                spec = importlib.util.spec_from_file_location(name, path)
                if spec is None or spec.loader is None:
                    continue
                try:
                    mod = importlib.util.module_from_spec(spec)
                    spec.loader.exec_module(mod)
                except (ImportError, OSError):
                    continue
                return mod
    return None


def load_once(key: str, package_dir: Path, name: Callable[[], str]) -> ModuleType | None:
    """:func:`load_build` of ``name()``, imported once per process and kept under ``(package_dir, key)``;
    ``name`` (which hashes the sources) is called again only while no build has been found."""
    mod = _loaded.get((package_dir, key))
    if mod is None:
        mod = load_build(name(), package_dir)
        if mod is not None:
            _loaded[(package_dir, key)] = mod
    return mod


def compile_build(name: str, package_dir: Path, exports: Sequence[Export], stale_prefix: str, what: str,
                  host_cpu: bool = False) -> Path:
    """Compile ``exports`` into a build called ``name`` in the first writable cache folder and return its
    file; earlier builds there (``stale_prefix*`` under another name) are deleted, as they are never loaded
    again. ``host_cpu`` compiles for this processor (the name must then carry :func:`cpu_signature`)."""
    from numba.pycc import CC

    last: Exception | None = None
    for d in cache_dirs(package_dir):
        try:
            d.mkdir(parents=True, exist_ok=True)
            cc = CC(name)
            cc.output_dir = str(d)
            cc.verbose = False
            if host_cpu:
                cc.target_cpu = "host"
            for export, sig, fn in exports:
                cc.export(export, sig)(fn)
            cc.compile()
        except OSError as exc:  # unwritable folder: try the next one
            last = exc
            continue
        found = sorted(d.glob(f"{name}*"))
        if found:
            for old in d.glob(f"{stale_prefix}*"):
                if not old.name.startswith(name):
                    old.unlink(missing_ok=True)
            return found[0]
    raise RuntimeError(f"could not build the {what} ahead of time: {last}")
