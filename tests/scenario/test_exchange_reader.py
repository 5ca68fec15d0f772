"""Readers for the decide-exchange-model input files: a good file and one broken file per failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from allied.errors import ScenarioError
from allied.scenario.readers.exchange import read_long, read_tsv
from shared_data import need_shared

DATA = Path(__file__).resolve().parents[1] / "data"

GOOD = """'#A'\t'A1'\t'Actor one'\t''
'#A'\t'A2'\t'A2'\t''
'#P'\t'I1'\t'Issue one'\t''
'#M'\t'I1'\t0\t'none'
'#M'\t'I1'\t10\t'all'
'#P'\t'I2'\t'I2'\t''
'#/'\t'a comment'
'#D'\t'A1'\t'I1'\t2.5\t0.5\t1
'#D'\t'A2'\t'I1'\t10\t0.7\t2
'#D'\t'A2'\t'I2'\t40\t0.9\t2
"""


def test_tsv_good_file() -> None:
    t = read_tsv(GOOD, "x.txt")
    assert [a.id for a in t.actors] == ["A1", "A2"]
    assert t.actors[0].name == "Actor one"
    i1, i2 = t.issues
    assert (i1.lo, i1.hi) == (0.0, 10.0) and i1.labels == {0.0: "none", 10.0: "all"}
    assert (i2.lo, i2.hi) == (0.0, 100.0)  # no #M rows: 0-100
    assert len(t.rows) == 3  # A1 takes no part in I2
    r = t.rows[1]
    assert (r.actor, r.issue, r.position, r.salience, r.capability, r.line) == ("A2", "I1", 10.0, 70.0, 2.0, 9)
    assert any("0–1" in n for n in t.notes)


def test_tsv_sample_data_file() -> None:
    t = read_tsv((DATA / "sample_data_exchange.txt").read_text(), "sample_data.txt")
    assert len(t.actors) == 10 and len(t.issues) == 6 and len(t.rows) == 60
    hoogte = next(i for i in t.issues if i.id == "tol-hoogte")
    assert (hoogte.lo, hoogte.hi) == (0.5, 7.0)


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        ("'#X'\t'A1'\t'x'", "unknown row tag"),
        ("'#D'\t'A9'\t'I1'\t5\t0.5\t1", "actor 'A9' is not declared"),
        ("'#D'\t'A1'\t'I9'\t5\t0.5\t1", "issue 'I9' is not declared"),
        ("'#D'\t'A1'\t'I2'\tfive\t0.5\t1", "'five' is not a number"),
        ("'#D'\t'A1'\t'I2'\t5\t0.5", "needs at least 5"),
        ("'#D'\t'A1'\t'I1'\t5\t0.5\t1", "duplicate row"),
        ("'#A'\t'A1'\t'again'\t''", "declared twice"),
        ("'#D'\t'A1'\t'I2'\t500\t0.5\t1", "outside the issue's scale"),
        ("'#D'\t'A1'\t'I2'\t5\t0.5\t-1", "negative power"),
        ("'#M'\t'I7'\t5", "undeclared issue"),
    ],
)
def test_tsv_broken_file_names_line_and_fix(line: str, needle: str) -> None:
    text = GOOD + line + "\n"
    with pytest.raises(ScenarioError) as err:
        read_tsv(text, "bad.txt")
    probs = [p for p in err.value.problems if needle in p.message]
    assert probs, [str(p) for p in err.value.problems]
    assert probs[0].line == 11 or needle == "undeclared issue"
    assert probs[0].file == "bad.txt" and probs[0].fix


def test_tsv_collects_every_problem() -> None:
    text = GOOD + "'#D'\t'A9'\t'I1'\t5\t0.5\t1\n'#D'\t'A1'\t'I2'\tx\t0.5\t1\n"
    with pytest.raises(ScenarioError) as err:
        read_tsv(text, "bad.txt")
    assert {p.line for p in err.value.problems} == {11, 12}


LONG = "actor,issue,position,salience,power\nA1,I1,20,0.5,1\nA2,I1,80,0.9,0.5\nA2,I2,30,0.4,0.5\n"


def test_long_good_file() -> None:
    t = read_long(LONG, "x.csv")
    assert [i.id for i in t.issues] == ["I1", "I2"]
    assert t.rows[1].salience == pytest.approx(90.0) and t.rows[1].capability == 0.5
    assert (t.issues[0].lo, t.issues[0].hi) == (0.0, 100.0)


@pytest.mark.parametrize(
    ("text", "needle", "line"),
    [
        ("actor,issue,position,power\nA,I,1,1\n", "missing column(s) salience", 1),
        (LONG + "A3,I1,x,0.5,1\n", "'x' is not a number", 5),
        (LONG + "A3,I1,5,0.5\n", "4 fields where the header has 5", 5),
        (LONG + "A1,I1,5,0.5,1\n", "duplicate row", 5),
        (LONG + "A3,I1,5,150,1\n", "outside 0..1", 5),
        ("", "empty file", 1),
    ],
)
def test_long_broken_file(text: str, needle: str, line: int) -> None:
    with pytest.raises(ScenarioError) as err:
        read_long(text, "bad.csv")
    probs = [p for p in err.value.problems if needle in p.message]
    assert probs, [str(p) for p in err.value.problems]
    assert probs[0].line == line


@pytest.mark.parametrize("case", ["sample_data", "copenhagen", "cop21"])
def test_shared_tsv_and_long_agree(case: str) -> None:
    shared = need_shared("validation", "exchange")
    t = read_tsv((shared / f"{case}_input.txt").read_text(), f"{case}_input.txt")
    lg = read_long((shared / f"{case}_long.csv").read_text(), f"{case}_long.csv")
    key = lambda tab: sorted((r.actor, r.issue, r.position, r.salience, r.capability) for r in tab.rows)  # noqa: E731
    assert key(t) == key(lg)


def test_tsv_semicolons_bom_and_comments() -> None:
    text = "\ufeff" + GOOD.replace("\t", ";") + "'#0';'another comment'\n"
    t = read_tsv(text, "semi.txt")
    assert len(t.rows) == 3 and t.issues[0].hi == 10.0
