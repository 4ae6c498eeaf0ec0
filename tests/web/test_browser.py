"""Browser tests: Playwright drives Debian's Chromium against a live local server.

The screenshots in docs/screenshots/ come from the walk of every page (test_walk.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from tarry.commit import commitments
from tarry.declare import people
from tarry.reflect import moments, tradeoffs
from tarry.store import Store
from tarry.web.app import Config, create_app
from tarry.web.security import Guard
from tests.web.live import live_server

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="needs Debian's chromium (.ci/run installs it)"
    ),
]


@pytest.fixture
def server(home: Path) -> Iterator[str]:
    guards: list[Guard] = []

    def make_app(port: int) -> object:
        guards.append(Guard.for_port("127.0.0.1", port))
        return create_app(Config(home=home, guard=guards[0]))

    with live_server(make_app) as port:
        yield f"http://127.0.0.1:{port}/?token={guards[0].token}"


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


def base_of(page) -> str:
    return page.url.split("/", 3)[:3] and "/".join(page.url.split("/", 3)[:3])


def test_onboarding_walks_through_person_values_and_commitment(page) -> None:
    assert "token=" not in page.url and page.url.endswith("/welcome")
    step = page.locator("li", has=page.get_by_role("heading", name="1. Who"))
    step.get_by_label("Name").fill("Sam")
    step.get_by_label("Relation").select_option("partner")
    step.get_by_role("button", name="Add").click()
    page.wait_for_url("**/welcome?saved=added")
    assert page.get_by_text("✓ Sam").is_visible()
    intimate = page.get_by_role("group", name="Intimate relations (partner, couple, dating)")
    intimate.get_by_label("Importance").fill("9")
    intimate.get_by_label("Consistency").fill("4")
    page.get_by_role("button", name="Save my values").click()
    page.wait_for_url("**/welcome?saved=values")
    step = page.locator("li", has=page.get_by_role("heading", name="3. Protect"))
    step.get_by_label("What").fill("Phone-free dinner")
    step.get_by_label("Every").fill("thursday 19:00")
    step.get_by_label("priority").check()
    step.get_by_role("button", name="Commit").click()
    page.wait_for_url("**/?saved=commitment")
    assert page.get_by_role("heading", name="Phone-free dinner").is_visible()


def test_logging_a_moment(page, home: Path) -> None:
    with Store.open(home) as store:
        people.add(store, "Sam", relation="partner")
    page.goto(base_of(page) + "/today")
    page.get_by_label("How close did it feel?").fill("6")
    page.get_by_label("depth").check()
    page.get_by_label("Note").fill("Talked about the move, and what scares me about it.")
    page.get_by_role("button", name="Log it").click()
    page.wait_for_url("**/?saved=moment")
    assert page.get_by_text("what scares me about it").is_visible()
    with Store.open(home) as store:
        (moment,) = moments.all_moments(store)
    assert (moment.people, moment.intimacy, moment.practices) == (["Sam"], 6, ["depth"])


def test_a_refused_moment_says_why_beside_the_field_and_keeps_the_note(page, home: Path) -> None:
    with Store.open(home) as store:
        people.add(store, "Sam", relation="partner")
    page.goto(base_of(page) + "/today")
    page.get_by_label("How long").fill("forever")
    page.get_by_label("Note").fill("The walk by the canal.")
    page.get_by_label("Note").press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the submit button, by keyboard alone
    alert = page.get_by_role("alert")
    assert alert.is_visible()
    assert "Nothing was saved: Cannot read the duration" in alert.inner_text()
    field = page.get_by_label("How long")
    assert field.get_attribute("aria-invalid") == "true" and field.input_value() == "forever"
    described = page.locator(f"#{field.get_attribute('aria-describedby')}")
    assert "A length with its unit: 45m, 2h, 1h30m or 1.5h, e.g. 45m." in described.inner_text()
    assert page.get_by_label("Note").input_value() == "The walk by the canal."
    with Store.open(home) as store:
        assert moments.all_moments(store) == []


def test_marking_a_commitment_traded(page, home: Path) -> None:
    with Store.open(home) as store:
        people.add(store, "Sam")
        commitments.add(store, "Walk with Sam", every="thursday 10:00", people_names=["Sam"])
    page.goto(base_of(page) + "/today")
    card = page.locator("li.card", has_text="Walk with Sam")
    card.get_by_label("Traded for").fill("a client call")
    card.get_by_role("button", name="Traded").click()
    page.wait_for_url("**/today?saved=marked*")
    assert (
        page.locator("li.card", has_text="Walk with Sam")
        .get_by_text("traded", exact=True)
        .is_visible()
    )
    with Store.open(home) as store:
        (away,) = tradeoffs.all_tradeoffs(store)
    assert (away.chose, away.direction) == ("a client call", "away")


def test_reading_the_review_with_its_charts(page, home: Path) -> None:
    with Store.open(home) as store:
        people.add(store, "Sam", relation="partner", cadence_days=3)
        commitments.add(store, "Dinner", every="monday 19:00", people_names=["Sam"],
                        start=datetime(2026, 11, 2, 19), practices="priority+depth")  # fmt: skip
        commitments.mark(store, "Dinner", "kept", when=date(2026, 11, 16))
        moments.log(store, ["Sam"], intimacy=6, i_disclosed=6, practices="depth", note="walk")
        tradeoffs.record(store, "dinner with Sam", "overtime", direction="toward", cost_hours=2)
    page.goto(base_of(page) + "/review?week=2026-W47")
    assert page.get_by_role("heading", name="Week 2026-W47").is_visible()
    assert page.get_by_role("heading", name="One invitation for next week").is_visible()
    charts = page.get_by_role("img")
    assert charts.count() >= 3
    name = "Commitments this week: kept, traded, skipped, not marked"
    assert page.get_by_role("img", name=name).is_visible()
    page.get_by_role("link", name="← 2026-W46").click()
    page.wait_for_url("**/review?week=2026-W46")


def test_phone_width_has_no_sideways_scrolling(page, home: Path) -> None:
    with Store.open(home) as store:
        people.add(store, "Sam", relation="partner", cadence_days=3)
        commitments.add(store, "Walk with Sam", every="thursday 10:00", people_names=["Sam"])
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/today", "/review", "/people/1", "/journal", "/import"):
        page.goto(base_of(page) + path)
        overflow = page.evaluate(
            "document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at phone width"
    page.goto(base_of(page) + "/today")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"


def tab_to(page, selector: str, limit: int = 150) -> None:
    """Press Tab until the element matching `selector` has the focus (keyboard alone)."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_logging_a_moment_by_keyboard_alone(page, home: Path) -> None:
    with Store.open(home) as store:
        people.add(store, "Maya")
        people.add(store, "Sam", relation="partner")
    page.goto(base_of(page) + "/today")
    tab_to(page, "input[name=with][value=Maya]")
    page.keyboard.press("Space")  # the first person is ticked to begin with: untick
    tab_to(page, "input[name=with][value=Sam]")
    page.keyboard.press("Space")
    tab_to(page, "input[name=intimacy]")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.locator("output[for=log-intimacy]").inner_text() == "6"  # the value is shown
    tab_to(page, "input[name=practice][value=stay]")
    page.keyboard.press("Space")
    tab_to(page, "textarea[name=note]")
    page.keyboard.type("Stayed with it when she cried.")
    tab_to(page, "form[action='/moments'] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "saved=moment" in page.url
    with Store.open(home) as store:
        (moment,) = moments.all_moments(store)
    assert (moment.people, moment.intimacy, moment.practices, moment.note) == (
        ["Sam"], 6, ["stay"], "Stayed with it when she cried.")  # fmt: skip


def test_marking_a_commitment_and_undoing_by_keyboard_alone(page, home: Path) -> None:
    with Store.open(home) as store:
        people.add(store, "Sam")
        commitments.add(store, "Walk with Sam", every="thursday 10:00", people_names=["Sam"])
    page.goto(base_of(page) + "/today")
    tab_to(page, "button[name=status][value=kept]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    notice = page.get_by_role("status")
    assert "Marked 'Walk with Sam' on Thu 19 Nov 10:00 kept (was pending)" in notice.inner_text()
    with Store.open(home) as store:
        assert (
            commitments.occurrences(store, datetime(2026, 11, 19), datetime(2026, 11, 20))[0].status
            == "kept"
        )
    tab_to(page, "form[action^='/undo/'] button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "saved=undone" in page.url and page.get_by_role("status").inner_text() == "Undone."
    with Store.open(home) as store:
        assert (
            commitments.occurrences(store, datetime(2026, 11, 19), datetime(2026, 11, 20))[0].status
            == "pending"
        )


def test_changing_deleting_and_undoing_a_moment(page, home: Path) -> None:
    with Store.open(home) as store:
        people.add(store, "Sam")
        moments.log(store, ["Sam"], note="first words")
    page.goto(base_of(page) + "/moments/1")
    page.get_by_label("Note").fill("better words")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url("**/moments/1?saved=changed&undo=*")
    assert page.get_by_label("Note").input_value() == "better words"
    page.get_by_role("button", name="Delete this moment").click()
    page.wait_for_url("**/today?saved=deleted&undo=*")
    assert "Deleted moment 1 with Sam" in page.get_by_role("status").inner_text()
    with Store.open(home) as store:
        assert moments.all_moments(store) == []
    page.get_by_role("button", name="Undo").click()
    page.wait_for_url("**/moments/1?saved=undone")
    assert page.get_by_label("Note").input_value() == "better words"
    page.goto(base_of(page) + "/undo")
    page.get_by_role("button", name="Undo: Changed moment 1 with Sam, Thu 19 Nov 12:00").click()
    page.wait_for_url("**/moments/1?saved=undone")
    assert page.get_by_label("Note").input_value() == "first words"


def test_the_weekly_review_prints_as_a_clean_page(page, home: Path) -> None:
    with Store.open(home) as store:
        people.add(store, "Sam", relation="partner", cadence_days=3)
        moments.log(store, ["Sam"], intimacy=6, practices="depth", note="walk")
    page.goto(base_of(page) + "/review?week=2026-W47")
    assert page.get_by_role("link", name="Print or save as PDF").is_visible()
    page.emulate_media(media="print", color_scheme="dark")
    assert not page.get_by_role("navigation", name="Main").is_visible()
    assert not page.get_by_role("link", name="Print or save as PDF").is_visible()
    assert page.get_by_text("tarry · weekly review 2026-W47").is_visible()
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(255, 255, 255)"  # black on white, whatever the screen's theme
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 2
