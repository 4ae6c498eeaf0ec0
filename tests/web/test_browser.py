"""Browser tests: Playwright drives Debian's Chromium against a live local server."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tarry.web.app import Config, create_app
from tarry.web.security import Guard
from tarry.web.server import free_port

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="needs Debian's chromium (.ci/run installs it)"
    ),
]


@pytest.fixture
def server(home: Path) -> Iterator[str]:
    import uvicorn

    port = free_port("127.0.0.1", 0)
    guard = Guard.for_port("127.0.0.1", port)
    app = create_app(Config(home=home, guard=guard))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}/?token={guard.token}"
    server.should_exit = True
    thread.join(5)


@pytest.fixture
def page(server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        tab = context.new_page()
        tab.goto(server)
        yield tab
        browser.close()


def shot(page: object, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_token_url_is_left_and_a_person_added(page) -> None:
    assert "token=" not in page.url
    page.goto(page.url.rstrip("/") + "/people")
    page.get_by_label("Name").fill("Sam")
    page.get_by_label("Relation").select_option("partner")
    page.get_by_label("Contact every (days)").fill("3")
    page.get_by_role("button", name="Add").click()
    page.wait_for_url("**/people/1?saved=added")
    assert page.get_by_role("heading", name="Sam").is_visible()
    assert shutil.which("chromium") or Path(CHROMIUM).exists()
