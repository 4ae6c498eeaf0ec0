"""Label one message, given the messages before it: disclosure depth, moves and question type.

The label contract is in docs/design.md ("The mirror's labels"); how each label is decided is in
docs/mirror.md. The default path is rules over tarry's own word lists (lexicon.toml) plus the
relation to the other person's last turn: fast, private, and every label carries its evidence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from tarry.mirror.lexicon import Hit, Lexicon, load, normalise

# Bump when the rules change: cached labels of an older version are redone (with the model's
# and the word lists' bytes, `labeller.version`).
VERSION = 8

DISCLOSURES = ("none", "fact", "thought", "feeling")
# The sentences that exclaim ("how awful", "what great news"), as the model reads them: a list of
# the rules' reading of a text that may ask (`asking`), not of lexicon.toml.
EXCLAIM = "exclaim"
MOVES = ("explore", "validate", "fix", "minimise", "redirect", "share")
QUESTIONS = ("follow_up", "switch", "mirror", "intro", "other")

SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
WORD = re.compile(r"[a-z][a-z']*")
LONG_WORD = re.compile(r"[a-z][a-z']{2,}")  # words that can show a shared topic
FIRST_WORD = re.compile(r"[^a-z]*([a-z][a-z']*)")
ANAPHORA = frozenset(("it", "that", "he", "she", "they", "them", "him", "her", "this", "there"))


class Turn(NamedTuple):
    """One earlier message: `author` is "me" (the writer of the labelled message) or "other"."""

    author: str
    text: str


@dataclass(slots=True)
class Labels:
    """The labels of one message, and per label the words or relation that decided it."""

    disclosure: str
    moves: tuple[str, ...]
    question: str | None
    evidence: dict[str, list[str]] = field(default_factory=dict, compare=False)
    scores: dict[str, float] = field(default_factory=dict, compare=False)
    sure: tuple[str, ...] = field(default=(), compare=False)  # labels given with confidence

    def to_dict(self, *, evidence: bool = False, scores: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "disclosure": self.disclosure,
            "moves": list(self.moves),
            "question": self.question,
        }
        if scores:
            out["scores"] = self.scores
        if evidence:
            out["evidence"] = self.evidence
        return out


Span = tuple[int, int]


@dataclass(slots=True)
class Reading:
    """What the rules need from one text, computed once per text."""

    norm: str
    hits: dict[str, list[Hit]]
    statements: tuple[Span, ...]
    question: tuple[Span, ...]
    disclosure: str
    disclosure_words: tuple[str, ...]
    content: frozenset[str] | None = None  # found when first asked for: see `words`

    @property
    def words(self) -> frozenset[str]:
        """Words that can show a shared topic (not stop words)."""
        if self.content is None:
            self.content = frozenset(LONG_WORD.findall(self.norm)).difference(load().stop)
        return self.content

    def find(self, name: str, spans: Sequence[Span] | None = None) -> list[str]:
        """Phrases of list `name` in the text, or only inside `spans`."""
        found = self.hits.get(name, ())
        if spans is None:
            return [h[2] for h in found]
        return [h[2] for h in found if any(a <= h[0] < b for a, b in spans)]

    @property
    def asks(self) -> bool:
        return bool(self.question)


def _after_greeting(norm: str, start: int, lex: Lexicon) -> int:
    """Where the clause at `start` begins after any greeting ("hey", "oh", "ok so")."""
    greeting = lex.greeting.match(norm, start)
    return greeting.end() if greeting else start


def _opens_question(norm: str, start: int, lex: Lexicon, end: int | None = None) -> bool:
    """Does the clause at `start` open with a question word (after any greeting)? `end`: the
    end of a sentence without "?", where an exclamation that opens like a question
    (`Lexicon.exclaims`: "how awful", "what a nightmare") does not."""
    at = _after_greeting(norm, start, lex)
    first = FIRST_WORD.match(norm, at)
    if first is None or first.group(1) not in lex.opener:
        return False
    return end is None or lex.exclaims.match(norm, at, end) is None


def _clauses(norm: str, start: int, end: int) -> list[int]:
    """Start offsets of the comma-separated clauses of norm[start:end]."""
    starts = [start]
    at = norm.find(", ", start, end)
    while at != -1:
        starts.append(at + 2)
        at = norm.find(", ", at + 2, end)
    return starts


def _split(norm: str, lex: Lexicon) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    """Statement spans, and question spans (the clauses that ask), of a normalised text."""
    if "?" not in norm and not SENTENCE_END.search(norm):  # the common one-line statement
        whole = ((0, len(norm)),)
        return ((), whole) if _opens_question(norm, 0, lex, len(norm)) else (whole, ())
    statements: list[Span] = []
    questions: list[Span] = []
    start = 0
    for boundary in [*SENTENCE_END.finditer(norm), None]:
        end = boundary.start() if boundary else len(norm)
        if end > start:
            asking = norm[start:end].rstrip().endswith("?")
            clauses = _clauses(norm, start, end) if asking else [start]
            stop = None if asking else end  # without "?", an exclamation asks nothing
            opens = next((c for c in clauses if _opens_question(norm, c, lex, stop)), None)
            if opens is None and asking:
                opens = start
            if opens is None:
                statements.append((start, end))
            else:
                if opens > start:
                    statements.append((start, opens))
                questions.append((opens, end))
        start = boundary.end() if boundary else end
    return tuple(statements), tuple(questions)


def _within(hits: dict[str, list[Hit]], name: str, a: int, b: int) -> list[Hit]:
    return [h for h in hits.get(name, ()) if a <= h[0] < b]


def _inside(hit: Hit, spans: Sequence[Hit]) -> bool:
    return any(s[0] <= hit[0] < s[1] for s in spans)


def _level(self_words: list[str], thought: list[str], feeling: list[str]) -> tuple[str, list[str]]:
    """The disclosure of one sentence, with the words that show it."""
    if feeling:
        return "feeling", self_words[:1] + feeling
    if thought:
        return "thought", thought
    if self_words:
        return "fact", self_words[:1]
    return "none", []


def _depth(
    hits: dict[str, list[Hit]], statements: Sequence[Span], implied: bool = False
) -> tuple[str, list[str]]:
    """The deepest disclosure in the statements, with the words that show it.

    Words said to the other person ("i'm so sorry", "i'm here") do not count as speaking about
    oneself. `implied`: the statements answer a question put to the writer, so "shaky, but
    proud" speaks about the writer without saying "I".
    """
    if not implied and "self" not in hits and "thought" not in hits:
        return "none", []
    courtesy = hits.get("courtesy", [])
    best, words = "none", list[str]()
    for a, b in statements:
        self_words = [h[2] for h in _within(hits, "self", a, b) if not _inside(h, courtesy)]
        if implied and not self_words:
            self_words = ["(answering)"]
        thought = [h[2] for h in _within(hits, "thought", a, b)]
        feeling = [h[2] for h in _within(hits, "feeling", a, b)] if self_words else []
        level, shown = _level(self_words, thought, feeling)
        if DISCLOSURES.index(level) > DISCLOSURES.index(best):
            best, words = level, shown
    return best, words


REACH = 80  # characters before a feeling word searched for what makes it the other's


def said_back(norm: str) -> bool:
    """The text has feeling words and every one is the other person's, said back to them ("you
    must be exhausted", "it sounds like you're overwhelmed", "it's okay to feel angry":
    `[attribution]` in lexicon.toml): none of its feelings is the writer's. `norm`: normalised."""
    return bool(said_back_phrases(norm))


def said_back_phrases(norm: str) -> list[str]:
    """The phrases that say each feeling word of the text back to the other person ("you must be
    exhausted"), when every one is; else none."""
    lex = load()
    hits = lex.only("feeling").scan(norm).get("feeling", ())
    before, after = lex.said_of_you, lex.said_after
    phrases = []
    for start, end, _ in hits:
        if frame := before.search(norm, max(0, start - REACH), start):
            phrases.append(norm[frame.start() : end])
        elif tail := after.match(norm, end):
            phrases.append(norm[start : tail.end()].strip())
        else:
            return []  # a feeling word of the writer's
    return phrases


# Small on purpose: a text is read again only as the context of the next few messages.
@lru_cache(maxsize=512)
def read(text: str) -> Reading:
    """Analyse one text (cached: the same context is read by every message after it)."""
    lex = load()
    norm = normalise(text)
    hits = lex.scan(norm)
    statements, question = _split(norm, lex)
    depth, shown = _depth(hits, statements)
    return Reading(norm, hits, statements, question, depth, tuple(shown))


@lru_cache(maxsize=1)
def _asking() -> re.Pattern[str]:
    """Where a question could start without a "?": a sentence opening (after any greeting)
    with a question word. Finds every place `_split` looks, and more."""
    lex = load()
    openers = "|".join(re.escape(w) for w in sorted(lex.opener, key=len, reverse=True))
    return re.compile(
        rf"(?:\A|(?<=[.!?])\s+|\n+)(?:{lex.greeting.pattern})[^a-z]*(?:{openers})(?![a-z'])"
    )


def might_ask(norm: str) -> bool:
    """Could the normalised text ask anything? False means surely not (no need to split it)."""
    return "?" in norm or _asking().search(norm) is not None


def asking(norm: str) -> Reading:
    """What the question rules need of a normalised text that may ask (`might_ask`): every
    phrase, the sentences that exclaim (as the list "exclaim", which the model reads), and the
    spans of its statements and questions (no disclosure: the model decides that). Not cached
    here: the mirror's model caches what it reads of each text."""
    lex = load()
    statements, question = _split(norm, lex)
    hits = lex.scan(norm)
    if exclaimed := _exclamations(norm, statements, lex):
        hits[EXCLAIM] = exclaimed
    return Reading(norm, hits, statements, question, "none", ())


def _exclamations(norm: str, statements: Sequence[Span], lex: Lexicon) -> list[Hit]:
    """The openings of the statements that exclaim ("how awful", "what great news"): words of
    sympathy or gladness whatever the adjective, where the `validate` list names only some."""
    found = []
    for start, end in statements:
        said = lex.exclaims.match(norm, _after_greeting(norm, start, lex), end)
        if said is not None:
            words = said.group(1).rstrip(" !.,")
            found.append((said.start(1), said.start(1) + len(words), words))
    return found


def statement(norm: str) -> Reading:
    """What the question rules need of a normalised text that surely asks nothing: one
    statement. Its phrases are not looked for (the model needs only which word lists it holds,
    `Lexicon.present`)."""
    return Reading(norm, {}, ((0, len(norm)),), (), "none", ())


@lru_cache(maxsize=1024)
def _answer_depth(text: str) -> tuple[str, tuple[str, ...]]:
    """Disclosure of `text` read as an answer to a question about the writer."""
    reading = read(text)
    depth, shown = _depth(reading.hits, reading.statements, implied=True)
    return depth, tuple(shown)


def _their_turn(context: Sequence[tuple[str, str]]) -> str | None:
    """The other person's most recent run of messages, joined; None if they have not spoken."""
    run: list[str] = []
    for author, text in reversed(context):
        if author == "other":
            run.append(text)
        elif run:
            break
    return "\n".join(reversed(run)) if run else None


def _first(reading: Reading, name: str, spans: Sequence[Span] | None = None) -> str | None:
    found = reading.find(name, spans)
    return found[0] if found else None


def _question_type(mine: Reading, theirs: Reading | None) -> tuple[str | None, str]:
    """The question type of `mine` (None when it asks nothing) and why."""
    if not mine.asks:
        return None, ""
    asked = mine.question
    if theirs is not None and theirs.asks and (hit := _first(mine, "mirror", asked)):
        return "mirror", f"asks back ({hit!r}) after their question"
    if hit := _first(mine, "other", asked):
        return "other", f"rhetorical or practical ({hit!r})"
    if theirs is None:
        if hit := _first(mine, "intro", asked):
            return "intro", f"opens the conversation ({hit!r})"
        return "switch", "opens a topic of its own"
    hit = _first(mine, "switch", asked)
    # "what are you going to do?" asks about theirs: the longer, more specific phrase wins.
    if hit and len(hit) >= len(_first(mine, "explore", asked) or ""):
        return "switch", f"changes the topic ({hit!r})"
    return _follow_up(mine, theirs)


def run_reading(run: Sequence[Reading]) -> Reading:
    """Several messages of one person read as one turn, for the question rules: it asks when
    any of them asks, and its words are theirs together."""
    if len(run) == 1:
        return run[0]
    asked = next((r.question for r in run if r.question), ())
    words = frozenset().union(*(r.words for r in run))
    return Reading("\n".join(r.norm for r in run), {}, (), asked, "none", (), words)


def question_type(mine: Reading, theirs: Reading | None) -> tuple[str | None, str]:
    """The question type of a message (None when it asks nothing) and why, given their turn."""
    return _question_type(mine, theirs)


def requested(mine: Reading, question: str | None, why: str) -> tuple[str | None, str]:
    """The question type as given: a follow-up or switch that asks for something, offers or
    proposes ("want me to drive you?", "pub at 5?": the `request` list), or proposes a time in
    a few words ("coffee after?", "8?": `_proposed`) or closes a statement with a tag ("..., ok?":
    `_tagged`) is `other`; a sentence without "?" that the rules read as a question but that
    tells ("will do 👍", "have the best time", "WHAT.": `_tells`) asks nothing.

    Kept apart from `question_type`, which the model reads as a feature: trained on it, the
    model lost advice replies it had found (trained without the advice set, `fix` on it 0.511 ->
    0.464 on dev), while as the type given it lifts the chats' question macro-F1 on dev 0.681 ->
    0.706 (docs/mirror.md)."""
    if question is not None and _tells(mine):
        return None, ""
    if question not in ("follow_up", "switch"):
        return question, why
    if hit := _first(mine, "request", mine.question):
        return "other", f"asks for or offers something ({hit!r})"
    if when := _proposed(mine):
        return "other", f"proposes a time ({when!r})"
    if tag := _tagged(mine):
        return "other", f"asks only for agreement ({tag!r})"
    return question, why


def _tagged(mine: Reading) -> str | None:
    """The tag that closes every question of `mine`, each a statement that asks only for
    agreement ("you're not alone in this, ok?", "we're good, right?"); None when one asks more
    ("is it fine, right?" opens as a question)."""
    lex, norm, tag = load(), mine.norm, None
    for a, b in mine.question:
        closing = lex.tag.search(norm, a, b)
        if closing is None or _opens_question(norm, a, lex):
            return None
        tag = closing.group().lstrip(", ").rstrip()
    return tag


def _tells(mine: Reading) -> bool:
    """Every sentence read as a question lacks "?" and tells: "what" or an auxiliary alone
    ("WHAT.", "do!"; `alone_tells`), or an auxiliary not followed by a word that asks of someone
    (`asks_of`: "will do", "have fun"; not "did you eat")."""
    lex, norm = load(), mine.norm
    for a, b in mine.question:
        if "?" in norm[a:b]:
            return False
        first = FIRST_WORD.match(norm, _after_greeting(norm, a, lex), b)
        if first is None:
            return False
        word, after = first.group(1), FIRST_WORD.match(norm, first.end(), b)
        if after is None:
            if word not in lex.alone_tells:
                return False
        elif word not in lex.auxiliary or after.group(1) in lex.asks_of:
            return False
    return True


PROPOSAL = 5  # words at most in a question that proposes a time without a question word
# A time of day: "8", "7:15", "10.30", "7am" (not "14" alone, more often a number said back).
CLOCK = re.compile(
    r"(?<![\d£$€.,:])(?:\d{1,2}(?:[:.]\d\d)?\s*[ap]m|\d{1,2}[:.]\d\d|1[0-2]|[1-9])(?![\d%:.,])"
)


def _proposed(mine: Reading) -> str | None:
    """The time a short question without a question word names ("crap tv friday?", "coffee
    after?", "7:15 showing?"): the question proposes it, it does not ask about their words."""
    lex = load()
    for a, b in mine.question:
        words = WORD.findall(mine.norm, a, b)
        if len(words) > PROPOSAL or not lex.asking.isdisjoint(words):
            continue
        if when := next((w for w in words if w in lex.proposed), None):
            return when
        if clock := CLOCK.search(mine.norm, a, b):
            return clock.group()
    return None


# A question after their turn that takes up none of their words and does not refer back: most
# such questions ask about their turn in other words ("how did the first session feel?" after
# "i started therapy"): on the dev split of tarry's chats 36 were follow-ups, 12 other, 6
# switches (before 2026-12-07 all were switches). The model sees them as a feature of their own.
IN_OTHER_WORDS = "asks in other words about what they said"


def _follow_up(mine: Reading, theirs: Reading) -> tuple[str, str]:
    """A question after their turn that no phrase marks as a switch: a follow-up, and why."""
    asked_words = [w for a, b in mine.question for w in WORD.findall(mine.norm, a, b)]
    shared = sorted(theirs.words.intersection(asked_words))
    if shared:
        return "follow_up", f"takes up their words: {', '.join(shared[:4])}"
    if hit := _first(mine, "explore", mine.question):
        return "follow_up", f"asks about what they said ({hit!r})"
    if ANAPHORA.intersection(asked_words) or len(asked_words) <= 5:
        return "follow_up", "refers back to their message"
    return "follow_up", IN_OTHER_WORDS


def _is_hard(theirs: Reading) -> list[str]:
    """Why their message asks to be met: their feeling, or hard news of their own."""
    if theirs.disclosure == "feeling":
        return list(theirs.disclosure_words)
    return theirs.find("hard") if theirs.disclosure != "none" else []


SECOND_PERSON = re.compile(r"\b(you|your|you're|yours)\b")


def _turns_to_self(mine: Reading, depth: str, theirs: Reading) -> bool:
    """`mine` talks about the writer without coming back to them."""
    if depth == "none" or SECOND_PERSON.search(mine.norm):
        return False
    about_me = sum(1 for span in mine.statements if mine.find("self", [span]))
    unrelated = not (mine.words & theirs.words) and not mine.find("share")
    return about_me >= 2 or unrelated


def _redirect(mine: Reading, depth: str, theirs: Reading, question: str | None) -> str | None:
    """Why `mine` turns away from what they just told, or None."""
    marker = _first(mine, "redirect")
    if marker and theirs.disclosure != "none":
        return f"changes the topic ({marker!r})"
    hard = _is_hard(theirs)
    if not hard:
        return None
    if question == "switch":
        return f"asks about something else after {hard[-1]!r}"
    answering = theirs.asks and not mine.asks
    if not answering and _turns_to_self(mine, depth, theirs):
        return f"talks about themselves, not {hard[-1]!r}"
    return None


def _share(mine: Reading, depth: str, theirs: Reading) -> str | None:
    """Why `mine` is a reciprocal disclosure related to theirs, or None."""
    if depth == "none" or theirs.disclosure == "none":
        return None
    if marker := _first(mine, "share", mine.statements):
        return f"discloses in return ({marker!r})"
    shared = sorted(mine.words & theirs.words)
    if shared:
        return f"discloses on their topic ({', '.join(shared[:3])})"
    return None


def _validating(mine: Reading) -> list[Hit]:
    """The validating phrases, of both lists (`validate_weak`: phrases that validate often but
    not mostly, a list of its own so that the model weighs them apart)."""
    merged = sorted(
        [*mine.hits.get("validate", []), *mine.hits.get("validate_weak", [])],
        key=lambda hit: (hit[0], -hit[1]),
    )
    kept: list[Hit] = []
    for hit in merged:  # as within one list: the leftmost wins, at one start the longest
        if not kept or hit[0] >= kept[-1][1]:
            kept.append(hit)
    return kept


def _advice(mine: Reading) -> list[str]:
    """Fix phrases, except inside a validating one ("you should be proud")."""
    validating = _validating(mine)
    return [h[2] for h in mine.hits.get("fix", []) if not _inside(h, validating)]


def _moves(
    mine: Reading, depth: str, theirs: Reading, question: tuple[str | None, str]
) -> dict[str, list[str]]:
    """Each move found in `mine` as a reply to `theirs`, with its evidence."""
    found: dict[str, list[str]] = {}
    if hits := [h[2] for h in _validating(mine)]:
        found["validate"] = hits
    if hits := _advice(mine):
        found["fix"] = hits
    if hits := mine.find("minimise"):
        found["minimise"] = hits
    explore = mine.find("explore", mine.question)
    asks_only_advice = ("fix" in found or "minimise" in found) and not explore
    if question[0] == "follow_up" and not asks_only_advice:
        found["explore"] = explore or [question[1]]
    if not found and (why := _redirect(mine, depth, theirs, question[0])):
        found["redirect"] = [why]
    elif why := _share(mine, depth, theirs):
        found["share"] = [why]
    return found


def label(text: str, context: Sequence[tuple[str, str]] = ()) -> Labels:
    """Label `text` (written by "me") given the earlier messages, oldest first.

    Each earlier message is a `Turn(author, text)` or a plain `(author, text)` pair.
    """
    mine = read(text)
    their_text = _their_turn(context)
    theirs = read(their_text) if their_text is not None else None
    question = requested(mine, *_question_type(mine, theirs))
    depth, shown = mine.disclosure, mine.disclosure_words
    if depth == "none" and theirs is not None and theirs.asks and mine.statements:
        depth, shown = _answer_depth(text)
    found = _moves(mine, depth, theirs, question) if theirs else {}
    evidence: dict[str, list[str]] = {"disclosure": list(shown)}
    evidence.update(found)
    if question[0]:
        evidence["question"] = [question[1]]
    moves = tuple(m for m in MOVES if m in found)
    return Labels(depth, moves, question[0], evidence)
