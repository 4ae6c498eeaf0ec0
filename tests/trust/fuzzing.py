"""Every parser of untrusted bytes, as one fuzz target each: input -> result or a TarryError.

Shared by tests/trust/test_fuzz.py (Hypothesis, a fixed budget in CI) and fuzz/fuzz_parsers.py
(atheris, coverage-guided, for as long as you like). Seeds are the synthetic fixtures of
tests/data plus small valid documents made here.
"""

from __future__ import annotations

import functools
import io
import json
import tempfile
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from tarry.archive import document as archive
from tarry.base.errors import FormatError, InvalidInput, LockedError, StoreError, TarryError
from tarry.calendar import ics_import, ics_read
from tarry.calendar.expand import Window
from tarry.declare import vcard
from tarry.mirror.formats import imessage, registry
from tarry.store import backup, crypto, unlock
from tests.trust.hostile import wal_mode_messages_db

DATA = Path(__file__).resolve().parents[1] / "data"
Target = Callable[[bytes], object]


def _chat(fmt: str) -> Target:
    def parse(data: bytes) -> object:
        return sum(1 for _ in registry.messages(fmt, io.BytesIO(data), name="fuzz"))

    return parse


def _in_file(suffix: str, read: Callable[[Path], object]) -> Target:
    def parse(data: bytes) -> object:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"fuzz{suffix}"
            path.write_bytes(data)
            return read(path)

    return parse


def _calendar(path: Path) -> object:
    found = ics_read.read_file(path, None, "fuzz", lambda _: None)
    window = Window(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 31, tzinfo=UTC))
    events = [(name, event) for name, evs in found for event in evs]
    result = ics_import.ImportResult(1, [], "", "")
    return ics_import.build_blocks(events, window, 200, result)


@functools.cache
def _messages_db_and_log() -> tuple[bytes, bytes]:
    """A WAL-mode Messages database and a log of one commit on it (made once)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "chat.db"
        wal = wal_mode_messages_db(path)
        return path.read_bytes(), wal


def _imessage_with_log(wal: Path) -> object:
    """The fuzzed bytes as the `-wal` file beside a fixed Messages database."""
    main, _ = _messages_db_and_log()
    found = imessage.conversations(io.BytesIO(main), name="fuzz", wal=wal)
    return sum(1 for conversation in found for _ in conversation.messages)


def _contacts(data: bytes) -> object:
    """Every card of a contacts file, parsed (no store needed)."""
    return [card.dates for card in vcard.cards(io.BytesIO(data), "fuzz.vcf")]


def _recovery(data: bytes) -> object:
    return crypto.recovery_bytes(data.decode("utf-8", errors="replace"))


TARGETS: dict[str, Target] = {
    **{f"chat-{fmt}": _chat(fmt) for fmt in registry.names() if fmt != "instagram"},
    "chat-imessage-wal": _in_file(".db-wal", _imessage_with_log),
    "calendar-ics": _in_file(".ics", _calendar),
    "key-header": crypto.from_json,
    "recovery-key": _recovery,
    "passphrase-file": _in_file("", unlock.read_passphrase_file),
    "backup-manifest": _in_file(".tarry-backup", backup.read_manifest),
    "export-document": _in_file(".json", archive.read),
    "contacts-vcf": _contacts,
}
# The one kind of refusal each target may answer with (a FormatError also names the input).
REFUSALS: dict[str, type[TarryError]] = {
    **{name: FormatError for name in TARGETS if name.startswith("chat-")},
    "calendar-ics": FormatError,
    "key-header": StoreError,
    "recovery-key": LockedError,
    "passphrase-file": InvalidInput,
    "backup-manifest": FormatError,
    "export-document": FormatError,
    "contacts-vcf": FormatError,
}
SEED_DIRS = {
    "chat-whatsapp": ["whatsapp"],
    "chat-telegram": ["telegram"],
    "chat-signal": ["signal"],
    "chat-messenger": ["messenger"],
    "chat-discord": ["discord"],
    "chat-csv": ["csv"],
    "calendar-ics": ["calendar"],
    "chat-imessage": [],  # tests/data/imessage holds SQL text: its seed is a database, made here
    "contacts-vcf": ["contacts"],
}


@functools.cache
def _export_document() -> bytes:
    """A real export of a store with a little of everything (made once)."""
    from tarry.store import Store
    from tests.archive.test_archive import fill

    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder)) as store:
        fill(store)
        out = io.StringIO()
        archive.export(store, out)
    return out.getvalue().encode()


def _made_seeds(name: str) -> list[bytes]:
    header = crypto.Header("fuzz", {})
    if name == "chat-imessage":
        return [_messages_db_and_log()[0]]
    if name == "chat-imessage-wal":
        return [_messages_db_and_log()[1]]
    if name == "key-header":
        return [crypto.to_json(header)]
    if name == "recovery-key":
        return [crypto.new_recovery_key().encode()]
    if name == "backup-manifest":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as out:
            out.writestr("manifest.json", json.dumps({"format": "tarry-backup", "version": 1}))
        return [buffer.getvalue()]
    if name == "export-document":
        return [_export_document()]
    return [b"correct horse battery\n"]


def seeds(name: str) -> list[bytes]:
    """Starting inputs for one target (files over 256 KiB are left out)."""
    found = [
        p.read_bytes()
        for folder in SEED_DIRS.get(name, [name.removeprefix("chat-")] if "chat-" in name else [])
        for p in sorted((DATA / folder).rglob("*"))
        if p.is_file() and p.stat().st_size < 256 * 1024
    ]
    return found or _made_seeds(name)
