"""The relay database for many pairs: PostgreSQL through psycopg 3 and a connection pool.

Several relay processes share one database. Waking a long-poll on another process goes through
LISTEN/NOTIFY, as a hint only (relay/wakeup.py): NOTIFY serialises the commits that send it, so
it is sent in batches from its own connection, never inside a message's transaction.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tarry.base.errors import InvalidInput
from tarry.relay import migrations
from tarry.relay.sql import SqlStorage

PLACEHOLDER = re.compile(r"\?")
LOCK_ID = 0x7461727279  # "tarry": one migration run at a time across relay processes


@functools.lru_cache(maxsize=256)
def _pg(sql: str) -> str:
    return PLACEHOLDER.sub("%s", sql)


class _PgTx:
    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return list(self.conn.execute(_pg(sql), params).fetchall())

    def run(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        return int(self.conn.execute(_pg(sql), params).rowcount)


class PostgresStorage(SqlStorage):
    engine = "postgresql"

    def __init__(self, dsn: str, *, min_size: int = 1, max_size: int = 10) -> None:
        try:
            from psycopg_pool import ConnectionPool
        except ImportError:
            raise InvalidInput(
                "A PostgreSQL relay needs psycopg.", "Install tarry[postgres] (psycopg 3)."
            ) from None
        self.dsn = dsn
        self.pool = ConnectionPool(
            dsn, min_size=min_size, max_size=max_size, open=True, kwargs={"autocommit": True}
        )
        self.pool.wait(timeout=10)

    @contextmanager
    def _transaction(self) -> Iterator[_PgTx]:
        with self.pool.connection() as conn, conn.transaction():
            yield _PgTx(conn)

    @contextmanager
    def _reading(self) -> Iterator[_PgTx]:
        """A connection in autocommit: each read its own statement, no BEGIN and COMMIT."""
        with self.pool.connection() as conn:
            yield _PgTx(conn)

    def _apply(self, migration: migrations.Migration) -> bool:
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_ID,))
            conn.execute(migrations.LEDGER)
            if conn.execute(
                "SELECT 1 FROM relay_migrations WHERE number = %s", (migration.number,)
            ).fetchone():
                return False
            conn.execute(migration.postgres)
            conn.execute(
                "INSERT INTO relay_migrations (number, name, applied_at) VALUES (%s, %s, %s)",
                (migration.number, migration.name, time.time()),
            )
        return True

    def close(self) -> None:
        self.pool.close()

    def size_bytes(self) -> int:
        """Bytes on disk for the relay's tables, their indexes and TOAST."""
        with self.pool.connection() as conn:
            row = conn.execute(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')"
            ).fetchone()
        return int(row[0]) if row else 0
