"""What the mirror's model sees of a message: words, word pairs and the turn it answers.

One function (`features`) serves training and labelling, so both read a message the same way.
Features are short strings; the model keeps a vocabulary of those seen in training, and a
message is the list of its features' indices in it.

- `w:` each word, `b:` each pair of neighbouring words (with `<s>` and `</s>` at the ends), so
  "i know how you feel" and "you are not alone" are seen as phrases;
- `lex:` the lists of tarry's word lists (`lexicon.toml`) that have a phrase in the message,
  `olex:` the same for the other person's last run of messages: prior knowledge the labelled data
  may be too small to teach ("at least", "have you tried", a feeling word in their message);
- `o:` words of the other person's last run of messages (each message read once, their
  features joined), `ctx:` whether there is one and whether its last message asked a question,
  `ov:` how many words the two share; `o:` and `olex:` weigh as one block (`their_weight`), every
  other feature counts 1;
- `q:` the rules' question type (`tarry.mirror.moves`, as `question_feature` gives it): how a
  question relates to their turn, which no bag of words can see;
- a question word after a verb of knowing is a word of its own (`w:~what's`), and an `explore`
  phrase that starts with it does not count in a text that asks nothing ("it's so hard not
  knowing what's going on" invites nothing); so are the words of a phrase of the `asks_need`
  list, asking what help they want ("do you want advice or just to vent?" gives none: `w:~advice`
  is not the advice word `w:advice`);
- `lex:imperative`: a sentence that does not ask opens with a verb that tells the other what to
  do (`lexicon.toml`'s `imperative`), not with a phrase of the `explore`, `validate`,
  `minimise` or `asks_need` list ("talk to me", "keep your head up", "don't worry"): advice in
  any verb, where `w:` knows only the verbs the labelled data used;
- `len:` the length in words.

Beside these sparse features, a dense one (`pieces`): the message's word pieces, and those of the
other person's last run, in the vocabulary of a static embedding distilled from all-MiniLM-L6-v2
(`tarry.mirror.model.distill`). Training takes the mean of their vectors and folds its weights
into one number per piece and head, so labelling adds up a table's rows.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from tarry.mirror.lexicon import load, normalise
from tarry.mirror.moves import EXCLAIM, IN_OTHER_WORDS, Reading, asking, might_ask, statement

TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)*|[?!]|[\u2600-\u27bf\U0001f300-\U0001faff]")
STOP_WORDS = (
    "a an the and or but so to of in on at for with is are was were be been it this that "
    "i you me my your we he she they them him her his its our their do does did have has "
    "had not no just like really very too what how"
)
STOP = frozenset(STOP_WORDS.split())  # too common to show a shared topic
# Lists the model does not read: who speaks, not what is said ("self"); and the requests that
# refine the question type after the model has read the rules' (`moves.requested`).
UNCOUNTED = frozenset(("self", "request"))
THEIRS = ("o:", "olex:")  # the features of the other person's turn: one block (`their_weight`)
DAMPING = 0.5
ASKS_NEED = "asks_need"  # asking what help they want: its words read as words of their own
IMPERATIVE = "imperative"  # a list of its own: found at a sentence's opening, not anywhere
# Where a sentence ends and the next may start: the next starts where `moves.SENTENCE_END`'s
# match ends, but without its lookbehind a search is about twice as fast (`imperatives`).
BOUNDARY = re.compile(r"[.!?]+\s+|\n+")


def their_weight(count: int) -> float:
    """The value of each feature of the other person's turn when the model knows `count` of
    them (every other feature counts 1): 1/sqrt(count), so a long post's many words do not add
    up to more than a short message's few. Trained on chats, whose turns are short, a reply to
    a 150-word post otherwise got scores no chat had taught (advice `fix` on the advice set's
    dev split, answering long posts: 0.49 where short requests gave 0.58)."""
    return count**-DAMPING if count else 0.0


LONG = 25  # words: a longer message is also read sentence by sentence (`sentences`)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)|\n+")


def sentences(text: str) -> list[str]:
    """The sentences of a message of more than LONG words, each also read alone: the model
    learnt from chat messages and single sentences, and summed over a paragraph the words of the
    other sentences drown the one that gives advice or sympathy (a message makes a move if one
    of its sentences does). None for a shorter message or one sentence."""
    if len(text.split()) <= LONG:
        return []
    parts = [part for part in map(str.strip, SENTENCE_END.split(text)) if part]
    return parts if len(parts) > 1 else []


@dataclass(frozen=True, slots=True)
class Read:
    """What the features need from one text, computed once per text."""

    words: tuple[str, ...]
    content: frozenset[str]  # words that can show a shared topic
    lists: tuple[str, ...]  # lexicon lists with a phrase in the text
    rules: Reading  # what the rules read (for the question type)
    scanned: bool  # the rules' reading holds every phrase (else: none, see `phrases`)

    def phrases(self, name: str) -> list[str]:
        """The phrases of list `name` in the text (for evidence)."""
        if name == IMPERATIVE:
            return list(imperatives(self.rules.norm))
        if self.scanned:
            return [h[2] for h in self.rules.hits.get(name, ())]
        if name == EXCLAIM:  # found by the question rules, which read every text that can
            return []
        return _phrases(self.rules.norm, name)


def imperatives(norm: str) -> tuple[str, ...]:
    """The verbs that open the sentences of `norm` that tell the other what to do: a verb of the
    `imperative` list first (after a greeting or "just", "please", "also"), in a sentence that
    does not end with "?" ("call the school", "ok just document everything"; not "call you
    later?"), where the verb does not start a phrase of the `explore`, `validate` or `minimise`
    list: "talk to me", "go ahead." invite them to say it, "keep your head up", "don't
    apologise" encourage, "don't worry", "don't overthink it" play the trouble down; none of
    them is advice."""
    lex = load()
    opening, other_move = lex.imperative, lex.only("explore", "validate", "minimise", ASKS_NEED)
    found = []
    start = 0
    while True:
        verb = opening.match(norm, start)
        after = BOUNDARY.search(norm, start)
        end = after.end() if after else len(norm)  # where the next sentence starts
        asks = norm[start:end].rstrip().endswith("?")
        if verb is not None and not asks:
            at = verb.start("verb")
            if at < end and not other_move.starts(norm, at):  # not "keep your head up"
                found.append(verb.group("verb"))
        if after is None:
            return tuple(found)
        start = after.end()


@lru_cache(maxsize=1024)
def _phrases(norm: str, name: str) -> list[str]:
    """The phrases of one list in a text the rules did not scan: a scan for that list alone
    finds the same phrases as a full one (`Lexicon.only`), trying only its words."""
    return [h[2] for h in load().only(name).scan(norm).get(name, ())]


def words(text: str) -> list[str]:
    """The words of a text, lower case."""
    return TOKEN.findall(normalise(text))


@lru_cache(maxsize=8192)
def read(text: str) -> Read:
    """Read one text (cached: each text is also read as the context of the next few)."""
    norm, lex = normalise(text), load()
    if might_ask(norm):  # the question rules need its phrases and where each is
        rules, scanned = asking(norm), True
        names: Iterable[str] = rules.hits
    else:  # most texts: only which lists have a phrase
        rules, scanned = statement(norm), False
        names = lex.present(norm)
    tokens = TOKEN.findall(norm)
    seen = set(tokens)
    content = frozenset([w for w in seen.difference(STOP) if len(w) > 2])
    counted = [k for k in names if k not in UNCOUNTED]
    # A question word right after a verb of knowing asks nothing ("not knowing what's going
    # on"): a word of its own, and the `explore` phrase it starts does not count. (Only a text
    # with such a verb is searched: most have none.)
    knows = not lex.knowing.isdisjoint(seen)
    embedded = {m.start("wh") for m in lex.embedded.finditer(norm)} if knows else set()
    inside = set(embedded)
    if ASKS_NEED in counted:  # "do you want advice or ...": its words are not advice
        found_in = rules.hits if scanned else lex.only(ASKS_NEED).scan(norm)
        for start, end, _ in found_in[ASKS_NEED]:  # a phrase starts and ends at a word's edge
            inside.update(t.start() for t in TOKEN.finditer(norm, start, end))
    if inside:
        tokens = [("~" if t.start() in inside else "") + t.group() for t in TOKEN.finditer(norm)]
        if embedded and "explore" in counted and not rules.asks:  # a question keeps what it asks
            scan = rules.hits if scanned else lex.only("explore").scan(norm)
            if all(h[0] in embedded for h in scan.get("explore", ())):
                counted.remove("explore")
    found = tuple(tokens)
    if imperatives(norm):
        counted.append(IMPERATIVE)
    return Read(found, content, tuple(sorted(counted)), rules, scanned)


def length(n: int) -> str:
    return "len:" + ("1" if n <= 1 else "2-3" if n <= 3 else "4-8" if n <= 8 else
                     "9-20" if n <= 20 else "21-50" if n <= 50 else "51+")  # fmt: skip


def their_turn(context: Sequence[tuple[str, str]]) -> tuple[str, ...]:
    """The other person's most recent run of messages, oldest first; empty if they have not
    spoken."""
    run: list[str] = []
    for author, text in reversed(context):
        if author == "other":
            run.append(text)
        elif run:
            break
    return tuple(reversed(run))


def own(mine: Read) -> list[str]:
    """What a message says by itself: its words, word pairs, lexicon lists and length."""
    words = mine.words
    out = [f"w:{w}" for w in words]
    padded = ("<s>", *words, "</s>")
    out += [f"b:{a} {b}" for a, b in itertools.pairwise(padded)]
    out += [f"lex:{name}" for name in mine.lists]
    out.append(length(len(words)))
    return out


def answered(theirs: Read) -> list[str]:
    """What one message of the other person's says, as part of what a reply answers."""
    return [*(f"o:{w}" for w in theirs.content), *(f"olex:{name}" for name in theirs.lists)]


def turn(run: Sequence[Read]) -> list[str]:
    """The other person's last run as a whole: there is one, and whether it ended asking."""
    last = run[-1].words
    return turn_of(bool(last) and last[-1] == "?")


def turn_of(asked: bool) -> list[str]:
    return ["ctx:text", "ctx:asked"] if asked else ["ctx:text"]


def their_content(run: Sequence[Read]) -> frozenset[str]:
    return run[0].content if len(run) == 1 else frozenset().union(*(r.content for r in run))


def question_feature(question: str | None, why: str) -> str | None:
    """The question type as the model sees it: a follow-up the rules only presume (`why` is
    `IN_OTHER_WORDS`: none of their words, no reference back) is a value of its own."""
    return "unmentioned" if why == IN_OTHER_WORDS else question


def relation(mine: Read, run: Sequence[Read], replying: bool, question: str | None) -> list[str]:
    """How the message relates to their turn: the question type, and shared words."""
    shared = len(mine.content & their_content(run)) if run else None
    return relation_of(shared, replying, question)


def relation_of(shared: int | None, replying: bool, question: str | None) -> list[str]:
    """`relation`, given how many words the message shares with their turn (None: no turn)."""
    out = [f"q:{question}"]
    if shared is None:
        out.append("ctx:reply" if replying else "ctx:none")
        return out
    out.append("ov:0" if not shared else "ov:1" if shared == 1 else "ov:2+")
    return out


def features(mine: Read, run: Sequence[Read], replying: bool, question: str | None) -> list[str]:
    """The features of a message, written in reply to `run` (the other's last messages, read;
    empty when there are none or their text is unknown).

    `replying`: the other person spoke before (their words may be unknown, as in the public
    sets). `question`: the rules' question type of the message (None when it asks nothing).
    """
    out = own(mine)
    for theirs in run:
        out += answered(theirs)
    if run:
        out += turn(run)
    return out + relation(mine, run, replying, question)


PIECE = re.compile(r"[a-z0-9]+|[^a-z0-9\s]")  # BERT's split of a word: letters/digits, each mark


def pieces(word: str, vocabulary: Mapping[str, int]) -> list[int]:
    """The rows of a word's word pieces (WordPiece: the longest piece in the vocabulary first,
    then "##" continuations); a part with no such split is left out, as BERT's [UNK] says
    nothing."""
    out: list[int] = []
    for part in PIECE.findall(word):
        if len(part) > 100:
            continue
        start, found = 0, []
        while start < len(part):
            end = len(part)
            while end > start:
                piece = part[start:end] if start == 0 else "##" + part[start:end]
                if (row := vocabulary.get(piece)) is not None:
                    found.append(row)
                    break
                end -= 1
            else:
                break  # no piece of the rest: the whole part is unknown
            start = end
        else:
            out += found
    return out
