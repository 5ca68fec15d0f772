"""KTAB SMP CSV reader and writer: KTAB's own example files, located problems for malformed files, round trips."""

from __future__ import annotations

from pathlib import Path

import pytest

from allied.errors import ScenarioError
from allied.scenario.readers import ktab
from shared_data import need_shared

DATA = Path(__file__).resolve().parents[1] / "data"
DUMMY = (DATA / "dummyData_3Dim.csv").read_text()


def test_reads_ktab_dummy_3dim() -> None:
    t = ktab.read(DUMMY, "dummyData_3Dim.csv")
    assert t.format == "ktab-csv" and t.title == "DummyData_3Dim"
    assert [a.id for a in t.actors] == [f"SActor-0{i}" for i in range(7)]
    assert [(i.id, i.lo, i.hi) for i in t.issues] == [("Pstn1", 0, 100), ("Pstn2", 0, 100), ("Pstn3", 0, 100)]
    assert t.capability["SActor-00"] == 102.543 and t.capability["SActor-06"] == 54.178
    first = t.rows[0]
    assert (first.actor, first.issue, first.position, first.salience, first.line) == ("SActor-00", "Pstn1", 75.79,
                                                                                     49.53, 3)
    assert t.actors[0].description == "Random Spatial Actor"
    assert len(t.rows) == 21


@pytest.mark.parametrize("name", ["SOE-Pol-Comp.csv", "dummyData_6Dim.csv"])
def test_reads_other_ktab_examples(name: str) -> None:
    path = need_shared("validation", "smp", name)
    t = ktab.read(path.read_text(), name)
    if name.startswith("SOE"):
        assert len(t.actors) == 13 and [i.name for i in t.issues] == ["Policy Position", "Competitive Position"]
        assert t.capability["LK"] == 60.2
    else:
        assert len(t.actors) == 27 and len(t.issues) == 6


def problems(text: str) -> list:
    with pytest.raises(ScenarioError) as exc:
        ktab.read(text, "bad.csv")
    return exc.value.problems


def lines() -> list[str]:
    return DUMMY.splitlines()


def test_actor_count_that_lies() -> None:
    ls = lines()
    ls[0] = ls[0].replace(",7,3,", ",9,3,")
    (p,) = problems("\n".join(ls))
    assert "says 9 actors" in p.message and p.file == "bad.csv" and p.line is not None and p.fix


def test_dimension_count_that_lies() -> None:
    ls = lines()
    ls[0] = ls[0].replace(",7,3,", ",7,2,")
    (p,) = problems("\n".join(ls))
    assert p.line == 2 and "3 dimension(s)" in p.message and "says 2" in p.message


def test_truncated_row_and_not_a_number() -> None:
    ls = lines()
    ls[4] = ls[4].rsplit(",", 4)[0]  # drop the last fields of actor 2
    ls[5] = ls[5].replace("62.52", "sixty")
    ps = problems("\n".join(ls))
    assert [(p.line, "fields" in p.message or "not a number" in p.message) for p in ps] == [(5, True), (6, True)]
    assert "Pstn1" in ps[1].field


def test_out_of_range_values() -> None:
    ls = lines()
    ls[2] = ls[2].replace("75.79", "175.79")
    ls[3] = ls[3].replace("30.33", "-3")
    ls[4] = ls[4].replace("129.643", "-5")
    ps = problems("\n".join(ls))
    msgs = [(p.line, p.message) for p in ps]
    assert (3, "position 175.79 outside 0..100") in msgs
    assert (4, "salience -3 outside 0..100") in msgs
    assert any(line == 5 and "capability -5" in m for line, m in msgs)


def test_saliences_over_100() -> None:
    ls = lines()
    ls[2] = ls[2].replace("49.53", "89.53")  # 89.53 + 5.91 + 28.15 > 100
    (p,) = problems("\n".join(ls))
    assert p.line == 3 and "over 100" in p.message and "scale" in p.fix


def test_bad_first_lines() -> None:
    assert "not a whole number" in problems("Name,Desc,seven,3,\n" + "\n".join(lines()[1:]))[0].message
    assert "KTAB takes 3 to 250" in problems(DUMMY.replace(",7,3,", ",2,3,", 1))[0].message
    assert problems("just one line")[0].field == "(file)"
    ls = lines()
    ls[3] = ls[2]
    assert "twice" in problems("\n".join(ls))[0].message


def test_write_and_read_back() -> None:
    t = ktab.read(DUMMY, "d.csv")
    text = ktab.table_to_csv(t)
    t2 = ktab.read(text, "d2.csv")
    assert [a.id for a in t2.actors] == [a.id for a in t.actors]
    assert [(r.position, r.salience) for r in t2.rows] == [(r.position, r.salience) for r in t.rows]
    assert t2.capability == t.capability


def test_writer_from_arrays_scales_and_clips() -> None:
    text = ktab.write_ktab_csv("S, with comma", "d", ["a", "b", "c"], ["x", "y"], [1, 2, 3],
                               [[10, 120], [0, 50], [5, 5]], [[80, 40], [10, 10], [0, 100]])
    first, head, row_a = text.splitlines()[:3]
    assert first == "S; with comma,d,3,2," and head == "Actor,Description,Power,x,Sal1,y,Sal2,"
    assert row_a == "a,,1,10,66.6666,100,33.3333,"  # saliences 120% scaled to (just under) 100%, clipped
    t = ktab.read(text, "w.csv")
    assert 99.999 < sum(r.salience for r in t.rows if r.actor == "a") <= 100


def test_scenario_round_trip() -> None:
    from allied.scenario import load

    sc = load(str(DATA / "dummyData_3Dim.csv"))
    t = ktab.read(ktab.scenario_to_csv(sc), "export.csv")
    orig = ktab.read(DUMMY, "d.csv")
    assert [(r.actor, r.position, r.salience) for r in t.rows] == [(r.actor, r.position, r.salience)
                                                                   for r in orig.rows]
    assert t.capability == orig.capability
