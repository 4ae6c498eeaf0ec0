"""The web app's guard (Jupyter and Syncthing are the models).

- Host header allow-list (DNS rebinding gets 403).
- A per-launch token, exchanged once for an HttpOnly SameSite=Strict session cookie, then a
  redirect away from the token URL. Optional password login for non-loopback binds.
- State-changing requests need a matching Origin and the session's CSRF token; GET never writes.
- Strict headers on every response: CSP default-src 'self', no framing, nosniff, no referrer
  to other sites, no caching. No CORS headers are ever sent.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

COOKIE = "tarry_session"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; "
        b"form-action 'self'; object-src 'none'",
    ),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    # Not "no-referrer": with it Chromium sends `Origin: null` on our own form posts, which
    # would defeat the Origin check. same-origin still sends nothing to any other site.
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


@dataclass
class Guard:
    """Per-launch secrets and the sessions they opened."""

    hosts: set[str]
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    password_check: Callable[[str], bool] | None = None
    sessions: dict[str, str] = field(default_factory=dict)  # session id -> CSRF token
    open_paths: tuple[str, ...] = ("/static/", "/calendar/feed/")  # the feed has its own token

    @classmethod
    def for_port(cls, host: str, port: int, **kwargs: Any) -> Guard:
        names = {"127.0.0.1", "localhost", "[::1]", host}
        return cls(hosts={f"{n}:{port}" for n in names} | names, **kwargs)

    def token_ok(self, given: str) -> bool:
        return hmac.compare_digest(given.encode(), self.token.encode())

    def new_session(self) -> str:
        session = secrets.token_urlsafe(32)
        self.sessions[session] = secrets.token_urlsafe(32)
        return session

    def login(self, password: str) -> str | None:
        """A new session for the right password (only when a password is set)."""
        if self.password_check is None or not self.password_check(password):
            return None
        return self.new_session()

    def csrf_for(self, session: str | None) -> str:
        return self.sessions.get(session or "", "")


def header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return ""


def session_of(scope: Scope) -> str | None:
    cookie = SimpleCookie()
    try:
        cookie.load(header(scope, b"cookie"))
    except Exception:  # a malformed cookie header is simply no session
        return None
    morsel = cookie.get(COOKIE)
    return morsel.value if morsel else None


class GuardMiddleware:
    """Pure ASGI middleware: cheap on every request, no body buffering."""

    def __init__(self, app: ASGIApp, guard: Guard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = self._with_headers(send)
        refusal = self._refusal(scope)
        if refusal is not None:
            await refusal(send)
            return
        await self.app(scope, receive, send)

    def _with_headers(self, send: Send) -> Send:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + HEADERS
            await send(message)

        return sending

    def _refusal(self, scope: Scope) -> Callable[[Send], Awaitable[None]] | None:
        guard = self.guard
        if header(scope, b"host") not in guard.hosts:
            return plain(403, "Forbidden host. tarry only answers to its own address.")
        path = scope["path"]
        if path.startswith(guard.open_paths):
            return None
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        if "token" in query:
            return self._exchange(scope, query)
        session = session_of(scope)
        scope.setdefault("state", {})["session"] = session
        if session not in guard.sessions:
            if guard.password_check and path == "/login":
                return self._login_gate(scope)
            if guard.password_check:
                return redirect("/login", [])
            return plain(401, "Not signed in. Open the link that `tarry serve` printed.")
        if scope["method"] not in SAFE_METHODS and not self._same_origin(scope):
            return plain(403, "Refused: this request did not come from tarry's own pages.")
        return None

    def _login_gate(self, scope: Scope) -> Callable[[Send], Awaitable[None]] | None:
        """The login form is open to all; posting it still needs tarry's own Origin."""
        if scope["method"] not in SAFE_METHODS and not self._same_origin(scope):
            return plain(403, "Refused: this request did not come from tarry's own pages.")
        return None

    def _same_origin(self, scope: Scope) -> bool:
        origin = header(scope, b"origin")
        scheme = scope.get("scheme", "http")
        return bool(origin) and origin == f"{scheme}://{header(scope, b'host')}"

    def _exchange(self, scope: Scope, query: dict[str, str]) -> Callable[[Send], Awaitable[None]]:
        if not self.guard.token_ok(query.pop("token")):
            return plain(401, "That link has expired. Open the link `tarry serve` printed now.")
        session = self.guard.new_session()
        target = scope["path"] + (("?" + urlencode(query)) if query else "")
        cookie = f"{COOKIE}={session}; HttpOnly; SameSite=Strict; Path=/"
        return redirect(target, [(b"set-cookie", cookie.encode())])


def plain(status: int, text: str) -> Callable[[Send], Awaitable[None]]:
    async def respond(send: Send) -> None:
        body = text.encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return respond


def redirect(target: str, extra: list[tuple[bytes, bytes]]) -> Callable[[Send], Awaitable[None]]:
    async def respond(send: Send) -> None:
        headers = [(b"location", target.encode()), (b"content-length", b"0"), *extra]
        await send({"type": "http.response.start", "status": 303, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    return respond
