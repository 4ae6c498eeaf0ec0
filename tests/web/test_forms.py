"""A refused form comes back on its own page: the error beside the input at fault, in the form's
words, everything typed kept; the values questionnaire starts from the last answers."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from tarry.commit import commitments
from tarry.declare import people, values
from tarry.store import Store
from tests.web.conftest import Web


@pytest.fixture
def sam(web: Web, home: Path) -> Web:
    with Store.open(home) as store:
        people.add(store, "Sam", relation="partner")
    return web


def beside(page: str, form: str, name: str) -> str:
    found = re.search(rf'id="{re.escape(form)}-{name}-error">(.*?)</span>', page, re.S)
    return html.unescape(found[1]) if found else ""


def summary(page: str) -> str:
    found = re.search(r'<div class="error" role="alert" id="refused"><p>(.*?)</p>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", found[1])) if found else ""


def post(web: Web, path: str, data: dict, page: str) -> tuple[int, str]:
    response = web.post(path, {"_page": page, **data})
    return response.status_code, response.text  # type: ignore[attr-defined]


def test_a_bad_recurrence_is_said_beside_every(sam: Web, home: Path) -> None:
    typed = {"title": "Dinner with Sam", "every": "whenever", "duration": "2h", "with": "Sam",
             "practice": "priority", "note": "no phones"}  # fmt: skip
    status, page = post(sam, "/commitments", typed, "/commitments")
    assert status == 400 and "<h1>Commitments</h1>" in page
    assert beside(page, "commit", "every").startswith(
        "Cannot read the recurrence 'whenever' (at 'whenever'). Examples: 'thursday 19:00'"
    )
    assert summary(page).startswith("Nothing was saved: Cannot read the recurrence")
    assert 'value="Dinner with Sam"' in page and 'value="no phones"' in page
    assert 'value="Sam" checked' in page and 'value="priority" checked' in page
    with Store.open(home) as store:
        assert commitments.all_commitments(store) == []


def test_the_form_comes_back_on_the_page_it_was_sent_from(sam: Web) -> None:
    status, page = post(sam, "/commitments", {"title": "Walk", "every": "x"}, "/welcome")
    assert status == 400 and "The six practices" in page  # the welcome page, not Commitments
    assert beside(page, "commit", "every")


def test_a_duplicate_name_links_to_the_person(sam: Web) -> None:
    status, page = post(sam, "/people", {"name": "sam", "note": "again"}, "/people")
    assert status == 409
    assert beside(page, "person", "name").startswith("sam is already in tarry.")
    assert '<a href="/people">Open the person you have.</a>' in page
    assert 'name="note" value="again"' in page


def test_a_trade_without_what_won_is_said_in_its_own_occurrences_form(sam: Web, home: Path) -> None:
    with Store.open(home) as store:
        commitments.add(store, "Dinner", every="thursday 10:00", people_names=["Sam"])
    form = "mark-1-2026-11-19T10:00:00"
    status, page = post(
        sam, "/commitments/1/mark", {"status": "traded", "at": "2026-11-19T10:00:00"}, "/today"
    )
    assert status == 400 and "Protected time" in page
    assert beside(page, form, "traded_for") == "What was it traded for? What won, e.g. work."


def test_a_refused_tradeoff_keeps_what_was_typed(sam: Web) -> None:
    typed = {"chose": "dinner with Sam", "over": "", "direction": "away", "cost_hours": "2"}
    status, page = post(sam, "/tradeoffs", typed, "/tradeoffs")
    assert status == 400
    assert beside(page, "tradeoff", "over").startswith(
        "A tradeoff needs both what you chose and what you chose it over."
    )
    assert 'value="away" checked' in page and 'value="toward">' in page
    assert (
        'name="cost_hours" type="number" min="0" step="any" inputmode="decimal" value="2"' in page
    )


def test_no_refusal_speaks_the_command_lines_words(sam: Web) -> None:
    cases = [
        ("/moments", {"with": "Sam", "at": "9999-12-31T00:00"}, "/today"),
        ("/moments", {"with": "Nobody"}, "/today"),
        ("/commitments", {"title": "X", "every": "thursday 19:00", "duration": "90"}, "/"),
        ("/people", {"name": "Ana", "cadence_days": "0"}, "/people"),
        ("/journal", {"body": " "}, "/journal"),
    ]
    for path, data, page_path in cases:
        status, page = post(sam, path, data, page_path)
        assert status in (400, 404), (path, data)
        said = summary(page) + " ".join(re.findall(r'class="field-error"[^>]*>(.*?)</span>', page))
        assert said and "--" not in said and "tarry " not in said, said


def test_values_start_from_the_last_answers_and_unchanged_saves_nothing(
    sam: Web, home: Path
) -> None:
    with Store.open(home) as store:
        values.record(store, {"intimate": (9, 4), "work": (7, 9)})
    page = sam.client.get("/values").text
    assert 'name="intimate_importance" min="1" max="10" value="9"' in page
    assert 'name="work_consistency" min="1" max="10" value="9"' in page
    assert 'name="family_skip" value="1" checked' in page  # not rated last time
    shown = {"intimate_importance": "9", "intimate_consistency": "4", "work_importance": "7",
             "work_consistency": "9", **{f"{k}_skip": "1" for k in values.DOMAINS
                                         if k not in ("intimate", "work")}}  # fmt: skip
    same = sam.post("/values", shown)
    assert same.headers["location"] == "/values?saved=unchanged"  # type: ignore[attr-defined]
    said = sam.client.get("/values?saved=unchanged").text
    assert "Nothing changed since your last answers, so nothing was saved." in said
    moved = sam.post("/values", {**shown, "intimate_consistency": "6"})
    assert moved.headers["location"] == "/values?saved=values"  # type: ignore[attr-defined]
    with Store.open(home) as store:
        history = values.history(store)
    assert [p.rating("intimate").consistency for p in history] == [4, 6]  # type: ignore[union-attr]


def test_a_first_questionnaire_rates_what_is_filled_in(sam: Web, home: Path) -> None:
    page = sam.client.get("/values").text
    assert 'name="intimate_importance" min="1" max="10" value=""' in page  # no 5/5 to keep
    status, page = post(sam, "/values", {"intimate_importance": "9"}, "/values")
    assert status == 400
    assert beside(page, "values", "intimate_consistency") == (
        "Intimate relations (partner, couple, dating): the consistency is missing."
        " Give both, or leave both blank."
        " A whole number from 1 (not at all) to 10 (extremely)."
    )
    assert 'name="intimate_importance" min="1" max="10" value="9"' in page
    done = sam.post("/values", {"intimate_importance": "9", "intimate_consistency": "4"})
    assert done.status_code == 303  # type: ignore[attr-defined]
    with Store.open(home) as store:
        latest = values.latest(store)
    assert latest is not None and [r.domain for r in latest.ratings] == ["intimate"]
