"""Bad input: exit 2, one located message per problem (file, line, field, fix), never a traceback."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from allied.cli import app

runner = CliRunner()

GOOD = textwrap.dedent("""\
    allied: 1
    id: demo
    title: Demo
    sources:
      - {id: src, title: A source}
    actors:
      - {id: A, name: Alpha, capability: 10}
      - {id: B, name: Beta, capability: 20}
    issues:
      - id: tax
        name: Tax rate
        scale: [0, 50]
        labels: {0: none, 50: half}
    stances:
      - {actor: A, issue: tax, position: 10, salience: 50, evidence: {source: src, quote: "low tax"}}
      - {actor: B, issue: tax, position: 40, salience: 80, evidence: {note: "analyst guess"}}
    """)


def _swap(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


# (case id, file name, content, fragments that must all appear in the message)
CASES: list[tuple[str, str, str | bytes, list[str]]] = [
    ("binary", "junk.yaml", bytes(range(256)) * 4, ["binary file"]),
    ("empty", "empty.yaml", "", ["empty"]),
    ("whitespace_only", "blank.yaml", "   \n\n", ["empty"]),
    ("syntax", "syntax.yaml", GOOD.replace("title: Demo", "title: [Demo"), ["YAML syntax error", "syntax.yaml:"]),
    ("not_mapping", "list.yaml", "- a\n- b\n", ["expected a scenario mapping"]),
    ("scalar", "scalar.yaml", "hello\n", ["single value"]),
    ("no_version", "nover.yaml", GOOD.replace("allied: 1\n", ""), ["allied: 1"]),
    ("wrong_version", "v2.yaml", GOOD.replace("allied: 1", "allied: 2"), ["version 2", "allied"]),
    ("missing_actors", "noact.yaml", GOOD.split("actors:")[0] + "issues: []\nstances: []\n", ["actors", "missing"]),
    ("unknown_key", "extra.yaml", _swap("title: Demo", "title: Demo\ncolour: red"), ["unknown key 'colour'", ":4"]),
    ("unknown_actor", "ua.yaml", _swap("{actor: B,", "{actor: Z,"), ["unknown actor 'Z'", "stances[1].actor"]),
    ("unknown_issue", "ui.yaml", _swap("{actor: B, issue: tax", "{actor: B, issue: vat"), ["unknown issue 'vat'"]),
    ("unknown_source", "us.yaml", _swap("{source: src, quote", "{source: nowhere, quote"),
     ["unknown source 'nowhere'"]),
    ("duplicate_actor", "da.yaml", _swap("{id: B, name: Beta", "{id: A, name: Beta"), ["used more than once"]),
    ("duplicate_key", "dk.yaml", _swap("title: Demo", "title: Demo\ntitle: Again"), ["appears twice"]),
    ("duplicate_stance", "ds.yaml", GOOD + "  - {actor: A, issue: tax, position: 12, salience: 50, "
     "evidence: {note: again}}\n", ["second stance"]),
    ("off_scale", "os.yaml", _swap("position: 40", "position: 70"), ["off the scale", "stances[1].position"]),
    ("negative_capability", "nc.yaml", _swap("capability: 10", "capability: -3"), ["negative"]),
    ("reversed_scale", "rs.yaml", _swap("scale: [0, 50]", "scale: [50, 0]"), ["must run from low to high"]),
    ("low_above_high", "lh.yaml", _swap("position: 10,", "position: {low: 30, high: 20},"), ["swap"]),
    ("string_number", "sn.yaml", _swap("salience: 80", "salience: 'eighty'"), ["expected a number", "eighty"]),
    ("salience_range", "sr.yaml", _swap("salience: 80", "salience: 180"), ["outside 0..100"]),
    ("python_tag", "tag.yaml", _swap("title: Demo", "title: !!python/object/apply:os.system ['echo pwned']"),
     ["not allowed", "never executed"]),
    ("evidence_empty", "ev.yaml", _swap("evidence: {note: \"analyst guess\"}", "evidence: {}"), ["quote", "note"]),
    ("quote_without_source", "qs.yaml", _swap("{source: src, quote: \"low tax\"}", "{quote: \"low tax\"}"),
     ["needs the 'source'"]),
    ("bad_id", "id.yaml", _swap("id: demo", "id: 'my demo'"), ["id", "no spaces"]),
    ("scale_one_number", "s1.yaml", _swap("scale: [0, 50]", "scale: [0]"), ["scale"]),
    ("issue_without_stances", "iw.yaml", _swap("stances:", "  - {id: vat, name: VAT, scale: [0, 1]}\nstances:"),
     ["has no stances"]),
    ("two_documents", "two.yaml", GOOD + "---\nallied: 1\n", ["several YAML documents"]),
    ("table_truncated", "tt.csv", "actor,capability,position,salience\nA,10,4,50\nB,20\n", ["row 3", "truncated"]),
    ("table_not_number", "tn.csv", "actor,capability,position,salience\nA,ten,4,50\nB,20,6,40\n",
     ["'ten' is not a number", "capability"]),
    ("table_header_only", "th.csv", "actor,capability,position,salience\n", ["no actors"]),
    ("table_negative_capability", "tc.csv", "actor,capability,position,salience\nA,-1,4,50\nB,2,6,40\n",
     ["negative capability"]),
    ("ktab_header_lies", "lie.csv", "Demo,desc,4,2,\nActor,Description,Power,D1,Sal1,D2,Sal2,\n"
     "A,a,10,20,50,30,40,\nB,b,20,60,50,70,40,\nC,c,30,80,50,10,40,\n", ["says 4 actors", "3 actor row"]),
    ("exchange_undeclared_issue", "ex.txt", "'#A'\t'a'\t'A'\t''\n'#P'\t'i'\t'I'\t''\n'#D'\t'a'\t'j'\t10\t0.5\t1\n",
     ["issue 'j' is not declared"]),
    ("exchange_truncated", "ex2.txt", "'#A'\t'a'\t'A'\t''\n'#P'\t'i'\t'I'\t''\n'#D'\t'a'\t'i'\t10\n",
     ["truncated"]),
    ("exchange_long_not_number", "long.csv", "actor,issue,position,salience,power\nA,i,10,0.5,1\nB,i,x,0.5,1\n",
     ["'x' is not a number", "position"]),
    ("csv_huge_field", "huge.csv", "actor,capability,position,salience\nA,1,2," + "9" * 200_000 + "\n",
     ["cannot read the table", "field larger"]),
    ("not_utf8", "latin.yaml", "title: caf\xe9\n".encode("latin-1"), ["not valid UTF-8"]),
    ("missing_file", "", "", ["no such file"]),
]


@pytest.mark.parametrize("case, name, content, fragments", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_located_and_exits_2(tmp_path: Path, case: str, name: str, content: str | bytes,
                                          fragments: list[str]) -> None:
    if name:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    else:
        path = tmp_path / "does-not-exist.yaml"
    result = runner.invoke(app, ["validate", str(path)])
    out = result.output
    assert result.exit_code == 2, out
    assert "Traceback" not in out
    assert path.name in out, "the message names the file"
    assert "fix:" in out, "the message says how to fix it"
    for frag in fragments:
        assert frag in out, f"{frag!r} missing from:\n{out}"


def test_good_file_validates(tmp_path: Path) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok:")


def test_every_problem_reported_at_once(tmp_path: Path) -> None:
    bad = _swap("{actor: B,", "{actor: Z,").replace("{source: src, quote", "{source: nowhere, quote")
    path = tmp_path / "many.yaml"
    path.write_text(bad, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "2 problems" in result.output
    assert "unknown actor 'Z'" in result.output and "unknown source 'nowhere'" in result.output


def test_error_line_numbers_point_at_the_field(tmp_path: Path) -> None:
    path = tmp_path / "line.yaml"
    path.write_text(_swap("position: 40", "position: 70"), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "position: 70" in text)
    assert f"line.yaml:{line}" in result.output


def test_bad_override_is_located() -> None:
    result = runner.invoke(app, ["show", "korea-2019", "--set", "stances.USA.nowhere.position=3"])
    assert result.exit_code == 2
    assert "no stance of actor 'USA' on issue 'nowhere'" in result.output
    result = runner.invoke(app, ["show", "korea-2019", "--set", "stances.USA.sanctions_relief.position=300"])
    assert result.exit_code == 2 and "off the scale" in result.output


def test_bad_format_option() -> None:
    result = runner.invoke(app, ["show", "korea-2019", "--format", "xml"])
    assert result.exit_code == 2 and "--format must be one of" in result.output
