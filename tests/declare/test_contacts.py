"""Days of contact from imported messages: recorded by the importer, backfilled by migration."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tarry.declare import contacts, people
from tarry.mirror.chats import import_chat
from tarry.review import strength
from tarry.store import Store, migrations
from tarry.store.connection import connect

CHAT = (
    "17/11/2026, 09:00 - Sam: morning\n"
    "17/11/2026, 09:05 - Alex: hi\n"
    "18/11/2026, 22:00 - Alex: you around?\n"
    "19/11/2026, 08:00 - Messages and calls are end-to-end encrypted.\n"
)


def days(store: Store) -> list[tuple[int, str]]:
    rows = store.query("SELECT person_id, day FROM message_days ORDER BY person_id, day")
    return [(r[0], date.fromordinal(r[1]).isoformat()) for r in rows]


def write_chat(tmp_path: Path) -> Path:
    export = tmp_path / "WhatsApp Chat with Sam.txt"
    export.write_text(CHAT, encoding="utf-8")
    return export


def test_import_records_days_both_ways(store: Store, tmp_path: Path) -> None:
    sam = people.add(store, "Sam", cadence_days=7)
    import_chat(store, write_chat(tmp_path), person="Sam", me="Alex")
    # Sam wrote on the 17th; Alex (the user) wrote to Sam on the 17th and 18th; system lines
    # are not contact.
    assert days(store) == [(sam.id, "2026-11-17"), (sam.id, "2026-11-18")]
    (found,) = strength.people(store)
    assert found.last_contact == date(2026, 11, 18)


def test_relinking_recounts(store: Store, tmp_path: Path) -> None:
    people.add(store, "Sam")
    bo = people.add(store, "Bo")
    export = write_chat(tmp_path)
    import_chat(store, export, person="Sam", me="Alex")
    import_chat(store, export, person="Bo", me="Alex")  # the same chat, now with Bo
    # Alex's messages now count for Bo; Sam's own message still counts for Sam.
    assert days(store) == [(1, "2026-11-17"), (bo.id, "2026-11-17"), (bo.id, "2026-11-18")]


def test_removing_a_person_removes_their_days(store: Store, tmp_path: Path) -> None:
    people.add(store, "Sam")
    import_chat(store, write_chat(tmp_path), person="Sam", me="Alex")
    people.remove(store, "Sam")
    assert days(store) == []


def test_migration_backfills_existing_messages(home: Path, tmp_path: Path) -> None:
    home.mkdir(mode=0o700)
    conn = connect(home / "tarry.db")
    old = Store(conn, home / "tarry.db")
    migrations.upgrade(old, until=8)
    sam = people.add(old, "Sam")
    old.execute(
        "INSERT INTO conversations (id, source, title, person_id, me, imported_at)"
        " VALUES (1, 'whatsapp', 'Sam', ?, 'Alex', 'x')",
        (sam.id,),
    )
    old.execute(
        "INSERT INTO messages (conversation_id, key, ts, author, is_me, person_id, text, kind)"
        " VALUES (1, 'a', '2026-11-17T09:00:00', 'Sam', 0, ?, 'morning', 'message'),"
        " (1, 'b', '2026-11-18T22:00:00Z', 'Alex', 1, NULL, 'around?', 'message')",
        (sam.id,),
    )
    conn.close()
    with Store.open(home) as store:
        assert [d for _, d in days(store)] == ["2026-11-17", "2026-11-18"]
        contacts.rebuild(store)
        assert [d for _, d in days(store)] == ["2026-11-17", "2026-11-18"]
