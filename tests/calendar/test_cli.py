"""`tarry import calendar` and `tarry calendar ...`: thin shells, checked through their effect."""

from __future__ import annotations

import json
from pathlib import Path

import icalendar

from tarry.calendar import blocks, feed
from tarry.store import Store

DATA = Path(__file__).parents[1] / "data" / "calendar"


def test_import_twice_and_json(cli, store: Store) -> None:
    first = cli("import", "calendar", str(DATA / "home.ics"))
    assert first.code == 0
    assert first.stdout.startswith("Home: 10 added, 0 updated, 0 removed, 0 unchanged")
    again = json.loads(cli("import", "calendar", str(DATA / "home.ics"), "--json").stdout)
    assert (again["added"], again["unchanged"], again["calendars"]) == (0, 10, ["Home"])
    assert len(blocks.between(store)) == 10


def test_import_window_flags_and_warnings(cli, store: Store) -> None:
    args = ("import", "calendar", str(DATA / "absurd.ics"), "--max-per-series", "50")
    result = cli(*args, "--since", "2026-11-01", "--until", "2026-11-02")
    assert result.code == 0 and "more than 50 instances" in result.stderr
    assert store.scalar("SELECT COUNT(*) FROM time_blocks") == 50


def test_malformed_file_is_a_clear_error(cli, store: Store) -> None:
    result = cli("import", "calendar", str(DATA / "unclosed.ics"))
    assert result.code == 2 and "unclosed.ics, line 8: found END:VCALENDAR" in result.stderr
    assert "Traceback" not in result.stderr


def test_rules_list_add_test_remove(cli, store: Store) -> None:
    listed = json.loads(cli("calendar", "rules", "--json").stdout)
    assert [r["kind"] for r in listed] == [
        "all-day",
        "calendar",
        "person",
        "keyword",
        "keyword",
        "keyword",
    ]
    assert cli("calendar", "rules", "add", "solo", "--keyword", "piano").code == 0
    tested = json.loads(cli("calendar", "rules", "test", "Piano lesson", "--json").stdout)
    assert tested == {
        "summary": "Piano lesson",
        "domain": "solo",
        "rule": "rule #1 (keyword -> solo)",
        "why": "keyword 'Piano'",
    }
    assert cli("calendar", "rules", "remove", "1").stdout.startswith(
        "Removed rule #1 keyword piano"
    )
    both = cli("calendar", "rules", "add", "work", "--keyword", "x", "--all-day")
    assert both.code == 2 and "exactly one of" in both.stderr
    assert cli("calendar", "rules", "reset").stdout == "Restored the 6 default rules.\n"


def test_classify_explain_json(cli, store: Store) -> None:
    cli("import", "calendar", str(DATA / "home.ics"))
    data = json.loads(
        cli("calendar", "classify", "--week", "2026-W47", "--explain", "--json").stdout
    )
    assert [(d["summary"], d["domain"], d["why"]) for d in data][:3] == [
        ("Workshop on long-folded lines", "work", "keyword 'Workshop'"),
        ("Standup", "work", "keyword 'Standup'"),
        ("Dinner with Sam", "connection", "keyword 'Dinner'"),
    ]
    assert len(data) == 8
    everything = json.loads(cli("calendar", "classify", "--all", "--json").stdout)
    assert len(everything) == 10 and "why" not in everything[0]


def test_target_and_audit(cli, store: Store) -> None:
    cli("import", "calendar", str(DATA / "home.ics"))
    assert cli("calendar", "target").stdout == "No connection target set.\n"
    assert cli("calendar", "target", "6h").stdout == "Target: 6 h a week.\n"
    weeks = json.loads(
        cli("calendar", "audit", "--week", "2026-W47", "--weeks", "2", "--json").stdout
    )
    assert [(w["week"], w["hours"]["connection"], w["target_met"]) for w in weeks] == [
        ("2026-W46", 0.0, False),
        ("2026-W47", 2.0, False),
    ]
    assert cli("calendar", "target", "none").stdout == "No connection target set.\n"
    assert cli("calendar", "target", "lots").code == 2


def test_export_to_stdout_and_file(cli, store: Store, tmp_path: Path) -> None:
    assert cli("commit", "add", "Date night", "--every", "friday 19:30").code == 0
    out = cli("calendar", "export")
    assert [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(out.stdout).walk("VEVENT")] == [
        "Date night"
    ]
    target = tmp_path / "protected.ics"
    assert cli("calendar", "export", "--output", str(target)).code == 0
    assert target.read_text() == out.stdout


def test_feed_and_rotate(cli, store: Store) -> None:
    shown = json.loads(cli("calendar", "feed", "--json").stdout)
    assert shown == {
        "path": f"/calendar/feed/{feed.token(store.home)}.ics",
        "token": shown["token"],
    }
    rotated = json.loads(cli("calendar", "feed", "--rotate", "--json").stdout)
    assert rotated["token"] != shown["token"] and feed.verify(store.home, rotated["token"])


def test_list_and_forget(cli, store: Store) -> None:
    cli("import", "calendar", str(DATA / "caldav" / "work"))
    listed = json.loads(cli("calendar", "list", "--json").stdout)
    assert listed == [
        {
            "calendar": "work",
            "blocks": 4,
            "first": "2026-11-16T08:00:00Z",
            "last": "2026-11-18T08:00:00Z",
        }
    ]
    assert cli("calendar", "forget", "work").stdout == "Removed 4 time blocks of work.\n"
    assert cli("calendar", "forget", "work").code == 2


def test_every_command_has_help(cli) -> None:
    for args in (
        ("import", "calendar"),
        ("calendar",),
        *(
            ("calendar", c)
            for c in ("classify", "audit", "target", "export", "feed", "list", "forget")
        ),
        *(("calendar", "rules", c) for c in ("add", "remove", "reset", "test")),
    ):
        result = cli(*args, "--help")
        assert result.code == 0 and "Usage:" in result.stdout, args


def test_the_audit_and_the_review_say_the_same_hours(cli, tmp_path) -> None:
    """One format for hours: the time audit and the weekly review never round them apart."""
    ics = tmp_path / "odd.ics"
    ics.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:a@t\r\n"
        "DTSTAMP:20261101T000000Z\r\nDTSTART:20261116T090000Z\r\nDTEND:20261116T112000Z\r\n"
        "SUMMARY:Work sprint\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert cli("import", "calendar", str(ics)).code == 0
    audit = cli("calendar", "audit", "--week", "2026-W47", "--weeks", "1").stdout
    review = cli("review", "--week", "2026-W47").stdout
    assert "2 h 20 min" in audit and "work 2 h 20 min" in review
