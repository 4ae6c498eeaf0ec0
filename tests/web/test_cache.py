"""Pages are computed once per change of data, and never served stale."""

from __future__ import annotations

from pathlib import Path

from tarry import moments, people
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

    assert cache.get(("a",), store, compute) == {"n": 1}
    assert cache.get(("a",), store, compute) == {"n": 1}
    monkeypatch.setenv("TARRY_NOW", "2026-11-19T12:01:00+00:00")  # a new minute
    assert cache.get(("a",), store, compute) == {"n": 2}
    for key in ("b", "c"):
        cache.get((key,), store, compute)
    assert len(cache.entries) == 2
