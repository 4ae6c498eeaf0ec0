"""Edit, delete and undo from the terminal: every kind, and `tarry undo`."""

from __future__ import annotations

import json

from tarry.declare import people
from tarry.reflect import journal, moments, tradeoffs
from tarry.store import Store


def test_moments_edit_remove_and_undo(cli, store: Store) -> None:
    people.add(store, "Sam")
    people.add(store, "Maya")
    assert cli("log", "--with", "Sam", "--note", "walk", "--at", "yesterday 19:00").code == 0
    result = cli("moments", "edit", "1", "--with", "Maya", "--intimacy", "7", "--for", "2h")
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("Changed moment 1 with Maya: meaningfulness 4.6")
    moment = moments.get(store, 1)
    assert (moment.people, moment.intimacy, moment.duration_min, moment.note) == (
        ["Maya"], 7, 120, "walk")  # fmt: skip
    result = cli("moments", "remove", "1")
    assert result.stdout == (
        "Deleted moment 1 with Maya, Wed 18 Nov 19:00. Undo within 30 days: tarry undo 2.\n"
    )
    listed = json.loads(cli("undo", "--list", "--json").stdout)
    assert [(c["id"], c["action"], c["kind"]) for c in listed] == [
        (2, "delete", "moment"), (1, "edit", "moment")]  # fmt: skip
    assert cli("undo").stdout == "Undone: deleted moment 1 with Maya, Wed 18 Nov 19:00.\n"
    assert cli("undo", "1").code == 0
    assert moments.get(store, 1).people == ["Sam"]
    result = cli("undo")
    assert (result.code, result.stderr) == (2, "error: Nothing to undo in the last 30 days.\n")


def test_moments_edit_needs_something_to_change(cli, store: Store) -> None:
    people.add(store, "Sam")
    cli("log", "--with", "Sam")
    result = cli("moments", "edit", "1")
    assert result.code == 2 and "Say what to change" in result.stderr
    result = cli("moments", "edit", "1", "--intimacy", "9")
    assert result.code == 2 and "--intimacy" in result.stderr


def test_an_unknown_change_names_the_listing(cli, store: Store) -> None:
    result = cli("undo", "42")
    assert result.code == 2
    assert "No change 42 to undo" in result.stderr and "tarry undo --list" in result.stderr


def test_people_tradeoffs_entries_values_commitments(cli, store: Store) -> None:
    people.add(store, "Sam", cadence_days=7)
    assert cli("people", "edit", "Sam", "--no-every", "--name", "Samira").code == 0
    assert people.get(store, "Samira").cadence_days is None
    assert cli("people", "remove", "Samira").stdout.startswith("Deleted Samira.")
    cli("undo")
    assert people.get(store, "Samira").id == 1

    tradeoffs.record(store, "a walk", "email", direction="toward")
    result = cli("tradeoffs", "edit", "1", "--away", "--cost", "90m", "--chose", "a call")
    assert result.stdout == "Chose a call over email (away from closeness). (tradeoff 1)\n"
    assert tradeoffs.get(store, 1).cost_hours == 1.5
    assert json.loads(cli("tradeoffs", "remove", "1", "--json").stdout)["kind"] == "tradeoff"

    journal.write(store, "first text", tags=["a"])
    assert cli("entries", "edit", "1", "--tag", "b", "--tag", "c").code == 0
    assert journal.get(store, 1).tags == ["b", "c"] and journal.get(store, 1).body == "first text"
    assert cli("entries", "edit", "1", input="second text\n").code == 0
    assert journal.get(store, 1).body == "second text"
    result = cli("entries", "edit", "1", input="  \n")
    assert result.code == 2 and "would be empty" in result.stderr
    assert cli("entries", "remove", "1").code == 0

    assert cli("values", "--rate", "intimate=9/4").code == 0
    result = cli("values", "edit", "1", "--rate", "intimate=9/6", "--rate", "friends=8/8")
    assert result.code == 0 and "Profile 1" in result.stdout
    assert cli("values", "remove", "1").code == 0

    added = cli("commit", "add", "Dinner", "--every", "monday 19:00", "--start", "2026-11-02")
    assert added.code == 0
    result = cli("commit", "edit", "Dinner", "--every", "tuesday 20:00", "--for", "90m")
    assert result.stdout.startswith("Changed 'Dinner' (1): every Tue 20:00, 90 min.")
    assert cli("commit", "mark", "1", "--date", "2026-11-17", "skipped").code == 0
    assert cli("commit", "unmark", "1", "--date", "2026-11-17").stdout.startswith(
        "Dinner on Tue 2026-11-17 20:00: pending."
    )
    assert cli("commit", "remove", "Dinner").code == 0
    kinds = [c["kind"] for c in json.loads(cli("undo", "--list", "--json").stdout)]
    assert kinds == [
        "commitment", "occurrence", "occurrence", "commitment", "profile", "profile",
        "entry", "entry", "entry", "tradeoff", "tradeoff", "person",
    ]  # fmt: skip
    for _ in kinds:
        assert cli("undo").code == 0, kinds
    assert cli("commit", "list", "--json").stdout.count('"title": "Dinner"') == 1
    assert cli("undo", "--forget").stdout == "Forgot 0 changes.\n"
