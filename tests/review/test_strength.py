"""Strength: Loop Habit Tracker's score for practices and people, and who is drifting."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tarry.declare import contacts, people
from tarry.review import strength
from tarry.review.strength import Target
from tarry.store import Store

DAY1 = date(2026, 11, 1)


def day(n: int) -> date:
    return DAY1 + timedelta(days=n - 1)


def moment(store: Store, at: str, names: list[str] = (), practices: list[str] = ()) -> int:  # type: ignore[assignment]
    cur = store.execute(
        "INSERT INTO moments (at, duration_min, intimacy, i_disclosed, they_disclosed,"
        " pleasantness, satisfaction) VALUES (?, 30, 4, 4, 4, 4, 4)",
        (at,),
    )
    moment_id = int(cur.lastrowid or 0)
    for name in names:
        store.execute(
            "INSERT INTO moment_people VALUES (?, ?)", (moment_id, people.get(store, name).id)
        )
    for practice in practices:
        store.execute("INSERT INTO moment_practices VALUES (?, ?)", (moment_id, practice))
    return moment_id


def test_daily_target_by_hand() -> None:
    m = 0.5 ** (1 / 13)  # f = 1: m = 0.5 ** (sqrt(1) / 13)
    got = strength.scores([day(1), day(2)], Target(1, 1), [day(1), day(2), day(3)])
    # day 1: 0*m + 1*(1-m); day 2: (1-m)*m + (1-m); day 3: nothing done, only decay
    expected = [1 - m, (1 - m) * m + (1 - m), ((1 - m) * m + (1 - m)) * m]
    assert [round(x, 12) for x in got] == [round(x, 12) for x in expected]


def test_a_contact_covers_the_whole_cadence_window() -> None:
    m = 0.5 ** ((1 / 3) ** 0.5 / 13)  # cadence 3 days: f = 1/3
    got = strength.scores([day(1)], Target(1, 3), [day(1), day(3), day(4)])
    s1 = 1 - m
    s3 = (s1 * m + (1 - m)) * m + (1 - m)  # days 2 and 3 are still inside the window
    s4 = s3 * m  # day 4: the window (days 2-4) holds no contact
    assert [round(x, 12) for x in got] == [round(s1, 12), round(s3, 12), round(s4, 12)]


def test_partial_target_counts_partly() -> None:
    m = 0.5 ** ((2 / 7) ** 0.5 / 13)  # twice a week
    got = strength.scores([day(1)], Target(2, 7), [day(2)])
    s1 = 0.5 * (1 - m)  # one of the two days wanted: v = 0.5
    assert round(got[0], 12) == round(s1 * m + 0.5 * (1 - m), 12)


def test_before_the_first_day_the_score_is_zero() -> None:
    assert strength.scores([day(5)], Target(1, 7), [day(1), day(4)]) == [0.0, 0.0]
    assert strength.scores([], Target(1, 7), [day(9)]) == [0.0]


def naive(days: list[date], target: Target, until: date) -> float:
    """The formula stepped one day at a time, as the reference for the fast version."""
    if not days:
        return 0.0
    score, current, m = 0.0, days[0], target.multiplier
    while current <= until:
        window = [d for d in days if current - timedelta(days=target.window) < d <= current]
        v = min(1.0, len(window) / target.times)
        score = score * m + v * (1 - m)
        current += timedelta(days=1)
    return score


@given(
    st.sets(st.integers(1, 200), max_size=30),
    st.integers(1, 7),
    st.integers(1, 30),
    st.lists(st.integers(1, 230), min_size=1, max_size=4),
)
def test_segments_equal_stepping_day_by_day(
    offsets: set[int], times: int, window: int, untils: list[int]
) -> None:
    days = sorted(day(n) for n in offsets)
    target = Target(min(times, window), window)  # times == 1 takes the runs path
    at = sorted(day(n) for n in untils)
    got = strength.scores(days, target, at)
    expected = [naive(days, target, d) for d in at]
    assert all(abs(a - b) < 1e-9 for a, b in zip(got, expected, strict=True)), (got, expected)


def test_targets_from_rules() -> None:
    assert strength.target_for(0) == Target(1, 7)
    assert strength.target_for(2 / 7) == Target(2, 7)
    assert strength.target_for(1 / 30) == Target(1, 30)
    assert strength.target_for(3.0) == Target(7, 7)
    weekly = strength.rule_per_day("FREQ=WEEKLY;BYDAY=TH", "2026-01-01T19:00:00", day(1))
    assert weekly == 4 / 28
    assert strength.rule_per_day("not a rule", "2026-01-01T19:00:00", day(1)) == 0.0


def test_targets_follow_the_commitments_live_on_the_day(store: Store) -> None:
    store.execute(
        "INSERT INTO commitments (id, title, rrule, starts_at, duration_min, created_at, ended_at)"
        " VALUES (1, 'a', 'FREQ=WEEKLY;BYDAY=MO,TH', '2026-06-01T19:00:00', 60, 'x', NULL),"
        " (2, 'b', 'FREQ=DAILY', '2026-01-01T08:00:00', 30, 'x', '2026-03-01T00:00:00Z')"
    )
    store.execute("INSERT INTO commitment_practices VALUES (1, 'stay'), (2, 'stay')")
    assert strength.practice_targets(store, date(2026, 2, 1))["stay"] == Target(7, 7)
    assert strength.practice_targets(store, date(2026, 4, 1))["stay"] == Target(1, 7)
    assert strength.practice_targets(store, date(2026, 11, 19))["stay"] == Target(2, 7)


def test_practice_strength_from_moments_commitments_tradeoffs_entries(store: Store) -> None:
    # TARRY_NOW is 2026-11-19; `depth` is committed twice a week.
    store.execute(
        "INSERT INTO commitments (id, title, rrule, starts_at, duration_min, created_at)"
        " VALUES (1, 'dinner', 'FREQ=WEEKLY;BYDAY=MO,TH', '2026-01-01T19:00:00', 120, 'x')"
    )
    store.execute("INSERT INTO commitment_practices VALUES (1, 'depth')")
    store.execute(
        "INSERT INTO occurrences (commitment_id, scheduled_at, status, marked_at)"
        " VALUES (1, '2026-11-16T19:00:00', 'kept', 'x')"
    )
    moment(store, "2026-11-19T08:00:00Z", practices=["depth", "seen"])
    store.execute(
        "INSERT INTO tradeoffs (id, at, chose, over, direction) VALUES"
        " (1, '2026-11-18T20:00:00Z', 'call', 'work', 'toward'),"
        " (2, '2026-11-18T21:00:00Z', 'work', 'call', 'away')"
    )
    store.execute("INSERT INTO tradeoff_practices VALUES (1, 'priority'), (2, 'stay')")
    store.execute("INSERT INTO entries (at, body) VALUES ('2026-11-17T07:00:00Z', 'x')")

    found = {p.practice: p for p in strength.practices(store, weeks=2)}
    assert found["depth"].target == Target(2, 7)
    days = [date(2026, 11, 16), date(2026, 11, 19)]
    assert found["depth"].score == strength.score_on(days, Target(2, 7), date(2026, 11, 19))
    assert found["depth"].last_done == date(2026, 11, 19)
    assert found["depth"].weekly == [0.0, found["depth"].score]
    assert found["seen"].target == Target(1, 7)
    assert found["priority"].last_done == date(2026, 11, 18)
    assert found["stay"].score == 0.0  # a tradeoff away from closeness exercises nothing
    assert found["inner"].last_done == date(2026, 11, 17)
    assert found["space"].to_dict() == {
        "practice": "space",
        "score": 0.0,
        "target": "once a week",
        "last_done": None,
        "weekly": [0.0, 0.0],
    }


def test_person_strength_counts_moments_and_messages_both_ways(store: Store) -> None:
    sam = people.add(store, "Sam", cadence_days=7)
    moment(store, "2026-11-02T18:00:00Z", ["Sam"])
    store.execute(
        "INSERT INTO conversations (id, source, title, person_id, imported_at)"
        " VALUES (1, 'whatsapp', 'Sam', ?, 'x')",
        (sam.id,),
    )
    store.execute(
        "INSERT INTO messages (conversation_id, key, ts, author, is_me, person_id, text, kind)"
        " VALUES (1, 'a', '2026-11-10T09:00:00Z', 'me', 1, NULL, 'hi', 'message'),"
        " (1, 'b', '2026-11-12T09:00:00', 'Sam', 0, ?, 'hey', 'message'),"
        " (1, 'c', '2026-11-18T09:00:00Z', 'x', 0, ?, 'joined', 'system'),"
        " (1, 'd', '2026-11-01T23:30:00.250', 'Sam', 0, ?, 'late', 'message'),"
        " (1, 'e', '2026-11-03T01:00:00+02:00', 'Sam', 0, ?, 'early', 'message')",
        (sam.id, sam.id, sam.id, sam.id),
    )
    contacts.record(store, after_id=0)  # as the importer does after storing messages
    (found,) = strength.people(store)
    # naive stamps are local already; zoned ones are moved to local time (UTC in tests)
    days = [date(2026, 11, d) for d in (1, 2, 10, 12)]
    assert found.score == strength.score_on(days, Target(1, 7), date(2026, 11, 19))
    assert (found.last_contact, found.days_since) == (date(2026, 11, 12), 7)
    assert found.score_before == 0.0  # 28 days earlier there was no contact yet


def test_drifting_people_most_urgent_first_with_reasons(store: Store) -> None:
    people.add(store, "Ana", cadence_days=7)
    people.add(store, "Bo", cadence_days=3)
    people.add(store, "Cy", cadence_days=30)
    people.add(store, "Di")  # no cadence: never judged
    moment(store, "2026-11-09T12:00:00Z", ["Ana"])  # 10 days ago, every 7 wanted
    moment(store, "2026-11-09T12:00:00Z", ["Bo"])  # 10 days ago, every 3 wanted
    moment(store, "2026-11-10T12:00:00Z", ["Cy"])  # 9 days ago, fine for monthly
    drifts = strength.drifting(store)
    assert [d.name for d in drifts] == ["Bo", "Ana"]
    assert drifts[1].reasons == ["last contact 10 days ago; you wanted every 7"]
    assert drifts[1].urgency == 10 / 7  # new, so not yet "falling"
    assert drifts[0].to_dict()["last_contact"] == "2026-11-09"


def test_a_person_never_contacted_drifts_after_their_cadence(store: Store) -> None:
    store.execute(
        "INSERT INTO people (name, cadence_days, created_at) VALUES"
        " ('Eli', 7, '2026-11-01T00:00:00Z'), ('Fay', 7, '2026-11-18T00:00:00Z')"
    )
    (drift,) = strength.drifting(store)
    assert drift.name == "Eli"
    assert drift.reasons == ["no contact recorded in the 18 days since you added them"]


def test_a_strong_bond_left_alone_is_falling(store: Store) -> None:
    people.add(store, "Ana", cadence_days=7)
    for week in range(9):  # weekly from 2026-08-25 to 2026-10-20, then nothing
        moment(
            store, (date(2026, 8, 25) + timedelta(weeks=week)).isoformat() + "T12:00:00Z", ["Ana"]
        )
    (drift,) = strength.drifting(store)
    assert 0.35 < drift.strength < 0.5
    before = strength.people(store)[0].score_before
    assert drift.reasons == [
        "last contact 30 days ago; you wanted every 7",
        f"strength {drift.strength:.2f}, down from {before:.2f} 28 days ago",
    ]
    assert drift.urgency == 30 / 7 + (0.5 - drift.strength)


def test_old_history_is_cut_only_below_the_tolerance(store: Store) -> None:
    people.add(store, "Ana", cadence_days=3)  # a short cadence: about 300 days of history matter
    people.add(store, "Bo", cadence_days=3)
    every_ten_days = [date(2023, 11, 20) + timedelta(days=10 * k) for k in range(109)]
    for when in every_ten_days:
        moment(store, when.isoformat() + "T12:00:00Z", ["Ana"], ["stay"])
    moment(store, "2023-06-01T12:00:00Z", ["Bo"], ["space"])  # long before any horizon
    ana, bo = strength.people(store)
    exact = strength.score_on(every_ten_days, Target(1, 3), date(2026, 11, 19))
    assert abs(ana.score - exact) < strength.TOLERANCE
    assert bo.last_contact == date(2023, 6, 1)  # read separately, beyond the horizon
    found = {p.practice: p for p in strength.practices(store)}
    assert found["space"].last_done == date(2023, 6, 1)
    assert found["stay"].last_done == every_ten_days[-1]


def test_days_are_local_days_for_moments_and_utc_wall_times_for_occurrences(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A moment is stored in UTC and counts on the day it was where you are; a commitment's
    occurrence is a wall time and counts on its own date. (The suite runs in UTC, where both
    are the same: only another zone shows the difference.)"""
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")  # UTC+14: 11:30Z is 01:30 the next day
    time.tzset()
    try:
        people.add(store, "Sam")
        moment(store, "2026-11-01T11:30:00Z", names=["Sam"], practices=["depth"])
        found = strength.practice_days(store, date(2026, 11, 30))
        assert found["depth"] == [date(2026, 11, 2).toordinal()]
        assert strength.contact_days(store, date(2026, 11, 30)) == {
            1: [date(2026, 11, 2).toordinal()]
        }
        assert strength._last_practised(store, "depth", date(2026, 11, 30)) == date(2026, 11, 2)
        assert strength._last_practised(store, "depth", date(2026, 11, 1)) is None
    finally:
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()


def test_the_day_queries_take_every_source_and_narrow_to_one_key(store: Store) -> None:
    """The SQL built for practice and contact days, run as built: each source table counts,
    `one_key` narrows to the practice or person asked for, and `:since` cuts earlier days."""
    people.add(store, "Sam")
    people.add(store, "Ana")
    moment(store, "2026-11-02T10:00:00Z", names=["Sam"], practices=["depth"])
    moment(store, "2026-11-03T10:00:00Z", names=["Ana"], practices=["stay"])
    store.execute("INSERT INTO entries (at, body) VALUES ('2026-11-04T08:00:00Z', 'a page')")
    store.execute(
        "INSERT INTO message_days (person_id, day) VALUES (1, ?)", (date(2026, 11, 5).toordinal(),)
    )
    ordinal = {n: date(2026, 11, n).toordinal() for n in range(1, 8)}
    every = store.query(strength._practice_sql(one_key=False), {"since": ""})
    assert sorted((k, d) for k, d in every) == [
        ("depth", ordinal[2]), ("inner", ordinal[4]), ("stay", ordinal[3])
    ]  # fmt: skip
    one = store.query(strength._practice_sql(one_key=True), {"since": "", "key": "stay"})
    assert [tuple(r) for r in one] == [("stay", ordinal[3])]
    later = store.query(strength._practice_sql(False), {"since": "2026-11-03T00:00:00Z"})
    assert sorted(k for k, _ in later) == ["inner", "stay"]
    contacts = store.query(strength._contact_sql(one_person=False), {"since": "", "since_day": 0})
    assert sorted(tuple(r) for r in contacts) == [(1, ordinal[2]), (1, ordinal[5]), (2, ordinal[3])]
    sam = store.query(strength._contact_sql(True), {"since": "", "since_day": 0, "id": 1})
    assert sorted(tuple(r) for r in sam) == [(1, ordinal[2]), (1, ordinal[5])]
    recent = store.query(
        strength._contact_sql(False), {"since": "2026-11-03", "since_day": ordinal[4]}
    )
    assert sorted(tuple(r) for r in recent) == [(1, ordinal[5]), (2, ordinal[3])]
    local, utc = strength._day("'2026-11-01T23:30:00-05:00'"), strength._day("x", local=False)
    assert store.scalar(f"SELECT {local}") == date(2026, 11, 2).toordinal()  # in UTC
    assert utc == "CAST(julianday(x) - 1721424.5 AS INTEGER)"
