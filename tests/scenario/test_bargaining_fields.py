"""Stance fields ``reservation``/``demand`` and the ``delegation:`` section: validation with located
messages, round trip, and old files staying valid."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from allied.cli import app
from allied.scenario import load

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "models"))
from sma_cases import SMA

runner = CliRunner()


def validate(tmp_path: Path, text: str) -> tuple[int, str]:
    p = tmp_path / "s.yaml"
    p.write_text(text)
    res = runner.invoke(app, ["validate", str(p)])
    return res.exit_code, res.output


def test_the_fields_validate_and_round_trip(tmp_path: Path) -> None:
    code, out = validate(tmp_path, SMA)
    assert code == 0, out
    sc = load(tmp_path / "s.yaml")
    assert sc.principal_of("USA_DOD") == "USA" and sc.principal_of("ROK_NA") == "ROK"
    assert sc.part_weights()["USA_WH"] == pytest.approx(0.7)
    st = sc.stance("USA_WH", "contribution")
    assert st is not None and st.demand == 5.0
    res = runner.invoke(app, ["show", str(tmp_path / "s.yaml"), "--format", "json"])
    assert '"delegation"' in res.output and '"reservation"' in res.output


@pytest.mark.parametrize(("old", "new", "field", "words"), [
    ("USA_DOD: 0.3}", "USA_DOD: 0.3, USA_CIA: 0.1}", "delegation.USA.USA_CIA", "unknown actor 'USA_CIA'"),
    ("ROK_NA: 0.4}", "ROK_NA: 0.4, USA_WH: 0.2}", "delegation.ROK.USA_WH", "already a part of 'USA'"),
    ("ROK_NA: 0.4}", "ROK_NA: 0}", "delegation.ROK.ROK_NA", "not positive"),
    ("  ROK: {", "  USA_WH: {ROK_NA: 1}\n  ROK: {", "delegation.USA_WH", "both an actor and a principal"),
    ("reservation: 1.1\n", "reservation: 7.5\n", "stances[1].reservation", "off the scale"),
    ("demand: 5.0", "demand: 9", "stances[0].demand", "off the scale"),
    ("demand: 5.0", "demand: five", "stances[0].demand", "expected a number"),
])
def test_bad_bargaining_fields_are_located(tmp_path: Path, old: str, new: str, field: str, words: str) -> None:
    assert old in SMA
    code, out = validate(tmp_path, SMA.replace(old, new, 1))
    assert code == 2, out
    flat = " ".join(out.split())
    assert field in flat and words in flat


def test_old_files_stay_valid() -> None:
    res = runner.invoke(app, ["validate", "korea-2019"])
    assert res.exit_code == 0 and "ok: korea-2019" in res.output


def test_renaming_an_actor_follows_delegation_and_protocol_sides() -> None:
    import yaml

    from allied.scenario.editing import rename

    data = yaml.safe_load(SMA)
    data["protocol"] = {"family": "cost-sharing", "patron": "USA_WH", "client": "ROK_GOV",
                        "reservation": {"patron": 1.1, "client": 1.3}}
    out = rename(data, "actors", "USA_WH", "WH")
    assert out["delegation"]["USA"] == {"WH": 0.7, "USA_DOD": 0.3}
    assert out["protocol"]["patron"] == "WH"
    assert all(s["actor"] != "USA_WH" for s in out["stances"])
