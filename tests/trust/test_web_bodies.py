"""Scenario 23 (issue 17, 14): every response carries the security headers, errors included,
and no request body reaches the disk unencrypted on any route.

Over a real `tarry serve`: a file part (holding a canary) posted to every route that takes a
form, signed in or not, with or without the CSRF token, is refused before it is read, or (on the
upload route) sealed as it arrives; the canary is found nowhere on disk. In process: a 500 still
carries the headers.
"""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from tarry.web.app import Config, create_app
from tarry.web.security import HEADERS, Guard
from tests.trust.conftest import Env, canary, hits
from tests.trust.served import csrf, served

ROUTES = ["/journal", "/people", "/moments", "/tradeoffs", "/values", "/commitments", "/login"]


def _has_headers(response: object) -> None:
    for name, value in HEADERS:
        assert response.headers.get(name.decode()) == value.decode(), name  # type: ignore[attr-defined]


@pytest.mark.parametrize("signed_in", [True, False])
def test_a_file_part_never_reaches_the_disk(env: Env, signed_in: bool) -> None:
    token = canary()
    payload = (token + "\n") * 200_000  # 7 MB: over any in-memory spooling threshold
    with served(env) as server, closing(server.client()) as client:
        if signed_in:
            client.get(server.url)
        form = {"_csrf": csrf(client, "/journal") if signed_in else "x", "body": token}
        for route in [*ROUTES, "/import/chat", "/import/calendar"]:
            sent = client.post(route, data=form, files={"file": ("c.txt", payload.encode())})
            assert sent.status_code in (303, 401, 403, 415), (route, sent.status_code)
            _has_headers(sent)
        if signed_in:  # a real upload: sealed as it arrives, then imported (and it fails)
            client.post("/import/chat", data=form, files={"file": ("c.txt", payload.encode())})
        found = hits(token, env.home, env.tmpdir, env.user, env.root / "work")
    assert found == [], found


def test_the_people_page_of_an_id_too_big_for_sqlite(env: Env) -> None:
    with served(env) as server, closing(server.signed_in()) as client:
        for path in ("/people/99999999999999999999999", "/people/99999999999999999999999.json"):
            response = client.get(path)
            assert response.status_code == 404, (path, response.text)
            _has_headers(response)


def test_a_500_carries_the_security_headers(tmp_path: Path) -> None:
    guard = Guard.for_port("127.0.0.1", 8731)
    app = create_app(Config(home=tmp_path / "home", guard=guard))

    async def broken(request: object) -> None:
        raise RuntimeError("a bug nobody caught")

    app.router.routes.insert(0, Route("/broken", broken))
    with TestClient(app, base_url="http://127.0.0.1:8731", raise_server_exceptions=False) as web:
        web.get(f"/?token={guard.token}")
        response = web.get("/broken")
    assert response.status_code == 500
    _has_headers(response)
    assert "a bug nobody caught" not in response.text


def test_an_over_long_multipart_header_is_refused_with_the_headers(env: Env) -> None:
    with served(env) as server, closing(server.signed_in()) as client:
        token = csrf(client)
        boundary = "b0undary"
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.txt"\r\n'
            f"X-Long: {'a' * (1 << 20)}\r\n\r\nhello\r\n--{boundary}--\r\n"
        )
        kind = f"multipart/form-data; boundary={boundary}"
        response = client.post(
            "/import/chat", content=body.encode(), headers={"content-type": kind}
        )
        assert response.status_code in (400, 413), response.text  # not a bare 500
        _has_headers(response)
        assert list((env.home / "uploads").glob("*")) == []
