"""Importing a chat export into the store: idempotent, all or nothing, streamed in batches.

Each message gets a stable key, a hash of its conversation (source and title), time, author,
text and its occurrence among identical messages at that time, so importing the same or an
overlapping export again adds only what is new. The whole import is one transaction; the
search index (`messages_fts`) is filled in bulk at the end of it.
"""

from __future__ import annotations

import hashlib
import io
import itertools
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from tarry.base import clock
from tarry.base.budget import Budget
from tarry.base.errors import InvalidInput
from tarry.base.source import Source, as_source
from tarry.declare import contacts, people
from tarry.mirror.formats import Message
from tarry.mirror.formats import detect as formats
from tarry.mirror.formats.conversation import Conversation
from tarry.mirror.formats.csvchat import Columns
from tarry.store import Store

BATCH = 5000
PEEK = 2000  # messages read ahead to guess which author is the user
CACHE_KIB = -65536  # SQLite's page cache during an import (negative: KiB)
KEEP_SKIPPED = 200  # skipped records listed in the summary (all are counted)
# One import's limits: far above a decade of a busy chat (about 2 million messages, 300 MB),
# far below a zip that expands to fill the disk. Raised with --max-messages / --max-bytes.
MAX_MESSAGES, MAX_BYTES = 5_000_000, 1 << 30
Progress = Callable[[int, int], None]  # (bytes read, total bytes)
AskMe = Callable[[list[str]], str | None]  # (authors) -> the user's author name, or None

# One statement per batch of rows sent as a JSON array: SQLite reads it with json_each, so
# there is one call per batch instead of one bind per value, and rows already stored are
# passed over by an index look-up instead of a failing insert (3x cheaper on a re-import).
INSERT = """
INSERT OR IGNORE INTO messages (conversation_id, key, ts, author, is_me, person_id, text, kind)
SELECT ?1, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4,
       j.value ->> 5, j.value ->> 6
FROM json_each(?2) AS j
"""
# For a conversation stored before: rows already there are skipped by one index look-up each.
INSERT_AGAIN = INSERT + "WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.key = j.value ->> 0)"


@dataclass
class ConversationSummary:
    title: str
    source: str
    me: str
    person: str | None
    messages: int = 0
    new: int = 0
    already_present: int = 0
    first: str | None = None
    last: str | None = None
    authors: dict[str, int] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)


@dataclass
class ImportSummary:
    path: str
    format: str
    conversations: list[ConversationSummary] = field(default_factory=list)
    skipped: int = 0
    skipped_records: list[dict[str, str]] = field(default_factory=list)

    @property
    def new(self) -> int:
        return sum(c.new for c in self.conversations)

    @property
    def messages(self) -> int:
        return sum(c.messages for c in self.conversations)

    def skip(self, where: str, reason: str) -> None:
        self.skipped += 1
        if len(self.skipped_records) < KEEP_SKIPPED:
            self.skipped_records.append({"where": where, "reason": reason})

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data |= {"messages": self.messages, "new": self.new}
        return data


class ProgressReader(io.RawIOBase):
    """A read-only file that reports how many bytes were read so far."""

    def __init__(self, raw: BinaryIO, total: int, progress: Progress) -> None:
        self.raw, self.total, self.progress = raw, total, progress

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self.raw.readinto(buffer)  # type: ignore[attr-defined]
        self.progress(self.raw.tell(), self.total)
        return int(count or 0)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.raw.seek(offset, whence)

    def tell(self) -> int:
        return self.raw.tell()

    def fileno(self) -> int:  # the file itself, for a reader that maps or opens it in place
        return self.raw.fileno()


def import_chat(
    store: Store,
    path: str | Path | Source,
    *,
    fmt: str | None = None,
    person: str | None = None,
    me: str | None = None,
    chat: str | None = None,
    title: str | None = None,
    columns: Columns | None = None,
    progress: Progress | None = None,
    ask_me: AskMe | None = None,
    day_first: bool | None = None,
    budget: Budget | None = None,
) -> ImportSummary:
    """Import every conversation of the export at `path` (or the one named `chat`).

    `title` stores a one-conversation export under that title, e.g. to merge a later export
    whose file is named differently into the conversation an earlier one created.
    `day_first` settles a WhatsApp export whose dates read either way (01/02/26).
    `budget` bounds what the import may write (default: `message_budget()`).
    """
    source = as_source(path)
    if not source.exists():
        raise InvalidInput(f"No such file or folder: {source}.")
    fmt = (fmt or formats.detect(source)).lower()
    formats.module_for(fmt)
    linked = people.get(store, person) if person else None
    summary = ImportSummary(str(source), fmt)
    budget = budget or message_budget()
    budget.start(store.home, 0 if source.is_folder else source.size())
    importer = Importer(store, fmt, linked, me, ask_me, budget)
    with ExitStack() as stack, store.tx():
        stack.enter_context(_big_cache(store))
        options = {"columns": columns, "day_first": day_first}
        found = _open(stack, source, fmt, chat, options, progress, summary)
        start = store.scalar("SELECT COALESCE(MAX(id), 0) FROM messages")
        for conversation in found:
            if title is not None:
                _check_one(summary, source.path)
                conversation = conversation._replace(title=title.strip() or conversation.title)
            summary.conversations.append(importer.run(conversation))
        _check_me(me, summary, source.path)
        store.execute(
            "INSERT INTO messages_fts (rowid, text) SELECT id, text FROM messages WHERE id > ?",
            (start,),
        )
        if importer.relinked:  # messages now count for other people: recount every day
            contacts.rebuild(store)
        else:
            contacts.record(store, after_id=start)
    return summary


def message_budget(max_messages: int = MAX_MESSAGES, max_bytes: int = MAX_BYTES) -> Budget:
    """What one chat import may write: messages, and bytes of them (as sent to the store)."""
    return Budget(max_messages, max_bytes, "messages", "--max-messages")


DATE_ORDERS = {"dmy": True, "mdy": False}


def day_first(order: str | None) -> bool | None:
    """A date order as the user names it ('dmy', 'mdy'; empty: work it out) as `day_first`."""
    if not order:
        return None
    if order.lower() not in DATE_ORDERS:
        raise InvalidInput(f"Unknown date order {order!r}.", "Use --date-order dmy or mdy.")
    return DATE_ORDERS[order.lower()]


def _check_me(me: str | None, summary: ImportSummary, path: Path) -> None:
    """--me must name someone who wrote in the export (else your messages count as theirs)."""
    authors = {a for c in summary.conversations for a in c.authors if a}
    if me and authors and me not in authors:
        shown = ", ".join(sorted(authors)[:8]) + (" ..." if len(authors) > 8 else "")
        raise InvalidInput(
            f"{me!r} did not write in {path.name}; nothing was imported.",
            f"Name yourself as one of its authors with --me: {shown}.",
        )


def _check_one(summary: ImportSummary, path: Path) -> None:
    if summary.conversations:
        raise InvalidInput(
            f"{path} holds more than one conversation, so one title cannot name them.",
            "Pick one with --chat NAME.",
        )


@contextmanager
def _big_cache(store: Store) -> Iterator[None]:
    """A 64 MB page cache while importing: the key index must not be evicted mid-import."""
    before = store.scalar("PRAGMA cache_size")
    store.execute(f"PRAGMA cache_size = {CACHE_KIB}")
    try:
        yield
    finally:
        store.execute(f"PRAGMA cache_size = {int(before)}")


def _open(
    stack: ExitStack,
    source: Source,
    fmt: str,
    chat: str | None,
    options: dict[str, Any],
    progress: Progress | None,
    summary: ImportSummary,
) -> Iterator[Conversation]:
    if source.is_folder:
        return formats.folder_conversations(source.path, chat=chat, on_skip=summary.skip)
    fp: BinaryIO = stack.enter_context(source.open())
    if progress is not None:
        raw = ProgressReader(fp, source.size(), progress)
        fp = stack.enter_context(io.BufferedReader(raw, 1 << 16))
    return formats.conversations(source, fp, fmt, chat=chat, on_skip=summary.skip, options=options)


class Importer:
    """Stores conversations of one export: authors resolved once, messages in batches."""

    def __init__(
        self,
        store: Store,
        source: str,
        person: Any,
        me: str | None,
        ask_me: AskMe | None,
        budget: Budget,
    ) -> None:
        self.store, self.source, self.person = store, source, person
        self.me, self.ask_me, self.budget = me, ask_me, budget
        self.relinked = False

    def run(self, conversation: Conversation) -> ConversationSummary:
        row = self.store.one(
            "SELECT id, me, person_id FROM conversations WHERE source = ? AND title = ?",
            (self.source, conversation.title),
        )
        peeked = list(itertools.islice(conversation.messages, PEEK))
        person = self.person or _stored_person(self.store, row)
        me = self._me(conversation, peeked, row, person)
        conversation_id = self._upsert(conversation.title, me, row)
        summary = ConversationSummary(
            conversation.title, self.source, me, person.name if person else None
        )
        links = Links(self.store, me, person)
        messages = itertools.chain(peeked, conversation.messages)
        rows = self._rows(conversation_id, conversation.title, messages, links, summary)
        insert = INSERT if row is None else INSERT_AGAIN
        for batch in _batches(rows):
            encoded = as_json(batch)
            self.budget.add(len(batch), len(encoded))  # before writing: stops at the limit
            summary.new += self.store.conn.execute(insert, (conversation_id, encoded)).rowcount
        summary.already_present = summary.messages - summary.new
        if row is not None and (row["me"] != me or row["person_id"] != links.person_id):
            links.relink(conversation_id)
            self.relinked = True
        self._link_conversation(conversation_id, links, row)
        return summary

    def _me(self, conversation: Conversation, peeked: list[Message], row: Any, person: Any) -> str:
        if self.me:
            return self.me
        if row is not None and row["me"]:
            return str(row["me"])
        authors = list(dict.fromkeys(m.author for m in peeked if m.kind != "system" and m.author))
        if conversation.me:  # the export says which author is its owner
            return conversation.me
        guess = guess_me(self.store, authors, person)
        if guess is None and self.ask_me is not None and len(authors) > 1:
            guess = self.ask_me(authors)
        return guess or ""

    def _upsert(self, title: str, me: str, row: Any) -> int:
        now = clock.to_text(clock.now())
        person_id = self.person.id if self.person else (row["person_id"] if row else None)
        if row is None:
            cur = self.store.execute(
                "INSERT INTO conversations (source, title, person_id, me, imported_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (self.source, title, person_id, me, now),
            )
            return int(cur.lastrowid or 0)
        self.store.execute(
            "UPDATE conversations SET me = ?, person_id = ?, imported_at = ? WHERE id = ?",
            (me, person_id, now, row["id"]),
        )
        return int(row["id"])

    def _rows(
        self,
        conversation_id: int,
        title: str,
        messages: Iterable[Message],
        links: Links,
        summary: ConversationSummary,
    ) -> Iterator[tuple[Any, ...]]:
        key = Keys(self.source, title).key
        link = links.get
        authors: dict[str, int] = {}
        kinds: dict[str, int] = {}
        first = last = None
        for ts, author, text, kind in messages:
            is_me, person_id = link(author)
            authors[author] = authors.get(author, 0) + 1
            kinds[kind] = kinds.get(kind, 0) + 1
            if first is None or ts < first:
                first = ts
            if last is None or ts > last:
                last = ts
            yield (key(ts, author, text), ts, author, is_me, person_id, text, kind)
        summary.messages = sum(authors.values())
        summary.authors = dict(sorted(authors.items(), key=lambda item: -item[1]))
        summary.kinds = kinds
        summary.first, summary.last = first, last

    def _link_conversation(self, conversation_id: int, links: Links, row: Any) -> None:
        """Without --person, a chat whose other side is one known person is linked to them."""
        if self.person is not None or (row is not None and row["person_id"] is not None):
            return
        others = {pid for is_me, pid in links.cache.values() if not is_me and pid is not None}
        if len(others) == 1:
            self.store.execute(
                "UPDATE conversations SET person_id = ? WHERE id = ?",
                (others.pop(), conversation_id),
            )


class Keys:
    """Stable message keys: the time, then a hash of the conversation, time, author, text and
    the occurrence among identical messages (64 bits: collisions would need billions of
    messages at one second of one chat)."""

    def __init__(self, source: str, title: str) -> None:
        self.base = hashlib.blake2b(f"{source}\x00{title}\x00".encode(), digest_size=8)
        self.ts: str | None = None
        self.seen: dict[str, int] = {}

    def key(self, ts: str, author: str, text: str) -> str:
        if ts != self.ts:
            # Identical messages share a time, so counting within one time is enough.
            self.ts, self.seen = ts, {}
        ident = f"{ts}\x1f{author}\x1f{text}"
        count = self.seen.get(ident, 0)
        self.seen[ident] = count + 1
        digest = self.base.copy()
        digest.update(f"{ident}\x1f{count}".encode("utf-8", "surrogatepass"))
        return f"{ts}/{digest.hexdigest()}"


class Links:
    """Which author is the user and which person each other author is, resolved once each."""

    def __init__(self, store: Store, me: str, person: Any) -> None:
        self.store, self.me, self.person = store, me.casefold(), person
        self.person_id = person.id if person else None
        self.cache: dict[str, tuple[int, int | None]] = {}

    def get(self, author: str) -> tuple[int, int | None]:
        found = self.cache.get(author)
        if found is None:
            found = self.cache[author] = self._resolve(author)
        return found

    def _resolve(self, author: str) -> tuple[int, int | None]:
        if self.me and author.casefold() == self.me:
            return 1, None
        known = people.find(self.store, author) if author.strip() else None
        if known is not None:
            return 0, known.id
        return 0, self.person_id if author.strip() else None

    def relink(self, conversation_id: int) -> None:
        """Bring rows stored by an earlier import in line with the current me/person."""
        authors = [
            r[0]
            for r in self.store.query(
                "SELECT DISTINCT author FROM messages WHERE conversation_id = ?", (conversation_id,)
            )
        ]
        for author in authors:
            is_me, person_id = self.get(author)
            self.store.execute(
                "UPDATE messages SET is_me = ?, person_id = ? WHERE conversation_id = ?"
                " AND author = ? AND (is_me != ? OR person_id IS NOT ?)",
                (is_me, person_id, conversation_id, author, is_me, person_id),
            )


def _stored_person(store: Store, row: Any) -> Any:
    if row is None or row["person_id"] is None:
        return None
    name = store.scalar("SELECT name FROM people WHERE id = ?", (row["person_id"],))
    return people.get(store, name) if name else None


def guess_me(store: Store, authors: list[str], person: Any) -> str | None:
    """The one author who is not the other side (the given person, or any known person)."""
    if len(authors) < 2:
        return None
    names = [a.casefold() for a in [*person.aliases, person.name]] if person else []
    others = [a for a in authors if not _named(a, names) and people.find(store, a) is None]
    return others[0] if len(others) == 1 else None


def _named(author: str, names: list[str]) -> bool:
    """'Robin Vale' is Robin's side when the person is called Robin (or has that alias)."""
    folded = author.casefold()
    return any(folded == n or folded.startswith(n + " ") for n in names)


def as_json(batch: list[tuple[Any, ...]]) -> str:
    """A batch as a JSON array; lone surrogates (from JSON escapes like \\ud800) become U+FFFD."""
    try:
        return orjson.dumps(batch).decode()
    except orjson.JSONEncodeError:
        return orjson.dumps([[without_surrogates(v) for v in row] for row in batch]).decode()


def without_surrogates(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _batches(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    while batch := list(itertools.islice(rows, BATCH)):
        yield batch
