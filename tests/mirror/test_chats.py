"""Importing chats: idempotent, all or nothing, people linked, messages searchable."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tarry.base.errors import Conflict, FormatError, InvalidInput, NotFound
from tarry.declare import people
from tarry.mirror.chats import import_chat
from tarry.mirror.labelcache import ensure_labels
from tarry.store import Store
from tests.mirror.formats.parsing import corpus, fixture

CSV_HEAD = "timestamp,author,text\n"


def write_csv(path: Path, rows: list[str]) -> Path:
    path.write_text(CSV_HEAD + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


def rows(store: Store) -> list[tuple[Any, ...]]:
    return [
        tuple(r)
        for r in store.query(
            "SELECT ts, author, is_me, person_id, text, kind FROM messages ORDER BY ts, id"
        )
    ]


def test_import_stores_links_and_summarises(store: Store) -> None:
    robin = people.add(store, "Robin", aliases=["Robin Vale"])
    summary = import_chat(store, fixture("telegram", "single.json"), me="Alex Moss")
    (chat,) = summary.conversations
    assert (summary.format, chat.title, chat.me, chat.messages, chat.new) == (
        "telegram",
        "Robin Vale",
        "Alex Moss",
        6,
        6,
    )
    assert chat.authors == {"Robin Vale": 3, "Alex Moss": 3}
    assert chat.kinds == {"message": 3, "system": 1, "media": 2}
    assert (chat.first, chat.last) == ("2023-03-01T20:00:00Z", "2023-03-01T20:31:00Z")
    assert summary.skipped_records == [{"where": "message 7", "reason": "no readable date"}]
    assert rows(store)[:2] == [
        ("2023-03-01T20:00:00Z", "Robin Vale", 0, robin.id, "How was the interview?", "message"),
        (
            "2023-03-01T20:01:10Z",
            "Alex Moss",
            1,
            None,
            "Honestly rough. I froze on the first question.",
            "message",
        ),
    ]
    conversation = store.one("SELECT source, title, person_id, me FROM conversations")
    assert tuple(conversation) == ("telegram", "Robin Vale", robin.id, "Alex Moss")


def test_importing_again_adds_nothing_and_overlaps_add_only_the_new(
    store: Store, tmp_path: Path
) -> None:
    first = write_csv(
        tmp_path / "a.csv", ["2023-01-01T10:00:00,Sam,hi", "2023-01-01T10:01:00,Me,hey"]
    )
    assert import_chat(store, first, fmt="csv", me="Me").new == 2
    again = import_chat(store, first, fmt="csv")
    assert (again.new, again.conversations[0].already_present) == (0, 2)
    later = write_csv(
        tmp_path / "a2.csv",
        ["2023-01-01T10:01:00,Me,hey", "2023-01-01T10:02:00,Sam,how are you?"],
    )
    # A later export of the same chat has another file name; --chat-less CSVs take the title
    # from the file, so import it under the first file's title by renaming it.
    shutil.copy(later, first)
    assert import_chat(store, first, fmt="csv").new == 1
    assert store.scalar("SELECT COUNT(*) FROM messages") == 3


def test_identical_messages_at_one_time_are_all_kept(store: Store, tmp_path: Path) -> None:
    export = write_csv(tmp_path / "d.csv", ["2023-01-01T10:00:00,Sam,ha"] * 3)
    assert import_chat(store, export).new == 3
    assert import_chat(store, export).new == 0


def test_a_bad_record_leaves_the_store_as_it_was(store: Store, tmp_path: Path) -> None:
    bad = tmp_path / "result.json"
    good = ",".join(
        f'{{"type": "message", "date_unixtime": "{1677700800 + i}", "from": "A", "text": "m{i}"}}'
        for i in range(12000)
    )
    bad.write_text(f'{{"name": "X", "messages": [{good}, 17]}}', encoding="utf-8")
    with pytest.raises(FormatError, match="expected each message to be a JSON object"):
        import_chat(store, bad)
    assert store.scalar("SELECT COUNT(*) FROM messages") == 0
    assert store.scalar("SELECT COUNT(*) FROM conversations") == 0


def test_an_interrupted_import_leaves_the_store_as_it_was(store: Store, tmp_path: Path) -> None:
    export = write_csv(
        tmp_path / "big.csv", [f"2023-01-01T10:00:{i % 60:02d},Sam,line {i}" for i in range(40000)]
    )

    def interrupt(done: int, total: int) -> None:
        if done > total // 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_chat(store, export, progress=interrupt)
    assert store.scalar("SELECT COUNT(*) FROM messages") == 0


def test_person_links_the_other_side_and_me_is_guessed(store: Store) -> None:
    robin = people.add(store, "Robin")
    summary = import_chat(store, fixture("signal", "chat.md"), person="Robin")
    assert summary.conversations[0].me == "Me"  # the one author who is not Robin's side
    linked = store.query("SELECT DISTINCT author, is_me, person_id FROM messages ORDER BY author")
    assert [tuple(r) for r in linked] == [("Me", 1, None), ("Robin Vale", 0, robin.id)]


def test_known_person_links_the_conversation_without_flags(store: Store) -> None:
    sam = people.add(store, "Sam", aliases=["Sam Reed"])
    summary = import_chat(store, fixture("telegram", "old.json"))
    assert summary.conversations[0].me == "user1"
    assert store.scalar("SELECT person_id FROM conversations") == sam.id


def test_me_given_later_relinks_stored_messages(store: Store, tmp_path: Path) -> None:
    export = write_csv(
        tmp_path / "c.csv", ["2023-01-01T10:00:00,Sam,hi", "2023-01-01T10:01:00,Kim,yo"]
    )
    first = import_chat(store, export)
    assert first.conversations[0].me == ""
    import_chat(store, export, me="Kim")
    assert [tuple(r) for r in store.query("SELECT author, is_me FROM messages ORDER BY ts")] == [
        ("Sam", 0),
        ("Kim", 1),
    ]


def test_another_me_is_refused_naming_both_and_changes_nothing(
    store: Store, tmp_path: Path
) -> None:
    export = write_csv(
        tmp_path / "c.csv",
        ["2023-01-01T10:00:00,Sam,i failed my exam and i feel awful",
         "2023-01-01T10:01:00,Kim,oh no what happened?"],
    )  # fmt: skip
    import_chat(store, export, me="Kim")
    ensure_labels(store)
    before = [tuple(r) for r in store.query("SELECT * FROM messages ORDER BY id")]
    labels = [tuple(r) for r in store.query("SELECT * FROM message_labels ORDER BY message_id")]
    with pytest.raises(Conflict, match="was imported with you as 'Kim', not 'Sam'") as caught:
        import_chat(store, export, me="Sam")
    assert caught.value.field == "reassign_me"
    assert [tuple(r) for r in store.query("SELECT * FROM messages ORDER BY id")] == before
    assert [tuple(r) for r in store.query("SELECT * FROM message_labels")] == labels
    assert import_chat(store, export, me="kim").new == 0  # the same name in another case is fine


def test_reassigning_me_reattributes_and_relabels(store: Store, tmp_path: Path) -> None:
    export = write_csv(
        tmp_path / "c.csv",
        ["2023-01-01T10:00:00,Sam,i failed my exam and i feel awful",
         "2023-01-01T10:01:00,Kim,oh no what happened?"],
    )  # fmt: skip
    import_chat(store, export, me="Kim")
    assert ensure_labels(store) == 2
    import_chat(store, export, me="Sam", reassign_me=True)
    assert [tuple(r) for r in store.query("SELECT author, is_me FROM messages ORDER BY ts")] == [
        ("Sam", 1),
        ("Kim", 0),
    ]
    assert store.scalar("SELECT me FROM conversations") == "Sam"
    assert store.scalar("SELECT count(*) FROM message_labels") == 0  # made again on next read
    assert ensure_labels(store) == 2


def test_cli_names_the_flag_that_reattributes(cli: Any, tmp_path: Path) -> None:
    export = write_csv(
        tmp_path / "c.csv", ["2023-01-01T10:00:00,Sam,hi", "2023-01-01T10:01:00,Kim,yo"]
    )
    assert cli("import", "chat", str(export), "--me", "Kim").code == 0
    refused = cli("import", "chat", str(export), "--me", "Sam")
    assert refused.code == 2
    assert "'c' was imported with you as 'Kim', not 'Sam'" in refused.stderr
    assert "--reassign-me: to make 'Sam' you in it, and label it again." in refused.stderr
    assert cli("import", "chat", str(export), "--me", "Sam", "--reassign-me").code == 0


def test_ask_me_is_used_when_the_guess_fails(store: Store, tmp_path: Path) -> None:
    export = write_csv(
        tmp_path / "q.csv", ["2023-01-01T10:00:00,Sam,hi", "2023-01-01T10:01:00,Kim,yo"]
    )
    asked: list[list[str]] = []
    summary = import_chat(store, export, ask_me=lambda names: asked.append(names) or "Kim")
    assert (asked, summary.conversations[0].me) == ([["Sam", "Kim"]], "Kim")


def test_unknown_person_is_refused_before_anything_is_read(store: Store) -> None:
    with pytest.raises(NotFound, match="No person called 'Nobody'"):
        import_chat(store, fixture("csv", "chat.csv"), person="Nobody")


def test_full_account_export_gives_one_conversation_per_chat(store: Store) -> None:
    summary = import_chat(store, fixture("telegram", "account.json"))
    assert [(c.title, c.me, c.new) for c in summary.conversations] == [
        ("Robin Vale", "Alex Moss", 2),
        ("Saved Messages", "Alex Moss", 1),
        ("Book club", "Alex Moss", 2),
    ]
    assert import_chat(store, fixture("telegram", "account.json"), chat="Book club").new == 0


def test_messages_are_searchable_and_deletes_leave_the_index(store: Store) -> None:
    import_chat(store, fixture("discord", "dm.json"))
    found = store.query(
        "SELECT m.text FROM messages_fts f JOIN messages m ON m.id = f.rowid"
        " WHERE messages_fts MATCH 'eclipse'"
    )
    assert [r[0] for r in found] == ["did you see the eclipse?"]
    with store.tx():
        store.execute("DELETE FROM conversations")
    assert store.scalar("SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH 'eclipse'") == 0


def test_messenger_folder_import(store: Store) -> None:
    summary = import_chat(store, fixture("messenger", "inbox"), me="Alex Moss")
    assert [(c.source, c.title, c.new) for c in summary.conversations] == [
        ("messenger", "Robin Vale", 6)
    ]


def test_cli_import_chat_json_and_mirror_parse(cli: Any) -> None:
    path = str(fixture("signal", "sigtop.txt"))
    result = cli("import", "chat", path, "--json")
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["format"], data["messages"], data["new"]) == ("signal", 5, 5)
    assert data["conversations"][0]["authors"] == {"Robin Vale": 3, "You": 2}
    again = json.loads(cli("import", "chat", path, "--json").stdout)
    assert (again["new"], again["conversations"][0]["already_present"]) == (0, 5)
    parsed = cli("mirror", "parse", path)
    assert parsed.code == 0
    lines = [json.loads(line) for line in parsed.stdout.splitlines()]
    assert lines[1] == {
        "ts": "2023-01-03T20:16:30Z",
        "author": "You",
        "text": "Yes. Want to talk?",
        "kind": "message",
    }
    assert len(lines) == 5


def test_cli_import_chat_summary_and_errors(cli: Any, tmp_path: Path) -> None:
    result = cli("import", "chat", str(fixture("csv", "chat.csv")), "--me", "Alex Moss")
    assert result.code == 0
    assert "4 messages, 4 new, 0 already there" in result.stdout
    assert "line 6: unreadable timestamp 'yesterday'" in result.stdout
    odd = tmp_path / "odd.txt"
    odd.write_text("nothing here\n")
    failed = cli("import", "chat", str(odd))
    assert failed.code == 2
    assert "cannot tell which chat export this is" in failed.stderr


def test_title_merges_a_later_whatsapp_export_and_overlaps_add_nothing(
    store: Store, tmp_path: Path
) -> None:
    pytest.importorskip("tarry.mirror.formats.whatsapp")
    part1 = corpus("whatstk", "chats", "whatsapp", "lorem-merge-part1.txt")
    part2 = corpus("whatstk", "chats", "whatsapp", "lorem-merge-part2.txt")
    assert import_chat(store, part1, fmt="whatsapp", title="Lorem").new == 300
    assert import_chat(store, part2, fmt="whatsapp", title="Lorem").new == 300
    both = tmp_path / "both.txt"
    both.write_bytes(part1.read_bytes().rstrip(b"\n") + b"\n" + part2.read_bytes())
    again = import_chat(store, both, fmt="whatsapp", title="Lorem")
    assert (again.messages, again.new) == (600, 0)
    assert store.scalar("SELECT COUNT(*) FROM conversations") == 1


def test_title_needs_a_single_conversation(store: Store) -> None:
    with pytest.raises(InvalidInput, match="more than one conversation"):
        import_chat(store, fixture("telegram", "account.json"), title="All")
    assert store.scalar("SELECT COUNT(*) FROM messages") == 0


def test_lone_surrogates_from_json_escapes_are_stored_and_printed(
    store: Store, tmp_path: Path, cli: Any
) -> None:
    export = tmp_path / "result.json"
    export.write_text(
        '{"name": "S", "messages": [{"type": "message", "date_unixtime": "1677700800",'
        ' "from": "A", "text": "half \\ud800 pair"}]}',
        encoding="utf-8",
    )
    assert import_chat(store, export).new == 1
    assert store.scalar("SELECT text FROM messages") == "half \ufffd\ufffd\ufffd pair"
    printed = cli("mirror", "parse", str(export))
    assert json.loads(printed.stdout)["text"] == "half \ufffd\ufffd\ufffd pair"


def test_date_order_settles_an_ambiguous_whatsapp_export(cli, tmp_path, store) -> None:
    export = tmp_path / "WhatsApp Chat with Sam.txt"
    export.write_text("01/02/26, 19:02 - Sam: hello\n03/04/26, 19:03 - Alex: hi\n")
    refused = cli("import", "chat", str(export), "--me", "Alex")
    assert refused.code == 2 and "--date-order dmy" in refused.stderr
    assert store.scalar("SELECT count(*) FROM messages") == 0
    assert cli("import", "chat", str(export), "--me", "Alex", "--date-order", "mdy").code == 0
    assert [r[0] for r in store.query("SELECT ts FROM messages ORDER BY ts")] == [
        "2026-01-02T19:02:00",
        "2026-03-04T19:03:00",
    ]
    parsed = cli("mirror", "parse", str(export), "--date-order", "dmy")
    assert '"ts":"2026-02-01T19:02:00"' in parsed.stdout


def test_me_must_be_an_author(cli, tmp_path, store) -> None:
    export = tmp_path / "WhatsApp Chat with Sam.txt"
    export.write_text("21/11/2026, 19:02 - Sam: hello\n21/11/2026, 19:03 - Alex: hi\n")
    refused = cli("import", "chat", str(export), "--me", "Zed")
    assert refused.code == 2
    assert "'Zed' did not write in" in refused.stderr and "Alex, Sam" in refused.stderr
    assert store.scalar("SELECT count(*) FROM messages") == 0
