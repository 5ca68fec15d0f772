"""Item 16 of issue 20: table readers give every actor, issue and scenario an id of its own within the
64-character limit, recognise KTAB counts written as 3.0 or 2e0, and locate an exchange issue with no data."""

from __future__ import annotations

from adversarial_helpers import cli

from allied.scenario import load

ROWS = "A,1,10,50\nB,2,90,60\n"


def test_item16_long_file_stem(write) -> None:  # type: ignore[no-untyped-def]
    sc = load(write("actor,capability,position,salience\n" + ROWS, "a" * 70 + ".csv"))
    assert len(sc.id) <= 64 and len(sc.issues[0].id) <= 64


def test_item16_long_actor_names(write) -> None:  # type: ignore[no-untyped-def]
    name = "Actor" * 15
    sc = load(write(f"actor,capability,position,salience\n{name},1,10,50\n{name}x,2,90,60\n", "long.csv"))
    ids = [a.id for a in sc.actors]
    assert len(set(ids)) == 2 and all(len(i) <= 64 for i in ids)
    assert sc.actors[0].name == name


KTAB = ("Case,Two actors that differ in punctuation,{n},{d},\nActor,Description,Power,Dim1,Sal1,\n"
        "USA,first,10,20,50,\nUSA_,second,20,80,60,\nROK,third,5,50,40,\n")


def test_item16_ktab_names_differing_in_punctuation(write) -> None:  # type: ignore[no-untyped-def]
    sc = load(write(KTAB.format(n=3, d=1), "k.csv"))
    assert [a.name for a in sc.actors] == ["USA", "USA_", "ROK"] and len({a.id for a in sc.actors}) == 3


def test_item16_ktab_counts_as_floats(write) -> None:  # type: ignore[no-untyped-def]
    r = cli("validate", write(KTAB.format(n="3.0", d="1e0"), "k.csv"))
    assert r.code == 0 and "ktab-csv" in r.out, r.text


def test_item16_exchange_issue_without_data_is_located(write) -> None:  # type: ignore[no-untyped-def]
    text = ("#A\tUSA\tUnited States\n#A\tROK\tSouth Korea\n#P\tcost\tCost sharing\n#P\tterm\tTerm\n"
            "#D\tUSA\tcost\t80\t0.5\t1\n#D\tROK\tcost\t20\t0.5\t1\n")
    r = cli("validate", write(text, "x.tsv"))
    assert r.code == 2, r.text
    assert "x.tsv:4" in r.flat
