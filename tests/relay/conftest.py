"""Each relay storage test runs against SQLite and against a real PostgreSQL database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tarry.relay.storage import RelayStorage


@pytest.fixture(params=["sqlite", "postgresql"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RelayStorage]:
    if request.param == "sqlite":
        from tarry.relay.sqlite import SqliteStorage

        made: RelayStorage = SqliteStorage(tmp_path / "relay.db")
    else:
        from tarry.relay.postgres import PostgresStorage

        made = PostgresStorage(request.getfixturevalue("postgres").new_database())
    made.migrate()
    yield made
    made.close()
