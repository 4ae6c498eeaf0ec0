"""Migration 31 builds `messages` and `message_labels` again with their checks written as
comparisons: every row, reference, index, trigger and check survives, and a rebuild that would
break a reference is refused whole."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from tarry.store import Store, encryption, migrations
from tarry.store.connection import apply_key, cipher, connect, connect_encrypted

REBUILT = 31


def _store_at(home: Path, number: int) -> Store:
    home.mkdir(mode=0o700)
    store = Store(connect(home / "tarry.db"), home / "tarry.db")
    migrations.upgrade(store, until=number)
    return store


def _fill(store: Store) -> None:
    store.execute(
        "INSERT INTO people (id, name, created_at) VALUES (7, 'Sam', '2026-01-01T00:00:00Z')"
    )
    store.execute(
        "INSERT INTO conversations (id, source, title, person_id, me, imported_at)"
        " VALUES (3, 'csv', 'Sam', 7, 'Me', '2026-01-01T00:00:00Z')"
    )
    store.conn.executemany(
        "INSERT INTO messages (id, conversation_id, key, ts, author, is_me, person_id, text,"
        " kind) VALUES (?, 3, ?, ?, ?, ?, ?, ?, ?)",
        [
            (10, "k10", "2026-01-01T10:00:00Z", "Sam", 0, 7, "the pier was open", "message"),
            (11, "k11", "2026-01-01T10:01:00Z", "Me", 1, None, "oh no, what a shame", "message"),
            (12, "k12", "2026-01-01T10:02:00Z", "Sam", 0, 7, "<Media omitted>", "media"),
        ],
    )
    store.execute("INSERT INTO messages_fts (rowid, text) SELECT id, text FROM messages")
    store.conn.executemany(
        "INSERT INTO message_labels (message_id, version, disclosure, moves, question, evidence,"
        " scores, sure) VALUES (?, 5, ?, ?, NULL, '{}', '{\"feeling\": 0.2}', ?)",
        [(10, "fact", "", "fact"), (11, "none", "validate", "validate")],
    )
    store.execute(
        "INSERT INTO message_refs (message_id, conversation_id, source_id) VALUES (10, 3, 'a1')"
    )
    store.execute(
        "INSERT INTO reactions (message_id, author, is_me, emoji) VALUES (10, 'Me', 1, '❤')"
    )


def _tables(store: Store) -> dict[str, list[tuple[object, ...]]]:
    names = ("messages", "message_labels", "message_refs", "reactions")
    return {n: [tuple(r) for r in store.query(f"SELECT * FROM {n} ORDER BY 1")] for n in names}


def test_the_rebuild_keeps_every_row_reference_index_and_trigger(tmp_path: Path) -> None:
    store = _store_at(tmp_path / "home", REBUILT - 1)
    _fill(store)
    before = _tables(store)

    migrations.upgrade(store)

    assert _tables(store) == before
    assert store.query("PRAGMA foreign_keys")[0][0] == 1  # enforced again after the rebuild
    indexes = {r[0] for r in store.query("SELECT name FROM pragma_index_list('messages')")}
    assert {"messages_conversation_ts", "messages_person_ts"} <= indexes
    hits = store.query("SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'open'")
    assert [h[0] for h in hits] == [10]
    # the triggers keep the search index right; the references still cascade
    store.execute("UPDATE messages SET text = 'the pier was shut' WHERE id = 10")
    assert store.query("SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'open'") == []
    store.execute("DELETE FROM messages WHERE id = 10")
    assert store.query("SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'shut'") == []
    left = _tables(store)
    assert [r[0] for r in left["message_labels"]] == [11]
    assert left["message_refs"] == [] and left["reactions"] == []
    store.conn.close()


@pytest.mark.parametrize(
    ("sql", "values"),
    [
        ("UPDATE messages SET kind = ? WHERE id = 11", ["note", "Message", ""]),
        ("UPDATE message_labels SET disclosure = ? WHERE message_id = 11", ["deep", "None"]),
        ("UPDATE message_labels SET question = ? WHERE message_id = 11", ["why", "Other"]),
    ],
)
def test_the_checks_still_refuse_what_they_refused(
    tmp_path: Path, sql: str, values: list[str]
) -> None:
    store = _store_at(tmp_path / "home", REBUILT)
    _fill(store)
    for value in values:
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            store.execute(sql, (value,))
    store.execute("UPDATE message_labels SET question = NULL WHERE message_id = 11")  # allowed
    store.conn.close()


def test_a_rebuild_that_would_break_a_reference_is_refused_whole(tmp_path: Path) -> None:
    store = _store_at(tmp_path / "home", REBUILT)
    _fill(store)
    before = _tables(store)
    breaking = migrations.Migration(
        99, "loses_a_parent", "DELETE FROM messages WHERE id = 10;", False, rebuilds=True
    )
    with pytest.raises(sqlite3.IntegrityError, match=r"message_labels|message_refs|reactions"):
        migrations.apply(store.conn, breaking)
    assert _tables(store) == before
    assert 99 not in migrations.applied(store)
    assert store.query("PRAGMA foreign_keys")[0][0] == 1
    store.conn.close()


def test_a_store_with_data_is_backed_up_before_the_rebuild_and_a_new_one_is_not(
    tmp_path: Path,
) -> None:
    store = _store_at(tmp_path / "old", REBUILT - 1)
    _fill(store)
    migrations.upgrade(store)
    assert [p.name[:13] for p in (tmp_path / "old" / "backups").iterdir()] == ["before-m0031-"]
    store.conn.close()
    with Store.open(tmp_path / "new"):
        assert not (tmp_path / "new" / "backups").exists()


def test_only_a_rebuild_turns_foreign_keys_off_and_each_leaves_them_as_found(
    tmp_path: Path,
) -> None:
    store = _store_at(tmp_path / "home", REBUILT)
    _fill(store)
    plain = migrations.Migration(
        98, "drops_a_message", "DELETE FROM messages WHERE id = 10;", False
    )
    migrations.apply(store.conn, plain)  # foreign keys on: the message's rows go with it
    left = _tables(store)
    assert [r[0] for r in left["message_labels"]] == [11] and left["reactions"] == []
    assert store.query("PRAGMA foreign_keys")[0][0] == 1
    store.execute("PRAGMA foreign_keys = OFF")
    rebuild = migrations.Migration(99, "nothing", "SELECT 1;", False, rebuilds=True)
    migrations.apply(store.conn, rebuild)
    assert store.query("PRAGMA foreign_keys")[0][0] == 0  # off before, off after
    store.conn.close()


def test_only_migration_31_says_it_rebuilds() -> None:
    assert [m.number for m in migrations.available() if m.rebuilds] == [REBUILT]
    assert [m.number for m in migrations.available() if m.rewrites_data] == [REBUILT]


def test_the_backup_before_a_data_migration_is_private_and_an_encrypted_store_stays_encrypted(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TARRY_KDF", "minimum")
    encryption.create(home, "a long passphrase")
    with Store.open(home, passphrase="a long passphrase") as store:
        store.execute("INSERT INTO entries (at, body) VALUES ('2026-01-01T00:00:00Z', 'kept')")
        first = migrations.backup_before(store, migrations.Migration(50, "x", "", True))
        second = migrations.backup_before(store, migrations.Migration(51, "y", "", True))
        key = store.key
    assert key is not None  # an encrypted store has a data key
    assert stat.S_IMODE((home / "backups").stat().st_mode) == 0o700
    assert {first.name[:12], second.name[:12]} == {"before-m0050", "before-m0051"}
    with pytest.raises(sqlite3.DatabaseError):  # not readable without the key
        sqlite3.connect(first).execute("SELECT count(*) FROM entries").fetchall()
    copy = cipher.connect(str(first))
    apply_key(copy, key)
    assert copy.execute("SELECT body FROM entries").fetchall() == [("kept",)]
    copy.close()


def test_an_encrypted_store_is_rebuilt_and_backed_up_encrypted(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    key = bytes(range(32))
    store = Store(connect_encrypted(home / "tarry.db", key), home / "tarry.db", key)
    migrations.upgrade(store, until=REBUILT - 1)
    _fill(store)
    before = _tables(store)
    migrations.upgrade(store)
    assert _tables(store) == before and REBUILT in migrations.applied(store)
    (backup,) = (home / "backups").iterdir()
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(backup).execute("SELECT count(*) FROM messages").fetchall()
    copy = cipher.connect(str(backup))
    apply_key(copy, key)
    assert copy.execute("SELECT count(*) FROM message_labels").fetchone()[0] == 2
    copy.close()
    store.conn.close()
