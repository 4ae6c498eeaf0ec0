"""Full-text search over entries, moment notes, tradeoffs (and messages when indexed), ranked.

User words never reach FTS5 as syntax: each word or "quoted phrase" becomes a quoted string, so
`AND`, `"`, `(`, `*` or `-` in what a person types cannot cause a query error. A trailing `*` on
a word keeps its meaning as a prefix search.

Emoji are not words to FTS5's tokenizer, so each emoji typed is matched in the text itself
(variation selectors aside: ❤️ finds ❤ too, 👍 finds 👍🏽): beside words, it narrows their
matches; alone, it scans and lists the newest first.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from typing import Any

from tarry.base.errors import InvalidInput
from tarry.base.text import first_line
from tarry.store import Store

KINDS = ("entry", "moment", "tradeoff", "message")
MARK_START, MARK_END = "\x02", "\x03"  # snippet highlight markers, never in stored text

# Where each kind's date and title come from (`ref` is the row id in its table).
SOURCES = {
    "entry": "SELECT at, CASE WHEN prompt != '' THEN prompt ELSE substr(body, 1, 400) END"
    " FROM entries WHERE id = ?",
    "moment": "SELECT m.at, coalesce((SELECT group_concat(name, ', ') FROM (SELECT p.name"
    " FROM moment_people mp JOIN people p ON p.id = mp.person_id WHERE mp.moment_id = m.id"
    " ORDER BY p.name)), 'a moment') FROM moments m WHERE m.id = ?",
    "tradeoff": "SELECT at, chose || ' over ' || over FROM tradeoffs WHERE id = ?",
    "message": "SELECT g.ts, g.author || ' in ' || c.title FROM messages g"
    " JOIN conversations c ON c.id = g.conversation_id WHERE g.id = ?",
}

_TERM = re.compile(r'"([^"]*)"|(\S+)')
VARIATIONS = "\ufe0e\ufe0f"  # text / emoji presentation: the same emoji either way
ZWJ = "\u200d"
SKIN_TONES = "".join(chr(c) for c in range(0x1F3FB, 0x1F400))
JOINERS = ZWJ + SKIN_TONES
REGIONAL = "".join(chr(c) for c in range(0x1F1E6, 0x1F200))  # two of them make a flag
SNIPPET_CHARS = 48  # either side of an emoji, where FTS5 cannot make the snippet
TITLE_CHARS = 60  # an entry's title (its prompt, else its body): its first line, cut at a word


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


def emoji(words: str) -> list[str]:
    """The emoji typed, one term each: a ZWJ sequence or a flag stays whole, a skin tone stays
    with its emoji, variation selectors are dropped."""
    found: list[str] = []
    joinable = False  # the character before was part of an emoji
    for ch in words:
        if ch in VARIATIONS:
            continue
        symbol = unicodedata.category(ch) == "So"
        if joinable and (ch in JOINERS or (symbol and _joins(found[-1], ch))):
            found[-1] += ch
        elif symbol:
            found.append(ch)
        joinable = symbol or (joinable and ch in JOINERS)
    return [term.rstrip(ZWJ) for term in found]


def _joins(before: str, ch: str) -> bool:
    """After a zero-width joiner, or the second half of a flag (two regional indicators)."""
    flag = ch in REGIONAL and len(before) == 1 and before in REGIONAL
    return before.endswith(ZWJ) or flag


def search(store: Store, words: str, *, kind: str | None = None, limit: int = 20) -> list[Hit]:
    """The best `limit` matches for `words`, best first; `kind` narrows to one kind."""
    if kind is not None and kind not in KINDS:
        raise InvalidInput(
            f"Unknown kind {kind!r}.", field="kind", expected=f"one of {', '.join(KINDS)}"
        )
    query, symbols = to_match(words), emoji(words)
    if not query and not symbols:
        raise InvalidInput(
            f"Nothing to search for in {words!r}.",
            field="words",
            expected="at least one word",
            example="rain",
        )
    found = []
    if kind != "message":
        found += store.query(*_index_sql(query, symbols, kind, limit))
    if kind in (None, "message"):
        found += store.query(*_messages_sql(query, symbols, limit))
    if not query:  # emoji alone have no ranking: the newest first
        hits = [_hit(store, row, symbols) for row in found]
        return sorted(hits, key=lambda hit: (hit.at, hit.kind, hit.id), reverse=True)[:limit]
    best = sorted(found, key=lambda row: (row["rank"], row["kind"], row["ref"]))[:limit]
    return [_hit(store, row, symbols) for row in best]


def _containing(column: str, symbols: list[str]) -> tuple[str, list[str]]:
    """SQL requiring every emoji in `column`, variation selectors aside."""
    plain = f"replace(replace({column}, char(65038), ''), char(65039), '')"
    return "".join(f" AND instr({plain}, ?) > 0" for _ in symbols), symbols


def _index_sql(query: str, symbols: list[str], kind: str | None, limit: int) -> tuple[str, list]:
    where, params = _containing("body", symbols)
    if kind:
        where, params = " AND kind = ?" + where, [kind, *params]
    if query:
        return _INDEX_SQL + where + _TAIL, [query, *params, limit]
    return _INDEX_SCAN + where + _SCAN_TAIL, [*params, limit]


def _messages_sql(query: str, symbols: list[str], limit: int) -> tuple[str, list]:
    where, params = _containing("text", symbols)
    if query:
        return _MESSAGES_SQL + where + _TAIL, [query, *params, limit]
    return _MESSAGES_SCAN + where + " ORDER BY ts DESC, id DESC LIMIT ?", [*params, limit]


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
# Emoji alone: no MATCH, a scan (the text is the snippet, cut around the emoji in Python).
_INDEX_SCAN = "SELECT kind, ref, 0.0 AS rank, body AS snip FROM search_index WHERE 1"
_SCAN_TAIL = " ORDER BY rowid DESC LIMIT ?"
_MESSAGES_SCAN = (
    "SELECT 'message' AS kind, id AS ref, 0.0 AS rank, text AS snip FROM messages WHERE 1"
)


def _hit(store: Store, row: Any, symbols: list[str]) -> Hit:
    kind, ref = row["kind"], int(row["ref"])
    source = SOURCES.get(kind)
    found = store.one(source, (ref,)) if source else None
    at, title = (found[0], found[1]) if found else ("", "")
    if kind == "entry":
        title = first_line(title or "", TITLE_CHARS, placeholder="…")
    marked = _mark(row["snip"], symbols)
    if MARK_START not in row["snip"]:  # a scan: the whole text, cut to a snippet here
        marked = _around_first_mark(marked)
    snippet, spans = split_marks(marked)
    return Hit(kind, ref, at or "", title or "", snippet, spans, round(row["rank"], 6))


def _mark(text: str, symbols: list[str]) -> str:
    """`text` with each emoji of `symbols` between highlight markers."""
    for symbol in symbols:
        pattern = f"[{VARIATIONS}]?".join(re.escape(ch) for ch in symbol) + f"[{VARIATIONS}]?"
        pattern += f"[{SKIN_TONES}]?"  # a skin tone after it belongs to it
        text = re.sub(pattern, lambda m: f"{MARK_START}{m.group(0)}{MARK_END}", text)
    return text


def _around_first_mark(marked: str) -> str:
    at = marked.find(MARK_START)
    start, end = max(0, at - SNIPPET_CHARS), at + SNIPPET_CHARS
    window = marked[start:end]
    if window.count(MARK_START) > window.count(MARK_END):  # never cut a highlight in two
        end = marked.index(MARK_END, end) + 1
    return ("…" if start else "") + marked[start:end] + ("…" if end < len(marked) else "")


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
