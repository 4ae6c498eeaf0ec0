"""The schema tarry writes, as SQLite records it: what a restored database must match exactly.

A backup is a whole SQLite file, and a file can carry code: a trigger fires on the next write, a
view or a generated column runs on the next read. So a database is restored only when its schema
(every table, column, index, trigger and view in `sqlite_master`) is exactly the one tarry builds
by running its own migrations, those the database says it has, on an empty database.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from tarry.base.errors import FormatError
from tarry.store import migrations

Entry = tuple[str, str, str, str]  # type, name, table, sql
NEWER_HINT = "Restore it with the tarry version that wrote it (or a newer one), then export."
FOREIGN_HINT = "Give a file written by tarry's backup; tarry never restores a changed schema."


def entries(conn: sqlite3.Connection) -> set[Entry]:
    """Every object in `conn`'s schema."""
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    return {(str(t), str(n), str(tbl), sql or "") for t, n, tbl, sql in rows}


def expected(numbers: Iterable[int]) -> set[Entry]:
    """The schema tarry writes for a store with the migrations `numbers` applied."""
    wanted = set(numbers)
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        conn.execute(migrations.LEDGER)
        for migration in migrations.available():
            if migration.number in wanted:
                migrations.apply(conn, migration)
        return entries(conn)
    finally:
        conn.close()


def ledger(conn: sqlite3.Connection, where: str) -> dict[int, str]:
    """The migrations a database records (number -> name); FormatError if it records none."""
    try:
        rows = conn.execute("SELECT number, name FROM schema_migrations").fetchall()
    except sqlite3.DatabaseError as exc:
        raise FormatError(
            f"the database is not a tarry store ({exc})", path=where, hint=FOREIGN_HINT
        ) from exc
    found = {row[0]: row[1] for row in rows}
    if not found or not all(isinstance(n, int) for n in found):
        raise FormatError("the database records no tarry schema", path=where, hint=FOREIGN_HINT)
    return found


def check(conn: sqlite3.Connection, where: str) -> int:
    """Refuse a schema newer than this tarry, or any that differs from the one tarry writes.

    Returns the schema version. `conn` should be read-only with `trusted_schema` off.
    """
    recorded = ledger(conn, where)
    known = {m.number: m.name for m in migrations.available()}
    newer = sorted(n for n in recorded if n not in known)
    if newer:
        raise FormatError(
            f"the database has schema version {max(recorded)}, newer than this tarry knows"
            f" ({max(known)}): it was written by a newer tarry",
            path=where,
            hint=NEWER_HINT,
        )
    renamed = sorted(n for n, name in recorded.items() if known[n] != name)
    if renamed:
        raise FormatError(
            f"the database records migration {renamed[0]} under another name",
            path=where,
            hint=FOREIGN_HINT,
        )
    _compare(entries(conn), expected(recorded), where)
    return max(recorded)


def _compare(found: set[Entry], wanted: set[Entry], where: str) -> None:
    extra, missing = sorted(found - wanted), sorted(wanted - found)
    if not extra and not missing:
        return
    changed = {(t, n) for t, n, _, _ in extra} & {(t, n) for t, n, _, _ in missing}
    if changed:
        kind, name = min(changed)
        what = f"a {kind} {name!r} unlike the one tarry writes"
    elif extra:
        what = f"an unexpected {extra[0][0]} {extra[0][1]!r}"
    else:
        what = f"no {missing[0][0]} {missing[0][1]!r}"
    raise FormatError(
        f"the database's schema is not the one tarry writes: it has {what}",
        path=where,
        hint=FOREIGN_HINT,
    )
