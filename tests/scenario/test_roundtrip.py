"""Every reader round-trips: read → write Allied YAML → read gives the same scenario."""

from __future__ import annotations

from pathlib import Path

import pytest

from allied.scenario import detect, load
from allied.scenario.writer import to_data, to_yaml

DATA = Path(__file__).resolve().parents[1] / "data"


def roundtrip(path_or_name: str | Path, tmp_path: Path) -> None:
    sc = load(path_or_name)
    out = tmp_path / "copy.yaml"
    out.write_text(to_yaml(sc), encoding="utf-8")
    again = load(out)
    assert again == sc
    assert to_data(again) == to_data(sc)


def test_builtin_yaml_roundtrip(tmp_path: Path) -> None:
    roundtrip("korea-2019", tmp_path)


def test_eum_table_roundtrip_and_salience_scaling(tmp_path: Path) -> None:
    p01 = tmp_path / "fraction.csv"
    p01.write_text("actor,capability,position,salience\nA,10,4,0.5\nB,20,10,0.8\nC,5,7,1\n")
    p100 = tmp_path / "percent.csv"
    p100.write_text("actor,capability,position,salience\nA,10,4,50\nB,20,10,80\nC,5,7,100\n")
    a, b = load(p01), load(p100)
    assert detect(p01.read_text()) == "eum-table"
    assert [s.salience for s in a.stances] == [s.salience for s in b.stances] == [50.0, 80.0, 100.0]
    assert "0–1" in (a.description or "") and "0–100" in (b.description or "")
    assert a.issues[0].id == "fraction" and a.issues[0].scale == (4.0, 10.0)
    roundtrip(p01, tmp_path)


def test_repeated_actor_names_get_suffixes(tmp_path: Path) -> None:
    p = tmp_path / "rep.csv"
    p.write_text("actor,capability,position,salience\nX,1,0,50\nX,2,10,50\nX,3,5,50\n")
    assert [a.name for a in load(p).actors] == ["X", "X #2", "X #3"]


def _table_files() -> list[Path]:
    files = sorted(DATA.glob("*.csv")) + sorted(DATA.glob("*.txt"))
    return [f for f in files if detect(f.read_text(encoding="utf-8-sig")) != "yaml"]


@pytest.mark.parametrize("path", _table_files(), ids=lambda p: p.name)
def test_every_table_fixture_roundtrips(path: Path, tmp_path: Path) -> None:
    roundtrip(path, tmp_path)


def test_shared_inputs_roundtrip(shared: Path, tmp_path: Path) -> None:
    files = [*sorted((shared / "validation" / "eum").glob("*[!d].csv")),
             *sorted((shared / "validation" / "exchange").glob("*_input.txt")),
             *sorted((shared / "validation" / "exchange").glob("*_long.csv")),
             shared / "validation" / "smp" / "dummyData_3Dim.csv",
             shared / "validation" / "smp" / "SOE-Pol-Comp.csv"]
    seen = set()
    for f in files:
        if f.name.endswith(("_expected.csv", "_published.csv", "_scalars.csv")):
            continue
        seen.add(detect(f.read_text(encoding="utf-8-sig")))
        roundtrip(f, tmp_path)
    assert {"eum-table", "exchange-tsv", "exchange-long", "ktab-csv"} <= seen


def test_overrides_change_one_value() -> None:
    base = load("korea-2019")
    sc = load("korea-2019", ["stances.USA.sanctions_relief.position=30", "actors.ROK.capability={low: 1, high: 3}"])
    assert sc.stance("USA", "sanctions_relief").position == 30.0
    assert sc.actor("ROK").capability.point() == 2.0
    assert sc.stance("ROK", "sanctions_relief") == base.stance("ROK", "sanctions_relief")


def test_nested_protocol_overrides_create_their_path() -> None:
    sc = load("korea-2019", ["protocol.alpha.T=1.2", "protocol.divergence=1"])
    assert sc.protocol is not None
    assert float(sc.protocol.divergence) == 1.0
    assert float(sc.protocol.alpha.T) == 1.2
