"""numba's cache of a kernel follows the sources compiled into it (allied._jit): editing protocols/stage.py
(or smp/params.py) alone changes the cache key of the kernels built on it, so no stale kernel is served."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from numba.core.registry import CPUDispatcher

from allied._jit import KeyedCache, source_key

SRC = Path(__file__).resolve().parents[1] / "src"


def test_editing_stage_source_changes_the_key(tmp_path: Path) -> None:
    from allied.protocols import stage

    copy = tmp_path / "stage.py"
    shutil.copy(stage.__file__, copy)
    assert source_key([copy]) == source_key([stage])
    copy.write_text(copy.read_text() + "\n# an edit\n")
    assert source_key([copy]) != source_key([stage])
    other = tmp_path / "params.py"
    shutil.copy(stage.__file__, other)
    assert source_key([other]) != source_key([stage])  # the file's name is part of the key


def test_kernels_carry_the_key_of_what_is_compiled_into_them() -> None:
    from allied.models.smp import _fused as smp_fused
    from allied.models.smp import _numba as smp_numba
    from allied.models.smp import params
    from allied.protocols import kernel, layout, stage

    for module, deps in ((kernel, [stage, layout]), (stage, [layout]), (smp_numba, [params, smp_fused]),
                         (smp_fused, [params])):
        jitted = [v for v in vars(module).values()
                  if isinstance(v, CPUDispatcher) and v.py_func.__module__ == module.__name__]
        assert len(jitted) >= (2 if module is smp_numba else 4), module.__name__
        for fn in jitted:
            assert isinstance(fn._cache, KeyedCache), fn
            assert fn._cache.dependency_key == source_key(deps), fn


def test_a_cached_kernel_is_rebuilt_when_only_its_dependency_changes(tmp_path: Path) -> None:
    """Two processes share an on-disk cache; between them only dep.py changes. numba's plain cache serves
    the kernel compiled with the old dep.py (the bug this guards against); the keyed one recompiles."""
    pkg = tmp_path / "demo"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "dep.py").write_text("from numba import njit\n\n\n@njit(cache=True)\ndef value(x):\n    return x + 1.0\n")
    (pkg / "main.py").write_text(textwrap.dedent("""
        from numba import njit

        from allied._jit import njit as keyed_njit
        from demo import dep


        @njit(cache=True)
        def plain(x):
            return dep.value(x)


        @keyed_njit(depends=[dep])
        def keyed(x):
            return dep.value(x)
        """))
    code = "from demo import main; print(main.plain(1.0), main.keyed(1.0))"
    env_path = f"{tmp_path}:{SRC}"

    def run() -> list[float]:
        out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                             timeout=120, env={**os.environ, "PYTHONPATH": env_path})
        assert out.returncode == 0, out.stderr
        return [float(v) for v in out.stdout.split()]

    assert run() == [2.0, 2.0]
    (pkg / "dep.py").write_text((pkg / "dep.py").read_text().replace("x + 1.0", "x + 2.0"))
    plain, keyed = run()
    assert keyed == 3.0
    assert plain == 2.0  # numba alone: stale (if numba ever tracks dependencies itself, this line can go)
