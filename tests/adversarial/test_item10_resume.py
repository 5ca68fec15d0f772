"""Item 10 of issue 20: --resume checks every run parameter (the model too), reads back every part and
recomputes the damaged or foreign ones, and refuses a run.json with fields of the wrong type."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from allied.errors import SweepError
from allied.scenario import load
from allied.sweeps.runner import run_sweep

N, CHUNK = 400, 100


@pytest.fixture(scope="module")
def korea():  # type: ignore[no-untyped-def]
    return load("korea-2019")


def _run(sc, out: Path, model: str = "mean", resume: bool = False, **kw):  # type: ignore[no-untyped-def]
    return run_sweep(sc, model, N, seed=3, out=out, resume=resume, workers=1, chunk_size=CHUNK, register=False, **kw)


def test_item10_resume_with_another_model_refused(korea, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _run(korea, tmp_path / "r")
    with pytest.raises(SweepError, match="model"):
        _run(korea, tmp_path / "r", model="median", resume=True)


def test_item10_damaged_and_foreign_parts_recomputed(korea, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "r"
    ref = _run(korea, out).frame()
    parts = out / "samples"
    (parts / "part-00001.parquet").write_bytes(b"")  # empty
    data = (parts / "part-00002.parquet").read_bytes()
    (parts / "part-00002.parquet").write_bytes(data[: len(data) // 2])  # truncated
    (parts / "part-00000.parquet").replace(parts / "part-00007.parquet")  # beyond the last chunk (foreign)
    res = _run(korea, out, resume=True)
    assert res.samples_done == N
    got = res.frame()
    assert got["sample"].nunique() == N and len(got) == len(ref)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), ref.reset_index(drop=True))
    assert sorted(p.name for p in parts.glob("*.bad")) == ["part-00001.parquet.bad", "part-00002.parquet.bad",
                                                          "part-00007.parquet.bad"]


def test_item10_part_with_wrong_samples_recomputed(korea, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "r"
    _run(korea, out)
    parts = out / "samples"
    (parts / "part-00001.parquet").write_bytes((parts / "part-00003.parquet").read_bytes())  # another chunk's rows
    res = _run(korea, out, resume=True)
    assert res.summary and all(v["n"] == N for v in res.summary.values())


@pytest.mark.parametrize("field,value", [("chunk_size", "abc"), ("chunk_size", -100), ("samples", "lots"),
                                         ("seed", 1.5)])
def test_item10_bad_run_json_fields_refused(korea, tmp_path: Path, field: str, value: object) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "r"
    _run(korea, out)
    meta = json.loads((out / "run.json").read_text())
    meta[field] = value
    (out / "run.json").write_text(json.dumps(meta))
    with pytest.raises(SweepError, match=f"{field} = "):
        run_sweep(korea, "mean", N, seed=3, out=out, resume=True, workers=1, register=False)
