"""Signal chats written one message per header line: signal-export's chat.md and sigtop's
text-short. Each message keeps what it replies to and the reactions on it.

- chat.md: `[2019-12-24 12:23] Name: text`, every line padded with two spaces (Markdown line
  breaks, dropped here); a reply starts with the quoted message as `> ` lines; attachments are
  Markdown images or links (a caption beside them stays the text); reactions close the message
  as `(- Name: emoji, Name: emoji -)`. Only bracketed lines start a message, so a body line like
  `2026-12-07 10:00 Standup: room 4` stays in its message.
- text-short: `2019-12-24 12:23 Name: text`, with `[reply to Name on date time]`,
  `[N attachments]` and `[edited]` before the text.

The exports have no message ids: each message gets one from its minute and author (a repeat in
the same minute gets `#2`, ...), and a reply points at the latest earlier message it quotes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from tarry.base.errors import FormatError
from tarry.mirror.formats import Message, Reaction, Ref, with_ref
from tarry.mirror.formats.timestamps import from_datetime

BRACKETED = re.compile(r"\[(\d{4}-\d{2}-\d{2}),? (\d{1,2}:\d{2}(?::\d{2})?)\] (.+?):(?: (.*))?")
BARE = re.compile(r"(\d{4}-\d{2}-\d{2}),? (\d{1,2}:\d{2}(?::\d{2})?) (.+?):(?: (.*))?")
DETAILS = re.compile(r"\[((?:reply to .+? on [\d-]+ [\d:]+|edited|\d+ attachments?)(?:, )?)+\] ?")
REPLY = re.compile(r"reply to (.+?) on ([\d-]+) ([\d:]+)")
LINKS = re.compile(r"!?\[[^\]]*\]\([^)]*\)\s*")
REACTIONS = re.compile(r"\n\(- (.*) -\)$")
CALL = re.compile(
    r"(?:\[call\]|(?:incoming|outgoing|missed|declined|unanswered)? ?(?:voice |video |group )?"
    r"call(?: (?:ended|started|declined|missed))?\.?)",
    re.IGNORECASE,
)
DELETED = "(This message was deleted)"
RECENT = 20_000  # earlier messages a quote is looked for among
HINT = "Export with signal-export or sigtop, or choose another format."
Lines = Iterator[tuple[int, str]]


class Thread:
    """Ids for the messages read so far, and the texts a quote can point back to."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.texts: dict[tuple[str, str], str] = {}  # (author, first line) -> id
        self.by_text: dict[str, str] = {}  # first line -> id

    def new_id(self, ts: str, author: str) -> str:
        base = f"{ts[:16]} {author}"
        count = self.ids[base] = self.ids.get(base, 0) + 1
        return base if count == 1 else f"{base}#{count}"

    def remember(self, ident: str, author: str, text: str) -> None:
        first = text.partition("\n")[0].strip()
        if not first:
            return
        if len(self.by_text) >= RECENT:
            self.texts.clear()
            self.by_text.clear()
        self.texts[(author, first)] = self.by_text[first] = ident

    def quoted(self, author: str | None, text: str) -> str:
        """The id of the latest earlier message the quote shows ('' if none is known)."""
        first = text.partition("\n")[0].strip()
        if author is not None and (author, first) in self.texts:
            return self.texts[(author, first)]
        return self.by_text.get(first, "")


def messages(first: tuple[int, str], lines: Lines, name: str) -> Iterator[Message]:
    """`[date time] Name: text` lines; other lines continue the message before them."""
    pattern = BRACKETED if first[1].startswith("[") else BARE
    if pattern.fullmatch(first[1]) is None:  # `2019-12-24 12:23] Name:`: half a bracket
        raise FormatError(
            "expected a Signal message line like `[2019-12-24 12:23] Name: text`",
            path=name,
            line=first[0],
            hint=HINT,
        )
    thread, current = Thread(), list[str]()
    for number, line in _chain(first, lines):
        match = pattern.fullmatch(line)
        if match is None:
            current.append(line)
            continue
        if current:
            yield _message(current, thread, pattern is BRACKETED)
        current = [_stamp(match, name, number), match[3], match[4] or ""]
    if current:
        yield _message(current, thread, pattern is BRACKETED)


def _chain(first: tuple[int, str], rest: Lines) -> Lines:
    yield first
    yield from rest


def _stamp(match: re.Match[str], name: str, number: int) -> str:
    clock = match[2] if match[2].count(":") == 2 else match[2] + ":00"
    try:
        moment = datetime.strptime(f"{match[1]} {clock}", "%Y-%m-%d %H:%M:%S")
    except ValueError as exc:
        raise FormatError(
            f"impossible date {match[1]} {match[2]}", path=name, line=number, hint=HINT
        ) from exc
    return from_datetime(moment)


def _message(parts: list[str], thread: Thread, markdown: bool) -> Message:
    ts, author, *body = parts
    if markdown:  # two trailing spaces end each Markdown line
        body = [line[:-2] if line.endswith("  ") else line for line in body]
    text = "\n".join(body).rstrip("\n")
    ident = thread.new_id(ts, author)
    reply_to, text = _quote(text, thread) if markdown else ("", text)
    text, reactions = _reactions(text)
    kind, text, short_reply = _kind(text, markdown)
    reply_to = reply_to or _short_reply(short_reply)
    thread.remember(ident, author, text)
    return with_ref(Message(ts, author, text, kind), Ref(ident, reply_to, reactions))


def _quote(text: str, thread: Thread) -> tuple[str, str]:
    """A reply's quote (`> ` lines before the text) as the id of the message it quotes."""
    lines = text.split("\n")
    while lines and not lines[0].strip() and len(lines) > 1 and lines[1].startswith(">"):
        lines.pop(0)  # the quote may start on the line below the header
    quoted = []
    while lines and lines[0].startswith(">"):
        quoted.append(lines.pop(0)[1:].removeprefix(" "))
    if not quoted:
        return "", text
    while lines and not lines[0].strip():
        lines.pop(0)
    while quoted and not quoted[-1].strip():
        quoted.pop()
    if not quoted:  # only empty `>` lines: nothing is quoted
        return "", "\n".join(lines)
    author, shown = _quoted_author(quoted, thread)
    return thread.quoted(author, shown), "\n".join(lines)


def _quoted_author(quoted: list[str], thread: Thread) -> tuple[str | None, str]:
    """(who wrote the quoted message, its text): `Name: text`, or `Name:` on a line of its own,
    when Name has written in this chat; else (None, all of it)."""
    authors = {a for a, _ in thread.texts}
    head, colon, rest = quoted[0].partition(": ")
    if colon and head in authors:
        return head, "\n".join([rest, *quoted[1:]])
    if quoted[0].endswith(":") and quoted[0][:-1] in authors and len(quoted) > 1:
        return quoted[0][:-1], "\n".join(quoted[1:])
    return None, "\n".join(quoted)


def _reactions(text: str) -> tuple[str, tuple[Reaction, ...]]:
    found = REACTIONS.search("\n" + text)
    if found is None:
        return text, ()
    reactions = []
    for part in found[1].split(", "):
        who, colon, emoji = part.rpartition(": ")
        if colon and who and emoji:
            reactions.append(Reaction(who, emoji))
    return ("\n" + text)[: found.start()].lstrip("\n"), tuple(reactions)


def _kind(text: str, markdown: bool) -> tuple[str, str, str]:
    """(kind, text, the `reply to ...` detail of text-short)."""
    if text == DELETED:
        return "system", text, ""
    system = re.fullmatch(r"\[(\S+) message\]", text)
    if system:
        return "system", system[1], ""
    if CALL.fullmatch(text.strip()):
        return "system", text.strip(), ""
    details = DETAILS.match(text) if not markdown else None
    detail = details[0] if details else ""
    text = text[details.end() :] if details else text
    if "attachment" in detail:
        return "media", text, detail
    if LINKS.search(text):
        caption = LINKS.sub("", text).strip()
        return "media", caption or text.strip(), detail
    return "message", text, detail


def _short_reply(detail: str) -> str:
    """`[reply to Name on 2023-02-11 08:00]` as the id of that message."""
    found = REPLY.search(detail)
    return f"{found[2]}T{found[3][:5]} {found[1]}" if found else ""
