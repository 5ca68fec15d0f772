"""Item 9 of issue 20 (and the cost half of item 8): option values and model sizes that would take
gigabytes or hours are refused before anything is allocated, with the memory or time they would need."""

from __future__ import annotations

import pytest
from adversarial_helpers import bounded, cli

from allied.errors import ModelError
from allied.models.limits import check_run
from allied.scenario import load


@pytest.mark.parametrize("args", [
    ("sweep", "korea-2019", "-m", "eum", "--samples", "1000000000000"),
    ("sweep", "korea-2019", "-m", "eum", "--samples", "100", "--rounds", "100000000"),
    ("forecast", "korea-2019", "-m", "eum", "--rounds", "100000000"),
])
def test_item09_huge_options_exit_2_fast_and_small(args: tuple[str, ...], tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = bounded(*args, "--out", str(tmp_path / "run")) if args[0] == "sweep" else bounded(*args)
    assert r.code == 2, r.text
    assert "must be" in r.err and "internal" not in r.err
    assert r.within(5, 500), r
    assert not (tmp_path / "run").exists()


def test_item09_seed_beyond_64_bits(tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = cli("sweep", "korea-2019", "-m", "mean", "--samples", "4", "--seed", str(2**64), "--out", str(tmp_path / "r"))
    assert r.code == 2 and "--seed" in r.err


def test_item09_sensitivity_design_too_large() -> None:
    r = cli("sensitivity", "korea-2019", "-m", "mean", "--samples", "100000000")
    assert r.code == 2 and "model runs" in r.flat and "internal" not in r.err


def test_item09_memory_planned_before_allocation() -> None:
    inp = load("korea-2019").forecast_input(samples=100_000)
    check_run("eum", inp.take(slice(0, 1)), 10_000)  # one sample, 10,000 rounds: fine
    with pytest.raises(ModelError, match="GB"):
        check_run("eum", inp, 10_000)


def test_item08_slow_model_refused_with_estimate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLIED_MAX_SECONDS", "0.000001")
    r = cli("forecast", "korea-2019", "-m", "smp")
    assert r.code == 2 and "would take about" in r.flat and "ALLIED_MAX_SECONDS" in r.flat
    monkeypatch.delenv("ALLIED_MAX_SECONDS")
    assert cli("forecast", "korea-2019", "-m", "smp").code == 0
