"""Tradeoffs: the library, `tarry traded` and `tarry tradeoffs`."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tarry.base.errors import InvalidInput, NotFound
from tarry.reflect import tradeoffs
from tarry.store import Store

AT = datetime(2026, 11, 17, 18, 0, tzinfo=UTC)


def test_record_and_get(store: Store) -> None:
    made = tradeoffs.record(
        store, " dinner with Sam ", "the quarterly deck", direction="toward", at=AT,
        cost_hours=2, cost_note="a late Friday", practices="priority+depth", note="Worth it.",
    )  # fmt: skip
    assert made.to_dict() == {
        "id": 1,
        "at": "2026-11-17T18:00:00+00:00",
        "chose": "dinner with Sam",
        "over": "the quarterly deck",
        "direction": "toward",
        "cost_hours": 2.0,
        "cost_note": "a late Friday",
        "note": "Worth it.",
        "practices": ["depth", "priority"],
        "commitment": None,
    }
    assert made.describe() == "Chose dinner with Sam over the quarterly deck (toward closeness)"
    assert tradeoffs.get(store, 1) == made


@pytest.mark.parametrize(
    ("chose", "over", "kwargs", "message"),
    [
        ("", "work", {"direction": "away"}, "needs both"),
        ("work", " ", {"direction": "away"}, "needs both"),
        ("work", "Sam", {"direction": "sideways"}, "Unknown direction 'sideways'"),
        ("work", "Sam", {"direction": "away", "cost_hours": -1}, "cannot be negative"),
        ("work", "Sam", {"direction": "away", "practices": "grit"}, "Unknown practice"),
    ],
)
def test_bad_input_writes_nothing(
    store: Store, chose: str, over: str, kwargs: dict, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        tradeoffs.record(store, chose, over, **kwargs)
    assert tradeoffs.all_tradeoffs(store) == []


def test_listing_filters_and_remove(store: Store) -> None:
    old = tradeoffs.record(store, "work", "Sam", direction="away", at=datetime(2026, 10, 1))
    new = tradeoffs.record(store, "Sam", "work", direction="toward", at=AT)
    assert [t.id for t in tradeoffs.all_tradeoffs(store)] == [new.id, old.id]
    assert [t.id for t in tradeoffs.all_tradeoffs(store, direction="away")] == [old.id]
    since = datetime(2026, 11, 1, tzinfo=UTC)
    assert [t.id for t in tradeoffs.all_tradeoffs(store, since=since)] == [new.id]
    assert [t.id for t in tradeoffs.all_tradeoffs(store, until=since)] == [old.id]
    with pytest.raises(InvalidInput):
        tradeoffs.all_tradeoffs(store, direction="up")
    tradeoffs.remove(store, old.id)
    with pytest.raises(NotFound):
        tradeoffs.get(store, old.id)


def test_cli_traded_and_list(cli, store: Store) -> None:
    result = cli(
        "traded", "work", "--over", "dinner with Sam", "--away", "--cost", "2h",
        "--cost-note", "she ate alone", "--practice", "priority", "--at", "2026-11-17 18:00",
        "--note", "The deck again.",
    )  # fmt: skip
    assert result.code == 0, result.stderr
    assert result.stdout.strip() == (
        "Chose work over dinner with Sam (away from closeness), cost 2 h. (tradeoff 1)"
    )
    listed = json.loads(cli("tradeoffs", "list", "--json").stdout)
    assert listed == [
        {
            "id": 1,
            "at": "2026-11-17T18:00:00+00:00",
            "chose": "work",
            "over": "dinner with Sam",
            "direction": "away",
            "cost_hours": 2.0,
            "cost_note": "she ate alone",
            "note": "The deck again.",
            "practices": ["priority"],
            "commitment": None,
        }
    ]
    cli("traded", "a walk with Maya", "--over", "email", "--toward", "--cost", "45m")
    towards = json.loads(cli("tradeoffs", "list", "--direction", "toward", "--json").stdout)
    assert [(t["chose"], t["cost_hours"]) for t in towards] == [("a walk with Maya", 0.75)]
    assert "Maya" in cli("tradeoffs", "list").stdout  # the table wraps long cells


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["work", "--over", "Sam"], "Say which way it went"),
        (["work", "--over", "Sam", "--toward", "--away"], "Say which way it went"),
        (["work", "--over", "Sam", "--away", "--cost", "a lot"], "Cannot read the duration"),
        (
            ["work", "--over", "Sam", "--away", "--cost", "99999h"],
            "A tradeoff costs at most a week (168 h), not 99999 h.",
        ),
        (["work", "--over", "Sam", "--away", "--cost", "5"], "Is '5' minutes or hours?"),
        (["work", "--over", "Sam", "--away", "--at", "9999-12-31"], "more than 366 days ahead"),
        (["work", "--over", "Sam", "--away", "--at", "1900-01-01"], "is before 1970"),
        (["work", "--over", "Sam", "--away", "-p", "grit"], "Unknown practice 'grit'"),
    ],
)
def test_cli_bad_input_exits_2(cli, store: Store, args: list[str], message: str) -> None:
    result = cli("traded", *args)
    assert result.code == 2
    assert message in result.stderr
    assert tradeoffs.all_tradeoffs(store) == []


def test_cli_list_since(cli, store: Store) -> None:
    tradeoffs.record(store, "work", "Sam", direction="away", at=datetime(2026, 10, 1, tzinfo=UTC))
    tradeoffs.record(store, "Sam", "work", direction="toward", at=AT)
    recent = json.loads(cli("tradeoffs", "list", "--since", "2026-11-01", "--json").stdout)
    assert [t["chose"] for t in recent] == ["Sam"]
    assert cli("tradeoffs", "list", "--direction", "up").code == 2


@pytest.mark.parametrize(
    ("args", "line"),
    [
        ([], 'No tradeoffs yet. Record one: tarry traded "a walk" --over "email" --toward.'),
        (["--direction", "away"], "No tradeoffs away from closeness."),
        (["--direction", "toward", "--since", "2026-11-01"],
         "No tradeoffs toward closeness since 2026-11-01."),
    ],
)  # fmt: skip
def test_cli_empty_listing_says_so_in_one_line(cli, store: Store, args: list[str], line: str):
    assert cli("tradeoffs", "list", *args).stdout == line + "\n"
