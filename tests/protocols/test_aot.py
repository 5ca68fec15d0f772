"""The protocol kernel built ahead of time (allied.protocols._aot) gives numba's JIT numbers bit for bit,
and a protocol solve with the build loads no numba."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from allied.protocols import _aot, api, kernel
from allied.protocols.layout import SELECTIONS
from allied.protocols.presets import PRESETS, resolve

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def built():
    mod = _aot.load()
    if mod is None:
        pytest.skip("no ahead-of-time protocol kernel built (python -m allied.protocols._aot)")
    return mod


def _draws(n: int) -> np.ndarray:
    """``n`` parameter vectors with every uncertain parameter of the default section drawn in its range."""
    sec = api._section(None)
    rng = np.random.default_rng(19)
    values = {path: dist.ppf(rng.random(n)) for path, dist in api.protocol_inputs(sec)}
    return api.params_matrix(values, sec)


@pytest.mark.parametrize("selection", sorted(SELECTIONS))
def test_build_equals_the_jit_bit_for_bit(built, selection: str) -> None:
    sec = api._section(None)
    pars = _draws(48)
    for name in PRESETS:
        dd, dr, order = resolve(sec, [name])[0].arrays()
        args = (dd, dr, order, sec.grid, SELECTIONS[selection], api.TOL_REL)
        a_out, a_path = built.solve_serial(pars, *args)
        j_out, j_path = kernel.solve_serial(pars, *args)
        np.testing.assert_array_equal(a_out, j_out, err_msg=f"{name}, {selection}")
        np.testing.assert_array_equal(a_path, j_path, err_msg=f"{name}, {selection}")


def test_a_protocol_solve_with_the_build_loads_no_numba(built) -> None:
    code = ("import sys, json\nfrom allied.protocols import api\n"
            "api.solve_batch({'protocol.rho': [0.2, 0.3, 0.4]}, 'step-by-step')\n"
            "print(json.dumps('numba' in sys.modules))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout.strip().splitlines()[-1]) is False
