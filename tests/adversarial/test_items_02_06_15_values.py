"""Items 2, 4, 6 and 15 of issue 20: invalid text, non-finite and huge numbers, and fix hints chosen by the
kind of error."""

from __future__ import annotations

import pytest
from adversarial_helpers import BASE, cli

from allied.errors import ScenarioError
from allied.scenario import load
from allied.scenario.validate import from_data
from allied.scenario.yamlio import load_yaml


def test_item02_lone_surrogate_refused_with_location(write) -> None:  # type: ignore[no-untyped-def]
    path = write(BASE.replace("title: Base case", 'title: "\\ud800"'))
    r = cli("validate", path)
    assert r.code == 2, r.text
    assert ":3: " in r.err and ("invalid text" in r.err or "invalid Unicode" in r.err)  # either YAML parser
    assert cli("show", path).code == 2


def test_item02_surrogate_from_any_reader_refused() -> None:
    data, lines = load_yaml(BASE, "case.yaml")
    data["actors"][1]["name"] = "Beta \udcff"  # what a table reader or a web form could hand over
    with pytest.raises(ScenarioError) as e:
        from_data(data, lines, "case.yaml")
    (p,) = e.value.problems
    assert p.kind == "invalid_text" and p.field == "actors[1].name" and p.line == 9


@pytest.mark.parametrize("old,new,where", [
    ("position: 20", "position: .nan", "stances[0].position"),
    ("salience: 50", "salience: .inf", "stances[0].salience"),
    ("capability: 10", "capability: -.inf", "actors[0].capability"),
    ("scale: [0, 100]", "scale: [0, .inf]", "issues[0].scale[1]"),
    ("position: 20", "position: {low: .nan, high: 30}", "stances[0].position.low"),
    ("name: Tax,", "name: Tax, status_quo: .nan,", "issues[0].status_quo"),
])
def test_item04_non_finite_numbers_refused_located(write, old: str, new: str, where: str) -> None:  # type: ignore[no-untyped-def]
    r = cli("validate", write(BASE.replace(old, new)))
    assert r.code == 2, r.text
    assert f"{where}: not a finite number" in r.err


def test_item04_protocol_parameter_and_override(write) -> None:  # type: ignore[no-untyped-def]
    r = cli("validate", "korea-2019", "--set", "protocol.alpha.T=.nan")
    assert r.code == 2 and "not a finite number" in r.err
    r = cli("validate", "korea-2019", "--set", "protocol.alpha.T=1.0e+308")
    assert r.code == 2 and "number out of range" in r.err
    r = cli("protocol", "korea-2019", "--set", "protocol.alpha.T=.inf", "--format", "json")
    assert r.code == 2 and "NaN" not in r.out


@pytest.mark.parametrize("value", ["1" + "0" * 400, "9" * 5000, "1e400", "1.0e+308"])
def test_item06_huge_numbers_out_of_range(write, value: str) -> None:  # type: ignore[no-untyped-def]
    r = cli("validate", write(BASE.replace("capability: 10", f"capability: {value}")))
    assert r.code == 2, r.text
    assert "number out of range" in r.err and "internal" not in r.err


def test_item15_text_for_number_gets_number_hint(write) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ScenarioError) as e:
        load(write(BASE.replace("position: 20", "position: lots")))
    (p,) = e.value.problems
    assert p.kind == "not_a_number"
    assert "verbatim" not in p.fix and "number" in p.fix


def test_item15_exponent_notation_is_a_number(write) -> None:  # type: ignore[no-untyped-def]
    sc = load(write(BASE.replace("capability: 10", "capability: 1e5").replace("capability: 20", "capability: 2.5E+3")))
    assert [a.capability for a in sc.actors] == [1e5, 2500.0]
    sc = load(write(BASE.replace("title: Base case", "title: '1e5'")))
    assert sc.title == "1e5"  # quoted stays text
    assert load("korea-2019", ["actors.USA.capability=1e3"]).actor("USA").capability == 1000.0


def test_item15_zero_width_scale_hint(write) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ScenarioError) as e:
        load(write(BASE.replace("scale: [0, 100]", "scale: [5, 5]")))
    p = e.value.problems[0]
    assert p.kind == "scale_width" and "[5, 5]" not in p.fix


def test_item15_missing_evidence_gets_evidence_hint(write) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ScenarioError) as e:
        load(write(BASE.replace("evidence: {note: guess}}\n  - {actor: B", "evidence: {source: src}}\n  - {actor: B")))
    p = e.value.problems[0]
    assert p.kind == "evidence" and "quote" in p.fix


def test_item04_json_output_never_holds_nan(capsys: pytest.CaptureFixture[str]) -> None:
    import json
    import math

    import numpy as np

    from allied.cli import print_json

    print_json({"a": math.nan, "b": [1.0, math.inf], "c": {"d": -math.inf}, "e": np.float64("nan")})
    out = capsys.readouterr().out
    assert "NaN" not in out and "Infinity" not in out
    assert json.loads(out) == {"a": None, "b": [1.0, None], "c": {"d": None}, "e": None}


def test_item15_impossible_date_says_date_not_number(write) -> None:  # type: ignore[no-untyped-def]
    r = cli("validate", write(BASE.replace("id: base\n", "id: base\nas_of: 2019-13-45\n")))
    assert r.code == 2 and "not a valid date" in r.flat and "number out of range" not in r.flat, r.text
