"""Every page, in a real Chromium, at desktop and phone width, light and dark: axe-core finds no
serious or critical accessibility violation, nothing scrolls sideways, nothing fails to load.

axe-core comes from the npm registry, installed by this module into a cache outside the package
(~/.cache/tarry-tests, or TARRY_TEST_CACHE) and injected by Playwright into each page: the app
never serves it. With TARRY_SCREENSHOTS=1 the walk also refreshes docs/screenshots/.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tarry.relay.sqlite import SqliteStorage
from tarry.store import Store
from tarry.together import checkins, pairs, rounds
from tarry.web.app import Config, create_app
from tarry.web.pages import PAGES
from tarry.web.routes import all_routes
from tarry.web.security import Guard
from tarry.web.server import free_port
from tests.together.conftest import live_relay, pair_up

CHROMIUM = "/usr/bin/chromium"
AXE_VERSION = "4.14.1"
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DATA = Path(__file__).resolve().parents[1] / "data"
WIDTHS = {"desktop": 1100, "phone": 390}
THEMES = ("light", "dark")
# The screenshots kept in docs/screenshots/ (page, width, theme) -> file name.
KEPT = {
    ("/today", "desktop", "light"): "today",
    ("/review", "desktop", "light"): "review",
    ("/review", "desktop", "dark"): "review-dark",
    ("/people/{people}", "desktop", "light"): "person",
    ("/welcome", "desktop", "light"): "welcome",
    ("/today", "phone", "light"): "phone-today",
    ("/people/{people}", "phone", "dark"): "phone-person-dark",
}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="needs Debian's chromium (.ci/run installs it)"
    ),
]


def axe_script() -> str:
    """axe-core's source, installed from the npm registry into the test cache on first use."""
    cache = Path(os.environ.get("TARRY_TEST_CACHE", Path.home() / ".cache" / "tarry-tests"))
    folder = cache / f"axe-core-{AXE_VERSION}"
    script = folder / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("needs npm to install axe-core (Debian's npm package)")
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [npm, "install", "--prefix", str(folder), "--no-save", "--no-audit", "--no-fund",
             "--loglevel=error", f"axe-core@{AXE_VERSION}"],
            check=True, timeout=300,
        )  # fmt: skip
    return script.read_text(encoding="utf-8")


@dataclass
class Site:
    base: str
    guard: Guard
    home: Path
    ids: dict[str, str]  # path parameter -> an id that exists in the demo

    def paths(self) -> list[str]:
        """Every page the app registers, with real ids; and the styled 404."""
        all_routes()
        found = []
        for pattern in sorted(PAGES):
            found.append(re.sub(r"\{id:(int|str)\}", "{" + _param(pattern) + "}", pattern))
        return [*found, "/nowhere"]

    def url(self, path: str) -> str:
        return self.base + path.format(**self.ids)


def _param(pattern: str) -> str:
    parts = pattern.strip("/").split("/")
    return (parts[1] if parts[:1] == ["together"] and len(parts) > 1 else parts[0]).replace(
        "import", "job"
    )


def together_ids(home: Path, folder: Path) -> dict[str, str]:
    """Sam paired through a relay on loopback, a question asked and a check-in started: the
    together pages' ids. The relay is only needed while pairing (the rest waits in the outbox)."""
    with (
        pytest.MonkeyPatch.context() as patch,
        live_relay(SqliteStorage(folder / "relay.db")) as relay,
        Store.open(home) as mine,
        Store.open(folder / "sam") as theirs,
    ):
        patch.delenv("TARRY_NOW")  # the relay checks each request's time against its own
        pair_up(mine, theirs, relay.url)
        pair = pairs.get(mine, "Sam")
        asked = rounds.open_round(mine, pair)
        started = checkins.start(mine, pair, "checkin")
    return {"rounds": asked.round_id, "checkins": started.checkin_id, "name": "Sam"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo home, served by the app on a free port (module-scoped: built once)."""
    import uvicorn

    from tarry.demo import build as demo

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TARRY_NOW", "2026-11-19T12:00:00+00:00")
        patch.setenv("TZ", "UTC")
        home = tmp_path_factory.mktemp("walk") / "home"
        demo.build(home)
        with Store.open(home) as store:
            ids = {
                "people": str(store.scalar("SELECT id FROM people WHERE name = 'Sam'")),
                "moments": str(store.scalar("SELECT max(id) FROM moments")),
                "commitments": str(store.scalar("SELECT min(id) FROM commitments")),
                "tradeoffs": str(store.scalar("SELECT max(id) FROM tradeoffs")),
                "values": str(store.scalar("SELECT max(id) FROM value_profiles")),
                "journal": str(store.scalar("SELECT max(id) FROM entries")),
                "rituals": "checkin",
            }
        ids["person"] = ids["people"]
        ids.update(together_ids(home, tmp_path_factory.mktemp("relay")))
        port = free_port("127.0.0.1", 0)
        guard = Guard.for_port("127.0.0.1", port)
        app = create_app(Config(home=home, guard=guard))
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.02)
        yield Site(f"http://127.0.0.1:{port}", guard, home, ids)
        server.should_exit = True
        thread.join(5)


@pytest.fixture(scope="module")
def browser(site: Site) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield launched
        launched.close()


def signed_in(browser: Any, site: Site, width: str, theme: str) -> Any:
    context = browser.new_context(
        viewport={"width": WIDTHS[width], "height": 900}, color_scheme=theme
    )
    tab = context.new_page()
    # The launch link opens one session; each browser context is a launch of its own.
    site.guard.token, site.guard.token_used = secrets.token_urlsafe(32), False
    tab.goto(f"{site.base}/today?token={site.guard.token}")
    return tab


def import_a_calendar(tab: Any, site: Site) -> str:
    """Upload a calendar through the Import page; the address of its job page."""
    tab.goto(site.base + "/import")
    form = tab.locator("form", has=tab.get_by_role("button", name="Import calendar"))
    form.get_by_label("Calendar file").set_input_files(str(DATA / "calendar" / "home.ics"))
    form.get_by_role("button", name="Import calendar").click()
    tab.wait_for_url(re.compile(r".*/import/jobs/[^/]+$"))
    tab.get_by_text("Done.").wait_for(timeout=20_000)
    return tab.url.rsplit("/", 1)[1]


def violations(tab: Any, axe: str) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now."""
    tab.evaluate(axe)
    found = tab.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
    )
    return list(found)


@pytest.mark.slow
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_is_accessible_and_fits(
    browser: Any, site: Site, width: str, theme: str
) -> None:
    axe = axe_script()
    tab = signed_in(browser, site, width, theme)
    if "job" not in site.ids:
        site.ids["job"] = import_a_calendar(tab, site)
    failed: list[str] = []
    # A request cut short by the next navigation (net::ERR_ABORTED) is not a failure to load.
    tab.on("requestfailed", lambda r: "ABORTED" in (r.failure or "") or failed.append(r.url))
    problems = {}
    for path in site.paths():
        response = tab.goto(site.url(path))
        assert response is not None
        assert response.status == (404 if path == "/nowhere" else 200), path
        found = violations(tab, axe)
        overflow = tab.evaluate(
            "document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
        )
        if found or overflow > 0:
            problems[path] = {"axe": found, "sideways_px": overflow}
        keep = KEPT.get((path, width, theme))
        if keep and os.environ.get("TARRY_SCREENSHOTS"):
            SHOTS.mkdir(parents=True, exist_ok=True)
            tab.screenshot(path=str(SHOTS / f"{keep}.png"), full_page=True)
    assert failed == []
    assert problems == {}, json.dumps(problems, indent=1)
    tab.context.close()


def test_every_registered_page_is_walked(site: Site) -> None:
    """A page added later is walked too: every pattern resolves to a real address."""
    site.ids.setdefault("job", "x")
    for path in site.paths():
        assert "{" not in site.url(path), path
