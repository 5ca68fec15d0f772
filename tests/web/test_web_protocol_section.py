"""Without a ``protocol:`` section the Protocols page and the sweep form say what `allied protocol` says;
a cost-sharing section shows its own table."""

from __future__ import annotations

import html
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "protocols"))
from test_cost_sharing import BASE

MESSAGE = "the scenario has no protocol: section"


def test_protocol_page_without_section_names_the_section(client: TestClient, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "nop.yaml").write_text(BASE[:BASE.index("protocol:")])
    page = html.unescape(client.get("/scenarios/nop.yaml/protocol").text)
    assert MESSAGE in page and "family: cost-sharing" in page


def test_sweep_form_refuses_protocol_without_section(client: TestClient, folder: Path,
                                                     post: Callable[..., httpx.Response]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "nop.yaml").write_text(BASE[:BASE.index("protocol:")])
    r = post("/scenarios/nop.yaml/sweeps", data={"model": "protocol", "samples": "10", "seed": "0"})
    assert r.status_code == 422
    assert MESSAGE in html.unescape(r.text)


def test_cost_sharing_protocol_page(client: TestClient, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cs.yaml").write_text(BASE)
    page = html.unescape(client.get("/scenarios/cs.yaml/protocol").text)
    assert "indexed" in page and "yearly" in page and "dominated_by" in page
