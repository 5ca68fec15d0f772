"""Request guards of the web app, as one pure ASGI middleware (it runs before any routing or parsing).

* **Host check** (DNS rebinding): the ``Host`` header must name an address the server was meant to be
  reached at (loopback by default), else 400.
* **Same origin** for state changes: every request other than GET/HEAD/OPTIONS must carry an ``Origin``
  (or, failing that, a ``Referer``) whose scheme, host and port equal the request's own, else 403.
* **Body limit**: a declared ``Content-Length`` above the limit is refused with 413 before a byte is
  read; a body without one (chunked) is counted while it streams and cut off with 413 at the limit, so a
  50 MB upload never sits in memory or on disk.
* **Headers**: a strict Content-Security-Policy (scripts only from this server), ``nosniff``, no framing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
LOOPBACK = ("127.0.0.1", "localhost", "::1")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
       "form-action 'self'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


class BodyTooLarge(Exception):
    """Raised inside ``receive`` when a streamed body passes the limit."""


def _header(scope: Scope, name: bytes) -> str | None:
    for k, v in scope.get("headers", []):
        if k.lower() == name:
            return str(v.decode("latin-1"))
    return None


def _split_host(host: str) -> tuple[str, int | None]:
    """``example:80`` → (example, 80); ``[::1]:8765`` → (::1, 8765)."""
    u = urlsplit(f"//{host}")
    try:
        port = u.port
    except ValueError:
        return "", None
    return (u.hostname or "").lower(), port


class Guard:
    """ASGI middleware applying the host, same-origin and body-size rules above."""

    def __init__(self, app: ASGIApp, *, max_body: int, allowed_hosts: Iterable[str] = LOOPBACK) -> None:
        self.app = app
        self.max_body = max_body
        hosts = {h.lower().strip("[]") for h in allowed_hosts}
        self.any_host = "*" in hosts
        self.allowed_hosts = hosts

    async def _plain(self, send: Send, status: int, text: str) -> None:
        body = text.encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close"), *SECURITY_HEADERS]})
        await send({"type": "http.response.body", "body": body})

    def _same_origin(self, scope: Scope, host: str) -> bool:
        claimed = _header(scope, b"origin") or _header(scope, b"referer")
        if not claimed or claimed == "null":
            return False
        u = urlsplit(claimed)
        scheme = scope.get("scheme", "http")
        if u.scheme != scheme or not u.netloc:
            return False
        default = 443 if scheme == "https" else 80
        try:
            oport = u.port or default
        except ValueError:
            return False
        hname, hport = _split_host(host)
        return (u.hostname or "").lower() == hname and oport == (hport or default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = _header(scope, b"host") or ""
        hname, _ = _split_host(host)
        if not self.any_host and hname not in self.allowed_hosts:
            await self._plain(send, 400, "400 Bad Request: unexpected Host header (this server only answers "
                                         "requests addressed to it by its own address)")
            return
        if scope["method"] not in SAFE_METHODS and not self._same_origin(scope, host):
            await self._plain(send, 403, "403 Forbidden: a change must come from a page of this server "
                                         "(Origin/Referer missing or from another site)")
            return
        declared = _header(scope, b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.max_body
            except ValueError:
                await self._plain(send, 400, "400 Bad Request: bad Content-Length")
                return
            if too_big:
                await self._plain(send, 413, f"413 Payload Too Large: the limit is {self.max_body // 2**20} MB")
                return

        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.max_body:
                    raise BodyTooLarge
            return msg

        async def send_with_headers(msg: Message) -> None:
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
                names = {k.lower() for k, _ in msg.get("headers", [])}
                msg["headers"] = list(msg.get("headers", [])) + [h for h in SECURITY_HEADERS if h[0] not in names]
            await send(msg)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except BodyTooLarge:
            if not started:
                await self._plain(send, 413, f"413 Payload Too Large: the limit is {self.max_body // 2**20} MB")
