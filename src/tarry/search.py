"""Full-text search over entries, moment notes, tradeoffs (and messages when indexed), ranked.

User words never reach FTS5 as syntax: each word or "quoted phrase" becomes a quoted string, so
`AND`, `"`, `(`, `*` or `-` in what a person types cannot cause a query error. A trailing `*` on
a word keeps its meaning as a prefix search.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from tarry.errors import InvalidInput
from tarry.store import Store

KINDS = ("entry", "moment", "tradeoff", "message")
MARK_START, MARK_END = "\x02", "\x03"  # snippet highlight markers, never in stored text

# Where each kind's date and title come from (`ref` is the row id in its table).
SOURCES = {
    "entry": "SELECT at, CASE WHEN prompt != '' THEN prompt ELSE substr(body, 1, 60) END"
    " FROM entries WHERE id = ?",
    "moment": "SELECT m.at, coalesce((SELECT group_concat(name, ', ') FROM (SELECT p.name"
    " FROM moment_people mp JOIN people p ON p.id = mp.person_id WHERE mp.moment_id = m.id"
    " ORDER BY p.name)), 'a moment') FROM moments m WHERE m.id = ?",
    "tradeoff": "SELECT at, chose || ' over ' || over FROM tradeoffs WHERE id = ?",
    "message": "SELECT g.ts, g.author || ' in ' || c.title FROM messages g"
    " JOIN conversations c ON c.id = g.conversation_id WHERE g.id = ?",
}

_TERM = re.compile(r'"([^"]*)"|(\S+)')


@dataclass
class Hit:
    kind: str
    id: int
    at: str
    title: str
    snippet: str  # plain text
    highlights: list[tuple[int, int]]  # [start, end) offsets of matched words in `snippet`
    rank: float

    @property
    def ref(self) -> str:
        return f"{self.kind}/{self.id}"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ref"] = self.ref
        data["highlights"] = [list(span) for span in self.highlights]
        return data


def to_match(words: str) -> str:
    """A safe FTS5 query: every word or "phrase" quoted, all required; `word*` is a prefix."""
    terms = []
    for match in _TERM.finditer(words):
        phrase, word = match.group(1), match.group(2)
        text = phrase if phrase is not None else word.replace('"', " ").strip()
        prefix = word is not None and text.endswith("*")
        text = text.rstrip("*") if prefix else text
        if any(ch.isalnum() for ch in text):
            terms.append('"' + text.replace('"', '""') + '"' + ("*" if prefix else ""))
    return " ".join(terms)


def search(store: Store, words: str, *, kind: str | None = None, limit: int = 20) -> list[Hit]:
    """The best `limit` matches for `words`, best first; `kind` narrows to one kind."""
    if kind is not None and kind not in KINDS:
        raise InvalidInput(f"Unknown kind {kind!r}.", f"Choose from: {', '.join(KINDS)}.")
    query = to_match(words)
    if not query:
        raise InvalidInput(
            f"Nothing to search for in {words!r}.",
            "Give at least one word, e.g. `tarry search rain`.",
        )
    found = []
    if kind != "message":
        found += store.query(
            _INDEX_SQL + (" AND kind = ?" if kind else "") + _TAIL, _params(query, kind, limit)
        )
    if kind in (None, "message"):
        found += store.query(_MESSAGES_SQL + _TAIL, (query, limit))
    best = sorted(found, key=lambda row: (row["rank"], row["kind"], row["ref"]))[:limit]
    return [_hit(store, row) for row in best]


def _params(query: str, kind: str | None, limit: int) -> list[Any]:
    return [query, *([kind] if kind else []), limit]


_INDEX_SQL = (
    "SELECT kind, ref, bm25(search_index) AS rank,"
    f" snippet(search_index, 2, '{MARK_START}', '{MARK_END}', '…', 16) AS snip"
    " FROM search_index WHERE search_index MATCH ?"
)
# Imported messages have their own external-content index (see m0003_chat).
_MESSAGES_SQL = (
    "SELECT 'message' AS kind, rowid AS ref, bm25(messages_fts) AS rank,"
    f" snippet(messages_fts, 0, '{MARK_START}', '{MARK_END}', '…', 16) AS snip"
    " FROM messages_fts WHERE messages_fts MATCH ?"
)
_TAIL = " ORDER BY rank, ref LIMIT ?"


def _hit(store: Store, row: Any) -> Hit:
    kind, ref = row["kind"], int(row["ref"])
    source = SOURCES.get(kind)
    found = store.one(source, (ref,)) if source else None
    at, title = (found[0], found[1]) if found else ("", "")
    snippet, spans = split_marks(row["snip"])
    return Hit(kind, ref, at or "", title or "", snippet, spans, round(row["rank"], 6))


def split_marks(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """Remove the highlight markers, returning the text and the highlighted spans."""
    text: list[str] = []
    spans: list[tuple[int, int]] = []
    start = 0
    for ch in marked:
        if ch == MARK_START:
            start = len(text)
        elif ch == MARK_END:
            spans.append((start, len(text)))
        else:
            text.append(ch)
    joined = "".join(text)
    lead = len(joined) - len(joined.lstrip())  # an entry without a prompt starts with a space
    return joined.strip(), [(a - lead, b - lead) for a, b in spans]
