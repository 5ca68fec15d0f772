"""Item 3 of issue 20: user text is printed literally (Rich markup escaped, control characters removed)."""

from __future__ import annotations

import json

import pytest
from adversarial_helpers import BASE, cli


@pytest.mark.parametrize("text", ["Talks [/b]", "[bold red]x[/]", "A\x1b[2Jb", "[/x] name"])
def test_item03_user_text_is_not_markup(write, text: str) -> None:  # type: ignore[no-untyped-def]
    body = BASE.replace("title: Base case", f"title: {json.dumps(text)}")
    body = body.replace("name: Alpha", f"name: {json.dumps(text)}").replace("note: guess", f"note: {json.dumps(text)}")
    r = cli("show", write(body))
    assert r.code == 0, r.text
    assert "\x1b" not in r.out
    shown = text.replace("\x1b", "")
    assert shown in r.out  # printed literally, not swallowed as markup


def test_item03_messages_keep_their_brackets(write) -> None:  # type: ignore[no-untyped-def]
    r = cli("validate", write(BASE.replace("scale: [0, 100]", "scale: [100, 0]")))
    assert r.code == 2 and "[low, high]" in r.err
