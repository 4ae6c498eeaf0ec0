"""In-process web app fixtures: a guarded app, a signed-in client, and its CSRF token."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tarry.web.app import Config, create_app
from tarry.web.security import Guard

BASE = "http://127.0.0.1:8731"
ORIGIN = {"origin": BASE}


@dataclass
class Web:
    client: TestClient
    guard: Guard
    home: Path

    def csrf(self, path: str = "/people") -> str:
        match = re.search(r'name="_csrf" value="([^"]+)"', self.client.get(path).text)
        assert match, f"no CSRF field on {path}"
        return match.group(1)

    def post(self, path: str, data: dict, **kwargs: object) -> object:
        data = {"_csrf": self.csrf(), **data}
        return self.client.post(path, data=data, headers=ORIGIN, follow_redirects=False, **kwargs)


@pytest.fixture
def anonymous(home: Path) -> Iterator[Web]:
    guard = Guard.for_port("127.0.0.1", 8731)
    app = create_app(Config(home=home, guard=guard))
    with TestClient(app, base_url=BASE) as client:
        yield Web(client, guard, home)


@pytest.fixture
def web(anonymous: Web) -> Web:
    response = anonymous.client.get(
        f"/people?token={anonymous.guard.token}", follow_redirects=False
    )
    assert response.status_code == 303
    return anonymous


@pytest.fixture
def anonymous_client(anonymous: Web) -> TestClient:
    """A client with no session at all (a calendar app subscribing to the feed)."""
    return TestClient(anonymous.client.app, base_url=BASE)
