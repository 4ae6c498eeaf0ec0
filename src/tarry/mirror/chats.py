"""Importing a chat export into the store: idempotent, all or nothing, streamed in batches.

Each message gets a stable key, a hash of its conversation (source and title), time, author,
text and its occurrence among identical messages at that time, so importing the same or an
overlapping export again adds only what is new. The whole import is one transaction; the
search index (`messages_fts`) is filled in bulk after each batch, in the same transaction (so it
overlaps with the reading of the next batch when that runs in a thread).
"""

from __future__ import annotations

import hashlib
import itertools
import queue
import threading
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson

from tarry.base import clock
from tarry.base.budget import Budget
from tarry.base.errors import Conflict, InvalidInput
from tarry.base.source import Source, as_source
from tarry.declare import contacts, people
from tarry.mirror.formats import Message, Ref, registry
from tarry.mirror.formats.contract import Columns, Options, Reading, day_first, without_surrogates
from tarry.mirror.formats.conversation import Conversation
from tarry.mirror.formats.registry import Progress
from tarry.mirror.jsonlines import idle_cores
from tarry.store import Store

__all__ = ["ImportSummary", "day_first", "import_chat", "without_surrogates"]
BATCH = 5000
PEEK = 2000  # messages read ahead to guess which author is the user
CACHE_KIB = -65536  # SQLite's page cache during an import (negative: KiB)
KEEP_SKIPPED = 200  # skipped records listed in the summary (all are counted)
# One import's limits: far above a decade of a busy chat (about 2 million messages, 300 MB),
# far below a zip that expands to fill the disk; each shell lets a person raise them.
MAX_MESSAGES, MAX_BYTES = 5_000_000, 1 << 30
# From this size on, with a core free, a thread reads, keys and encodes the next batches while
# SQLite stores one (sqlite3 lets go of the GIL while it runs): smaller ones would not pay.
PARALLEL_MIN = 4 << 20
AHEAD = 2  # encoded batches waiting for the store at most (bounds memory)
# Rows of a batch read ahead: larger, since each batch costs the threads a few hand-overs of
# the GIL (up to 5 ms each); three batches of it in memory at once stay under 30 MB.
BATCH_AHEAD = 20000
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
INDEX = "INSERT INTO messages_fts (rowid, text) SELECT id, text FROM messages WHERE id > ?"
# Ids, replies and reactions of a batch, found by the messages' keys (stored just before).
INSERT_REFS = """
INSERT OR IGNORE INTO message_refs (message_id, conversation_id, source_id, reply_to)
SELECT m.id, ?1, j.value ->> 1, j.value ->> 2
FROM json_each(?2) AS j JOIN messages m ON m.key = j.value ->> 0
"""
INSERT_REACTIONS = """
INSERT OR IGNORE INTO reactions (message_id, author, is_me, person_id, emoji)
SELECT m.id, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4
FROM json_each(?1) AS j JOIN messages m ON m.key = j.value ->> 0
"""


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

    def add(self, part: ConversationSummary) -> None:
        """A conversation's summary; an export read in parts (SMS) sums each conversation's."""
        same = next((c for c in self.conversations if c.title == part.title), None)
        if same is None:
            self.conversations.append(part)
            return
        same.messages += part.messages
        same.new += part.new
        same.already_present += part.already_present
        same.first = min(filter(None, (same.first, part.first)), default=None)
        same.last = max(filter(None, (same.last, part.last)), default=None)
        for mine, theirs in ((same.authors, part.authors), (same.kinds, part.kinds)):
            for key, count in theirs.items():
                mine[key] = mine.get(key, 0) + count

    def skip(self, where: str, reason: str) -> None:
        self.skipped += 1
        if len(self.skipped_records) < KEEP_SKIPPED:
            self.skipped_records.append({"where": where, "reason": reason})

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data |= {"messages": self.messages, "new": self.new}
        return data


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
    delimiter: str | None = None,
    reassign_me: bool = False,
    budget: Budget | None = None,
) -> ImportSummary:
    """Import every conversation of the export at `path` (or the one named `chat`).

    `me` never changes silently: a conversation stored with another author as "me" is refused,
    unless `reassign_me` re-attributes it (and its labels are made again, from the new sides).

    `title` stores a one-conversation export under that title, e.g. to merge a later export
    whose file is named differently into the conversation an earlier one created.
    `day_first` settles a WhatsApp export whose dates read either way (01/02/26).
    `budget` bounds what the import may write (default: `message_budget()`).
    """
    source = as_source(path)
    if not source.exists():
        raise InvalidInput(f"No such file or folder: {source}.")
    chosen = registry.choose(source, fmt)  # detected once, here
    linked = people.get(store, person) if person else None
    summary = ImportSummary(str(source), chosen.name)
    budget = budget or message_budget()
    budget.start(store.home, 0 if source.is_folder else source.size())
    importer = Importer(store, chosen.name, linked, me, ask_me, budget, reassign_me)
    importer.parallel = _parallel(source)
    options = Options(columns=columns, day_first=day_first, delimiter=delimiter)
    reading = Reading(chat, summary.skip, options)
    with ExitStack() as stack, store.tx():
        stack.enter_context(_big_cache(store))
        export = stack.enter_context(registry.opened(source, chosen, reading, progress=progress))
        start = store.scalar("SELECT COALESCE(MAX(id), 0) FROM messages")
        start_reaction = store.scalar("SELECT COALESCE(MAX(id), 0) FROM reactions")
        importer.indexed = start
        for conversation in export.conversations:
            if title is not None:
                _check_one(summary, source.path)
                conversation = conversation._replace(title=title.strip() or conversation.title)
            summary.add(importer.run(conversation))
        _check_me(me, summary, source.path)
        importer.index()  # each batch was: nothing left but what no batch stored
        if importer.relinked:  # messages now count for other people: recount every day
            contacts.rebuild(store)
        else:
            contacts.record(store, after_id=start, after_reaction=start_reaction)
    return summary


def message_budget(max_messages: int = MAX_MESSAGES, max_bytes: int = MAX_BYTES) -> Budget:
    """What one chat import may write: messages, and bytes of them (as sent to the store)."""
    return Budget(max_messages, max_bytes, "messages", "max_messages")


def _parallel(source: Source) -> bool:
    """Read ahead in a thread when the export is big and a second core is free now."""
    return not source.is_folder and source.size() >= PARALLEL_MIN and idle_cores() >= 1


def _check_me(me: str | None, summary: ImportSummary, path: Path) -> None:
    """`me` must name someone who wrote in the export (else your messages count as theirs)."""
    authors = {a for c in summary.conversations for a in c.authors if a}
    if me and authors and me.casefold() not in {a.casefold() for a in authors}:
        shown = ", ".join(sorted(authors)[:8]) + (" ..." if len(authors) > 8 else "")
        raise InvalidInput(
            f"{me!r} did not write in {path.name}; nothing was imported.",
            field="me",
            expected=f"your name as one of its authors: {shown}",
        )


def _check_one(summary: ImportSummary, path: Path) -> None:
    if summary.conversations:
        raise InvalidInput(
            f"{path} holds more than one conversation, so one title cannot name them.",
            "Pick one of them by its title.",
            field="chat",
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
        reassign_me: bool = False,
    ) -> None:
        self.store, self.source, self.person = store, source, person
        self.me, self.ask_me, self.budget = me, ask_me, budget
        self.reassign_me = reassign_me
        self.relinked = False
        self.parallel = False  # read ahead in a thread (see `_ahead`)
        self.indexed = 0  # messages up to this id are in the search index
        self.refs: list[tuple[str, str, str]] = []  # (key, source id, reply to) of a batch
        self.reactions: list[tuple[Any, ...]] = []  # (key, author, is_me, person_id, emoji)

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
        encoded = self._encoded(rows, BATCH_AHEAD if self.parallel else BATCH)
        with _ahead(encoded, links.lock) if self.parallel else _serial(encoded) as batches:
            for count, batch, refs, reactions in batches:
                self.budget.add(count, len(batch))  # before writing: stops at the limit
                summary.new += self.store.conn.execute(insert, (conversation_id, batch)).rowcount
                self._store_refs(conversation_id, refs, reactions)
                self.index()
        summary.already_present = summary.messages - summary.new
        if row is not None and (row["me"] != me or row["person_id"] != links.person_id):
            links.relink(conversation_id)
            self.relinked = True
        if row is not None and row["me"] != me:  # the sides changed: so do the labels
            self.store.execute(
                "DELETE FROM message_labels WHERE message_id IN"
                " (SELECT id FROM messages WHERE conversation_id = ?)",
                (conversation_id,),
            )
        self._link_conversation(conversation_id, links, row)
        return summary

    def _me(self, conversation: Conversation, peeked: list[Message], row: Any, person: Any) -> str:
        if self.me:
            stored = str(row["me"]) if row is not None and row["me"] else ""
            if stored and stored.casefold() != self.me.casefold() and not self.reassign_me:
                raise Conflict(
                    f"{conversation.title!r} was imported with you as {stored!r}, not "
                    f"{self.me!r}; nothing was imported.",
                    f"Leave the name out to keep {stored!r} as you.",
                    field="reassign_me",
                    expected=f"to make {self.me!r} you in it, and label it again",
                )
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
        for message in messages:
            ts, author, text, kind = message
            is_me, person_id = link(author)
            authors[author] = authors.get(author, 0) + 1
            kinds[kind] = kinds.get(kind, 0) + 1
            if first is None or ts < first:
                first = ts
            if last is None or ts > last:
                last = ts
            row_key = key(ts, author, text)
            if message.__class__ is not Message:  # one with an id, a reply or reactions
                self._keep_ref(row_key, message.ref, link)
            yield (row_key, ts, author, is_me, person_id, text, kind)
        summary.messages = sum(authors.values())
        summary.authors = dict(sorted(authors.items(), key=lambda item: -item[1]))
        summary.kinds = kinds
        summary.first, summary.last = first, last

    def _keep_ref(self, key: str, ref: Ref | None, link: Callable[[str], Any]) -> None:
        if ref is None:
            return
        if ref.id or ref.reply_to:
            self.refs.append((key, ref.id, ref.reply_to))
        for reaction in ref.reactions:
            self.reactions.append((key, reaction.author, *link(reaction.author), reaction.emoji))

    def index(self) -> None:
        """Put the messages stored since the last call into the search index."""
        last = self.store.conn.execute("SELECT MAX(id) FROM messages").fetchone()[0] or 0
        if last > self.indexed:
            self.store.conn.execute(INDEX, (self.indexed,))
            self.indexed = last

    def _encoded(self, rows: Iterator[tuple[Any, ...]], size: int) -> Iterator[Encoded]:
        """Batches of rows as JSON, each with its count and its refs and reactions (or None)."""
        for batch in _batches(rows, size):
            refs = as_json(self.refs) if self.refs else None
            reactions = as_json(self.reactions) if self.reactions else None
            self.refs, self.reactions = [], []
            yield len(batch), as_json(batch), refs, reactions

    def _store_refs(self, conversation_id: int, refs: str | None, reactions: str | None) -> None:
        """Ids, replies and reactions of the batch just stored (kept on a re-import: reactions
        added since are added)."""
        if refs:
            self.store.conn.execute(INSERT_REFS, (conversation_id, refs))
        if reactions:
            self.store.conn.execute(INSERT_REACTIONS, (reactions,))

    def _link_conversation(self, conversation_id: int, links: Links, row: Any) -> None:
        """Without `person`, a chat whose other side is one known person is linked to them."""
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
        # Held while the store is in use: an author first met in a reading thread is looked
        # up between two batches, never while the connection stores one.
        self.lock = threading.Lock()

    def get(self, author: str) -> tuple[int, int | None]:
        found = self.cache.get(author)
        if found is None:
            with self.lock:
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
        self._relink_reactions(conversation_id)

    def _relink_reactions(self, conversation_id: int) -> None:
        reactions = "SELECT x.id FROM reactions x JOIN messages m ON m.id = x.message_id"
        authors = self.store.query(
            f"SELECT DISTINCT author FROM reactions WHERE id IN ({reactions}"
            " WHERE m.conversation_id = ?)",
            (conversation_id,),
        )
        for (author,) in authors:
            is_me, person_id = self.get(author)
            self.store.execute(
                f"UPDATE reactions SET is_me = ?, person_id = ? WHERE author = ? AND id IN"
                f" ({reactions} WHERE m.conversation_id = ?)",
                (is_me, person_id, author, conversation_id),
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


def _batches(rows: Iterator[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    while batch := list(itertools.islice(rows, size)):
        yield batch


Encoded = tuple[int, str, str | None, str | None]  # rows, their JSON, refs, reactions
_DONE = object()


@contextmanager
def _serial(batches: Iterator[Encoded]) -> Iterator[Iterator[Encoded]]:
    yield batches


@contextmanager
def _ahead(batches: Iterator[Encoded], lock: threading.Lock) -> Iterator[Iterator[Encoded]]:
    """`batches` made in a thread, at most AHEAD ahead, yielded here in order with `lock`
    held (the store is used only under it). The thread's error is raised here, as the serial
    path would raise it; when the caller stops (an error, a budget), the thread stops before
    the next batch and is waited for, so nothing reads the export after this returns."""
    ready: queue.Queue[Any] = queue.Queue(AHEAD)
    stop = threading.Event()

    def put(item: Any) -> None:
        """Hand `item` to the caller, unless it stops first."""
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.05)
                return
            except queue.Full:
                continue

    def read() -> None:
        try:
            for batch in batches:
                put(batch)
                if stop.is_set():
                    return
            item: Any = _DONE
        except BaseException as error:  # handed to the caller, raised there
            item = error
        put(item)

    def taken() -> Generator[Encoded, None, None]:
        while (item := ready.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            with lock:
                yield item

    thread = threading.Thread(target=read, name="tarry-import-reader", daemon=True)
    thread.start()
    taking = taken()
    try:
        yield taking
    finally:
        taking.close()  # lets go of `lock` if the caller stopped mid-batch
        stop.set()
        thread.join()
