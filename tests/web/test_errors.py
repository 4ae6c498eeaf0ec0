"""One error path in the web app: every exception is a page in the browser's words (or JSON)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from tarry.declare import people
from tarry.store import Store
from tests.disks import small_disk as small_tmpfs
from tests.web.conftest import BASE, ORIGIN, Web


def test_a_missing_page_is_a_styled_404(web: Web) -> None:
    response = web.client.get("/nowhere")
    assert response.status_code == 404
    assert "There is no page at /nowhere." in response.text
    assert '<link rel="stylesheet" href="/static/style.css">' in response.text
    twin = web.client.get("/nowhere.json")
    assert twin.status_code == 404 and twin.json()["error"] == "There is no page at /nowhere.json."


def test_a_not_found_error_links_to_the_page_that_helps(web: Web) -> None:
    response = web.client.get("/people/99")
    assert response.status_code == 404 and "No person with id 99." in response.text
    assert '<a href="/people">See your people.</a>' in response.text
    assert "tarry people" not in response.text  # never the command line's words
    assert web.client.get("/people/99.json").json()["link"] == "/people"


def test_a_busy_store_is_explained_not_a_bare_500(web: Web, home: Path) -> None:
    web.client.get("/people")  # the app opened its store
    store: Store = web.client.app.state.store_for(None)  # type: ignore[attr-defined]
    store.execute("PRAGMA busy_timeout = 50")  # wait 50 ms for the lock, not 10 s
    other = sqlite3.connect(home / "tarry.db", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        response = web.post("/people", {"name": "Ana"})
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert response.status_code == 503  # type: ignore[attr-defined]
    assert "tarry is busy" in response.text  # type: ignore[attr-defined]
    assert ">Ana</textarea>" in response.text  # type: ignore[attr-defined]  # what was typed


def test_a_damaged_store_is_explained(anonymous: Web, home: Path) -> None:
    with Store.open(home) as store:
        people.add(store, "Sam")
    with (home / "tarry.db").open("r+b") as db:  # the tables' pages become junk
        db.seek(4096)
        db.write(b"\xff" * 16384)
    anonymous.client.get(f"/people?token={anonymous.guard.token}", follow_redirects=False)
    response = anonymous.client.get("/people/1")
    assert response.status_code == 500
    assert "looks damaged" in response.text and "Restore a backup" in response.text
    assert "tarry restore" not in response.text


@pytest.fixture
def crashing(web: Web) -> Iterator[TestClient]:
    """The app with one more route that has a bug, as any route might."""

    async def boom(request: object) -> None:
        raise KeyError("a bug")

    app = web.client.app
    app.router.routes.append(Route("/boom", boom))  # type: ignore[attr-defined]
    app.router.routes.append(Route("/boom.json", boom))  # type: ignore[attr-defined]
    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as client:
        client.cookies = web.client.cookies
        yield client


def test_a_bug_is_a_plain_500_page(crashing: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    response = crashing.get("/boom")
    assert response.status_code == 500
    assert "Something went wrong inside tarry" in response.text
    assert "KeyError" not in response.text  # the details go to the log, not the page
    assert crashing.get("/boom.json").json()["error"].startswith("Something went wrong")


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MiB tmpfs, filled up (needs root, as in CI's container; skips otherwise)."""
    with small_tmpfs(tmp_path, "3m") as mount:
        yield mount


def test_a_full_disk_is_explained(full_disk: Path) -> None:
    from tarry.web.app import Config, create_app
    from tarry.web.security import Guard

    home = full_disk / "home"
    with Store.open(home) as store:
        people.add(store, "Sam")
    guard = Guard.for_port("127.0.0.1", 8731)
    with TestClient(create_app(Config(home=home, guard=guard)), base_url=BASE) as client:
        client.get(f"/people?token={guard.token}")
        page = client.get("/journal").text
        csrf = page.split('name="_csrf" value="', 1)[1].split('"', 1)[0]
        with (full_disk / "filler").open("wb") as filler:  # take every free byte
            try:
                while True:
                    filler.write(b"\0" * 65536)
                    filler.flush()
            except OSError:
                pass
        form = {"_csrf": csrf, "body": "a long entry " * 20000}
        response = client.post("/journal", data=form, headers=ORIGIN, follow_redirects=False)
    assert response.status_code == 500
    assert "is full" in response.text and "Free some disk space" in response.text
    assert "Traceback" not in response.text


def test_the_icon_is_served(web: Web) -> None:
    page = web.client.get("/people").text
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    icon = web.client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
