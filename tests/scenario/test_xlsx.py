"""Scenario workbooks: YAML → xlsx → YAML is lossless on every scenario fixture; a broken workbook gives
problems that name the sheet, the cell and the fix; a workbook edited by another program reads back."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from allied.cli import app
from allied.scenario import ScenarioError, builtin_names, detect, load
from allied.scenario.uncertain import Uncertain
from allied.scenario.writer import to_data, to_yaml
from allied.scenario.xlsx import load_xlsx, write_xlsx

DATA = Path(__file__).resolve().parents[1] / "data"


def _fixtures() -> list[str | Path]:
    files: list[str | Path] = [*builtin_names(), *sorted(DATA.glob("*.yaml"))]
    for f in sorted(DATA.glob("*.csv")) + sorted(DATA.glob("*.txt")):
        try:
            load(f)
        except ScenarioError:
            continue  # reference outputs, not scenarios
        files.append(f)
    return files


@pytest.mark.parametrize("src", _fixtures(), ids=lambda p: Path(str(p)).name)
def test_yaml_to_xlsx_to_yaml_is_lossless(src: str | Path, tmp_path: Path) -> None:
    sc = load(src)
    book = tmp_path / "case.xlsx"
    write_xlsx(sc, book)
    again = load(book)  # format detected from the content
    assert to_data(again) == to_data(sc)
    assert to_yaml(again) == to_yaml(sc)


def test_every_korea_field_lands_in_its_sheet(tmp_path: Path) -> None:
    sc = load("korea-2019")
    write_xlsx(sc, tmp_path / "k.xlsx")
    wb = load_workbook(tmp_path / "k.xlsx")
    assert wb.sheetnames[:9] == ["instructions", "scenario", "actors", "issues", "stances", "evidence", "sources",
                                 "outcomes", "alliance"]
    st = wb["stances"]
    head = [c.value for c in st[1]]
    assert head[:5] == ["actor", "issue", "position", "position.low", "position.high"]
    quoted = [s for s in sc.stances if s.evidence and s.evidence.quote]
    ev = wb["evidence"]
    keys = {(r[0].value, r[1].value): r for r in ev.iter_rows(min_row=2)}
    first = quoted[0]
    row = keys[("stances", f"{first.actor}/{first.issue}")]
    assert first.evidence is not None and row[3].value == first.evidence.quote
    # drop-downs of the actor and issue ids on the stances sheet
    lists = [dv for dv in st.data_validations.dataValidation if dv.type == "list"]
    assert {dv.formula1 for dv in lists} == {"'actors'!$A$2:$A$2000", "'issues'!$A$2:$A$2000"}
    bounds = [dv for dv in st.data_validations.dataValidation if dv.type == "decimal"]
    assert any(dv.formula1 == "0" and dv.formula2 == "100" for dv in bounds)  # salience


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    sc = load("korea-2019")
    data = to_data(sc, json_safe=False)
    data["actors"][0]["description"] = "=HYPERLINK(\"http://example.invalid\")"
    data["actors"][1]["description"] = "+82 is the country code"
    data["actors"][2]["description"] = "-5% growth"
    data["actors"][3]["description"] = "@handle"
    from allied.scenario.validate import from_data

    sc2 = from_data(data, {}, "t")
    write_xlsx(sc2, tmp_path / "f.xlsx")
    ws = load_workbook(tmp_path / "f.xlsx")["actors"]
    col = [c.value for c in ws[1]].index("description") + 1
    cells = [ws.cell(row=r, column=col) for r in range(2, 6)]
    assert [c.data_type for c in cells] == ["s"] * 4
    assert all(c.quotePrefix for c in cells)
    assert to_data(load(tmp_path / "f.xlsx")) == to_data(sc2)


def _broken(tmp_path: Path) -> Path:
    book = tmp_path / "case.xlsx"
    write_xlsx(load("korea-2019"), book)
    wb = load_workbook(book)
    st = wb["stances"]
    st["B7"] = "sanctions-relief"  # a wrong issue id
    st["F14"] = "about eighty"  # text in the salience column
    wb.save(book)
    return book


def test_broken_workbook_names_sheet_cell_and_fix(tmp_path: Path) -> None:
    book = _broken(tmp_path)
    with pytest.raises(ScenarioError) as exc:
        load(book)
    by_file = {p.file: p for p in exc.value.problems}
    assert {f"{book}!stances!B7", f"{book}!stances!F14"} <= set(by_file)
    # the stance's evidence row still names it by its old key: said too, with the key format
    assert set(by_file) - {f"{book}!stances!B7", f"{book}!stances!F14"} <= {f"{book}!evidence!B18"}
    wrong = by_file[f"{book}!stances!B7"]
    assert "unknown issue 'sanctions-relief'" in wrong.message
    assert "sanctions_relief" in wrong.fix and "issues sheet" in wrong.fix
    text = by_file[f"{book}!stances!F14"]
    assert "'about eighty'" in text.message and "type a number" in text.fix


def test_cli_reports_located_errors_and_exits_2(tmp_path: Path) -> None:
    book = _broken(tmp_path)
    res = CliRunner().invoke(app, ["validate", str(book)])
    assert res.exit_code == 2
    assert "case.xlsx!stances!B7" in res.output and "case.xlsx!stances!F14" in res.output
    assert "Traceback" not in res.output


def test_cli_export_then_read(tmp_path: Path) -> None:
    out = tmp_path / "case.xlsx"
    res = CliRunner().invoke(app, ["export", "korea-2019", "--to", "xlsx", "-o", str(out)])
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(app, ["validate", str(out)])
    assert res.exit_code == 0 and "(xlsx)" in res.output
    res = CliRunner().invoke(app, ["export", "korea-2019", "--to", "xlsx"])
    assert res.exit_code == 2 and "-o" in res.output


def test_workbook_edited_elsewhere_reads_back(tmp_path: Path) -> None:
    """An analyst's edits made with another program (openpyxl here, as LibreOffice would save them): a
    changed number, a new range, a new actor with its stance and quoted evidence, a sorted sheet."""
    book = tmp_path / "case.xlsx"
    write_xlsx(load("korea-2019"), book)
    wb = load_workbook(book)
    act, st, ev = wb["actors"], wb["stances"], wb["evidence"]
    act.append(["EU", "European Union", 30])
    head = [c.value for c in st[1]]
    col = {h: i for i, h in enumerate(head)}
    row = [None] * len(head)
    row[col["actor"]], row[col["issue"]] = "EU", "sanctions_relief"
    row[col["position.low"]], row[col["position.high"]] = 20, 40
    row[col["salience"]] = 35
    st.append(row)
    ev.append(["stances", "EU/sanctions_relief", "mishra2019", None, "analyst's estimate"])
    rows = sorted(([c.value for c in r] for r in st.iter_rows(min_row=2)), key=lambda r: (str(r[1]), str(r[0])))
    for r, values in enumerate(rows, 2):  # sort the stance rows by issue: evidence follows by key
        for c, v in enumerate(values, 1):
            st.cell(row=r, column=c).value = v
    wb.save(book)
    sc = load(book)
    eu = sc.stance("EU", "sanctions_relief")
    assert eu is not None and eu.position == Uncertain(low=20, high=40) and eu.salience == 35
    assert eu.evidence is not None and eu.evidence.note == "analyst's estimate"
    orig = load("korea-2019")
    for s in orig.stances:
        again = sc.stance(s.actor, s.issue)
        assert again is not None and again.evidence == s.evidence and again.position == s.position


def test_unknown_column_bad_key_and_uncomputed_formula_are_located(tmp_path: Path) -> None:
    book = tmp_path / "case.xlsx"
    write_xlsx(load("korea-2019"), book)
    wb = load_workbook(book)
    wb["actors"]["Z1"] = "colour"
    wb["actors"]["Z3"] = "red"
    wb["evidence"]["B2"] = "NOBODY/nothing"
    wb["stances"]["C2"] = "=10+5"  # a formula openpyxl never computes
    wb.save(book)
    with pytest.raises(ScenarioError) as exc:
        load_xlsx(book)
    files = {p.file.split("!", 1)[1]: p for p in exc.value.problems}
    assert "unknown column 'colour'" in files["actors!Z1"].message
    assert "no row with key 'NOBODY/nothing'" in files["evidence!B2"].message
    assert "never computed" in files["stances!C2"].message


def test_a_text_file_is_still_detected_as_before(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text("actor,capability,position,salience\nA,1,2,50\nB,1,4,50\n")
    assert detect(p.read_text()) == "eum-table" and len(load(p).actors) == 2
