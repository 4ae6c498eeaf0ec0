"""Edit, delete and undo: every kind of thing, through the one undo log (store/undo.py).

Each test changes something through the library, checks that search and strength follow, undoes
it and checks that everything is back as it was, ids included (or moved, when taken since)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta

import pytest
from tests.mirror.chatdata import insert_chat

from tarry.base.errors import Conflict, InvalidInput, NotFound
from tarry.commit import commitments
from tarry.declare import contacts, people, values
from tarry.reflect import journal, moments, tradeoffs
from tarry.review import strength
from tarry.store import Store, search, undo

AT = datetime(2026, 11, 18, 19, 0, tzinfo=UTC)
NOV_2 = datetime(2026, 11, 2, 19)


def dump(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table the undo log does not own, to compare whole stores."""
    tables = [t for t in undo._tables(store) if t not in ("undo_log", "schema_migrations")]
    return {t: sorted(tuple(r) for r in store.query(f'SELECT * FROM "{t}"')) for t in tables}


def hits(store: Store, words: str) -> list[str]:
    return [h.ref for h in search.search(store, words)]


@pytest.fixture
def sam(store: Store) -> Store:
    people.add(store, "Sam", relation="partner", cadence_days=7, aliases=["Sammy"])
    people.add(store, "Maya")
    return store


def test_a_deleted_moment_leaves_search_and_strength_and_comes_back(sam: Store) -> None:
    moment = moments.log(sam, ["Sam"], at=AT, note="the canal walk", practices="depth")
    before = dump(sam)
    score = {s.name: s.score for s in strength.people(sam)}["Sam"]
    assert hits(sam, "canal") == [f"moment/{moment.id}"] and score > 0
    change = moments.remove(sam, moment.id)
    assert change.describe() == f"Deleted moment {moment.id} with Sam, Wed 18 Nov 19:00"
    assert hits(sam, "canal") == []
    assert {s.name: s.score for s in strength.people(sam)}["Sam"] == 0
    with pytest.raises(NotFound):
        moments.get(sam, moment.id)
    undone = undo.undo(sam)
    assert (undone.change.id, undone.ref) == (change.id, moment.id)
    assert dump(sam) == before
    assert hits(sam, "canal") == [f"moment/{moment.id}"]
    assert {s.name: s.score for s in strength.people(sam)}["Sam"] == score
    assert undo.recent(sam) == []


def test_an_id_taken_since_moves_the_restored_moment_and_its_rows(sam: Store) -> None:
    first = moments.log(sam, ["Sam", "Maya"], at=AT, note="first", practices="depth+stay")
    moments.remove(sam, first.id)
    other = moments.log(sam, ["Maya"], at=AT, note="took its id")
    assert other.id == first.id  # SQLite reuses the largest id
    undone = undo.undo(sam)
    assert undone.ref != first.id
    back = moments.get(sam, undone.ref)
    assert (back.note, back.people, back.practices) == ("first", ["Maya", "Sam"], ["depth", "stay"])
    assert moments.get(sam, other.id).note == "took its id"


def test_a_deleted_person_comes_back_with_their_links(sam: Store) -> None:
    moment = moments.log(sam, ["Sam", "Maya"], at=AT)
    commitments.add(sam, "Dinner", every="monday 19:00", start=NOV_2, people_names=["Sam"])
    conversation = insert_chat(sam, "Sam", [("2026-11-17T10:00:00Z", "them", "hi"),
                                           ("2026-11-17T10:01:00Z", "me", "hello")])  # fmt: skip
    contacts.rebuild(sam)
    before = dump(sam)
    change = people.remove(sam, "Sammy")
    assert change.summary == "Sam" and people.find(sam, "Sam") is None
    assert moments.get(sam, moment.id).people == ["Maya"]  # the moment stays, without Sam
    assert sam.scalar("SELECT person_id FROM conversations WHERE id = ?", (conversation,)) is None
    undo.undo(sam, change.id)
    assert dump(sam) == before
    assert moments.get(sam, moment.id).people == ["Maya", "Sam"]
    assert commitments.get(sam, "Dinner").people == ["Sam"]


def test_an_edit_is_undone_and_search_follows(sam: Store) -> None:
    entry = journal.write(sam, "I was afraid of the dark", tags=["fear"], at=AT)
    before = dump(sam)
    edited = journal.edit(sam, entry.id, body="I was afraid of the sea", tags=["sea", "Fear"])
    assert (edited.body, edited.tags) == ("I was afraid of the sea", ["fear", "sea"])
    assert hits(sam, "dark") == [] and hits(sam, "sea") == [f"entry/{entry.id}"]
    (change,) = undo.recent(sam)
    assert change.describe() == f"Changed entry {entry.id}, Wed 18 Nov: I was afraid of the dark"
    undo.undo(sam)
    assert dump(sam) == before and hits(sam, "dark") == [f"entry/{entry.id}"]


def test_an_edit_that_changes_nothing_is_not_recorded(sam: Store) -> None:
    moment = moments.log(sam, ["Sam"], at=AT, note="same")
    moments.edit(sam, moment.id, note="same", people_names=["Sam"])
    people.edit(sam, "Sam", relation="partner")
    assert undo.recent(sam) == []


def test_editing_a_moment_checks_like_logging_one(sam: Store) -> None:
    moment = moments.log(sam, ["Sam"], at=AT, i_disclosed=2)
    assert moment.disclosure == "fact"
    edited = moments.edit(sam, moment.id, i_disclosed=7, people_names=["Maya"],
                          practices="seen", duration_min=90)  # fmt: skip
    assert (edited.disclosure, edited.people, edited.practices, edited.duration_min) == (
        "feeling", ["Maya"], ["seen"], 90)  # fmt: skip
    with pytest.raises(InvalidInput) as caught:
        moments.edit(sam, moment.id, intimacy=9)
    assert caught.value.field == "intimacy"
    with pytest.raises(InvalidInput) as caught:
        moments.edit(sam, moment.id, people_names=[])
    assert caught.value.field == "people_names"
    assert moments.get(sam, moment.id) == edited


def test_every_kind_edits_and_undoes(sam: Store) -> None:
    tradeoff = tradeoffs.record(sam, "a walk", "email", direction="toward", at=AT, cost_hours=1)
    profile = values.record(sam, {"intimate": (9, 4), "work": (8, 9)}, at=AT)
    commitment = commitments.add(
        sam, "Dinner", every="monday 19:00", start=NOV_2, people_names=["Sam"]
    )
    before = dump(sam)
    tradeoffs.edit(sam, tradeoff.id, chose="a long walk", direction="away", clear_cost=True,
                   practices="priority")  # fmt: skip
    values.edit(sam, profile.id, ratings={"intimate": (9, 6)}, note="kinder")
    commitments.edit(sam, "Dinner", title="Long dinner", every="tuesday 20:00",
                     people_names=["Maya"], duration_min=120)  # fmt: skip
    people.edit(sam, "Sam", new_name="Samira", clear_cadence=True, remove_aliases=["Sammy"])
    assert commitments.get(sam, commitment.id).describe() == "every Tue 20:00"
    assert values.get(sam, profile.id).composite == 54
    assert people.get(sam, "Samira").cadence_days is None
    assert [c.kind for c in undo.recent(sam)] == ["person", "commitment", "profile", "tradeoff"]
    for _ in range(4):
        undo.undo(sam)
    assert dump(sam) == before


def test_every_kind_deletes_and_undoes(sam: Store) -> None:
    tradeoffs.record(sam, "a walk", "email", direction="toward", at=AT, practices="depth")
    values.record(sam, {"intimate": (9, 4)}, at=AT)
    commitments.add(sam, "Dinner", every="monday 19:00", start=NOV_2, people_names=["Sam"])
    commitments.mark(sam, "Dinner", "traded", when=date(2026, 11, 16), traded_for="work")
    journal.write(sam, "an entry", at=AT)
    before = dump(sam)
    commitments.remove(sam, "Dinner")
    tradeoffs.remove(sam, 1)
    values.remove(sam, 1)
    journal.remove(sam, 1)
    assert sam.scalar("SELECT count(*) FROM occurrences") == 0
    assert tradeoffs.all_tradeoffs(sam)[0].commitment is None  # the traded one stays
    for _ in range(4):
        undo.undo(sam)
    assert dump(sam) == before


def test_a_deleted_tradeoff_relinks_its_occurrence(sam: Store) -> None:
    commitments.add(sam, "Dinner", every="monday 19:00", start=NOV_2)
    mark = commitments.mark(sam, "Dinner", "traded", when=date(2026, 11, 16), traded_for="work")
    before = dump(sam)
    tradeoffs.remove(sam, mark.tradeoff_id or 0)
    assert sam.scalar("SELECT tradeoff_id FROM occurrences") is None
    undo.undo(sam)
    assert dump(sam) == before


def test_marks_are_undone_one_by_one_back_to_pending(sam: Store) -> None:
    commitments.add(sam, "Dinner", every="monday 19:00", start=NOV_2, practices="priority")
    day = date(2026, 11, 16)
    pending = dump(sam)
    commitments.mark(sam, "Dinner", "kept", when=day)
    kept = dump(sam)
    commitments.mark(sam, "Dinner", "traded", when=day, traded_for="the launch")
    assert [t.chose for t in tradeoffs.all_tradeoffs(sam)] == ["the launch"]
    commitments.mark(sam, "Dinner", "pending", when=day)
    assert [c.summary for c in undo.recent(sam)] == [
        "'Dinner' on Mon 16 Nov 19:00 pending (was traded)",
        "'Dinner' on Mon 16 Nov 19:00 traded (was kept)",
        "'Dinner' on Mon 16 Nov 19:00 kept (was pending)",
    ]
    undo.undo(sam)
    assert [t.chose for t in tradeoffs.all_tradeoffs(sam)] == ["the launch"]
    undo.undo(sam)
    assert dump(sam) == kept and tradeoffs.all_tradeoffs(sam) == []
    undo.undo(sam)
    assert dump(sam) == pending


def test_an_undo_that_clashes_is_refused_and_changes_nothing(sam: Store) -> None:
    people.remove(sam, "Maya")
    people.add(sam, "Maya", relation="family")
    before = dump(sam)
    with pytest.raises(Conflict, match="Cannot undo: Maya clashes with what is there now"):
        undo.undo(sam)
    assert dump(sam) == before and len(undo.recent(sam)) == 1


def test_a_reference_that_blocks_a_deletion_is_refused_before_anything_changes(sam: Store) -> None:
    sam.execute("CREATE TABLE pairs (person_id INTEGER REFERENCES people(id) ON DELETE RESTRICT)")
    sam.execute("INSERT INTO pairs VALUES (1)")
    with pytest.raises(Conflict, match="Cannot delete Sam: pairs still depends on it"):
        people.remove(sam, "Sam")
    assert people.get(sam, "Sam").id == 1 and undo.recent(sam) == []


def test_changes_are_forgotten_after_the_undo_days(
    sam: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    moment = moments.log(sam, ["Sam"], at=AT, note="secret")
    change = moments.remove(sam, moment.id)
    later = datetime(2026, 11, 19, 12, tzinfo=UTC) + timedelta(days=undo.UNDO_DAYS, seconds=1)
    monkeypatch.setenv("TARRY_NOW", later.isoformat())
    assert undo.recent(sam) == []
    with pytest.raises(NotFound, match=f"No change {change.id} to undo"):
        undo.undo(sam, change.id)
    moments.remove(sam, moments.log(sam, ["Sam"], note="new").id)
    assert sam.scalar("SELECT count(*) FROM undo_log") == 1  # the old one is gone for good
    assert "secret" not in str(sam.query("SELECT plan FROM undo_log")[0][0])


def test_forgetting_everything_now(sam: Store) -> None:
    moments.remove(sam, moments.log(sam, ["Sam"], at=AT).id)
    assert undo.forget_all(sam) == 1
    with pytest.raises(NotFound, match="Nothing to undo in the last 30 days"):
        undo.undo(sam)


def test_a_plan_keeps_bytes(sam: Store) -> None:
    sam.execute("CREATE TABLE keys (person_id INTEGER REFERENCES people(id) ON DELETE CASCADE,"
                " secret BLOB)")  # fmt: skip
    sam.execute("INSERT INTO keys VALUES (1, ?)", (b"\x00\xff",))
    people.remove(sam, "Sam")
    undo.undo(sam)
    assert sam.scalar("SELECT secret FROM keys") == b"\x00\xff"


def test_a_failed_undo_plan_rolls_back(sam: Store) -> None:
    change = moments.remove(sam, moments.log(sam, ["Sam"], at=AT).id)
    sam.execute("UPDATE undo_log SET plan = ? WHERE id = ?",
                ('{"restore": [["moments", {"id": 9, "at": null}]]}', change.id))  # fmt: skip
    with pytest.raises(Conflict):
        undo.undo(sam)
    assert moments.all_moments(sam) == [] and len(undo.recent(sam)) == 1
    assert isinstance(Conflict("x").__cause__, type(None)) and sqlite3.IntegrityError


def test_marking_again_the_same_way_records_nothing(sam: Store) -> None:
    commitments.add(sam, "Dinner", every="monday 19:00", start=NOV_2)
    commitments.mark(sam, "Dinner", "kept", when=date(2026, 11, 16))
    commitments.mark(sam, "Dinner", "kept", when=date(2026, 11, 16))
    commitments.mark(sam, "Dinner", "kept", when=date(2026, 11, 16), note="lovely")
    assert [c.summary for c in undo.recent(sam)] == [
        "'Dinner' on Mon 16 Nov 19:00 kept (was kept)",
        "'Dinner' on Mon 16 Nov 19:00 kept (was pending)",
    ]
