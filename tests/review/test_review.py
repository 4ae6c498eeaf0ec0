"""The weekly review: exact figures on a small hand-made week, empty weeks, JSON and Markdown."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tarry.base.errors import InvalidInput
from tarry.review import strength
from tarry.review import week as review
from tarry.review.strength import Target
from tarry.store import Store

# TARRY_NOW is Thursday 2026-11-19 12:00 UTC, in ISO week 2026-W47 (16-22 November).

MOMENT = (
    "INSERT INTO moments (id, at, duration_min, intimacy, i_disclosed, they_disclosed,"
    " pleasantness, satisfaction, disclosure, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


@pytest.fixture
def week47(store: Store) -> Store:
    """A week with moments, kept and traded commitments, tradeoffs, a profile and a drift."""
    run = store.execute
    run(
        "INSERT INTO people (id, name, relation, cadence_days, created_at) VALUES"
        " (1, 'Sam', 'partner', 3, '2026-09-01T00:00:00Z'),"
        " (2, 'Ana', 'friend', 7, '2026-09-01T00:00:00Z'),"
        " (3, 'Bo', 'family', 14, '2026-09-01T00:00:00Z')"
    )
    run("INSERT INTO value_profiles (id, taken_at) VALUES (1, '2026-11-01T09:00:00Z')")
    run(
        "INSERT INTO value_ratings VALUES (1, 'intimate', 9, 4), (1, 'friends', 8, 5),"
        " (1, 'work', 7, 9)"
    )
    run(
        "INSERT INTO commitments (id, title, rrule, starts_at, duration_min, created_at) VALUES"
        " (1, 'Call Mum', 'FREQ=WEEKLY;BYDAY=MO', '2026-10-05T18:00:00', 60, 'x'),"
        " (2, 'Dinner with Sam', 'FREQ=WEEKLY;BYDAY=TH', '2026-10-01T19:00:00', 120, 'x')"
    )
    run("INSERT INTO commitment_people VALUES (1, 3), (2, 1)")
    run("INSERT INTO commitment_practices VALUES (1, 'space'), (2, 'priority'), (2, 'depth')")
    run(
        "INSERT INTO tradeoffs (id, at, chose, over, direction, cost_hours, cost_note) VALUES"
        " (1, '2026-11-16T09:00:00Z', 'emails', 'call with Ana', 'away', 0.5, ''),"
        " (2, '2026-11-17T10:00:00Z', 'walk with Ana', 'gym', 'toward', 1.5, ''),"
        " (3, '2026-11-19T08:00:00Z', 'late work', 'Dinner with Sam', 'away', NULL, 'a deadline'),"
        " (4, '2026-11-10T08:00:00Z', 'overtime', 'a film', 'away', 3, '')"  # the week before
    )
    run(
        "INSERT INTO occurrences (commitment_id, scheduled_at, status, tradeoff_id, marked_at)"
        " VALUES (1, '2026-11-16T18:00:00', 'kept', NULL, 'x'),"
        " (2, '2026-11-19T19:00:00', 'traded', 3, 'x'),"
        " (2, '2026-11-12T19:00:00', 'kept', NULL, 'x')"
    )
    for row in [
        (1, "2026-11-17T20:00:00Z", 90, 6, 6, 5, 6, 6, "feeling", "rain walk"),
        (2, "2026-11-18T12:00:00Z", 30, 4, 3, 4, 5, 4, "fact", ""),
        (3, "2026-11-04T12:00:00Z", 60, 5, 5, 5, 5, 5, "thought", ""),  # week 45
        (4, "2026-10-01T12:00:00Z", 60, 5, 5, 5, 5, 5, "fact", ""),  # Bo, a Thursday
    ]:
        run(MOMENT, row)
    run("INSERT INTO moment_people VALUES (1, 1), (2, 2), (3, 1), (4, 3)")
    run("INSERT INTO moment_practices VALUES (1, 'depth'), (1, 'seen'), (2, 'space')")
    return store


def test_the_week_in_exact_figures(week47: Store) -> None:
    r = review.week(week47, "2026-W47")
    assert (r.week, r.start, r.end, r.has_data) == ("2026-W47", "2026-11-16", "2026-11-22", True)
    assert [(d.domain, d.gap) for d in r.lived.closeness] == [("intimate", 5), ("friends", 3)]
    assert r.lived.closeness_gap == 4.0
    assert (r.lived.moments, r.lived.people_seen) == (2, 2)
    assert (r.hours.in_moments, r.hours.in_kept_commitments) == (2.0, 1.0)
    assert r.hours.traded_away == 2.5  # 0.5 h of emails + the 2 h dinner traded without a cost
    assert [t.chose for t in r.hours.tradeoffs] == ["emails", "walk with Ana", "late work"]
    c = r.commitments
    assert (c.kept, c.traded, c.skipped, c.pending, c.traded_for) == (1, 1, 0, 0, ["late work"])
    assert r.calendar is None and r.mirror is None


def test_practices_depth_and_drift(week47: Store) -> None:
    r = review.week(week47, "2026-W47")
    depth = next(p for p in r.practices if p.practice == "depth")
    expected = strength.score_on(
        [date(2026, 11, 12), date(2026, 11, 17)], Target(1, 7), date(2026, 11, 19)
    )
    assert depth.strength == round(expected, 3)
    assert depth.weekly[-1] == depth.strength and len(depth.weekly) == 8
    before = strength.score_on([date(2026, 11, 12)], Target(1, 7), date(2026, 11, 12))
    assert depth.change == round(expected - before, 3)
    assert (depth.last_done, depth.target) == ("2026-11-17", "once a week")
    d = r.depth
    assert (d.moments, d.feeling_share, d.meaningfulness) == (2, 0.5, 4.9)  # (5.8 + 4.0) / 2
    assert d.change == -0.1  # against weeks 40 and 45 (5.0 each)
    assert [p.week for p in d.trend] == [f"2026-W{n}" for n in range(40, 48)]
    assert [p.meaningfulness for p in d.trend] == [5.0, None, None, None, None, 5.0, None, 4.9]
    assert [(x.name, x.days_since) for x in r.drifting] == [("Bo", 49)]


def test_one_concrete_invitation_from_the_weakest_practice(week47: Store) -> None:
    inv = review.week(week47, "2026-W47").invitation
    # `stay` was never practised; Bo drifts most and was last met on a Thursday.
    assert (inv.practice, inv.person, inv.day) == ("stay", "Bo", "2026-11-26")
    assert inv.text.startswith("On Thursday 26 November, when Bo brings up something hard,")
    assert inv.why == "stay has not been logged yet, so it is the place to begin."


def test_an_invitation_uses_a_commitment_next_week(week47: Store) -> None:
    week47.execute(
        "INSERT INTO commitments (id, title, rrule, starts_at, duration_min, created_at)"
        " VALUES (3, 'Saturday walk', 'FREQ=WEEKLY;BYDAY=SA', '2026-11-21T10:00:00', 90, 'x')"
    )
    week47.execute("INSERT INTO commitment_people VALUES (3, 1)")
    week47.execute("INSERT INTO commitment_practices VALUES (3, 'stay')")
    inv = review.week(week47, "2026-W47").invitation
    assert (inv.practice, inv.person, inv.day) == ("stay", "Sam", "2026-11-28")
    assert inv.text.startswith("At your 'Saturday walk' on Saturday 28 November, 10:00, when Sam")


def test_an_empty_week_says_so(store: Store) -> None:
    r = review.week(store, "2026-W47")
    assert r.has_data is False
    assert [n.text for n in r.notes] == [
        "2026-W47 is still under way: the figures run to today, Thursday.",
        "Nothing was logged in 2026-W47: no moments, marks, tradeoffs or entries.",
        "No value profile yet.",
        "No calendar imported: hours at work are not counted.",
    ]
    assert r.lived.closeness_gap is None and r.depth.meaningfulness is None
    assert r.depth.feeling_share is None and r.drifting == []
    assert (r.invitation.person, r.invitation.day) == (None, None)
    assert "someone close" in r.invitation.text and "one evening next week" in r.invitation.text


def test_an_empty_week_shows_hours_without_an_empty_column(store: Store, cli) -> None:
    text = cli("review", "--week", "2026-W47").stdout
    hours = text[text.index("Hours") : text.index("commitments:")]
    header = next(line for line in hours.splitlines() if "hours" in line)
    assert header.count("┃") == 3  # a label column and the hours: no column of empty bars
    assert "in moments          │ 0 h   │" in hours


def test_a_quiet_week_in_a_full_store(week47: Store) -> None:
    r = review.week(week47, "2026-W44")
    assert r.has_data is False and r.lived.moments == 0 and r.hours.tradeoffs == []
    assert r.depth.meaningfulness is None and r.commitments.pending == 2
    assert r.lived.closeness_gap == 4.0  # the latest profile still says what matters


def test_a_past_and_a_future_week(week47: Store) -> None:
    assert not any("under way" in note.text for note in review.week(week47, "2026-W46").notes)
    future = review.week(week47, "2026-W50")
    assert future.notes[0].text == "2026-W50 has not started yet."
    assert future.has_data is False and future.drifting == []


def test_bad_week() -> None:
    with pytest.raises(InvalidInput, match="Cannot read the week '2026-47'"):
        review.week(None, "2026-47")  # type: ignore[arg-type]


def test_cli_json_shape(cli, week47: Store) -> None:
    result = cli("review", "--week", "2026-W47", "--json")
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == [
        "week", "start", "end", "has_data", "lived", "hours", "commitments", "practices",
        "depth", "drifting", "invitation", "calendar", "mirror", "notes",
    ]  # fmt: skip
    assert data["hours"]["tradeoffs"][2] == {
        "at": "2026-11-19T08:00:00Z",
        "chose": "late work",
        "over": "Dinner with Sam",
        "direction": "away",
        "cost_hours": None,
        "cost_note": "a deadline",
    }
    assert data["invitation"]["practice"] == "stay"
    assert [p["practice"] for p in data["practices"]] == list(strength.KEYS)


def test_cli_terminal_and_markdown(cli, week47: Store, tmp_path: Path) -> None:
    out = tmp_path / "review.md"
    result = cli("review", "-w", "2026-W47", "--markdown", str(out))
    assert result.code == 0, result.stderr
    assert (
        "Weekly review 2026-W47" in result.stdout
        and "One invitation for next week" in result.stdout
    )
    assert "  Bo  last contact 49 days ago; you wanted every 14" in result.stdout
    # in an 80-column terminal the sections of a line or two wrap beside their label: from
    # "Depth" to the invitation, no line goes back to the margin but a section's own
    lines = result.stdout.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("Depth"))
    end = next(n for n, line in enumerate(lines) if line.startswith("╭"))
    margin = [line for line in lines[start:end] if line and not line.startswith(" ")]
    assert all(line.startswith(("Depth", "Who is drifting", "Mirror")) for line in margin)
    assert any(line.startswith(" " * 7) for line in lines[start:end])  # something wrapped
    text = out.read_text()
    assert text.startswith("# Weekly review 2026-W47\n\n16 November to 22 November 2026\n")
    assert "| Intimate relations (partner, couple, dating) | 9 | 4 | 5 |" in text
    assert "Kept 1, traded 1, skipped 0, not marked yet 0. Traded for: late work." in text
    assert "- 2026-11-19: chose late work over Dinner with Sam (away) (a deadline)" in text
    assert "Moments with feeling-level disclosure: 50% of 2 moments." in text
    assert "- **Bo**: last contact 49 days ago; you wanted every 14; strength 0.11," in text
    assert not list(tmp_path.glob("*.partial"))
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    bad = cli("review", "--markdown", str(tmp_path / "missing" / "r.md"))
    assert bad.code == 2 and "Cannot write" in bad.stderr


def test_cli_drift(cli, week47: Store) -> None:
    listed = json.loads(cli("drift", "--json").stdout)
    assert [(d["name"], d["reasons"]) for d in listed] == [
        (
            "Bo",
            [
                "last contact 49 days ago; you wanted every 14",
                "strength 0.11, down from 0.16 28 days ago",
            ],
        )
    ]
    assert listed[0]["falling"] is True and listed[0]["strength"] == 0.108
    shown = cli("drift").stdout  # each reason once, the name beside them
    assert shown.startswith("Bo  last contact 49 days ago") and shown.count("strength") == 1


DATA = Path(__file__).parents[1] / "data" / "review"


def test_calendar_and_mirror_plug_in(cli, store: Store) -> None:
    from tarry.base import clock
    from tarry.calendar import audit
    from tarry.mirror import conversations

    store.execute(
        "INSERT INTO people (id, name, cadence_days, created_at)"
        " VALUES (1, 'Sam', 3, '2026-10-01T00:00:00Z')"
    )
    store.execute(
        "INSERT INTO commitments (id, title, rrule, starts_at, duration_min, created_at)"
        " VALUES (1, 'Dinner with Sam', 'FREQ=WEEKLY;BYDAY=TH', '2026-10-01T19:00:00', 120,"
        " '2026-10-01T00:00:00Z')"
    )
    assert cli("import", "calendar", str(DATA / "week47.ics")).code == 0
    imported = cli("import", "chat", str(DATA / "chat.csv"), "-p", "Sam", "--me", "Me")
    assert imported.code == 0, imported.stderr
    r = review.week(store, "2026-W47")
    start, end = clock.week_bounds("2026-W47")
    assert r.calendar is not None and r.mirror is not None
    assert r.calendar.hours == audit.week_hours(store, start, end).hours
    assert sum(r.calendar.hours.values()) == 11.0  # 8 h planning + 3 h launch review
    assert [c.title for c in r.calendar.collisions] == ["Dinner with Sam"]
    assert r.mirror == conversations.week_summary(store, start, end)
    assert (r.mirror.messages.me, r.mirror.messages.them) == (1, 1)
    as_json = r.to_dict()
    assert as_json["calendar"]["target_met"] is None and as_json["mirror"]["messages"]["me"] == 1
    assert not any("No calendar" in note.text for note in r.notes)
    # imported messages are real contact: Sam is not drifting, last seen in the chat
    assert strength.people(store)[0].last_contact == date(2026, 11, 17)
    assert r.drifting == []
    text = cli("review", "--week", "2026-W47").stdout
    assert "From your calendar: " in text and "Imported chats this week: 2 messages" in text
    assert "of their 1 hard disclosure, 1 met by" in " ".join(text.split())


def test_a_past_week_uses_the_value_profile_current_then(store: Store) -> None:
    from tarry.declare import values

    values.record(store, {"intimate": (10, 4)}, at=datetime(2026, 9, 2, 12, tzinfo=UTC))
    values.record(store, {"intimate": (10, 7)}, at=datetime(2026, 11, 18, 12, tzinfo=UTC))
    then = review.week(store, "2026-W37")
    assert then.lived.profile_taken_at is not None
    assert then.lived.profile_taken_at.startswith("2026-09-02")
    assert review.week(store, "2026-W47").lived.profile_taken_at.startswith("2026-11-18")
    assert review.week(store, "2026-W30").lived.profile_taken_at is None


def test_later_this_week_is_still_to_come_not_unmarked(store: Store) -> None:
    from tarry.commit import commitments

    commitments.add(store, "Call Mum", every="monday 19:00", start=datetime(2026, 11, 2, 19))
    commitments.add(store, "Dinner", every="friday 19:00", start=datetime(2026, 11, 6, 19))
    counts = review.week(store, "2026-W47").commitments  # now: Thursday 19 November, noon
    assert (counts.pending, counts.to_come) == (1, 1)
    assert (review.week(store, "2026-W46").commitments.pending,
            review.week(store, "2026-W46").commitments.to_come) == (2, 0)  # fmt: skip
