"""Loaders on small fixture files written here in the shapes SIPRI and the World Bank ship (all numbers made up)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from allied.errors import ScenarioError
from allied.ledgers.loaders import read_panel_csv, read_sipri, read_world_bank, to_panel

# SIPRI sheet layout: title rows, a header row 'Country, Notes, years…', region headings without values,
# '...' for not available and 'xxx' for a country that did not exist, footnotes below.
SIPRI_ROWS = [
    ["Military expenditure by country, in constant (2022) US$ m., 2016-2019 (synthetic test file)"],
    ["Figures are made up for a test."],
    [],
    ["Countries are grouped by region."],
    [],
    ["Country", "Notes", 2016, 2017, 2018, 2019],
    ["Asia & Oceania", None, None, None, None, None],
    ["East Asia", None, None, None, None, None],
    ["Korea, South", None, 1000.5, 1100.0, 1200.0, 1300.25],
    ["Japan", "§", 2000, "...", 2100, 2150],
    ["Freedonia", None, "xxx", "xxx", 10, 11],
    ["Americas", None, None, None, None, None],
    ["United States of America", None, 9000, 9100, 9200, 9300],
    [],
    [". . Data not available. xxx Country did not exist."],
]


def write_xlsx(path, sheets):
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)


def test_sipri_xlsx(tmp_path):
    path = tmp_path / "SIPRI-Milex-data-test.xlsx"
    share = [r[:] for r in SIPRI_ROWS]
    share[0] = ["Military expenditure by country as percentage of gross domestic product (synthetic)"]
    write_xlsx(path, {"Front page": [["SIPRI Military Expenditure Database (synthetic)"]],
                      "Constant (2022) US$": SIPRI_ROWS, "Share of GDP": share})
    df = read_sipri(path, sheet="Constant (2022) US$")
    assert set(df["country"]) == {"Korea, South", "Japan", "Freedonia", "United States of America"}
    kor = df[df["country"] == "Korea, South"].set_index("year")["value"]
    assert kor[2019] == 1300.25 and kor[2016] == 1000.5
    jp = df[df["country"] == "Japan"].set_index("year")["value"]
    assert np.isnan(jp[2017]) and jp[2016] == 2000
    assert df[df["country"] == "Freedonia"]["value"].isna().sum() == 2
    assert set(df["unit"]) == {"US$ million (constant 2022 prices)"}
    both = read_sipri(path)
    assert set(both["unit"]) == {"US$ million (constant 2022 prices)", "share of GDP"}


def test_sipri_csv_and_panel_mapping(tmp_path):
    path = tmp_path / "milex.csv"
    lines = [",".join("" if c is None else f'"{c}"' if isinstance(c, str) and "," in c else str(c) for c in r)
             for r in SIPRI_ROWS]
    path.write_text("\n".join(lines), encoding="utf-8")
    df = read_sipri(path)
    panel = to_panel(df, "defence", {"ROK": "Korea, South", "USA": "United States of America"})
    assert panel.set_index(["member", "year"]).loc[("ROK", 2018), "defence"] == 1200.0
    with pytest.raises(KeyError, match="Narnia"):
        to_panel(df, "defence", {"NAR": "Narnia"})


def test_sipri_without_header_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="no header row starting with 'Country'"):
        read_sipri(path)


WB_HEADER = '"Country Name","Country Code","Indicator Name","Indicator Code","2016","2017","2018","2019",'
WB_API = "\n".join([
    '"Data Source","World Development Indicators",',
    "",
    '"Last Updated Date","2024-06-28",',
    "",
    WB_HEADER,
    '"Korea, Rep.","KOR","GDP (current US$)","NY.GDP.MKTP.CD","1500000000000","1600000000000",'
    '"1700000000000","",',
    '"United States","USA","GDP (current US$)","NY.GDP.MKTP.CD","18000000000000","19000000000000",'
    '"20000000000000","21000000000000",',
])


def test_world_bank_api_csv(tmp_path):
    path = tmp_path / "API_NY.GDP.MKTP.CD_DS2_en_csv_v2_1.csv"
    path.write_text("\ufeff" + WB_API + "\n", encoding="utf-8")
    df = read_world_bank(path)
    kor = df[df["code"] == "KOR"].set_index("year")["value"]
    assert kor[2018] == 1.7e12 and np.isnan(kor[2019])
    assert set(df["variable"]) == {"NY.GDP.MKTP.CD"} and set(df["unit"]) == {"GDP (current US$)"}
    panel = to_panel(df, "gdp", {"ROK": "KOR", "USA": "United States"}, scale=1e-6)
    assert panel.set_index(["member", "year"]).loc[("USA", 2019), "gdp"] == pytest.approx(21_000_000.0)


def test_world_bank_xlsx(tmp_path):
    path = tmp_path / "API_SP.POP.TOTL_DS2_en_excel_v2_1.xlsx"
    rows = [["Data Source", "World Development Indicators"], ["Last Updated Date", "2024-06-28"], [],
            ["Country Name", "Country Code", "Indicator Name", "Indicator Code", "2018", "2019"],
            ["Korea, Rep.", "KOR", "Population, total", "SP.POP.TOTL", 51585058, 51764822]]
    write_xlsx(path, {"Data": rows, "Metadata - Countries": [["Country Code", "Region"], ["KOR", "East Asia"]]})
    df = read_world_bank(path)
    assert df.set_index("year").loc[2019, "value"] == 51764822


def test_world_bank_databank_csv_with_footer(tmp_path):
    text = "\n".join([
        "Country Name,Country Code,Series Name,Series Code,2018 [YR2018],2019 [YR2019]",
        'Korea,KOR,"Military expenditure (% of GDP)",MS.MIL.XPND.GD.ZS,2.6,..',
        "",
        "Data from database: World Development Indicators",
        "Last Updated: 06/28/2024",
    ])
    path = tmp_path / "Data_Extract_From_World_Development_Indicators.csv"
    path.write_text(text, encoding="utf-8")
    df = read_world_bank(path)
    assert df.set_index("year")["value"][2018] == 2.6 and np.isnan(df.set_index("year")["value"][2019])
    assert set(df["variable"]) == {"MS.MIL.XPND.GD.ZS"}


def test_world_bank_truncated_and_wrong_files(tmp_path):
    trunc = tmp_path / "API_trunc.csv"
    trunc.write_text(WB_API + '\n"Japan","JPN","GDP',  encoding="utf-8")
    with pytest.raises(ScenarioError, match="truncated"):
        read_world_bank(trunc)
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\x00\x01\x02binary")
    with pytest.raises(ScenarioError, match="binary"):
        read_world_bank(junk)
    with pytest.raises(ScenarioError, match="not found"):
        read_world_bank(tmp_path / "absent.csv")


PANEL = """member,year,gdp,defence,population,exposure,hns_cash,troops_hosted,currency,exchange_rate
A01,2020,1000,20,5,0.5,3,100,USD,
A02,2020,2000,30,8,,,200,KRW,1000
"""


def test_panel_csv(tmp_path):
    path = tmp_path / "ledger_panel.csv"
    path.write_text(PANEL, encoding="utf-8")
    df = read_panel_csv(path)
    a2 = df.set_index("member").loc["A02"]
    assert a2["gdp"] == pytest.approx(2.0) and a2["defence"] == pytest.approx(0.03)  # KRW → US$ at 1000
    assert a2["troops_hosted"] == 200  # not money: unchanged
    assert np.isnan(a2["exposure"]) and np.isnan(a2["hns_cash"])  # empty = missing, not zero


@pytest.mark.parametrize(("text", "message"), [
    ("", "empty file"),
    ("member,gdp\nA,1\n", "no 'year' column"),
    ("member,year,gdp,colour\nA,2020,1,red\n", "unknown column 'colour'"),
    ("member,year,gdp\nA,2020,lots\n", "'lots' is not a number"),
    ("member,year,gdp\nA,2020,1\nB,2020\n", "2 cells for 3 columns"),
    ("member,year,gdp\nA,twenty,1\n", "four-digit year"),
    ("member,year,gdp\nA,2020,1\nA,2020,2\n", "a second row for A in 2020"),
    ("member,year,gdp,currency\nA,2020,1,KRW\n", "needs an exchange rate"),
])
def test_panel_csv_errors(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        read_panel_csv(path)
    assert any(message in str(p) for p in exc.value.problems), [str(p) for p in exc.value.problems]
    assert all(p.fix for p in exc.value.problems)


def test_long_frame_columns(tmp_path):
    path = tmp_path / "API.csv"
    path.write_text(WB_API, encoding="utf-8")
    assert list(read_world_bank(path).columns) == ["country", "code", "year", "value", "variable", "unit"]
    assert isinstance(read_world_bank(path), pd.DataFrame)


def test_merge_panel_from_two_sources(tmp_path):
    from allied.ledgers.loaders import merge_panel

    wb = tmp_path / "API.csv"
    wb.write_text(WB_API, encoding="utf-8")
    gdp = to_panel(read_world_bank(wb), "gdp", {"ROK": "KOR", "USA": "USA"}, scale=1e-6)
    milex = tmp_path / "milex.csv"
    milex.write_text("\n".join(",".join("" if c is None else f'"{c}"' for c in r) for r in SIPRI_ROWS))
    dfn = to_panel(read_sipri(milex), "defence", {"ROK": "Korea, South", "USA": "United States of America"})
    panel = merge_panel(gdp, dfn)
    row = panel.set_index(["member", "year"]).loc[("ROK", 2018)]
    assert row["gdp"] == pytest.approx(1_700_000.0) and row["defence"] == 1200.0
    assert np.isnan(panel.set_index(["member", "year"]).loc[("ROK", 2019), "gdp"])  # missing stays missing
    clash = dfn.assign(defence=dfn["defence"] + 1)
    with pytest.raises(ValueError, match="disagree on defence"):
        merge_panel(dfn, clash)
