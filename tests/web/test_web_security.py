"""Security of the web app over HTTP: path traversal, upload limits and names, same-origin POSTs, Host
checks, nothing in a scenario executed or rendered as markup."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from allied.scenario.load import builtin_text

BASE = "http://127.0.0.1:8765"
MB = 1024 * 1024
SMALL = "actor,capability,position,salience\nA,10,20,50\nB,20,80,60\n"


def tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` (outside the private temporary folder) with its content hash."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in root.rglob("*") if p.is_file() and ".allied-tmp" not in p.parts}


@pytest.fixture
def secret(folder: Path) -> Path:
    """A valid scenario just outside the scenarios folder, which no request may reach."""
    folder.mkdir(parents=True, exist_ok=True)
    p = folder.parent / "secret.yaml"
    p.write_text(builtin_text("korea-2019").replace("title: US–South Korea", "title: TOPSECRET US–South Korea"),
                 encoding="utf-8")
    return p


TRAVERSALS = [
    "..%2f..%2fetc%2fpasswd", "..%2fsecret.yaml", "%2e%2e%2fsecret.yaml", "%2e%2e", "%2e",
    "..%5csecret.yaml", "....%2f%2fsecret.yaml", "%2fetc%2fpasswd", "secret.yaml", "..%252fsecret.yaml",
    "korea-2019%00.yaml", "%2e%2e%5c%2e%2e%5cetc%5cpasswd", ".allied-tmp", "~%2f.bashrc",
]


@pytest.mark.parametrize("key", TRAVERSALS)
def test_traversal_never_reaches_the_disk(client: TestClient, secret: Path, key: str,
                                          post: Callable[..., httpx.Response]) -> None:
    before = tree(secret.parent)
    for suffix in ("", "/forecast", "/protocol", "/ledger", "/sweeps", "/download.yaml", "/report.html",
                   "/forecast/panel"):
        r = client.get(f"/scenarios/{key}{suffix}")
        assert r.status_code in (400, 404, 405), (key, suffix, r.status_code)
        assert "TOPSECRET" not in r.text and "root:" not in r.text
    for action in ("copy", "delete", "stance", "sweeps"):
        r = post(f"/scenarios/{key}/{action}", data={"actor": "USA", "issue": "sanctions_relief", "position": "1"})
        assert r.status_code in (400, 404, 405), (key, action, r.status_code)
    assert tree(secret.parent) == before


def raw_get(app: Any, path: str) -> tuple[int, bytes]:
    """Send ``path`` to the app exactly as given (HTTP clients would normalise ``..`` away first)."""
    out: dict[str, Any] = {"body": b""}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(msg: dict[str, Any]) -> None:
        if msg["type"] == "http.response.start":
            out["status"] = msg["status"]
        elif msg["type"] == "http.response.body":
            out["body"] += msg.get("body", b"")

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"127.0.0.1:8765")], "client": ("127.0.0.1", 5000),
             "server": ("127.0.0.1", 8765)}
    asyncio.run(app(scope, receive, send))
    return out["status"], out["body"]


@pytest.mark.parametrize("path", ["/scenarios/..", "/scenarios/.", "/scenarios/../secret.yaml",
                                  "/scenarios/../../../../etc/passwd", "/scenarios/../secret.yaml/download.yaml",
                                  "/static/../../../../etc/passwd", "/static/../app.py", "/scenarios/../forecast",
                                  "/sweeps/..", "/sweeps/../status", "/sweeps/../../scenarios"])
def test_unnormalised_dot_segments(folder: Path, secret: Path, path: str) -> None:
    from allied.web import create_app

    status, body = raw_get(create_app(folder), path)
    assert status in (400, 404), (path, status)
    assert b"TOPSECRET" not in body and b"root:" not in body and b"def create_app" not in body


def test_the_spelled_out_example(client: TestClient) -> None:
    r = client.get("/scenarios/..%2f..%2fetc%2fpasswd")
    assert r.status_code == 404
    assert "root:" not in r.text


@pytest.mark.parametrize("path", ["/static/..%2f..%2f..%2fetc%2fpasswd", "/static/%2e%2e/app.py",
                                  "/static/..%2fapp.py", "/static/%2e%2e%2f%2e%2e%2fscenario%2fload.py"])
def test_static_traversal(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    assert "def create_app" not in r.text and "root:" not in r.text


def test_symlinks_in_the_folder_are_ignored(client: TestClient, folder: Path, secret: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "link.yaml").symlink_to(secret)
    assert "link.yaml" not in client.get("/").text
    r = client.get("/scenarios/link.yaml")
    assert r.status_code == 404 and "TOPSECRET" not in r.text


# --- uploads ---------------------------------------------------------------------------------------
def test_upload_of_50_mb_is_refused_before_reading(post: Callable[..., httpx.Response], folder: Path) -> None:
    before = tree(folder.parent) if folder.parent.exists() else {}
    r = post("/upload", files={"file": ("big.yaml", b"#" * (50 * MB), "application/x-yaml")})
    assert r.status_code == 413
    assert tree(folder.parent) == before


def test_streamed_upload_is_cut_off_at_the_limit(folder: Path) -> None:
    """No Content-Length (chunked): the server counts while it reads and stops near 5 MB, never taking in
    the 50 MB a client offers. Driven at the ASGI level so the test sees how much the app pulled."""
    from allied.web import create_app

    app = create_app(folder)
    head = (b'--XYZ\r\nContent-Disposition: form-data; name="file"; filename="big.yaml"\r\n'
            b"Content-Type: application/x-yaml\r\n\r\n")
    chunk = b"#" * (256 * 1024)
    pulled = 0
    out: dict[str, Any] = {"body": b""}

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        if pulled == 0:
            pulled += len(head)
            return {"type": "http.request", "body": head, "more_body": True}
        if pulled < 50 * MB:
            pulled += len(chunk)
            return {"type": "http.request", "body": chunk, "more_body": True}
        return {"type": "http.request", "body": b"\r\n--XYZ--\r\n", "more_body": False}

    async def send(msg: dict[str, Any]) -> None:
        if msg["type"] == "http.response.start":
            out["status"] = msg["status"]
        elif msg["type"] == "http.response.body":
            out["body"] += msg.get("body", b"")

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/upload", "raw_path": b"/upload", "query_string": b"", "root_path": "",
             "headers": [(b"host", b"127.0.0.1:8765"), (b"origin", BASE.encode()),
                         (b"content-type", b"multipart/form-data; boundary=XYZ"),
                         (b"transfer-encoding", b"chunked")],
             "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8765)}
    asyncio.run(app(scope, receive, send))
    assert out["status"] == 413
    assert pulled < 6 * MB, f"the app read {pulled / MB:.1f} MB before refusing"
    assert not list(folder.glob("big*"))


def test_upload_just_over_5_mb_is_refused_and_under_is_accepted(post: Callable[..., httpx.Response],
                                                                folder: Path) -> None:
    line = b" " * (100 * 1024 - 1) + b"\n"  # blank lines, long ones (quick to read)
    under = SMALL.encode() + line * ((5 * MB - len(SMALL)) // len(line))
    under += b"\n" * (5 * MB - len(under))
    assert len(under) == 5 * MB
    r = post("/upload", files={"file": ("padded.csv", under, "text/csv")})
    assert r.status_code == 303, r.text[:500]
    assert (folder / "padded.csv").stat().st_size == 5 * MB
    r = post("/upload", files={"file": ("over.csv", under + b"\n", "text/csv")})
    assert r.status_code == 413
    assert not list(folder.glob("over*"))


@pytest.mark.parametrize(("name", "stored"), [
    ("../../evil.yaml", "evil.csv"), ("..\\..\\win.yaml", "win.csv"), ("/etc/passwd", "passwd.csv"),
    (".hidden.csv", "hidden.csv"), ("<script>x.csv", "script-x.csv"), ("a b;rm -rf.csv", "a-b-rm-rf.csv"),
    ("....", "scenario.csv"), ("x" * 300 + ".csv", "x" * 60 + ".csv"),
])
def test_upload_names_are_sanitised(post: Callable[..., httpx.Response], folder: Path, name: str,
                                    stored: str) -> None:
    home = folder.parent
    r = post("/upload", files={"file": (name, SMALL.encode(), "text/csv")})
    assert r.status_code == 303, r.text[:800]
    assert r.headers["location"] == f"/scenarios/{stored}"
    assert (folder / stored).read_text() == SMALL
    outside = [p for p in home.rglob("*") if p.is_file() and p.parent != folder and ".allied-tmp" not in p.parts
               and p.name != "runs.sqlite"]
    assert outside == []


def test_upload_never_overwrites(post: Callable[..., httpx.Response], folder: Path) -> None:
    for _ in range(3):
        assert post("/upload", files={"file": ("same.csv", SMALL.encode(), "text/csv")}).status_code == 303
    assert sorted(p.name for p in folder.glob("same*")) == ["same-2.csv", "same-3.csv", "same.csv"]


def test_invalid_upload_shows_the_cli_messages_next_to_the_field(post: Callable[..., httpx.Response],
                                                                  folder: Path) -> None:
    bad = builtin_text("korea-2019").replace("    salience: {low: 70, mode: 80, high: 90}",
                                             "    salience: 180", 1)
    r = post("/upload", files={"file": ("bad.yaml", bad.encode(), "application/x-yaml")})
    assert r.status_code == 422
    field = r.text.index('id="file"')
    error = r.text.index('id="upload-error"')
    assert field < error < r.text.index("</form>")
    line = bad.splitlines().index("    salience: 180") + 1
    assert f"bad.yaml:{line}" in r.text
    assert "salience 180..180 is outside 0..100" in r.text and "fix:" in r.text
    assert not list(folder.glob("bad*"))


def test_python_tags_are_refused_not_executed(post: Callable[..., httpx.Response], folder: Path,
                                              tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    evil = f'allied: 1\nid: !!python/object/apply:os.system ["touch {marker}"]\ntitle: x\n'
    r = post("/upload", files={"file": ("evil.yaml", evil.encode(), "application/x-yaml")})
    assert r.status_code == 422
    assert "never executed" in r.text
    assert not marker.exists()
    assert not list(folder.glob("evil*"))


def test_binary_and_non_utf8_uploads(post: Callable[..., httpx.Response]) -> None:
    r = post("/upload", files={"file": ("x.yaml", b"\x00\x01\x02" * 100, "application/octet-stream")})
    assert r.status_code == 422 and "binary file" in r.text
    r = post("/upload", files={"file": ("x.yaml", b"title: caf\xe9\n", "application/x-yaml")})
    assert r.status_code == 422 and "not valid UTF-8" in r.text


def test_upload_without_a_file(post: Callable[..., httpx.Response]) -> None:
    r = post("/upload", data={"nothing": "here"})
    assert r.status_code == 422 and "no file was chosen" in r.text


def test_scenario_text_is_escaped_not_rendered(post: Callable[..., httpx.Response], client: TestClient) -> None:
    text = builtin_text("korea-2019").replace("title: US–South Korea alliance and North Korea, April 2019",
                                              'title: "<script>alert(1)</script><img src=x onerror=alert(2)>"')
    r = post("/upload", files={"file": ("xss.yaml", text.encode(), "application/x-yaml")})
    assert r.status_code == 303
    for url in ("/", "/scenarios/xss.yaml", "/scenarios/xss.yaml/forecast"):
        html = client.get(url).text
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- same origin, host, headers ----------------------------------------------------------------------
@pytest.mark.parametrize("headers", [
    {}, {"Origin": "http://evil.example"}, {"Origin": "null"}, {"Origin": "http://127.0.0.1:9999"},
    {"Origin": "https://127.0.0.1:8765"}, {"Referer": "http://evil.example/page"},
    {"Origin": "http://127.0.0.1:8765.evil.example"},
])
def test_cross_origin_posts_are_refused(client: TestClient, folder: Path, headers: dict[str, str]) -> None:
    before = tree(folder.parent) if folder.parent.exists() else {}
    for url in ("/scenarios/korea-2019/copy", "/upload"):
        r = client.post(url, headers=headers, files={"file": ("a.csv", SMALL.encode(), "text/csv")})
        assert r.status_code == 403, (url, headers)
    assert tree(folder.parent) == before


def test_same_origin_by_referer_is_accepted(client: TestClient, folder: Path) -> None:
    r = client.post("/scenarios/korea-2019/copy", headers={"Referer": f"{BASE}/scenarios/korea-2019"})
    assert r.status_code == 303
    assert (folder / "korea-2019.work.yaml").is_file()


def test_state_changes_need_post(client: TestClient) -> None:
    for url in ("/scenarios/korea-2019/copy", "/scenarios/korea-2019/delete", "/upload"):
        assert client.get(url).status_code == 405


def test_foreign_host_header_is_refused(client: TestClient) -> None:
    """DNS rebinding: a page on evil.example that resolves to 127.0.0.1 still names evil.example."""
    r = client.get("/", headers={"Host": "evil.example:8765"})
    assert r.status_code == 400
    r = client.post("/scenarios/korea-2019/copy",
                    headers={"Host": "evil.example:8765", "Origin": "http://evil.example:8765"})
    assert r.status_code == 400


def test_security_headers(client: TestClient) -> None:
    r = client.get("/scenarios/korea-2019")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"


def test_builtins_are_never_written(post: Callable[..., httpx.Response], client: TestClient) -> None:
    import allied.scenario

    builtin = Path(allied.scenario.__file__).parent / "builtin" / "korea-2019.yaml"
    before = hashlib.sha256(builtin.read_bytes()).hexdigest()
    r = post("/scenarios/korea-2019/stance", data={"actor": "USA", "issue": "sanctions_relief", "position": "90"})
    assert r.status_code == 422 and "not a working copy" in r.text
    assert post("/scenarios/korea-2019/delete").status_code == 403
    assert hashlib.sha256(builtin.read_bytes()).hexdigest() == before
    assert os.access(builtin, os.R_OK)
