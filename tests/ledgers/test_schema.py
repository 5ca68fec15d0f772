"""The ``alliance:`` section schema: defaults, strictness, and located errors through the scenario loader."""

from __future__ import annotations

import pytest
import yaml
from pydantic import ValidationError

from allied.scenario import ScenarioError, load
from allied.scenario.sections.alliance import AllianceSection, parse_money_unit

ITEM = {"item": "x", "from": "A", "to": "B", "year": 2019, "value": 1, "unit": "US$ million",
        "evidence": {"source": "s", "quote": "q"}}


def test_empty_section_is_valid():
    s = AllianceSection()
    assert s.items == [] and s.members == [] and s.all_members == []


def test_list_form_and_inferred_kinds():
    s = AllianceSection.model_validate([{**ITEM, "item": "cost_sharing_2019"}, {**ITEM, "item": "sma_term"}])
    assert [it.resolved_kind for it in s.items] == ["host_nation_support", "agreement_term"]
    assert s.all_members == ["A", "B"]


@pytest.mark.parametrize(("bad", "message"), [
    ({**ITEM, "colour": "red"}, "Extra inputs"),
    ({**ITEM, "to": "A"}, "both 'A'"),
    ({**ITEM, "value": "830"}, "expected a number"),
    ({**ITEM, "value": {"low": 5, "high": 1}}, "swap"),
    ({**ITEM, "currency": "KRW"}, "disagrees"),
    ({**ITEM, "exchange_rate": -3}, "> 0"),
    ({**ITEM, "lens": "moral"}, "cash"),
    ({**ITEM, "evidence": {"source": "s"}}, "quote"),
])
def test_bad_items_refused(bad, message):
    with pytest.raises(ValidationError, match=message):
        AllianceSection.model_validate({"items": [bad]})


def test_section_level_checks():
    with pytest.raises(ValidationError, match="not among members"):
        AllianceSection.model_validate({"members": ["A"], "items": [ITEM]})
    with pytest.raises(ValidationError, match="patron"):
        AllianceSection.model_validate({"members": ["A", "B"], "patron": "Z"})
    with pytest.raises(ValidationError, match="own name"):
        AllianceSection.model_validate({"items": [ITEM, ITEM]})
    with pytest.raises(ValidationError, match="two exchange rates"):
        AllianceSection.model_validate({"exchange_rates": [{"currency": "KRW", "year": 2019, "rate": 1100}] * 2})


@pytest.mark.parametrize(("unit", "parsed"), [
    ("US$ million", ("USD", 1e6)), ("US$ billion", ("USD", 1e9)), ("KRW trillion", ("KRW", 1e12)),
    ("won", ("KRW", 1.0)), ("EUR bn", ("EUR", 1e9)), ("troops", None), ("%", None), ("years", None),
])
def test_money_units(unit, parsed):
    assert parse_money_unit(unit) == parsed


def test_loader_locates_alliance_errors(tmp_path):
    data = yaml.safe_load(load.__globals__["builtin_text"]("korea-2019"))
    data["alliance"]["items"][0]["unit"] = "US$ million"
    data["alliance"]["items"][0]["currency"] = "KRW"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load(path)
    p = exc.value.problems[0]
    assert p.field.startswith("alliance.items") and "disagrees" in p.message and p.line is not None


def test_korea_alliance_round_trips_through_the_yaml_writer(tmp_path):
    from allied.scenario.writer import to_yaml

    sc = load("korea-2019")
    path = tmp_path / "k.yaml"
    path.write_text(to_yaml(sc), encoding="utf-8")
    again = load(path)
    assert again.alliance == sc.alliance
    assert "from: ROK" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("unit", "additive"), [
    ("US$ million per year", True), ("troops", True), ("%", False), ("per cent", False), ("years", False),
    ("rank among buyers", False),
])
def test_additive_by_unit(unit, additive):
    s = AllianceSection.model_validate({"items": [{**ITEM, "item": "misc", "unit": unit}]})
    assert s.items[0].is_additive is additive
