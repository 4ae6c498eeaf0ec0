"""Importing with a reading thread (a big export, a core free): the same rows, keys, search
index and summary as the serial path; an error on either side leaves nothing imported and no
thread behind."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from tarry.base.errors import FormatError, TooLarge
from tarry.mirror import chats
from tarry.mirror.chats import import_chat, message_budget
from tarry.store import Store
from tests.mirror.formats.parsing import fixture
from tests.mirror.formats.test_whatsapp_props import chatgen

COUNT = 6000


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chats, "BATCH", 250)  # many batches, so the thread runs ahead
    monkeypatch.setattr(chats, "BATCH_AHEAD", 300)


def path_is(monkeypatch: pytest.MonkeyPatch, parallel: bool) -> None:
    monkeypatch.setattr(chats, "_parallel", lambda source: parallel)


def export(tmp_path: Path) -> Path:
    path = tmp_path / "WhatsApp Chat with Ada.txt"
    chatgen.write(path, COUNT, "android", "en_GB", crlf=False, seed=7, expect=None)
    return path


def stored(store: Store) -> dict[str, Any]:
    return {
        "messages": [
            tuple(r)
            for r in store.query(
                "SELECT id, key, ts, author, is_me, person_id, text, kind FROM messages ORDER BY id"
            )
        ],
        "index": [tuple(r) for r in store.query("SELECT rowid, text FROM messages_fts")],
        "refs": [tuple(r) for r in store.query("SELECT * FROM message_refs ORDER BY 1")],
        "reactions": [tuple(r) for r in store.query("SELECT * FROM reactions ORDER BY id")],
    }


def reader_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "tarry-import-reader"]


@pytest.mark.parametrize("name", ["whatsapp", "discord"])
def test_the_thread_stores_what_one_pass_stores(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = export(tmp_path) if name == "whatsapp" else fixture("discord", "channel.json")
    me = "Ada Byron" if name == "whatsapp" else "Mira"
    results = []
    for parallel in (False, True):
        path_is(monkeypatch, parallel)
        seen: list[int] = []

        def progress(done: int, total: int, seen: list[int] = seen) -> None:
            seen.append(done)

        with Store.open(tmp_path / f"home-{parallel}") as store:
            summary = import_chat(store, path, me=me, progress=progress)
            again = import_chat(store, path, me=me)
            results.append((summary.to_dict(), again.new, stored(store), bool(seen)))
    serial, threaded = results
    assert threaded == serial
    if name == "whatsapp":
        assert serial[0]["new"] == COUNT and serial[1] == 0 and serial[3]
        assert len(serial[2]["index"]) == COUNT
    else:
        assert serial[2]["refs"] and serial[2]["reactions"]
    assert not reader_threads()


def test_an_error_in_the_thread_leaves_nothing_imported(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path_is(monkeypatch, True)
    export = tmp_path / "big.csv"
    lines = (f"2023-01-01T10:{i // 60 % 60:02d}:{i % 60:02d},Sam,line {i}\n" for i in range(40000))
    export.write_text("timestamp,author,text\n" + "".join(lines), encoding="utf-8")
    where: list[str] = []

    def interrupt(done: int, total: int) -> None:
        if done > total // 2:
            where.append(threading.current_thread().name)
            raise KeyboardInterrupt  # raised in the reading thread, re-raised here

    with pytest.raises(KeyboardInterrupt):
        import_chat(store, export, progress=interrupt)
    assert where == ["tarry-import-reader"]
    assert store.scalar("SELECT COUNT(*) FROM messages") == 0
    assert store.scalar("SELECT COUNT(*) FROM messages_fts") == 0
    assert store.scalar("SELECT COUNT(*) FROM conversations") == 0
    assert not reader_threads()


def test_a_bad_record_read_ahead_is_the_same_error(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path_is(monkeypatch, True)
    bad = tmp_path / "result.json"
    good = ",".join(
        f'{{"type": "message", "date_unixtime": "{1677700800 + i}", "from": "A", "text": "m{i}"}}'
        for i in range(3000)
    )
    bad.write_text(f'{{"name": "X", "messages": [{good}, 17]}}', encoding="utf-8")
    with pytest.raises(FormatError, match="expected each message to be a JSON object"):
        import_chat(store, bad)
    assert store.scalar("SELECT COUNT(*) FROM messages") == 0
    assert not reader_threads()


def test_the_budget_stops_the_thread_and_nothing_is_imported(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path_is(monkeypatch, True)
    with pytest.raises(TooLarge, match="more than 1,000 messages"):
        import_chat(store, export(tmp_path), me="Ada Byron", budget=message_budget(1000))
    assert store.scalar("SELECT COUNT(*) FROM messages") == 0
    assert not reader_threads()


def test_the_thread_is_used_only_for_a_big_export_with_a_core_free(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = chats.as_source(export(tmp_path))
    monkeypatch.setattr(chats, "idle_cores", lambda: 1.0)
    assert not chats._parallel(small)
    monkeypatch.setattr(chats, "PARALLEL_MIN", 0)
    assert chats._parallel(small)
    monkeypatch.setattr(chats, "idle_cores", lambda: 0.4)
    assert not chats._parallel(small)
