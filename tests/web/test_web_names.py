"""Properties of the name rules that keep request data off the filesystem (hypothesis), and the Host and
Origin parsing of the request guard."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allied.web.security import Guard, _split_host
from allied.web.store import Store, sanitise, valid_key

NASTY = st.text(alphabet=st.sampled_from(list("./\\~:;*?<>|\"' \x00\n\tabcXYZ019-_é…")), max_size=80) | st.text()


@settings(max_examples=300, deadline=None)
@given(NASTY)
def test_sanitised_stems_are_plain_names(name: str) -> None:
    stem = sanitise(name)
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_\-]{0,59}", stem) or stem == "scenario"
    assert ".." not in stem and "/" not in stem and "\\" not in stem
    assert valid_key(stem + ".csv")
    base = Path("/srv/scenarios")
    assert (base / f"{stem}.csv").resolve().parent == base


@settings(max_examples=300, deadline=None)
@given(NASTY)
def test_keys_with_separators_or_dot_dot_are_never_valid(key: str) -> None:
    if valid_key(key):
        assert "/" not in key and "\\" not in key and ".." not in key and not key.startswith(".")
        assert "\x00" not in key and len(key) <= 100


@settings(max_examples=100, deadline=None)
@given(NASTY)
def test_lookup_only_returns_listed_entries(tmp_path_factory: pytest.TempPathFactory, key: str) -> None:
    folder = tmp_path_factory.mktemp("names")
    (folder / "a.yaml").write_text("x")
    store = Store(folder)
    entry = store.get(key)
    assert entry is None or entry.key in {"a.yaml", *[e.key for e in store.entries() if e.builtin]}


@pytest.mark.parametrize(("host", "name", "port"), [
    ("127.0.0.1:8765", "127.0.0.1", 8765), ("localhost", "localhost", None), ("[::1]:8765", "::1", 8765),
    ("EVIL.example:80", "evil.example", 80), ("127.0.0.1:notaport", "", None), ("", "", None),
])
def test_split_host(host: str, name: str, port: int | None) -> None:
    assert _split_host(host) == (name, port)


@pytest.mark.parametrize(("origin", "host", "ok"), [
    ("http://127.0.0.1:8765", "127.0.0.1:8765", True),
    ("http://localhost:8765", "localhost:8765", True),
    ("http://[::1]:8765", "[::1]:8765", True),
    ("http://127.0.0.1", "127.0.0.1:80", True),
    ("http://127.0.0.1:8765", "localhost:8765", False),
    ("http://127.0.0.1:8766", "127.0.0.1:8765", False),
    ("https://127.0.0.1:8765", "127.0.0.1:8765", False),
    ("http://127.0.0.1:8765@evil.example", "127.0.0.1:8765", False),
    ("null", "127.0.0.1:8765", False),
    ("http://127.0.0.1:99999", "127.0.0.1:8765", False),
])
def test_same_origin_rule(origin: str, host: str, ok: bool) -> None:
    guard = Guard(lambda s, r, w: None, max_body=1)  # type: ignore[arg-type,return-value]
    scope = {"scheme": "http", "headers": [(b"origin", origin.encode())]}
    assert guard._same_origin(scope, host) is ok
