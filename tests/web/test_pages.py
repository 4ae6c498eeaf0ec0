"""Every page and its JSON twin, and every form, in-process against a real store."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

import tarry.web
from tarry.calendar import feed
from tarry.calendar.ics_import import import_calendar
from tarry.commit import commitments
from tarry.declare import people, values
from tarry.mirror.chats import import_chat
from tarry.reflect import journal, moments, tradeoffs
from tarry.store import Store
from tests.web.conftest import Web


@pytest.fixture
def filled(web: Web, home: Path) -> Web:
    with Store.open(home) as store:
        people.add(store, "Sam", relation="partner", cadence_days=3)
        commitments.add(store, "Dinner", every="thursday 10:00", people_names=["Sam"])
        moments.log(store, ["Sam"], intimacy=6, note="long walk by the river")
        values.record(store, {"intimate": (9, 4), "work": (7, 9)})
        journal.write(store, "A quiet evening, thinking about my father.", tags=["family"])
    return web


def test_first_run_goes_to_onboarding(web: Web) -> None:
    response = web.client.get("/", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/welcome")
    assert "The six practices" in web.client.get("/welcome").text


PAGES = ["/today", "/welcome", "/review", "/review?week=2026-W40", "/people", "/people/1",
         "/commitments", "/tradeoffs", "/values", "/journal", "/rituals", "/stay",
         "/import"]  # fmt: skip


@pytest.mark.parametrize("path", PAGES)
def test_every_page_and_its_json_twin(filled: Web, path: str) -> None:
    html = filled.client.get(path)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    base, _, query = path.partition("?")
    twin = filled.client.get(f"{base}.json?{query}")
    assert twin.status_code == 200 and isinstance(twin.json(), dict)


def test_root_is_today_once_onboarded(filled: Web) -> None:
    page = filled.client.get("/")
    assert "Log a moment" in page.text and "Dinner" in page.text


def test_today_json_names_what_matters(filled: Web) -> None:
    data = filled.client.get("/today.json").json()
    assert [o["title"] for o in data["today"]] == ["Dinner"]
    assert data["recent"][0]["note"] == "long walk by the river"
    assert data["prompt"]["text"] and data["prompt"]["reason"]


def test_log_a_moment(filled: Web, home: Path) -> None:
    form = {"with": "Sam", "duration": "45m", "intimacy": "7", "discomfort": "6",
            "practice": ["seen", "stay"], "note": "told her about the fear"}  # fmt: skip
    assert filled.post("/moments", form).status_code == 303
    with Store.open(home) as store:
        latest = moments.all_moments(store)[0]
    assert (latest.duration_min, latest.intimacy, latest.discomfort) == (45, 7, 6)
    assert latest.practices == ["seen", "stay"]


def _beside(page: str, form: str, name: str) -> str:
    """The error shown beside one input of one form ('' when there is none)."""
    found = re.search(rf'id="{re.escape(form)}-{name}-error">(.*?)</span>', page, re.S)
    return html.unescape(found[1]) if found else ""


def test_a_refused_moment_comes_back_with_the_error_beside_its_input(
    filled: Web, home: Path
) -> None:
    typed = {"with": "Sam", "intimacy": "9", "duration": "45m", "note": "told her about the fear",
             "practice": ["seen", "stay"], "medium": "call"}  # fmt: skip
    response = filled.post("/moments", typed)
    page = response.text  # type: ignore[attr-defined]
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "Log a moment" in page and "Something needs attention" not in page  # the form, again
    assert _beside(page, "log", "intimacy") == (
        "9 is not on the 1-7 scale. A whole number from 1 (not at all) to 7 (very much)."
    )
    assert 'name="intimacy" min="1" max="7" step="1" value="9" aria-invalid="true"' in page
    assert ">told her about the fear</textarea>" in page and 'value="45m"' in page
    assert 'value="seen" checked' in page and 'value="stay" checked' in page
    assert "<option selected>call</option>" in page
    assert "--" not in _beside(page, "log", "intimacy")
    with Store.open(home) as store:
        assert len(moments.all_moments(store)) == 1  # nothing written


def test_a_time_the_form_cannot_read_is_said_beside_when(filled: Web) -> None:
    page = filled.post("/moments", {"with": "Sam", "at": "garbage"}).text  # type: ignore[attr-defined]
    assert _beside(page, "log", "at").startswith("Cannot read the time 'garbage'.")
    assert "e.g. yesterday 19:00" in _beside(page, "log", "at")


def test_mark_kept_and_traded(filled: Web, home: Path) -> None:
    at = "2026-11-19T10:00:00"
    assert filled.post("/commitments/1/mark", {"status": "kept", "at": at}).status_code == 303
    traded = {"status": "traded", "at": at, "traded_for": "late meeting"}
    assert filled.post("/commitments/1/mark", traded).status_code == 303
    with Store.open(home) as store:
        (away,) = tradeoffs.all_tradeoffs(store)
    assert (away.chose, away.direction) == ("late meeting", "away")


def test_add_commitment_tradeoff_values_entry(filled: Web, home: Path) -> None:
    commitment = {"title": "Call Mum", "every": "sunday 18:00", "duration": "30m"}
    assert filled.post("/commitments", commitment).status_code == 303
    choice = {"chose": "dinner with Sam", "over": "overtime", "direction": "toward",
              "cost_hours": "2", "practice": "priority"}  # fmt: skip
    assert filled.post("/tradeoffs", choice).status_code == 303
    ratings = {f"{key}_importance": "8" for key in values.DOMAINS}
    ratings |= {f"{key}_consistency": "3" for key in values.DOMAINS} | {"parenting_skip": "1"}
    assert filled.post("/values", ratings).status_code == 303
    assert filled.post("/journal", {"body": "Wrote it down.", "tags": "inner"}).status_code == 303
    with Store.open(home) as store:
        assert commitments.get(store, "Call Mum").duration_min == 30
        assert tradeoffs.all_tradeoffs(store)[0].cost_hours == 2
        latest = values.latest(store)
        assert latest is not None and len(latest.ratings) == 9
        assert journal.all_entries(store)[0].tags == ["inner"]


def test_journal_search(filled: Web) -> None:
    data = filled.client.get("/journal.json?q=father").json()
    assert [h["kind"] for h in data["hits"]] == ["entry"]


def test_journal_search_finds_emoji(filled: Web, home: Path) -> None:
    with Store.open(home) as store:
        journal.write(store, "Sam hugged me 🫂 and I let it land")
    data = filled.client.get("/journal.json", params={"q": "🫂"}).json()
    assert [h["snippet"] for h in data["hits"]] == ["Sam hugged me 🫂 and I let it land"]
    page = filled.client.get("/journal", params={"q": "🫂"}).text
    assert "Sam hugged me" in page


def test_person_page_shows_strength_and_the_mirror(filled: Web, home: Path) -> None:
    export = home.parent / "result.json"
    export.write_text(json.dumps(CHAT), encoding="utf-8")
    with Store.open(home) as store:
        import_chat(store, export, person="Sam", me="Alex")
    data = filled.client.get("/people/1.json").json()
    assert len(data["weekly_strength"]) == 12 and data["weekly_strength"][-1] > 0
    total = data["mirror"]["total"]
    assert (total["messages"]["me"], total["messages"]["them"]) == (1, 1)
    page = filled.client.get("/people/1").text
    assert "How their feelings were met" in page and 'role="img"' in page


def test_calendar_feed_needs_its_own_token(filled: Web, anonymous_client, home: Path) -> None:
    token = feed.token(home)
    ok = anonymous_client.get(f"/calendar/feed/{token}.ics")
    assert ok.status_code == 200 and ok.headers["content-type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in ok.content and b"SUMMARY:Dinner" in ok.content
    assert anonymous_client.get("/calendar/feed/guess.ics").status_code == 404


CHAT = {
    "name": "Sam", "type": "personal_chat", "id": 7,
    "messages": [
        {"id": 1, "type": "message", "date": "2026-11-18T20:00:00", "date_unixtime": "1795032000",
         "from": "Sam", "from_id": "user2", "text": "I feel so lonely since the move."},
        {"id": 2, "type": "message", "date": "2026-11-18T20:02:00", "date_unixtime": "1795032120",
         "from": "Alex", "from_id": "user1", "text": "That sounds hard. What feels hardest?"},
    ],
}  # fmt: skip


def test_rituals_and_staying_cards(filled: Web, home: Path) -> None:
    from tarry.prompts import rituals, staying

    first = rituals.rituals()[0]
    listed = filled.client.get("/rituals.json").json()["rituals"]
    assert [r["id"] for r in listed] == [r.id for r in rituals.rituals()]
    timed = filled.client.get(f"/rituals/{first.id}.json?with=Sam&minutes=10").json()["ritual"]
    assert sum(step["seconds"] for step in timed["steps"]) == pytest.approx(600, abs=60)
    assert "Sam" in {step["speaker"] for step in timed["steps"]} | {
        step["listener"] for step in timed["steps"]
    }
    page = filled.client.get(f"/rituals/{first.id}?with=Sam").text
    assert 'src="/static/ritual.js"' in page and "For the listener" in page
    assert (
        filled.post(f"/rituals/{first.id}/log", {"with": "Sam", "minutes": "25"}).status_code == 303
    )
    with Store.open(home) as store:
        logged = moments.all_moments(store)[0]
    assert logged.duration_min == 25 and set(logged.practices) == set(first.practices)
    urge = staying.urges()[0]
    card = filled.client.get(f"/stay.json?urge={urge}").json()["card"]
    assert card == staying.card(urge).to_dict()
    assert len(filled.client.get("/stay.json").json()["cards"]) == len(staying.cards())


def test_review_with_a_calendar_shows_hours_collisions_and_the_trend(
    filled: Web, home: Path
) -> None:
    ics = home.parent / "work.ics"
    ics.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
        "BEGIN:VEVENT\r\nUID:late@x\r\nDTSTAMP:20261101T000000Z\r\n"
        "DTSTART:20261119T090000\r\nDTEND:20261119T113000\r\nSUMMARY:Work: quarterly planning\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n",
        encoding="utf-8",
    )
    with Store.open(home) as store:
        import_calendar(store, ics)
    page = filled.client.get("/review?week=2026-W47")
    assert page.status_code == 200
    assert "From your calendar: work 2 h 30 min" in page.text
    assert "Commitments that collided with work" in page.text and "Dinner" in page.text
    assert 'aria-label="Hours per week from your calendar: work and connection"' in page.text
    data = filled.client.get("/review.json?week=2026-W47").json()["review"]["calendar"]
    assert data["hours"]["work"] == 2.5 and data["collisions"][0]["title"] == "Dinner"


def test_bad_times_are_clear_400s(filled: Web, home: Path) -> None:
    for at in ("", "garbage"):
        response = filled.post("/commitments/1/mark", {"status": "kept", "at": at})
        assert response.status_code == 400 and "is not a date and time" in response.text
    assert filled.post("/moments", {"with": "Sam", "at": "2026-11-18T19:30"}).status_code == 303
    with Store.open(home) as store:
        times = [m.at.isoformat() for m in moments.all_moments(store)]
    assert times == ["2026-11-19T12:00:00+00:00", "2026-11-18T19:30:00+00:00"]


def _import_sams_chat(home: Path) -> None:
    export = home.parent / "result.json"
    export.write_text(json.dumps(CHAT), encoding="utf-8")
    with Store.open(home) as store:
        import_chat(store, export, person="Sam", me="Alex")


def test_review_work_bar_shows_the_calendars_work_hours(filled: Web, home: Path) -> None:
    ics = home.parent / "work.ics"
    ics.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
        "BEGIN:VEVENT\r\nUID:w@x\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261117T090000\r\n"
        "DTEND:20261117T113000\r\nSUMMARY:Work: planning\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        encoding="utf-8",
    )
    with Store.open(home) as store:
        import_calendar(store, ics)
    page = filled.client.get("/review?week=2026-W47").text
    assert "From your calendar: work 2 h 30 min" in page
    assert "<title>hours, work: 2.5h</title>" in page  # the bar, not 0


def test_review_shows_the_mirror_week(filled: Web, home: Path) -> None:
    _import_sams_chat(home)
    page = filled.client.get("/review?week=2026-W47").text
    section = page.split('<h2 id="mirror-h">The mirror</h2>', 1)[1].split("</section>", 1)[0]
    assert "2 messages in imported chats: 1 from you, 1 from them (Sam 2)." in section
    assert "Of their 1 hard disclosure (feelings and hard news, not glad ones), 1 met by" in section
    assert "follow-up questions in 100% of your messages" in section


def test_person_page_says_shares_as_percentages(filled: Web, home: Path) -> None:
    _import_sams_chat(home)
    page = filled.client.get("/people/1").text
    row = page.split("Messages with a follow-up question</th>", 1)[1].split("</tr>", 1)[0]
    assert row == "<td>100%</td><td>0%</td>"  # as the CLI says them, not 1.0 and 0.0
    met = page.split("How their feelings were met (1)", 1)[1].split("</table>", 1)[0]
    shares = [int(s) for s in re.findall(r"<td>(\d+)%</td>", met)]
    assert sum(shares) == 100


def test_every_included_template_exists() -> None:
    folder = Path(tarry.web.__file__).parent / "templates"
    for template in folder.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert "ignore missing" not in text, template.name
        for name in re.findall(r'{%\s*include\s+"([^"]+)"', text):
            assert (folder / name).is_file(), f"{template.name} includes a missing {name}"


def test_today_offers_kept_only_once_it_has_begun(filled: Web, home: Path) -> None:
    with Store.open(home) as store:
        commitments.add(store, "Evening call", every="thursday 19:00", people_names=["Sam"])
    page = filled.client.get("/today").text
    forms = {
        title: form
        for title, form in re.findall(
            r'aria-label="Mark ([^"]+) on [^"]+">(.*?)</form>', page, re.S
        )
    }
    assert 'value="kept"' in forms["Dinner"]  # 10:00 has passed at 12:00
    assert 'value="kept"' not in forms["Evening call"]  # 19:00 has not
    assert 'value="skipped"' in forms["Evening call"] and 'value="traded"' in forms["Evening call"]
    assert "You can mark it kept once it has begun." in page
    listed = {o["title"]: o["happened"] for o in filled.client.get("/today.json").json()["today"]}
    assert listed == {"Dinner": True, "Evening call": False}
