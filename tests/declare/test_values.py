"""Value profiles: the library and `tarry values`."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tarry.base.errors import InvalidInput, NotFound
from tarry.declare import values
from tarry.store import Store

RATINGS = {"intimate": (9, 4), "work": (8, 9), "friends": (8, 5)}


def test_record_computes_composite_and_gaps(store: Store) -> None:
    profile = values.record(store, RATINGS, note="first")
    assert [r.domain for r in profile.ratings] == ["intimate", "friends", "work"]  # VLQ order
    assert profile.composite == 49.33  # (36 + 40 + 72) / 3
    assert profile.closeness_gap == 4.0  # mean of 5 (intimate) and 3 (friends)
    assert profile.to_dict()["ratings"][0] == {
        "domain": "intimate",
        "label": "Intimate relations (partner, couple, dating)",
        "importance": 9,
        "consistency": 4,
        "product": 36,
        "gap": 5,
    }
    assert values.get(store, profile.id) == profile
    assert profile.note == "first"


def test_profile_without_closeness_domains_has_no_gap(store: Store) -> None:
    assert values.record(store, {"work": (5, 5)}).closeness_gap is None


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("intimate", "intimate"),
        ("Intimate relations", "intimate"),
        ("self-care", "selfcare"),
        ("Friendships", "friends"),
        ("SPIRITUALITY", "spirituality"),
    ],
)
def test_domain_spellings(text: str, key: str) -> None:
    assert values.domain_key(text) == key


def test_parse_rating() -> None:
    assert values.parse_rating("intimate=9/4") == ("intimate", 9, 4)
    for bad in ("intimate=9", "intimate=x/4", "intimate:9/4", "love=9/4"):
        with pytest.raises(InvalidInput):
            values.parse_rating(bad)


@pytest.mark.parametrize(
    "ratings",
    [{"intimate": (11, 4)}, {"intimate": (9, 0)}, {"nonsense": (5, 5)}, {}],
)
def test_bad_ratings_store_nothing(store: Store, ratings: dict) -> None:
    with pytest.raises(InvalidInput):
        values.record(store, {"work": (5, 5), **ratings} if ratings else {})
    assert values.history(store) == []


def test_history_latest_and_trend(store: Store) -> None:
    assert values.latest(store) is None
    assert values.trend(store).composite_change is None
    first = values.record(store, RATINGS, at=datetime(2026, 9, 1, tzinfo=UTC))
    last = values.record(
        store,
        {"intimate": (9, 7), "work": (8, 8), "friends": (8, 6)},
        at=datetime(2026, 11, 1, tzinfo=UTC),
    )
    assert [p.id for p in values.history(store)] == [first.id, last.id]
    assert values.latest(store) == last
    trend = values.trend(store)
    assert (trend.composite_change, trend.closeness_gap_change) == (9.0, -2.0)  # 58.33 - 49.33
    assert trend.consistency_change == {"intimate": 3, "friends": 1, "work": -1}


def test_unknown_profile(store: Store) -> None:
    with pytest.raises(NotFound):
        values.get(store, 42)


def test_cli_rate_from_flags_then_show(cli, store: Store) -> None:
    result = cli("values", "--rate", "intimate=9/4", "--rate", "work=8/9", "--rate", "friends=8/5")
    assert result.code == 0
    assert "Composite (VLQ, mean of I x C): 49.33" in result.stdout
    assert "Want/value gap for closeness" in result.stdout and "+4" in result.stdout
    shown = json.loads(cli("values", "show", "--json").stdout)
    assert (shown["composite"], shown["closeness_gap"], len(shown["ratings"])) == (49.33, 4.0, 3)
    assert "derived index" in shown["gap_label"]


def test_cli_second_profile_shows_change_and_history(cli, store: Store) -> None:
    values.record(store, RATINGS, at=datetime(2026, 9, 1, tzinfo=UTC))
    result = cli("values", "--rate", "intimate=9/7", "--rate", "work=8/8", "--rate", "friends=8/6")
    assert "(+9.0 since 2026-09-01)" in result.stdout
    history = json.loads(cli("values", "history", "--json").stdout)
    assert [p["composite"] for p in history["profiles"]] == [49.33, 58.33]
    assert history["closeness_gap_change"] == -2.0
    text = cli("values", "history").stdout
    assert "Composite change, first to latest: +9" in text


def test_cli_bad_rating_exits_2_and_stores_nothing(cli, store: Store) -> None:
    result = cli("values", "--rate", "intimate=11/4")
    assert result.code == 2
    assert "The importance of intimate must be 1-10, not 11." in result.stderr
    assert values.history(store) == []


def test_cli_show_without_profile(cli) -> None:
    assert "No value profile yet" in cli("values", "show").stdout
    assert cli("values", "show", "--json").stdout.strip() == "null"


def test_cli_interactive_asks_every_domain(cli, store: Store) -> None:
    # family 8/6, intimate 10 then an out-of-range 12 (asked again) then 4, parenting skipped,
    # the rest 5/5.
    answers = ["8", "6", "10", "12", "4", ""] + ["5", "5"] * 7
    result = cli("values", input="\n".join(answers) + "\n")
    assert result.code == 0, result.stderr
    assert "'12' is not a whole number from 1 to 10." in result.stdout + result.stderr
    profile = values.latest(store)
    assert profile is not None
    assert [r.domain for r in profile.ratings] == [k for k in values.DOMAINS if k != "parenting"]
    assert profile.rating("intimate") == values.Rating("intimate", 10, 4)
    assert profile.rating("family") == values.Rating("family", 8, 6)
    assert profile.closeness_gap == 2.67  # (2 + 6 + 0) / 3


def test_cli_interactive_offers_last_answers(cli, store: Store) -> None:
    values.record(store, {"family": (8, 6), "intimate": (10, 4)})
    # family: Enter keeps 8, new consistency 7; intimate: Enter, Enter; the rest skipped with '-'.
    answers = ["", "7", "", ""] + ["-"] * 8
    result = cli("values", input="\n".join(answers) + "\n")
    assert result.code == 0, result.stderr
    assert "Family (other than couple or parenting): importance [8]" in result.stdout
    profile = values.latest(store)
    assert profile is not None and profile.id == 2
    assert [(r.domain, r.importance, r.consistency) for r in profile.ratings] == [
        ("family", 8, 7),
        ("intimate", 10, 4),
    ]


def test_a_domain_rated_twice_is_refused(cli, store: Store) -> None:
    with pytest.raises(InvalidInput, match="intimate is rated twice"):
        values.parse_ratings(["intimate=9/4", "couple=8/3"])
    result = cli("values", "--rate", "intimate=9/4", "--rate", "intimate=8/3")
    assert result.code == 2
    assert result.stderr.splitlines() == [
        "error: intimate is rated twice: intimate=9/4 and intimate=8/3.",
        "Give each domain once.",
        "See --rate.",
    ]
    assert values.history(store) == []


def test_trend_compares_only_the_domains_rated_in_both(store: Store) -> None:
    values.record(store, RATINGS, at=datetime(2026, 9, 1, tzinfo=UTC))  # composite 49.33
    values.record(store, {"intimate": (9, 5)}, at=datetime(2026, 11, 1, tzinfo=UTC))  # 45
    trend = values.trend(store)
    assert trend.compared == ["intimate"]
    assert (trend.composite_change, trend.closeness_gap_change) == (9.0, -1.0)  # 45 - 36; 4 - 5
    assert trend.consistency_change == {"intimate": 1}
    assert trend.to_dict()["compared_domains"] == ["intimate"]


def test_cli_one_domain_profile_says_what_it_compares(cli, store: Store) -> None:
    values.record(store, RATINGS, at=datetime(2026, 9, 1, tzinfo=UTC))
    result = cli("values", "--rate", "intimate=9/5")
    assert "(+9.0 since 2026-09-01 over intimate, rated both times)" in result.stdout
    text = cli("values", "history").stdout
    assert "Composite change, first to latest (over the 1 domain rated in both): +9" in text


def test_cli_history_without_profiles_says_so(cli) -> None:
    text = cli("values", "history").stdout
    assert text == "No value profile yet. Run `tarry values` to rate what matters.\n"
