"""Real relays on loopback for the together tests: in-process (wrapped so a test can make it
misbehave) or as its own process; and two tarry homes that pair through them."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tarry.relay.app import create_relay_app
from tarry.relay.service import RelayConfig
from tarry.relay.sqlite import SqliteStorage
from tarry.store import Store
from tarry.together import pairing, pairs
from tests.relay.live import serving

Mutation = Callable[[list[dict[str, Any]], dict[str, Any]], list[dict[str, Any]]]
# Around one request: (the ASGI scope, a call that lets the request through); e.g. to hold it.
Around = Callable[[dict[str, Any], Callable[[], Awaitable[None]]], Awaitable[None]]


@dataclass
class Evil:
    """ASGI middleware around an honest relay: rewrites what /v1/inbox delivers, or holds
    requests back (`around`), when told to."""

    app: Any
    mutate: Mutation | None = None
    around: Around | None = None
    seen: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and self.around is not None:
            await self.around(scope, lambda: self._call(scope, receive, send))
        else:
            await self._call(scope, receive, send)

    async def _call(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] != "/v1/inbox":
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            else:
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    await self._deliver(start, b"".join(chunks), send)

        await self.app(scope, receive, capture)

    async def _deliver(self, start: dict[str, Any], body: bytes, send: Any) -> None:
        if start["status"] == 200:
            data = json.loads(body)
            for key, got in data["pairs"].items():
                if self.mutate is not None:
                    got["messages"] = self.mutate(got["messages"], {"seen": self.seen.get(key, [])})
                self.seen.setdefault(key, []).extend(got["messages"])
            body = json.dumps(data).encode()
        headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})


@dataclass
class LiveRelay:
    url: str
    evil: Evil
    storage: Any


@contextmanager
def live_relay(storage: Any) -> Iterator[LiveRelay]:
    """An honest relay over `storage` in this process, behind a switch that can make it
    misbehave."""
    storage.migrate()
    evil = Evil(create_relay_app(RelayConfig(storage, pairings_per_hour_device=50)))
    with serving(evil) as url:
        yield LiveRelay(url, evil, storage)
    storage.close()


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[LiveRelay]:
    """An honest relay (SQLite) in this process."""
    with live_relay(SqliteStorage(tmp_path / "relay" / "relay.db")) as live:
        yield live


@pytest.fixture(params=["sqlite", "postgresql"])
def relay_on_each_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveRelay]:
    """An honest relay in this process, on SQLite and on a real PostgreSQL database."""
    if request.param == "sqlite":
        storage: Any = SqliteStorage(tmp_path / "relay" / "relay.db")
    else:
        from tarry.relay.postgres import PostgresStorage

        storage = PostgresStorage(request.getfixturevalue("postgres").new_database())
    with live_relay(storage) as live:
        yield live


def dump(live: LiveRelay) -> str:
    """The relay's whole database as its engine's own dump tool writes it."""
    if live.storage.engine == "sqlite":
        with closing(sqlite3.connect(live.storage.path)) as conn:
            return "\n".join(conn.iterdump())
    from tests.postgres import binaries

    pg_dump = binaries() / "pg_dump"  # type: ignore[operator]
    done = subprocess.run(
        [str(pg_dump), "--dbname", live.storage.dsn], capture_output=True, text=True, check=True
    )
    return done.stdout


@dataclass
class Two:
    a: Store  # Alex's home: knows the other as Sam
    b: Store  # Sam's home: knows the other as Alex

    def pair_a(self) -> pairs.Pair:
        return pairs.get(self.a, "Sam")

    def pair_b(self) -> pairs.Pair:
        return pairs.get(self.b, "Alex")


def pair_up(a: Store, b: Store, url: str, a_calls: str = "Sam", b_calls: str = "Alex") -> None:
    pairs.set_relay(a, url)
    pairs.set_relay(b, url)
    ca, cb = pairs.client_for(a), pairs.client_for(b)
    invitation = pairing.invite(ca)
    done: dict[str, Any] = {}
    waiter = threading.Thread(
        target=lambda: done.setdefault("a", pairing.finish_invitation(ca, invitation))
    )
    waiter.start()
    pairs.keep(b, cb, pairing.accept(cb, pairing.parse_code(invitation.code.text)), b_calls)
    waiter.join(30)
    pairs.keep(a, ca, done["a"], a_calls)


@pytest.fixture
def two(tmp_path: Path, relay: LiveRelay) -> Iterator[Two]:
    with Store.open(tmp_path / "a") as a, Store.open(tmp_path / "b") as b:
        pair_up(a, b, relay.url)
        yield Two(a, b)
