"""The web app's guard (Jupyter and Syncthing are the models).

- Host header allow-list (DNS rebinding gets 403).
- A per-launch token, exchanged once (it is single-use) for an HttpOnly SameSite=Strict session
  cookie, then a redirect away from the token URL. Optional password login for non-loopback
  binds, rate-limited per client and in all.
- State-changing requests need a matching Origin and the session's CSRF token; GET never writes.
- Request bodies: none is read before authentication but the login form (small, URL-encoded);
  after it, forms are URL-encoded and bounded (size and field count) before any parsing, and
  only the upload route takes multipart (sealed as it streams: web/uploads.py). No body reaches
  the disk unencrypted.
- Strict headers on every response, errors included: CSP default-src 'self', no framing,
  nosniff, no referrer to other sites, no caching. No CORS headers are ever sent.
"""

from __future__ import annotations

import hmac
import secrets
import time
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
UPLOAD_PATHS = ("/import/chat", "/import/calendar")  # multipart, streamed into a sealed spool
FORM = b"application/x-www-form-urlencoded"
MAX_LOGIN_BODY = 4 << 10
MAX_FORM_BODY = 1 << 20  # a long journal entry is a few KiB
MAX_FORM_FIELDS = 200
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


class Bucket:
    """A token bucket: `capacity` attempts at once, one more every `every` seconds."""

    def __init__(self, capacity: int, every: float) -> None:
        self.capacity, self.every = capacity, every
        self.tokens, self.stamp = float(capacity), time.monotonic()

    def take(self) -> float:
        """0 if an attempt is allowed now (and counted), else the seconds to wait."""
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) / self.every)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) * self.every


@dataclass
class LoginLimits:
    """Password guesses: 5 at once then one every 12 s per client, 10 then one a second in all
    (a guesser with many addresses still gets one try a second; the owner's link still works)."""

    per_client: dict[str, Bucket] = field(default_factory=dict)
    overall: Bucket = field(default_factory=lambda: Bucket(10, 1.0))

    def wait(self, client: str) -> float:
        if len(self.per_client) > 10_000:  # forget old clients rather than grow without end
            self.per_client.clear()
        mine = self.per_client.setdefault(client, Bucket(5, 12.0))
        return mine.take() or self.overall.take()


@dataclass
class Guard:
    """Per-launch secrets and the sessions they opened."""

    hosts: set[str]
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    password_check: Callable[[str], bool] | None = None
    sessions: dict[str, str] = field(default_factory=dict)  # session id -> CSRF token
    open_paths: tuple[str, ...] = ("/static/", "/calendar/feed/")  # the feed has its own token
    token_used: bool = False
    limits: LoginLimits = field(default_factory=LoginLimits)

    @classmethod
    def for_port(cls, host: str, port: int, **kwargs: Any) -> Guard:
        names = {"127.0.0.1", "localhost", "[::1]", host}
        return cls(hosts={f"{n}:{port}" for n in names} | names, **kwargs)

    def token_ok(self, given: str) -> bool:
        return hmac.compare_digest(given.encode(), self.token.encode())

    def exchange(self, given: str) -> str | None:
        """A new session for the launch token, once: the link opens one session only."""
        if self.token_used or not self.token_ok(given):
            return None
        self.token_used = True
        return self.new_session()

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


class SecurityHeaders:
    """The strict headers on every response, added outermost so errors (500s) carry them too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + HEADERS
            await send(message)

        await self.app(scope, receive, sending)


class GuardMiddleware:
    """Pure ASGI middleware: cheap on every request; only bounded form bodies are buffered."""

    def __init__(self, app: ASGIApp, guard: Guard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal is None and scope["method"] not in SAFE_METHODS:
            refusal, receive = await bounded_body(scope, receive)
        if refusal is not None:
            await refusal(send)
            return
        await self.app(scope, receive, send)

    def _refusal(self, scope: Scope) -> Responder | None:
        guard = self.guard
        if header(scope, b"host") not in guard.hosts:
            return plain(403, "Forbidden host. tarry only answers to its own address.")
        path = scope["path"]
        if path.startswith(guard.open_paths):
            return None if scope["method"] in SAFE_METHODS else plain(405, "Read only.")
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

    def _login_gate(self, scope: Scope) -> Responder | None:
        """The login form is open to all; posting it needs tarry's own Origin, a small
        URL-encoded body (checked before it is read) and a turn under the rate limits."""
        if scope["method"] in SAFE_METHODS:
            return None
        if not self._same_origin(scope):
            return plain(403, "Refused: this request did not come from tarry's own pages.")
        kind, length = header(scope, b"content-type"), header(scope, b"content-length")
        if kind.split(";")[0].strip().encode() != FORM:
            return plain(415, "The login form is sent URL-encoded; nothing else is read.")
        if not length.isdigit() or int(length) > MAX_LOGIN_BODY:
            return plain(413, "The login form is small; this request is not.")
        client = (scope.get("client") or ("?", 0))[0]
        wait = self.guard.limits.wait(str(client))
        if wait:
            retry = [(b"retry-after", str(int(wait) + 1).encode())]
            return plain(429, "Too many sign-in attempts. Wait a little.", retry)
        return None

    def _same_origin(self, scope: Scope) -> bool:
        origin = header(scope, b"origin")
        scheme = scope.get("scheme", "http")
        return bool(origin) and origin == f"{scheme}://{header(scope, b'host')}"

    def _exchange(self, scope: Scope, query: dict[str, str]) -> Responder:
        session = self.guard.exchange(query.pop("token"))
        if session is None:
            return plain(
                401,
                "That link has expired or was already used (it opens one session). Open the"
                " page you have open already, or restart `tarry serve` for a new link.",
            )
        target = scope["path"] + (("?" + urlencode(query)) if query else "")
        cookie = f"{COOKIE}={session}; HttpOnly; SameSite=Strict; Path=/"
        return redirect(target, [(b"set-cookie", cookie.encode())])


Responder = Callable[[Send], Awaitable[None]]


async def bounded_body(scope: Scope, receive: Receive) -> tuple[Responder | None, Receive]:
    """A write's body, checked before the app parses anything.

    Uploads (multipart) stream on to web/uploads.py, which bounds and seals them. Every other
    body must be URL-encoded (or empty), at most MAX_FORM_BODY bytes and MAX_FORM_FIELDS fields:
    it is read here, whole (so bounded), and handed on; nothing ever spools to disk.
    """
    kind = header(scope, b"content-type").split(";")[0].strip().lower().encode()
    if scope["path"] in UPLOAD_PATHS:
        return None, receive
    if kind and kind != FORM:
        return plain(415, "tarry's forms are sent URL-encoded; this request was not."), receive
    length = header(scope, b"content-length")
    if length.isdigit() and int(length) > MAX_FORM_BODY:
        return plain(413, "This form is larger than any tarry form."), receive
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_FORM_BODY:
            return plain(413, "This form is larger than any tarry form."), receive
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    if body.count(b"&") >= MAX_FORM_FIELDS:
        return plain(413, "This form has more fields than any tarry form."), receive
    scope.setdefault("state", {})["form_body"] = body  # kept for a "busy, try again" page
    return None, replay(body, receive)


def replay(body: bytes, receive: Receive) -> Receive:
    """A receive that gives the body already read, then waits as the original would."""
    sent = False

    async def again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again


def plain(status: int, text: str, extra: list[tuple[bytes, bytes]] | None = None) -> Responder:
    async def respond(send: Send) -> None:
        body = text.encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    *(extra or []),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return respond


def redirect(target: str, extra: list[tuple[bytes, bytes]]) -> Responder:
    async def respond(send: Send) -> None:
        headers = [(b"location", target.encode()), (b"content-length", b"0"), *extra]
        await send({"type": "http.response.start", "status": 303, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    return respond
