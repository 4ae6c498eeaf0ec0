"""Every security rule of the web app, checked in-process."""

from __future__ import annotations

from tarry.declare import people
from tarry.store import Store
from tests.web.conftest import BASE, ORIGIN, Web


def test_foreign_host_is_refused(web: Web) -> None:
    response = web.client.get("/people", headers={"host": "evil.example:8731"})
    assert response.status_code == 403


def test_no_token_no_entry(anonymous: Web) -> None:
    assert anonymous.client.get("/people").status_code == 401
    assert anonymous.client.get("/people.json").status_code == 401


def test_wrong_token_is_refused(anonymous: Web) -> None:
    response = anonymous.client.get("/people?token=guess", follow_redirects=False)
    assert response.status_code == 401
    assert "set-cookie" not in response.headers


def test_token_becomes_a_strict_cookie_and_leaves_the_url(anonymous: Web) -> None:
    token = anonymous.guard.token
    response = anonymous.client.get(f"/people?token={token}&x=1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/people?x=1"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and token not in cookie
    assert anonymous.client.get("/people").status_code == 200


def test_security_headers_and_no_cors(web: Web) -> None:
    response = web.client.get("/people", headers={"origin": "https://evil.example"})
    headers = response.headers
    assert headers["content-security-policy"].startswith("default-src 'self'")
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cache-control"] == "no-store"
    assert not any(h.startswith("access-control-") for h in headers)


def test_post_needs_matching_origin(web: Web, home) -> None:
    csrf = web.csrf()
    for headers in ({}, {"origin": "https://evil.example"}, {"origin": "http://localhost:9999"}):
        response = web.client.post(
            "/people", data={"_csrf": csrf, "name": "Ana"}, headers=headers, follow_redirects=False
        )
        assert response.status_code == 403
    with Store.open(home) as store:
        assert people.all_people(store) == []


def test_post_needs_the_csrf_token(web: Web, home) -> None:
    for data in ({"name": "Ana"}, {"name": "Ana", "_csrf": "forged"}):
        response = web.client.post("/people", data=data, headers=ORIGIN, follow_redirects=False)
        assert response.status_code == 403
    with Store.open(home) as store:
        assert people.all_people(store) == []


def test_a_valid_post_writes_and_redirects(web: Web, home) -> None:
    response = web.post("/people", {"name": "Ana", "relation": "friend", "cadence_days": "7"})
    assert response.status_code == 303
    assert response.headers["location"] == "/people/1?saved=added"
    with Store.open(home) as store:
        assert people.get(store, "Ana").cadence_days == 7


def test_get_never_writes(web: Web) -> None:
    assert web.client.get("/people?name=Ana").status_code == 200
    assert web.client.get("/people.json").json()["people"] == []


def test_imported_markup_renders_inert(web: Web, home) -> None:
    with Store.open(home) as store:
        people.add(store, "<script>alert(1)</script>", note='<img src=x onerror="alert(2)">')
    page = web.client.get("/people/1").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=" in page


def test_typed_errors_get_their_status(web: Web) -> None:
    """Each typed error has its own status, and the page or JSON says what was wrong."""
    missing = web.client.get("/people/7")
    assert missing.status_code == 404 and "No person with id 7." in missing.text
    as_json = web.client.get("/people/7.json")
    assert as_json.status_code == 404
    assert as_json.json() == {  # the next step as a link, never a command
        "error": "No person with id 7.",
        "hint": "",
        "field": None,
        "link": "/people",
    }
    bad = web.post("/people", {"name": "Ana", "relation": "friend", "cadence_days": "abc"})
    assert bad.status_code == 400  # type: ignore[attr-defined]
    assert "&#39;abc&#39; is not a number." in bad.text  # type: ignore[attr-defined]
    assert web.post("/people", {"name": "Ana", "relation": "friend"}).status_code == 303  # type: ignore[attr-defined]
    again = web.post("/people", {"name": "Ana", "relation": "friend"})
    assert again.status_code == 409 and "Ana is already in tarry." in again.text  # type: ignore[attr-defined]


def test_password_mode_for_a_non_loopback_bind(home) -> None:
    from starlette.testclient import TestClient

    from tarry.web.app import Config, create_app
    from tarry.web.security import Guard

    guard = Guard.for_port("192.0.2.10", 8731, password_check=lambda p: p == "a long passphrase")
    app = create_app(Config(home=home, guard=guard))
    client = TestClient(app, base_url="http://192.0.2.10:8731")
    first = client.get("/people", follow_redirects=False)
    assert (first.status_code, first.headers["location"]) == (303, "/login")
    assert client.get("/login").status_code == 200
    origin = {"origin": "http://192.0.2.10:8731"}
    assert client.post("/login", data={"password": "a long passphrase"}).status_code == 403
    wrong = client.post("/login", data={"password": "guess"}, headers=origin)
    assert wrong.status_code == 401
    right = client.post(
        "/login", data={"password": "a long passphrase"}, headers=origin, follow_redirects=False
    )
    assert right.status_code == 303 and "HttpOnly" in right.headers["set-cookie"]
    assert client.get("/people").status_code == 200


def test_non_loopback_without_password_is_refused(tmp_path) -> None:
    import pytest

    from tarry.base.errors import InvalidInput
    from tarry.web.server import password_checker

    with pytest.raises(InvalidInput, match=r"binds to 127\.0\.0\.1"):
        password_checker(None, "0.0.0.0")
    assert password_checker(None, "127.0.0.1") is None and password_checker(None, "::1") is None
    secret = tmp_path / "pw"
    secret.write_text("correct horse battery staple\n")
    check = password_checker(secret, "0.0.0.0")
    assert check is not None and check("correct horse battery staple") and not check("x")


def test_encrypted_store_is_unlocked_once_at_launch(cli, home, monkeypatch) -> None:
    from starlette.testclient import TestClient

    from tarry.web.app import Config, create_app
    from tarry.web.security import Guard

    monkeypatch.setenv("TARRY_PASSPHRASE", "correct horse battery staple")
    assert cli("init", "--encrypt").code == 0
    with Store.open(home) as store:
        people.add(store, "Ana")
        key = store.key
    monkeypatch.delenv("TARRY_PASSPHRASE")
    assert key is not None
    guard = Guard.for_port("127.0.0.1", 8731)
    client = TestClient(create_app(Config(home=home, guard=guard, key=key)), base_url=BASE)
    client.get(f"/?token={guard.token}")
    assert [p["name"] for p in client.get("/people.json").json()["people"]] == ["Ana"]
