"""Pages are computed once per change of data, and never served stale."""

from __future__ import annotations

from pathlib import Path

from tarry.declare import people
from tarry.reflect import moments
from tarry.store import Store
from tarry.web.cache import PageCache
from tests.web.conftest import Web


def test_a_write_from_another_connection_is_seen_at_once(web: Web, home: Path) -> None:
    with Store.open(home) as store:
        people.add(store, "Sam")
    assert web.client.get("/people/1.json").json()["moments"] == []
    with Store.open(home) as other:  # the CLI, say
        moments.log(other, ["Sam"], note="walk")
    assert [m["note"] for m in web.client.get("/people/1.json").json()["moments"]] == ["walk"]


def test_a_write_through_the_app_is_seen_at_once(web: Web) -> None:
    web.post("/people", {"name": "Ana"})
    assert [p["name"] for p in web.client.get("/people.json").json()["people"]] == ["Ana"]
    web.post("/people", {"name": "Bo"})
    assert [p["name"] for p in web.client.get("/people.json").json()["people"]] == ["Ana", "Bo"]


def test_unchanged_data_is_computed_once(store: Store, monkeypatch) -> None:
    cache, calls = PageCache(size=2), []

    def compute() -> dict:
        calls.append(1)
        return {"n": len(calls)}

    assert cache.get(("a",), store, compute, "minute") == {"n": 1}
    assert cache.get(("a",), store, compute, "minute") == {"n": 1}
    monkeypatch.setenv("TARRY_NOW", "2026-11-19T12:01:00+00:00")  # a new minute
    assert cache.get(("a",), store, compute, "minute") == {"n": 2}
    assert cache.get(("a",), store, compute, "day") == {"n": 3}
    monkeypatch.setenv("TARRY_NOW", "2026-11-19T13:00:00+00:00")  # same day
    assert cache.get(("a",), store, compute, "day") == {"n": 3}
    for key in ("b", "c"):
        cache.get((key,), store, compute)
    assert len(cache.entries) == 2


def test_one_thread_computes_while_the_others_wait(store: Store) -> None:
    import threading
    import time

    cache, calls = PageCache(), []

    def slow() -> dict:
        calls.append(1)
        time.sleep(0.2)
        return {"ok": True}

    threads = [threading.Thread(target=cache.get, args=(("p",), store, slow)) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not any(t.is_alive() for t in threads), "a thread still waits on the cache"
    assert len(calls) == 1
