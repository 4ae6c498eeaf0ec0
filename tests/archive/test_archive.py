"""Export and import-backup: one versioned document, restored exactly, all or nothing."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tarry.archive import document as archive
from tarry.base.errors import Conflict, FormatError
from tarry.declare import people
from tarry.store import Store, search


def fill(store: Store) -> None:
    """A little of everything, including values that are easy to get wrong."""
    people.add(store, "Sam", relation="partner", cadence_days=3.5, aliases=["Sammy"])
    people.add(store, 'Zoë "Z"', note="line one\nline two ✨")
    store.execute("INSERT INTO value_profiles (id, taken_at) VALUES (1, '2026-11-01T10:00:00Z')")
    store.execute("INSERT INTO value_ratings VALUES (1, 'friends', 9, 4)")
    store.execute(
        "INSERT INTO commitments (id, title, rrule, starts_at, duration_min, created_at)"
        " VALUES (5, 'dinner', 'FREQ=WEEKLY;BYDAY=TH', '2026-01-01T19:00:00', 120,"
        " '2026-01-01T10:00:00Z')"
    )
    store.execute("INSERT INTO commitment_people VALUES (5, 1)")
    store.execute(
        "INSERT INTO tradeoffs (id, at, chose, over, direction, cost_hours)"
        " VALUES (9, '2026-11-12T19:00:00Z', 'work', 'dinner', 'away', 2.25)"
    )
    store.execute(
        "INSERT INTO occurrences (commitment_id, scheduled_at, status, tradeoff_id, marked_at)"
        " VALUES (5, '2026-11-12T19:00:00', 'traded', 9, '2026-11-12T22:00:00Z')"
    )
    store.execute(
        "INSERT INTO moments (id, at, duration_min, intimacy, i_disclosed, they_disclosed,"
        " pleasantness, satisfaction, responsiveness, note) VALUES"
        " (3, '2026-11-13T19:00:00Z', 90, 6, 5, 7, 6, 6, NULL, 'rain walk')"
    )
    store.execute("INSERT INTO moment_people VALUES (3, 1)")
    store.execute("INSERT INTO entries (id, at, body) VALUES (2, '2026-11-14T07:00:00Z', 'quiet')")
    store.execute(
        "INSERT INTO conversations (id, source, title, person_id, imported_at)"
        " VALUES (1, 'whatsapp', 'Sam', 1, '2026-11-16T08:00:00Z')"
    )
    store.execute(
        "INSERT INTO messages (id, conversation_id, key, ts, author, person_id, text, kind)"
        " VALUES (4, 1, 'k1', '2026-11-15T09:00:00Z', 'Sam', 1, 'thinking of you', 'message')"
    )
    store.execute("INSERT INTO messages_fts (rowid, text) SELECT id, text FROM messages")


def test_round_trip_is_byte_identical(store: Store, tmp_path: Path) -> None:
    fill(store)
    first = tmp_path / "first.json"
    counts = archive.export_file(store, first)
    assert counts["people"] == 2 and counts["messages"] == 1 and counts["occurrences"] == 1
    assert "schema_migrations" not in counts and "search_index" not in counts
    assert not any(name.startswith(("search_index_", "messages_fts")) for name in counts)
    with Store.open(tmp_path / "restored") as restored:
        assert archive.import_backup(restored, first) == counts
        archive.export_file(restored, tmp_path / "second.json")
        # the search indexes follow: triggers for entries, a rebuild for messages
        assert [h.ref for h in search.search(restored, "rain")] == ["moment/3"]
        assert [h.ref for h in search.search(restored, "thinking")] == ["message/4"]
        assert people.get(restored, "sammy").cadence_days == 3.5
    assert (tmp_path / "second.json").read_bytes() == first.read_bytes()
    assert oct(first.stat().st_mode & 0o777) == "0o600"
    assert not list(tmp_path.glob("*.partial"))


def test_document_shape(store: Store, tmp_path: Path) -> None:
    fill(store)
    archive.export_file(store, tmp_path / "out.json")
    document = json.loads((tmp_path / "out.json").read_text())
    assert (document["format"], document["version"]) == ("tarry-export", 1)
    assert document["schema_version"] == store.version
    assert list(document["tables"]) == sorted(document["tables"])
    assert document["tables"]["aliases"] == {
        "columns": ["person_id", "alias"],
        "rows": [[1, "Sammy"]],
    }
    assert document["tables"]["tradeoffs"]["rows"][0][5] == 2.25


def test_blobs_survive(store: Store, tmp_path: Path) -> None:
    store.execute("CREATE TABLE later_table (id INTEGER PRIMARY KEY, data BLOB, x REAL)")
    store.execute("INSERT INTO later_table VALUES (1, x'00ff10', 1.0), (2, NULL, 1e-300)")
    archive.export_file(store, tmp_path / "a.json")
    with Store.open(tmp_path / "b") as other:
        other.execute("CREATE TABLE later_table (id INTEGER PRIMARY KEY, data BLOB, x REAL)")
        archive.import_backup(other, tmp_path / "a.json")
        assert [tuple(r) for r in other.query("SELECT * FROM later_table")] == [
            (1, b"\x00\xff\x10", 1.0),
            (2, None, 1e-300),
        ]


def test_refuses_a_store_that_holds_data(store: Store, tmp_path: Path) -> None:
    fill(store)
    archive.export_file(store, tmp_path / "a.json")
    before = (tmp_path / "a.json").read_bytes()
    with pytest.raises(Conflict, match=r"already holds data \(1 in aliases, "):
        archive.import_backup(store, tmp_path / "a.json")
    archive.export_file(store, tmp_path / "again.json")
    assert (tmp_path / "again.json").read_bytes() == before


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.json"
    path.write_text(text)
    return path


def header(tables: str, version: int = 1, schema: int = 1) -> str:
    return (
        f'{{"format": "tarry-export", "version": {version}, "schema_version": {schema},'
        f' "tables": {tables}}}'
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format": "tarry-export",\n "version": 1,\n oops}', r"bad.json, line 3: not valid JSON"),
        ('{"format": "other"}', "not a tarry export"),
        ('{"format": "tarry-export", "version": "1"}', "must be integers"),
        (header("{}", version=2), "format version 2 is newer"),
        (header("{}", schema=999), "made by a newer tarry"),
        (header('{"nope": {"columns": [], "rows": []}}'), "unknown table 'nope'"),
        (header('{"people": {"columns": ["id", "age"], "rows": []}}'), r"unknown or repeated"),
        (
            header('{"people": {"columns": ["id"], "rows": [[1, 2]]}}'),
            "row 1: expected a list of 1",
        ),
        (header('{"people": {"columns": ["id"], "rows": [[{"a": 1}]]}}'), "unexpected object"),
        (header('{"people": {"columns": ["id", "name"], "rows": [[1, "x"]]}}'), "does not fit"),
        (
            header('{"aliases": {"columns": ["person_id", "alias"], "rows": [[7, "x"]]}}'),
            "table 'aliases', row 1, column 'person_id' = 7: refers to a missing row in 'people'",
        ),
    ],
)
def test_bad_documents_name_the_file_and_change_nothing(
    store: Store, tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(FormatError, match=message) as caught:
        archive.import_backup(store, write(tmp_path, text))
    assert caught.value.path == str(tmp_path / "bad.json")
    assert sum(archive._counts(store.conn).values()) == 0


@pytest.mark.parametrize(
    ("table", "column", "bad", "message"),
    [
        ("moments", "duration_min", "ninety", "expected a whole number, got 'ninety'"),
        ("moments", "duration_min", 100000, "100000 is outside 0 to 1440"),
        ("moments", "intimacy", 5.5, "expected a whole number, got 5.5"),
        ("people", "cadence_days", 605491, "605491 is outside 0 to 3650"),
        ("entries", "at", "0900-01-01T00:00:00", "'0900-01-01T00:00:00' is before 1970"),
        ("people", "name", "  ", "a name cannot be blank"),
        (
            "commitments",
            "starts_at",
            "2026-01-01T19:00:00Z",
            "expected a local time without a zone",
        ),
        ("people", "cadence_days", "often", "expected a number, got 'often'"),
        ("people", "name", 42, "expected text, got 42"),
        ("moments", "at", "yesterday", "expected a time like .*, got 'yesterday'"),
        ("messages", "ts", 1794340800, "expected text, got 1794340800"),
        ("commitments", "created_at", "2026-13-45", "expected a time like"),
        ("commitments", "rrule", "FREQ=SECONDLY", r"not a rule tarry can expand \(.*SECONDLY"),
        ("commitments", "rrule", "FREQ=WEEKLY;INTERVAL=x", "not a rule tarry can expand"),
        ("message_labels", "moves", "validate,hug", r"unknown moves \['hug'\]"),
        ("value_ratings", "domain", "friendships", "'friendships' is not a value domain"),
        ("moment_practices", "practice", "Seen", "'Seen' is not a practice"),
        ("message_labels", "evidence", "[1, 2]", "expected a JSON object"),
        ("message_labels", "evidence", "{not json", "expected a JSON object"),
    ],
)
def test_values_that_would_break_the_store_are_refused(
    store: Store, tmp_path: Path, table: str, column: str, bad: object, message: str
) -> None:
    fill(store)
    store.execute(
        "INSERT INTO message_labels (message_id, version, disclosure, moves, question, evidence)"
        " VALUES (4, 1, 'feeling', 'share', NULL, '{\"disclosure\": []}')"
    )
    store.execute("INSERT INTO moment_practices VALUES (3, 'seen')")
    document = json.loads(_exported(store))
    body = document["tables"][table]
    body["rows"][0][body["columns"].index(column)] = bad
    target = tmp_path / "new"
    with Store.open(target) as fresh:
        with pytest.raises(
            FormatError, match=f"table '{table}', row 1, column '{column}': {message}"
        ):
            archive.import_backup(fresh, write(tmp_path, json.dumps(document)))
        assert sum(archive._counts(fresh.conn).values()) == sum(archive.fresh_counts().values())


def _exported(store: Store) -> str:
    out = io.StringIO()
    archive.export(store, out)
    return out.getvalue()


def test_cli_export_to_stdout_and_file_then_restore(cli, store: Store, tmp_path: Path) -> None:
    fill(store)
    printed = cli("export", "--json")
    assert printed.code == 0
    assert json.loads(printed.stdout)["tables"]["people"]["rows"][0][1] == "Sam"
    out = tmp_path / "backup.json"
    written = cli("export", "--output", str(out))
    assert written.code == 0 and out.read_text() == printed.stdout
    restored = cli("--home", str(tmp_path / "new"), "import-backup", str(out))
    assert restored.code == 0, restored.stderr
    assert restored.stdout.startswith("Restored 14 rows from ")
    refused = cli("--home", str(tmp_path / "new"), "import-backup", str(out))
    assert refused.code == 2 and "already holds data" in refused.stderr
    assert "--home: a new or empty data folder, e.g. --home ~/tarry-restored." in refused.stderr
    missing = cli("--home", str(tmp_path / "new2"), "import-backup", str(tmp_path / "nope.json"))
    assert missing.code == 2 and "Cannot read" in missing.stderr


@pytest.mark.slow  # four Argon2id derivations at tarry's floor cost
def test_an_encrypted_store_round_trips_into_an_encrypted_one(tmp_path: Path) -> None:
    from tarry.store import encryption

    secret = "correct horse battery staple"
    for name in ("a", "b"):
        encryption.create(tmp_path / name, secret)
    with Store.open(tmp_path / "a", passphrase=secret) as source:
        fill(source)
        archive.export_file(source, tmp_path / "a.json")
    with Store.open(tmp_path / "b", passphrase=secret) as target:
        assert target.encrypted
        archive.import_backup(target, tmp_path / "a.json")
        archive.export_file(target, tmp_path / "b.json")
        assert [h.ref for h in search.search(target, "thinking")] == ["message/4"]
    assert (tmp_path / "b.json").read_bytes() == (tmp_path / "a.json").read_bytes()


def test_rows_a_migration_seeds_are_replaced_not_doubled(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tarry.store import migrations

    seed = migrations.Migration(
        900,
        "seed",
        "CREATE TABLE seeded (id INTEGER PRIMARY KEY, v TEXT NOT NULL);"
        " INSERT INTO seeded VALUES (1, 'as shipped');",
        False,
    )
    shipped = migrations.available()
    monkeypatch.setattr(migrations, "available", lambda: [*shipped, seed])
    migrations.upgrade(store)
    store.execute("UPDATE seeded SET v = 'as edited'")
    archive.export_file(store, tmp_path / "a.json")
    with Store.open(tmp_path / "b") as fresh:  # seeded on opening, so not "holding data"
        archive.import_backup(fresh, tmp_path / "a.json")
        assert [tuple(r) for r in fresh.query("SELECT * FROM seeded")] == [(1, "as edited")]
