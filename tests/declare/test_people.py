"""People: the library and `tarry people`."""

from __future__ import annotations

import json

import pytest

from tarry.base.errors import Conflict, InvalidInput, NotFound
from tarry.declare import people
from tarry.store import Store


def test_add_get_by_alias_edit_remove(store: Store) -> None:
    people.add(store, "Sam", relation="partner", cadence_days=3, aliases=["Sammy", "S K"])
    assert people.get(store, "sammy").name == "Sam"
    edited = people.edit(store, "Sam", new_name="Samira", add_aliases=["Sam"], cadence_days=2)
    assert (edited.name, edited.cadence_days, edited.aliases) == (
        "Samira",
        2,
        ["S K", "Sam", "Sammy"],
    )
    people.remove(store, "Samira")
    assert people.all_people(store) == []


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [({"relation": "boss"}, InvalidInput), ({"cadence_days": 0}, InvalidInput)],
)
def test_bad_values_are_refused(store: Store, kwargs: dict, error: type) -> None:
    with pytest.raises(error):
        people.add(store, "Ana", **kwargs)
    assert people.all_people(store) == []


def test_alias_cannot_belong_to_two_people(store: Store) -> None:
    people.add(store, "Ana", aliases=["A"])
    with pytest.raises(Conflict):
        people.add(store, "Bo", aliases=["a"])
    assert [p.name for p in people.all_people(store)] == ["Ana"]


def test_unknown_person(store: Store) -> None:
    with pytest.raises(NotFound, match="No person called 'Zed'"):
        people.get(store, "Zed")


def test_cli_round_trip(cli, store: Store) -> None:
    assert cli("people", "add", "Sam", "-r", "partner", "--every", "3", "-a", "Sammy").code == 0
    listed = cli("people", "list", "--json")
    assert json.loads(listed.stdout) == [
        {
            "id": 1,
            "name": "Sam",
            "relation": "partner",
            "cadence_days": 3.0,
            "note": "",
            "aliases": ["Sammy"],
        }
    ]
    assert cli("people", "edit", "Sammy", "--note", "loves rain").code == 0
    assert people.get(store, "Sam").note == "loves rain"


def test_cli_errors_exit_2_with_a_hint(cli) -> None:
    result = cli("people", "remove", "Nobody")
    assert result.code == 2
    assert "No person called 'Nobody'" in result.stderr and "tarry people add" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("cadence", [float("inf"), float("nan"), 1e308, -1.0, 3651.0])
def test_absurd_cadences_are_refused(store: Store, cadence: float) -> None:
    with pytest.raises(InvalidInput, match="from 1 to 3650"):
        people.add(store, "Ana", cadence_days=cadence)
    assert people.all_people(store) == []


def test_names_and_aliases_never_collide(store: Store) -> None:
    people.add(store, "Sam", aliases=["Sam K"])
    people.add(store, "Jo")
    with pytest.raises(Conflict, match="already an alias of Sam"):
        people.add(store, "sam k")
    with pytest.raises(Conflict, match="already names Sam"):
        people.edit(store, "Jo", add_aliases=["Sam"])
    with pytest.raises(Conflict, match="already names Sam"):
        people.edit(store, "Jo", new_name="Sam K")
    assert people.edit(store, "Sam", new_name="Sam K").name == "Sam K"


def test_cli_refuses_infinite_cadence(cli) -> None:
    result = cli("people", "add", "Inf", "--every", "inf")
    assert result.code == 2 and "from 1 to 3650" in result.stderr


def test_a_refused_number_is_said_as_typed(store: Store) -> None:
    with pytest.raises(InvalidInput) as caught:
        people.add(store, "Ana", cadence_days=-3.0)
    assert caught.value.message.endswith("from 1 to 3650, not -3.")
