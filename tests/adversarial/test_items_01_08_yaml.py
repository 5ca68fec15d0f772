"""Items 1, 2, 6, 7 of issue 20: hostile YAML (alias bombs, loops, deep nesting, huge numbers, bad text)."""

from __future__ import annotations

from adversarial_helpers import BASE, bounded, cli


def _bomb() -> str:
    """Ten levels of ten aliases ("billion laughs"): about 400 bytes standing for 10**10 strings."""
    lines = []
    for k in range(10):
        item = "*" + chr(96 + k) if k else '"x"'
        lines.append(f"{chr(97 + k)}: &{chr(97 + k)} [{', '.join([item] * 10)}]\n")
    return "".join(lines)


BOMB = _bomb()


def test_item01_alias_bomb_exits_2_fast_and_small(write) -> None:  # type: ignore[no-untyped-def]
    assert len(BOMB) < 600
    r = bounded("validate", write(BOMB), timeout=20)
    assert r.code == 2, r.text
    assert "aliases" in r.err and "Traceback" not in r.err
    assert r.within(5, 500), r


def test_item01_modest_aliases_still_work(write) -> None:  # type: ignore[no-untyped-def]
    text = BASE.replace("evidence: {note: guess}}\n  - {actor: B", "evidence: &ev {note: guess}}\n  - {actor: B")
    text = text.replace("salience: 60, evidence: {note: guess}", "salience: 60, evidence: *ev")
    assert "*ev" in text
    assert cli("validate", write(text)).code == 0


def test_item07_recursive_alias_exits_2(write) -> None:  # type: ignore[no-untyped-def]
    r = cli("validate", write("a: &a [*a]\n"))
    assert r.code == 2 and "contains it" in r.err


def test_item07_deep_nesting_exits_2(write) -> None:  # type: ignore[no-untyped-def]
    for text in ("[" * 5000 + "\n", "a:\n" + "".join(" " * k + "- \n" for k in range(1, 200))):
        r = cli("validate", write(text))
        assert r.code == 2, r.text
        assert "nested" in r.err and "internal" not in r.err


def test_item08_streams_capped_by_bytes_read() -> None:
    r = bounded("validate", "/dev/zero", timeout=30)
    assert r.code == 2 and "larger than" in r.err, r.text
    assert r.within(5, 500), r


def test_item08_too_many_stances_refused_before_building(write, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from allied.errors import ScenarioError
    from allied.scenario import load, yamlio
    from allied.scenario.validate import MAX_ITEMS

    monkeypatch.setitem(MAX_ITEMS, "stances", 50)  # the check is the same at 20,000; a small file keeps it fast
    body = BASE + "".join(f"  - {{actor: A, issue: x{k}, position: 1, salience: 1}}\n" for k in range(49))

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("values were built before the size check")

    monkeypatch.setattr(yamlio, "_construct", never)
    with pytest.raises(ScenarioError) as e:
        load(write(body))
    (p,) = e.value.problems
    assert p.kind == "too_many" and p.line == 12 and "51 stances is more than Allied reads (at most 50)" in p.message
