"""Pairing and answer-then-reveal in two browsers (two Playwright contexts, two tarry homes,
two web apps with their background sync, one real relay)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tarry.store import Store
from tarry.together import pairs
from tarry.together.syncer import Syncer
from tarry.web.app import Config, create_app, open_store
from tarry.web.security import Guard
from tarry.web.server import free_port

from .conftest import LiveRelay

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
]


def serve(home: Path) -> Iterator[tuple[str, str]]:
    import uvicorn

    port = free_port("127.0.0.1", 0)
    guard = Guard.for_port("127.0.0.1", port)
    config = Config(home=home, guard=guard)
    server = uvicorn.Server(
        uvicorn.Config(create_app(config), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    syncer = Syncer(lambda: open_store(config), wait=5).start()  # as `tarry serve` does
    while not server.started:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}", guard.token
    syncer.stop()
    server.should_exit = True
    thread.join(5)


@pytest.fixture
def sites(tmp_path: Path, relay: LiveRelay) -> Iterator[tuple[str, str, str, str]]:
    """Alex's and Sam's web apps: (url, token) each."""
    homes = tmp_path / "alex", tmp_path / "sam"
    for home in homes:
        with Store.open(home) as store:
            pairs.set_relay(store, relay.url)
    a, b = serve(homes[0]), serve(homes[1])
    (url_a, token_a), (url_b, token_b) = next(a), next(b)
    yield url_a, token_a, url_b, token_b
    for gen in (a, b):
        next(gen, None)


def test_pair_then_answer_then_reveal_in_two_browsers(sites) -> None:
    from playwright.sync_api import expect, sync_playwright

    url_a, token_a, url_b, token_b = sites
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        alex, sam = browser.new_context().new_page(), browser.new_context().new_page()
        alex.goto(f"{url_a}/together?token={token_a}")
        sam.goto(f"{url_b}/together?token={token_b}")
        shows = alex.get_by_role("form", name="Show a code")
        shows.get_by_label("Their name").fill("Sam")
        shows.get_by_role("button", name="Show a pairing code").click()
        code = alex.get_by_label("Pairing code").inner_text().strip()
        types = sam.get_by_role("form", name="Type their code")
        types.get_by_label("Their name").fill("Alex")
        types.get_by_label("Their code").fill(code)
        types.get_by_role("button", name="Pair with their code").click()
        sam.wait_for_url("**/together/Alex?saved=paired")
        expect(alex.get_by_text("Paired with Sam.")).to_be_visible(timeout=15000)
        safety = alex.locator("code").inner_text()
        assert safety in sam.locator("body").inner_text()

        alex.goto(f"{url_a}/together/Sam")
        alex.get_by_role("button", name="Ask a question").click()
        alex.get_by_label("Your answer").fill("Mountains, always.")
        alex.get_by_role("button", name="Seal my answer").click()
        expect(alex.get_by_text("Waiting for Sam to answer")).to_be_visible()

        nudge = sam.get_by_role("link", name="Alex answered; your turn.")
        for _ in range(120):  # Today is not live: reload until Sam's background sync has it
            sam.goto(f"{url_b}/")
            if nudge.count():
                break
            time.sleep(0.5)
        sam.get_by_role("link", name="Alex answered; your turn.").click()
        assert "Mountains" not in sam.content()  # sealed until Sam answers
        sam.get_by_label("Your answer").fill("The sea, at dawn.")
        sam.get_by_role("button", name="Seal my answer").click()

        expect(sam.get_by_label("Alex's answer")).to_have_text("Mountains, always.", timeout=20000)
        expect(alex.get_by_label("Sam's answer")).to_have_text("The sea, at dawn.", timeout=20000)
        alex.get_by_label("Reply", exact=True).fill("Why dawn?")
        alex.get_by_role("button", name="Reply", exact=True).click()
        expect(sam.get_by_text("Alex: Why dawn?")).to_be_visible(timeout=20000)
        browser.close()
