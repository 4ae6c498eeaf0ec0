"""The moments that mattered in a set of messages, each with a short excerpt and the reason.

Their hardest disclosures and your reply; your own vulnerable disclosures and how they were
received; their pain met by fixing or minimising; redirects after a hard disclosure. Only what
the model is sure of is listed (`Row.sure`): a message it calls a feeling with little
confidence is not anyone's "hardest disclosure", and a feeling told only in glad words ("love
you", "so excited") with no hard news is no pain met by fixing nor a hard disclosure turned
from (`conversations.is_hard`).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import asdict, dataclass
from typing import Any

from tarry.mirror.conversations import (
    EXCERPT,
    Exchange,
    Row,
    Session,
    all_exchanges,
    glad_only,
    is_hard,
    listed,
    normalised,
    reply_kinds,
)
from tarry.mirror.lexicon import load, normalise, within

LIMIT = 5


@dataclass
class Notable:
    """A message that mattered, the reply it got, and why it was flagged."""

    at: str  # local time, to the minute
    who: str  # "me" or "them"
    excerpt: str
    reply: str | None
    met: list[str]  # how the reply met it (conversations.REPLIES)
    reason: str


@dataclass
class Moments:
    """The moments that mattered, by kind, each newest or hardest first."""

    their_hardest: list[Notable]
    my_vulnerable: list[Notable]
    fixed: list[Notable]  # their feelings met by fixing or minimising
    redirects: list[Notable]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def excerpt(text: str, width: int = EXCERPT) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


def _words(row: Row) -> list[str]:
    """The words that made a message a hard disclosure, its own: of the words the model weighed
    most (the stored evidence), those of a feeling or of hard news in tarry's word lists ("i
    miss" for "miss"; not "kids" or "sat", which weighed but name no feeling), and the hard news
    it tells. Where the model's words hold none of those, the listed feeling phrases of the
    message; where it has neither those nor hard news, the model's words as they are (a feeling
    said in words no list holds: "i just want to move on")."""
    felt_words, hard = listed(row, "feeling"), listed(row, "hard")
    plain = set(load().lists["self"])  # "I" shows who speaks, not what was hard
    text = normalised(row)
    weighed = [p for p in _weighed(row, "disclosure") if p not in plain and p in text]
    felt = [p for p in weighed if any(within(q, p) or within(p, q) for q in felt_words + hard)]
    if not felt:
        felt = felt_words or ([] if hard else weighed)
    return _outermost(felt + hard)


def _turned_by(row: Row) -> list[str]:
    """The reply's own words that turned away: tarry's change-of-topic phrases in it ("anyway",
    "speaking of"), then the other words the model weighed that the reply itself says (not the
    other person's words, which weighed too)."""
    text = normalised(row)
    return _outermost(listed(row, "redirect") + [w for w in _weighed(row, "redirect") if w in text])


def _weighed(row: Row, label: str) -> list[str]:
    """The phrases of a label's stored evidence, each on its own: one evidence item may hold
    several phrases of a list ("relieved, shaky", "anyway, random question")."""
    items: list[str] = json.loads(row.evidence).get(label, [])
    return [p for item in items for p in map(str.strip, item.split(",")) if p]


def _outermost(phrases: list[str]) -> list[str]:
    """Each phrase once, in order, without those inside another ("anyway" beside "anyway,
    random question", "miss" beside "i miss")."""
    kept = list(dict.fromkeys(phrases))
    return [p for p in kept if not any(p != q and within(p, q) for q in kept)]


def _moment(exchange: Exchange, reason: str) -> Notable:
    reply = " / ".join(r.text for r in exchange.reply)
    return Notable(
        at=exchange.said.at.isoformat(timespec="minutes"),
        who=exchange.said.side,
        excerpt=excerpt(exchange.said.text),
        reply=excerpt(reply) if reply else None,
        met=reply_kinds(exchange),
        reason=reason,
    )


def _all(chunks: list[Session], side: str) -> list[Exchange]:
    return all_exchanges(chunks, side)


def _weight(row: Row) -> int:
    """How hard a message reads: how many feeling words and pieces of hard news it holds."""
    found = load().only("feeling", "hard").scan(normalise(row.text))
    return len({h[2] for hits in found.values() for h in hits})


def hardest(chunks: list[Session], limit: int = LIMIT) -> list[Notable]:
    """Their hardest disclosures over the whole span read (most feeling words and hard news,
    the newest first among equals), with your reply; a feeling told only in glad words is not
    among them."""
    found = [e for e in _all(chunks, "them") if e.said.is_sure("feeling")]
    found.sort(key=lambda e: (_weight(e.said), e.said.at), reverse=True)
    chosen = itertools.islice((e for e in found if not glad_only(e.said)), limit)
    return [
        _moment(e, f"they disclosed a feeling ({', '.join(_words(e.said)[:4])}); "
                f"you replied: {', '.join(reply_kinds(e))}")
        for e in chosen
    ]  # fmt: skip


def vulnerable(chunks: list[Session], limit: int = LIMIT) -> list[Notable]:
    """Your own feeling disclosures, newest first, and how they were received."""
    found = [e for e in _all(chunks, "me") if e.said.is_sure("feeling")]
    found.sort(key=lambda e: e.said.at, reverse=True)
    return [
        _moment(e, f"you let yourself be seen ({', '.join(_words(e.said)[:4])}); "
                f"they replied: {', '.join(reply_kinds(e))}")
        for e in found[:limit]
    ]  # fmt: skip


def fixed(chunks: list[Session], limit: int = LIMIT) -> list[Notable]:
    """Their pain (`is_hard`: not a feeling told only in glad words) that your reply met by
    fixing or minimising, newest first."""
    found = [
        e
        for e in _all(chunks, "them")
        if not {"fix", "minimise"}.isdisjoint(reply_kinds(e)) and is_hard(e.said)
    ]
    found.sort(key=lambda e: e.said.at, reverse=True)
    return [
        _moment(e, f"{_told(e.said)} ({', '.join(_words(e.said)[:3])}); your reply "
                f"{' and '.join(_FIXED[k] for k in reply_kinds(e) if k in _FIXED)}")
        for e in found[:limit]
    ]  # fmt: skip


def _told(row: Row) -> str:
    """What a hard disclosure was, for a reason: a feeling, or a thought with hard news."""
    return "they disclosed a feeling" if row.disclosure == "feeling" else "they told hard news"


_FIXED = {"fix": "tried to fix it", "minimise": "played it down"}


def redirects(chunks: list[Session], limit: int = LIMIT) -> list[Notable]:
    """Hard disclosures of theirs that your reply turned away from, newest first."""
    found = [
        e
        for e in _all(chunks, "them")
        if any(r.is_sure("redirect") for r in e.reply) and is_hard(e.said)
    ]
    found.sort(key=lambda e: e.said.at, reverse=True)
    return [_moment(e, _redirect_reason(e)) for e in found[:limit]]


def _redirect_reason(exchange: Exchange) -> str:
    turned = next(r for r in exchange.reply if r.is_sure("redirect"))
    words = _turned_by(turned)
    turned_by = f" ({', '.join(repr(w) for w in words[:3])})" if words else ""
    hard = ", ".join(_words(exchange.said)[:3])
    return f"after they said something hard ({hard}), your reply turned away{turned_by}"


def notable(chunks: list[Session], limit: int = LIMIT) -> Moments:
    return Moments(
        their_hardest=hardest(chunks, limit),
        my_vulnerable=vulnerable(chunks, limit),
        fixed=fixed(chunks, limit),
        redirects=redirects(chunks, limit),
    )
