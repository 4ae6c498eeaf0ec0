"""Commitments and occurrences: the library and `tarry commit`.

The clock is frozen on Thursday 2026-11-19 12:00 UTC (see conftest).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tarry.base.errors import Conflict, InvalidInput, NotFound
from tarry.commit import commitments, recurrence
from tarry.commit.commitments import Commitment
from tarry.declare import people
from tarry.reflect import tradeoffs
from tarry.store import Store

TITLE = "Phone-free dinner with Sam"
THURSDAYS = [datetime(2026, 10, 29, 19, 0) + timedelta(weeks=k) for k in range(5)]


@pytest.fixture
def dinner(store: Store) -> Commitment:
    people.add(store, "Sam", relation="partner", aliases=["Sammy"])
    return commitments.add(
        store, TITLE, every="thursday 19:00", start=datetime(2026, 10, 29), duration_min=120,
        people_names=["sammy"], practices="priority+depth", note="Phones in the drawer.",
    )  # fmt: skip


def window(store: Store) -> list[tuple[datetime, str]]:
    found = commitments.occurrences(store, datetime(2026, 10, 26), datetime(2026, 11, 27))
    return [(o.scheduled_at, o.status) for o in found]


def test_add(dinner: Commitment) -> None:
    assert dinner.to_dict() == {
        "id": 1,
        "title": TITLE,
        "rrule": "FREQ=WEEKLY;BYDAY=TH",
        "starts_at": "2026-10-29T19:00:00",
        "duration_min": 120,
        "note": "Phones in the drawer.",
        "created_at": "2026-11-19T12:00:00+00:00",
        "ended_at": None,
        "people": ["Sam"],
        "practices": ["depth", "priority"],
        "schedule": "every Thu 19:00",
    }


def test_add_defaults_to_today_and_reads_raw_rules(store: Store) -> None:
    walk = commitments.add(store, "Walk", every="day 7:30")
    assert walk.starts_at == datetime(2026, 11, 19, 7, 30)
    raw = commitments.add(
        store, "Pages", rrule="RRULE:FREQ=WEEKLY;BYDAY=MO,WE", start=datetime(2026, 11, 2, 21, 30)
    )
    assert (raw.rrule, raw.describe()) == ("FREQ=WEEKLY;BYDAY=MO,WE", "every Mon, Wed 21:30")
    hours = commitments.add(store, "Check-in", rrule="FREQ=WEEKLY;BYDAY=SU;BYHOUR=20")
    assert hours.starts_at == datetime(2026, 11, 22, 20, 0)  # the first Sunday 20:00


def test_start_is_the_first_real_occurrence(store: Store) -> None:
    """RFC 5545 counts DTSTART as an instance: a Tuesday start of a Thursday rule is Thursday."""
    tuesday = commitments.add(store, "Dinner", every="thursday 19:00", start=datetime(2026, 11, 17))
    assert tuesday.starts_at == datetime(2026, 11, 19, 19, 0)
    friday = commitments.add(store, "Walk", every="friday 8:00")  # today is a Thursday
    assert friday.starts_at == datetime(2026, 11, 20, 8, 0)
    raw = commitments.add(
        store, "Call", rrule="FREQ=MONTHLY;BYDAY=1SU", start=datetime(2026, 11, 19, 11, 0)
    )
    assert raw.starts_at == datetime(2026, 12, 6, 11, 0)
    assert [o.scheduled_at for o in commitments.occurrences(
        store, datetime(2026, 11, 16), datetime(2026, 11, 21), commitment="Dinner"
    )] == [datetime(2026, 11, 19, 19, 0)]  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"every": "thursday 19:00", "duration_min": 48 * 60}, "at most 24 h, not 48 h"),
        ({"every": "day 19:00", "duration_min": 25 * 60}, "at most 24 h"),
        ({"rrule": "FREQ=DAILY;BYHOUR=8,20", "duration_min": 13 * 60},
         "13 h is longer than the 12 h between two occurrences"),
        ({"every": "day 7:00", "rrule": None, "duration_min": 0}, "needs a duration, not 0"),
    ],
)  # fmt: skip
def test_add_refuses_implausible_durations(store: Store, kwargs: dict, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        commitments.add(store, "Dinner", **kwargs)
    assert commitments.all_commitments(store, include_ended=True) == []


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"rrule": "FREQ=WEEKLY;BYDAY=XX", "start": datetime(2026, 11, 19, 19)}, InvalidInput,
         "Invalid RRULE 'FREQ=WEEKLY;BYDAY=XX'"),
        ({"rrule": "NOT A RULE", "start": datetime(2026, 11, 19, 19)}, InvalidInput,
         "Invalid RRULE"),
        ({"rrule": "FREQ=DAILY;COUNT=0", "start": datetime(2026, 11, 19, 19)}, InvalidInput,
         "COUNT=0 must be a whole number from 1"),
        ({"rrule": "FREQ=MINUTELY", "start": datetime(2026, 11, 19, 19)}, InvalidInput,
         "more often than daily"),
        ({"rrule": "FREQ=WEEKLY;BYDAY=TH"}, InvalidInput, "gives no time of day"),
        ({}, InvalidInput, "Give the recurrence once"),
        ({"every": "thursday 19:00", "rrule": "FREQ=DAILY"}, InvalidInput, "once"),
        ({"every": "thursday 19:00", "duration_min": 0}, InvalidInput, "needs a duration"),
        ({"every": "thursday 19:00", "people_names": ["Zed"]}, NotFound, "No person called"),
        ({"every": "thursday 19:00", "practices": "grit"}, InvalidInput, "Unknown practice"),
    ],
)  # fmt: skip
def test_add_refuses_bad_input(store: Store, kwargs: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        commitments.add(store, "Dinner", **kwargs)
    assert commitments.all_commitments(store, include_ended=True) == []


def test_invalid_rule_error_gives_an_example(store: Store) -> None:
    with pytest.raises(InvalidInput) as caught:
        commitments.add(store, "Dinner", rrule="FREQ=WEEKLY;BYDAY=XX", start=datetime(2026, 1, 1))
    assert caught.value.example == "FREQ=WEEKLY;BYDAY=TH"


def test_duplicate_active_title_conflicts(store: Store, dinner: Commitment) -> None:
    with pytest.raises(Conflict):
        commitments.add(store, TITLE.upper(), every="friday 19:00")
    commitments.end(store, dinner.id)
    assert commitments.add(store, TITLE, every="friday 19:00").id == 2


def test_occurrences_generated_from_the_rule(store: Store, dinner: Commitment) -> None:
    assert window(store) == [(at, "pending") for at in THURSDAYS]
    first = commitments.occurrences(store, datetime(2026, 10, 26), datetime(2026, 10, 30))[0]
    assert first.to_dict() == {
        "commitment_id": 1,
        "title": TITLE,
        "scheduled_at": "2026-10-29T19:00:00",
        "duration_min": 120,
        "status": "pending",
        "note": "",
        "tradeoff_id": None,
        "traded_for": None,
        "people": ["Sam"],
        "practices": ["depth", "priority"],
        "ends_at": "2026-10-29T21:00:00",
        "happened": True,
    }


def test_windows_are_bounded(store: Store, dinner: Commitment) -> None:
    with pytest.raises(InvalidInput, match="the most is 3660"):
        commitments.occurrences(store, datetime(2020, 1, 1), datetime(2031, 1, 1))
    daily = commitments.add(store, "Daily", every="day 8:00", start=datetime(2020, 1, 1))
    times = commitments.expand(daily, datetime(2020, 1, 1), datetime(2029, 12, 1))
    assert len(times) == commitments.MAX_PER_COMMITMENT


def test_mark_kept_traded_skipped(store: Store, dinner: Commitment) -> None:
    kept = commitments.mark(store, TITLE, "kept", when=date(2026, 11, 5), note="Long talk.")
    assert (kept.status, kept.note, kept.tradeoff_id) == ("kept", "Long talk.", None)
    traded = commitments.mark(
        store, "phone-free dinner with sam", "traded", when=date(2026, 11, 12),
        traded_for="the launch review", note="Again.",
    )  # fmt: skip
    assert (traded.status, traded.traded_for) == ("traded", "the launch review")
    tradeoff = tradeoffs.get(store, traded.tradeoff_id or 0)
    assert tradeoff.to_dict() == {
        "id": 1,
        "at": "2026-11-12T19:00:00+00:00",
        "chose": "the launch review",
        "over": TITLE,
        "direction": "away",
        "cost_hours": 2.0,
        "cost_note": "",
        "note": "Again.",
        "practices": ["depth", "priority"],
        "commitment": TITLE,
    }
    commitments.mark(store, 1, "skipped", when=datetime(2026, 10, 29, 19, 0), note="Away.")
    assert [s for _, s in window(store)] == ["skipped", "kept", "traded", "pending", "pending"]


def test_marking_again_replaces_the_mark_and_its_tradeoff(store: Store, dinner: Commitment) -> None:
    on = date(2026, 11, 12)
    commitments.mark(store, TITLE, "traded", when=on, traded_for="work")
    assert len(tradeoffs.all_tradeoffs(store)) == 1
    assert commitments.mark(store, TITLE, "kept", when=on).status == "kept"
    assert tradeoffs.all_tradeoffs(store) == []
    assert commitments.mark(store, TITLE, "pending", when=on).status == "pending"
    assert store.scalar("SELECT count(*) FROM occurrences") == 0


def test_default_occurrence_is_todays_else_the_last(
    store: Store, dinner: Commitment, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(InvalidInput, match="has not happened yet"):
        commitments.mark(store, TITLE, "kept")  # tonight's, still ahead
    ahead = commitments.mark(store, TITLE, "skipped", note="Sam is away.")
    assert ahead.scheduled_at == datetime(2026, 11, 19, 19, 0)
    monkeypatch.setenv("TARRY_NOW", "2026-11-21T12:00:00+00:00")  # a Saturday
    assert commitments.mark(store, TITLE, "kept").scheduled_at == datetime(2026, 11, 19, 19, 0)


@pytest.mark.parametrize(
    ("status", "kwargs", "error", "message"),
    [
        ("kept", {"when": date(2026, 11, 10)}, NotFound, "has no occurrence on 2026-11-10"),
        ("kept", {"when": datetime(2026, 11, 12, 18, 0)}, NotFound, "has no occurrence"),
        ("traded", {"when": date(2026, 11, 12)}, InvalidInput, "What was it traded for"),
        ("done", {}, InvalidInput, "Unknown status 'done'"),
        ("kept", {"when": date(2026, 10, 22)}, NotFound, "has no occurrence"),  # before start
    ],
)
def test_mark_refuses(
    store: Store, dinner: Commitment, status: str, kwargs: dict, error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        commitments.mark(store, TITLE, status, **kwargs)
    assert store.scalar("SELECT count(*) FROM occurrences") == 0
    assert tradeoffs.all_tradeoffs(store) == []


def test_unknown_commitment(store: Store) -> None:
    with pytest.raises(NotFound, match="No commitment called 'Gym'"):
        commitments.mark(store, "Gym", "kept")
    with pytest.raises(NotFound, match="No commitment with id 9"):
        commitments.get(store, 9)


def test_end_stops_occurrences(store: Store, dinner: Commitment) -> None:
    ended = commitments.end(store, TITLE, at=datetime(2026, 11, 10, tzinfo=UTC))
    assert not ended.active and commitments.all_commitments(store) == []
    assert [c.id for c in commitments.all_commitments(store, include_ended=True)] == [1]
    assert [at for at, _ in window(store)] == THURSDAYS[:2]
    with pytest.raises(Conflict, match="already ended on 2026-11-10"):
        commitments.end(store, TITLE)


def test_upcoming_and_unmarked(store: Store, dinner: Commitment) -> None:
    assert [o.scheduled_at for o in commitments.upcoming(store, 7)] == [THURSDAYS[3]]
    assert [o.scheduled_at for o in commitments.upcoming(store, 8)] == THURSDAYS[3:]
    commitments.mark(store, TITLE, "kept", when=date(2026, 11, 12))
    assert [o.scheduled_at for o in commitments.unmarked(store, 14)] == [THURSDAYS[1]]
    with pytest.raises(InvalidInput):
        commitments.upcoming(store, 0)


def test_parse_when() -> None:
    assert commitments.parse_when("2026-11-12") == date(2026, 11, 12)
    assert commitments.parse_when("2026-11-12 19:00") == datetime(2026, 11, 12, 19, 0)


# CLI ------------------------------------------------------------------------------------------


def test_cli_add_list_upcoming(cli, store: Store) -> None:
    people.add(store, "Sam")
    result = cli(
        "commit", "add", TITLE, "--every", "thursday 19:00", "--for", "2h", "--with", "Sam",
        "--practice", "priority+depth", "--start", "2026-10-29",
    )  # fmt: skip
    assert result.code == 0, result.stderr
    assert result.stdout.strip() == (
        f"Added '{TITLE}' (1): every Thu 19:00, 120 min, from 2026-10-29."
    )
    listed = json.loads(cli("commit", "list", "--json").stdout)
    assert [(c["title"], c["rrule"], c["people"]) for c in listed] == [
        (TITLE, "FREQ=WEEKLY;BYDAY=TH", ["Sam"])
    ]
    upcoming = json.loads(cli("commit", "upcoming", "--days", "14", "--json").stdout)
    assert [o["scheduled_at"] for o in upcoming["upcoming"]] == [
        "2026-11-19T19:00:00", "2026-11-26T19:00:00"
    ]  # fmt: skip
    assert [o["scheduled_at"] for o in upcoming["not_marked"]] == [
        "2026-11-05T19:00:00", "2026-11-12T19:00:00"
    ]  # fmt: skip
    text = cli("commit", "upcoming").stdout
    assert "Thu 2026-11-19 19:00" in text
    assert "2 past occurrences of the last 14 days not marked yet" in text


def test_cli_upcoming_says_still_to_come_and_not_marked_yet(
    cli, store: Store, dinner: Commitment
) -> None:
    lines = [line for line in cli("commit", "upcoming").stdout.splitlines() if "2026-11-" in line]
    assert ["still to come" in line for line in lines] == [True, False, False]
    assert ["not marked yet" in line for line in lines] == [False, True, True]


def test_cli_mark_and_end(cli, store: Store, dinner: Commitment) -> None:
    result = cli(
        "commit", "mark", TITLE, "traded", "--date", "2026-11-12", "--for", "the launch",
        "--note", "Again.",
    )  # fmt: skip
    assert result.code == 0, result.stderr
    assert f"{TITLE} on Thu 2026-11-12 19:00: traded for the launch." in result.stdout
    assert "Recorded tradeoff 1 (away from closeness)." in result.stdout
    ledger = json.loads(cli("tradeoffs", "list", "--json").stdout)
    assert [(t["chose"], t["over"], t["commitment"]) for t in ledger] == [
        ("the launch", TITLE, TITLE)
    ]
    assert cli("commit", "mark", "1", "kept", "--date", "2026-11-05 19:00").code == 0
    assert [s for _, s in window(store)][:3] == ["pending", "kept", "traded"]
    assert cli("commit", "end", "1").code == 0
    assert json.loads(cli("commit", "list", "--json").stdout) == []
    assert json.loads(cli("commit", "list", "--all", "--json").stdout)[0]["ended_at"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "X", "--rrule", "FREQ=WEEKLY;BYDAY=XX", "--start", "2026-11-19 19:00"],
         "Invalid RRULE 'FREQ=WEEKLY;BYDAY=XX'"),
        (["add", "X", "--every", "thursday 19:00", "--with", "Zed"], "No person called 'Zed'"),
        (["add", "X", "--every", "someday"], "Cannot read the recurrence"),
        (["add", "X", "--every", "thursday 19:00", "--for", "long"], "Cannot read the duration"),
        (["add", "X", "--rrule", "FREQ=SOMETIMES"], "FREQ=SOMETIMES is not a frequency"),
        (["add", "X", "--rrule", "FREQ=WEEKLY;INTERVAL=99999999999999999999"],
         "INTERVAL=99999999999999999999 must be a whole number from 1 to 2147483647"),
        (["add", "X", "--every", "thursday 19:00", "--for", "48h"], "at most 24 h, not 48 h"),
    ],
)  # fmt: skip
def test_cli_add_bad_input_exits_2(cli, store: Store, args: list[str], message: str) -> None:
    result = cli("commit", *args)
    assert result.code == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert commitments.all_commitments(store, include_ended=True) == []


def test_cli_invalid_rrule_shows_an_example(cli) -> None:
    result = cli("commit", "add", "X", "--rrule", "FREQ=WEEKLY;BYDAY=XX", "--start", "2026-11-19")
    assert "--rrule: one RFC 5545 RRULE line, e.g. --rrule 'FREQ=WEEKLY;BYDAY=TH'." in result.stderr


def test_cli_mark_bad_input_exits_2(cli, store: Store, dinner: Commitment) -> None:
    assert "What was it traded for?" in cli("commit", "mark", "1", "traded").stderr
    assert cli("commit", "mark", "Gym", "kept").code == 2
    assert cli("commit", "mark", "1", "kept", "--date", "2026-11-10").code == 2
    assert store.scalar("SELECT count(*) FROM occurrences") == 0


def test_latest_before_reaches_far_back_and_respects_the_end(store: Store) -> None:
    daily = commitments.add(store, "Daily pages", every="day 21:00", start=datetime(2012, 1, 1))
    now = datetime(2026, 11, 19, 12, 0)
    assert commitments.latest_before(daily, now) == datetime(2026, 11, 18, 21, 0)
    ended = commitments.end(store, daily.id, at=datetime(2026, 11, 1, 12, 0, tzinfo=UTC))
    assert commitments.latest_before(ended, now) == datetime(2026, 10, 31, 21, 0)


def test_cli_list_and_upcoming_as_text(cli, store: Store, dinner: Commitment) -> None:
    listed = cli("commit", "list").stdout
    assert "every Thu" in listed and "120 min" in listed
    commitments.end(store, dinner.id, at=datetime(2026, 11, 19, 11, 0, tzinfo=UTC))
    assert "Nothing in the next 7 days." in cli("commit", "upcoming").stdout


@settings(max_examples=150, deadline=None)
@given(
    freq=st.sampled_from(["DAILY", "WEEKLY"]),
    interval=st.integers(1, 3),
    days=st.sets(st.sampled_from(["MO", "TU", "WE", "TH", "FR", "SA", "SU"]), max_size=3),
    wkst=st.sampled_from(["", ";WKST=SU"]),
    first=st.datetimes(datetime(2019, 1, 1), datetime(2026, 1, 1)),
    offset=st.integers(0, 2500),
    span=st.integers(1, 60),
)
def test_expansion_from_a_nearer_start_matches_the_full_walk(
    freq: str, interval: int, days: set[str], wkst: str, first: datetime, offset: int, span: int
) -> None:
    byday = f";BYDAY={','.join(sorted(days))}" if days else ""
    rule = f"FREQ={freq};INTERVAL={interval}{byday}{wkst}"
    starts_at = first.replace(second=0, microsecond=0)
    commitment = Commitment(1, "c", rule, starts_at, 60, "", starts_at, None)
    start = starts_at + timedelta(days=offset, hours=offset % 24)
    end = start + timedelta(days=span)
    walked = recurrence.build_rule(rule, starts_at).between(start, end, inc=True)
    assert commitments.expand(commitment, start, end) == [t for t in walked if t < end]


def test_track_record(store: Store, dinner: Commitment) -> None:
    commitments.mark(store, TITLE, "kept", when=date(2026, 11, 5))
    commitments.mark(store, TITLE, "traded", when=date(2026, 11, 12), traded_for="work")
    record = commitments.track_record(store, TITLE, weeks=4)
    assert [o.scheduled_at for o in record.occurrences] == THURSDAYS[:3]  # tonight's is ahead
    assert (record.count("kept"), record.count("traded"), record.count("pending")) == (1, 1, 1)
    assert record.kept_share == 0.5
    assert record.to_dict()["counts"] == {"kept": 1, "traded": 1, "skipped": 0, "pending": 1}
    assert commitments.track_record(store, TITLE, weeks=1).kept_share == 0.0  # 11-12 only
    fresh = commitments.add(store, "Walk", every="saturday 10:00", start=datetime(2026, 11, 1))
    assert commitments.track_record(store, fresh.id).kept_share is None
    with pytest.raises(InvalidInput):
        commitments.track_record(store, TITLE, weeks=0)


def test_cli_show(cli, store: Store, dinner: Commitment) -> None:
    commitments.mark(store, TITLE, "traded", when=date(2026, 11, 12), traded_for="the launch")
    text = cli("commit", "show", TITLE, "--weeks", "4").stdout
    assert (  # oldest first: 10-29 and 11-05 not marked, 11-12 traded
        "Last 4 weeks: ··✕  0 kept, 1 traded, 0 skipped, 2 pending; kept 0% of those marked" in text
    )
    assert "the launch" in text
    data = json.loads(cli("commit", "show", "1", "--json").stdout)
    assert data["counts"]["traded"] == 1 and data["commitment"]["title"] == TITLE
    assert cli("commit", "show", "Gym").code == 2


def test_cli_empty_commitment_lists_say_so_in_one_line(cli, store: Store) -> None:
    assert cli("commit", "list", "--all").stdout == (
        "No commitments yet. Add one: tarry commit add TITLE --every 'thursday 19:00'.\n"
    )
    commitments.end(store, commitments.add(store, "Walk", every="day 8:00").id)
    assert cli("commit", "list").stdout == (
        "No active commitments. Add one: tarry commit add TITLE --every 'thursday 19:00';"
        " ended ones: tarry commit list --all.\n"
    )
