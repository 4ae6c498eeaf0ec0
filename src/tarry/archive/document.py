"""Export everything to one versioned JSON document; restore it exactly into an empty store.

The tables are discovered from the schema (search indexes and the migration ledger aside), so
tables added by later migrations are exported without changes here. Rows are ordered by primary
key, one row per line, so exporting the same data twice gives the same bytes.
"""

from __future__ import annotations

import base64
import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from tarry.base import outputs
from tarry.base.errors import Conflict, FormatError, InvalidInput, Step
from tarry.store import Store, migrations

FORMAT = "tarry-export"
VERSION = 1
SKIPPED = ("schema_migrations",)
MAX_DOCUMENT = 1 << 30  # read whole: about 6 million messages
RESTORE_HINT = "Export again, or fix the file."


def quote(name: str) -> str:
    """An SQL identifier, safely quoted."""
    return '"' + name.replace('"', '""') + '"'


def tables(conn: sqlite3.Connection) -> list[str]:
    """The ordinary tables holding a person's data, by name (indexes and ledger left out)."""
    rows = conn.execute("PRAGMA main.table_list").fetchall()
    return sorted(
        row[1]
        for row in rows
        if row[2] == "table" and not row[1].startswith("sqlite_") and row[1] not in SKIPPED
    )


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({quote(table)})")]


def _order(conn: sqlite3.Connection, table: str) -> str:
    info = conn.execute(f"PRAGMA table_info({quote(table)})").fetchall()
    keys = sorted((row[5], row[1]) for row in info if row[5] > 0)
    return ", ".join(quote(name) for _, name in keys) if keys else "rowid"


def _encode(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"base64": base64.b64encode(value).decode("ascii")}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        return base64.b64decode(value["base64"])
    return value


# Export ---------------------------------------------------------------------------------------


def export(store: Store, out: IO[str]) -> dict[str, int]:
    """Write the whole store as one document; returns the rows written per table."""
    conn, counts = store.conn, {}
    out.write(f'{{"format": "{FORMAT}", "version": {VERSION}, ')
    out.write(f'"schema_version": {store.version},\n"tables": {{')
    for index, table in enumerate(tables(conn)):
        names = columns(conn, table)
        out.write("," if index else "")
        out.write(f'\n{json.dumps(table)}: {{"columns": {json.dumps(names)}, "rows": [')
        counts[table] = _write_rows(out, _rows(conn, table, names))
        out.write("\n]}")
    out.write("\n}}\n")
    return counts


def _rows(conn: sqlite3.Connection, table: str, names: list[str]) -> Iterator[tuple[Any, ...]]:
    listed = ", ".join(quote(name) for name in names)
    cursor = conn.execute(f"SELECT {listed} FROM {quote(table)} ORDER BY {_order(conn, table)}")
    yield from (tuple(row) for row in cursor)


def _write_rows(out: IO[str], rows: Iterator[tuple[Any, ...]]) -> int:
    count = 0
    for row in rows:
        out.write(",\n" if count else "\n")
        out.write(json.dumps([_encode(v) for v in row], ensure_ascii=False))
        count += 1
    return count


def export_file(store: Store, path: str | Path) -> dict[str, int]:
    """Export to `path`, private (0600) and whole or not at all."""
    with outputs.output(path) as out:
        return export(store, out)


# Import ---------------------------------------------------------------------------------------


@dataclass
class Table:
    name: str
    columns: list[str]
    rows: list[list[Any]]


def read(path: str | Path) -> tuple[int, list[Table]]:
    """Read and check an export document: (schema version, tables). Raises FormatError."""
    where = str(path)
    try:
        size = Path(path).stat().st_size
        if size > MAX_DOCUMENT:
            raise FormatError(
                f"is {size / 2**30:.1f} GiB; an export document is read whole, so tarry reads"
                f" none over {MAX_DOCUMENT >> 30} GiB.",
                path=where,
                hint="Check that this is the export you meant; split a larger store's export.",
            )
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"Cannot read {where}: {exc.strerror}.") from exc
    except UnicodeDecodeError as exc:
        raise FormatError("not UTF-8 text.", path=where, byte=exc.start, hint=RESTORE_HINT) from exc
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(
            f"not valid JSON ({exc.msg}).", path=where, line=exc.lineno, hint=RESTORE_HINT
        ) from exc
    except ValueError as exc:  # int() refuses numbers over 4,300 digits: no export writes one
        raise FormatError("a number has over 4,300 digits.", path=where, hint=RESTORE_HINT) from exc
    except RecursionError as exc:  # tarry nests three levels deep
        raise FormatError("it is nested too deeply.", path=where, hint=RESTORE_HINT) from exc
    except MemoryError as exc:
        raise FormatError(
            "it does not fit in memory.", path=where, hint="Free some memory and try again."
        ) from exc
    return _check_header(document, where), _check_tables(document.get("tables"), where)


def _check_header(document: Any, where: str) -> int:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise FormatError(
            f'not a tarry export (expected "format": "{FORMAT}").',
            path=where,
            hint=RESTORE_HINT,
            step=Step.EXPORT,
        )
    version, schema = document.get("version"), document.get("schema_version")
    if not isinstance(version, int) or not isinstance(schema, int):
        raise FormatError("version and schema_version must be integers.", path=where)
    if version > VERSION:
        raise FormatError(
            f"export format version {version} is newer than this tarry reads ({VERSION}).",
            path=where,
            hint="Upgrade tarry, then import again.",
        )
    return schema


def _check_tables(tables_: Any, where: str) -> list[Table]:
    if not isinstance(tables_, dict):
        raise FormatError('"tables" must be an object of tables.', path=where)
    found = []
    for name, body in tables_.items():
        if not isinstance(body, dict):
            raise FormatError(f"table {name!r} must be an object.", path=where)
        names, rows = body.get("columns"), body.get("rows")
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise FormatError(f'table {name!r}: "columns" must be a list of names.', path=where)
        if not isinstance(rows, list):
            raise FormatError(f'table {name!r}: "rows" must be a list.', path=where)
        for number, row in enumerate(rows, 1):
            _check_row(row, len(names), f"table {name!r}, row {number}", where)
        found.append(Table(name, names, rows))
    return found


def _check_row(row: Any, width: int, what: str, where: str) -> None:
    if not isinstance(row, list) or len(row) != width:
        raise FormatError(f"{what}: expected a list of {width} values.", path=where)
    for value in row:
        if isinstance(value, dict) and not _is_blob(value):
            raise FormatError(f"{what}: unexpected object {value!r}.", path=where)
        if isinstance(value, list | bool):
            raise FormatError(f"{what}: unexpected value {value!r}.", path=where)


def _is_blob(value: dict[str, Any]) -> bool:
    if set(value) != {"base64"} or not isinstance(value["base64"], str):
        return False
    return re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", value["base64"]) is not None


def import_backup(store: Store, path: str | Path) -> dict[str, int]:
    """Restore an export into this store, which must be empty; all or nothing."""
    schema, found = read(path)
    where = str(path)
    if schema > store.version:
        raise FormatError(
            f"made by a newer tarry (schema {schema}; this one has {store.version}).",
            path=where,
            hint="Upgrade tarry, then import again.",
        )
    _check_against_store(store.conn, found, where)
    _check_values(store.conn, found, where)
    _refuse_unless_empty(store)
    with store.tx():
        store.execute("PRAGMA defer_foreign_keys = ON")
        _clear_seeded(store, {t.name for t in found})
        counts = {t.name: _insert(store.conn, t, where) for t in _by_dependency(store.conn, found)}
        _check_references(store.conn, found, where)
        _rebuild_external_indexes(store.conn)
    return counts


def _check_against_store(conn: sqlite3.Connection, found: list[Table], where: str) -> None:
    known = set(tables(conn))
    for table in found:
        if table.name not in known:
            raise FormatError(
                f"unknown table {table.name!r}.", path=where, hint="Is it from a newer tarry?"
            )
        have = set(columns(conn, table.name))
        unknown = [c for c in table.columns if c not in have]
        if unknown or len(set(table.columns)) != len(table.columns):
            raise FormatError(
                f"table {table.name!r}: unknown or repeated columns {unknown or table.columns}.",
                path=where,
            )


def _check_values(conn: sqlite3.Connection, found: list[Table], where: str) -> None:
    from tarry.archive import (
        checks as archive_values,  # the mirror's and recurrence's rules: only when restoring
    )

    for table in found:
        archive_values.check_rows(conn, table.name, table.columns, table.rows, where)


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {t: conn.execute(f"SELECT count(*) FROM {quote(t)}").fetchone()[0] for t in tables(conn)}


def fresh_counts() -> dict[str, int]:
    """Rows per table in a brand-new store (a migration may seed a table, e.g. with prompts)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        conn.execute(migrations.LEDGER)
        for migration in migrations.available():
            migrations.apply(conn, migration)
        return _counts(conn)
    finally:
        conn.close()


def _refuse_unless_empty(store: Store) -> None:
    fresh = fresh_counts()
    held = {t: n for t, n in _counts(store.conn).items() if n != fresh.get(t, 0)}
    if held:
        listed = ", ".join(f"{n} in {t}" for t, n in sorted(held.items()))
        raise Conflict(
            f"The store at {store.path} already holds data ({listed}); nothing was imported.",
            "Restore into an empty home.",
            field="home",
            expected="a new or empty data folder",
            example="~/tarry-restored",
        )


def _clear_seeded(store: Store, restoring: set[str]) -> None:
    """Remove rows a migration seeded in tables the document restores (it holds them too)."""
    for table, count in fresh_counts().items():
        if count and table in restoring:
            store.execute(f"DELETE FROM {quote(table)}")


def _by_dependency(conn: sqlite3.Connection, found: list[Table]) -> list[Table]:
    """Parents before children, so rows that reference others find them."""
    ordered: list[Table] = []
    pending = {t.name: t for t in found}

    def visit(name: str, seen: frozenset[str]) -> None:
        if name not in pending or name in seen:
            return
        for ref in conn.execute(f"PRAGMA foreign_key_list({quote(name)})"):
            visit(ref[2], seen | {name})
        if name in pending:
            ordered.append(pending.pop(name))

    for table in found:
        visit(table.name, frozenset())
    return ordered


def _insert(conn: sqlite3.Connection, table: Table, where: str) -> int:
    if not table.rows:
        return 0
    names = ", ".join(quote(c) for c in table.columns)
    marks = ", ".join("?" for _ in table.columns)
    sql = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})"
    try:
        conn.executemany(sql, ([_decode(v) for v in row] for row in table.rows))
    except sqlite3.Error as exc:
        raise FormatError(
            f"table {table.name!r}: a row does not fit the store ({exc}).",
            path=where,
            hint=RESTORE_HINT + " Nothing was imported.",
        ) from exc
    return len(table.rows)


def _check_references(conn: sqlite3.Connection, found: list[Table], where: str) -> None:
    """Refuse the first reference to a missing row, named by its place in the document."""
    broken = conn.execute("PRAGMA foreign_key_check").fetchone()
    if broken is None:
        return
    table, rowid, parent, key = broken
    link = [r for r in conn.execute(f"PRAGMA foreign_key_list({quote(table)})") if r[0] == key]
    columns = [r[3] for r in link]  # the referring column(s) of that foreign key
    place = f"table {table!r}"
    values = conn.execute(
        f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)} WHERE rowid = ?",
        (rowid,),
    ).fetchone()
    body = next((t for t in found if t.name == table), None)
    if values is not None and body is not None:
        indexes = [body.columns.index(c) for c in columns if c in body.columns]
        number = next(
            (n for n, row in enumerate(body.rows, 1) if [row[i] for i in indexes] == list(values)),
            None,
        )
        if number is not None:
            place += f", row {number}"
    if values is not None:
        pairs = zip(columns, values, strict=True)
        place += ", column " + ", ".join(f"{c!r} = {v!r}" for c, v in pairs)
    raise FormatError(
        f"{place}: refers to a missing row in {parent!r}.",
        path=where,
        hint=RESTORE_HINT + " Nothing was imported.",
    )


def _rebuild_external_indexes(conn: sqlite3.Connection) -> None:
    """Refill full-text indexes whose content lives in another table (no insert triggers)."""
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL%'")
    for name, sql in rows.fetchall():
        if re.search(r"fts5\(", sql, re.I) and re.search(r"content\s*=\s*'[^']+'", sql):
            conn.execute(f"INSERT INTO {quote(name)} ({quote(name)}) VALUES ('rebuild')")
