"""Item 8 of issue 20, for workbooks: an .xlsx is a zip, so a small file can unpack to gigabytes. Refused from
the zip's directory before anything is decompressed; and JSON output stays strict for numpy's own floats."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from adversarial_helpers import bounded

from allied.cli import print_json


def _bomb(path: Path, megabytes: int) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as fh:
            block = b"\0" * (1 << 20)
            for _ in range(megabytes):
                fh.write(block)
    return path


def test_item08_workbook_zip_bomb_refused_fast_and_small(tmp_path: Path) -> None:
    f = _bomb(tmp_path / "case.xlsx", 200)
    assert f.stat().st_size < 1_000_000  # small on disk, 200 MB unpacked
    r = bounded("validate", str(f), timeout=30)
    assert r.code == 2, r.text
    assert "unpacks to 200 MB" in r.flat and "Traceback" not in r.err
    assert r.within(5, 500), r


@pytest.mark.parametrize("value", [np.float32("nan"), np.float64("inf"), float("nan")])
def test_item04_print_json_never_writes_nan(capsys: pytest.CaptureFixture[str], value: float) -> None:
    print_json({"x": value, "rows": [value, 1.5]})
    assert json.loads(capsys.readouterr().out) == {"x": None, "rows": [None, 1.5]}
