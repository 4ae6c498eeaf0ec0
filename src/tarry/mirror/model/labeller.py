"""Label messages with the shipped model: calibrated scores, per-label thresholds, evidence.

The model (`mirror.model`, written by `tarry.mirror.model.train`) is one linear scorer per head:
three nested questions for the disclosure (at least a fact, at least a thought, a feeling) and one
per move. A message's score for a head is the sum of the weights of its features, calibrated
to a probability on held-out data; a label is given when the probability reaches the head's
threshold (chosen on held-out data), and is *confident* from a higher threshold at which the
held-out precision is high. A long message also has its sentences scored, and for the heads
training chose takes their highest probability (`_pool_sentences`). The question type comes
from the rules (`tarry.mirror.moves`).

Loaded on first use, so commands that do not label never pay for numpy or the weights.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from tarry.base.errors import StoreError
from tarry.base.memory import no_gc
from tarry.mirror.lexicon import load, within
from tarry.mirror.model.features import (
    Read,
    length,
    pieces,
    question_feature,
    read,
    relation_of,
    sentences,
    their_turn,
    their_weight,
    turn_of,
)
from tarry.mirror.moves import (
    DISCLOSURES,
    MOVES,
    Labels,
    question_type,
    requested,
    run_reading,
    said_back,
    said_back_phrases,
)
from tarry.mirror.moves import VERSION as RULES

if TYPE_CHECKING:
    import numpy as np

MAGIC = b"tarry-mirror-model\n"
FILE = "mirror.model"
LEVELS = (("feeling", "feeling"), ("at_least_thought", "thought"), ("at_least_fact", "fact"))
EXCERPT = 80
LONGEST = 51  # words: every longer message has the length feature of this one ("len:51+")
Context = Sequence[tuple[str, str]]
Evidence = bool | Literal["sure"]


@dataclass(frozen=True)
class Model:
    """The weights and what was chosen on held-out data, as read from the model file."""

    heads: tuple[str, ...]
    vocabulary: dict[str, int]
    names: list[str]  # feature of each row
    weights: np.ndarray  # (features, heads), float32; row 0 is the bias
    slope: np.ndarray  # calibration per head: p = sigmoid(slope * score + shift)
    shift: np.ndarray
    threshold: dict[str, float]
    confident: dict[str, float]
    meta: dict[str, Any]
    given_at: np.ndarray  # the thresholds, by column
    sure_at: np.ndarray  # the confident thresholds, by column
    level_columns: list[int]  # feeling, at least a thought, at least a fact
    move_columns: list[int]  # in the contract's order
    families: dict[str, dict[Any, int]]  # rows by feature family: "w" -> word -> row ...
    dense: Dense | None = None  # the dense block (word pieces), if the model has one
    # the heads for which a long message takes the highest probability of its sentences
    # (`features.sentences`), by column
    pools: tuple[bool, ...] = ()
    # the rows of the turn's and the relation's features, by their few combinations (`_tail`)
    tails: dict[tuple[Any, ...], list[int]] = field(default_factory=dict)
    # whether a row's feature never reads as words (`_why`), learnt as rows are met
    quiet: dict[int, bool] = field(default_factory=dict)
    lengths: tuple[int | None, ...] = ()  # the row of `length(n)`, by n up to LONGEST
    columns: dict[str, list[float]] = field(default_factory=dict)  # a head's weights (`_why`)

    def __post_init__(self) -> None:
        rows = tuple(self.vocabulary.get(length(n)) for n in range(LONGEST + 1))
        object.__setattr__(self, "lengths", rows)

    def scores(
        self,
        rows: list[list[int]],
        dense: np.ndarray | None = None,
        theirs: Sequence[Sequence[int]] = (),
    ) -> np.ndarray:
        """Calibrated probabilities, one row per message (its feature rows), one column per head;
        `dense`: the dense block's scores to add (`dense_scores`); `theirs`: the rows of the
        other person's turn, per message, each weighing `their_weight`."""
        import numpy as np

        raw = _sum_rows(self.weights, rows)[0]
        if theirs:
            raw += _weighed_rows(self.weights, theirs)
        if dense is not None:
            raw += dense
        return 1.0 / (1.0 + np.exp(-(raw * self.slope + self.shift)))

    def rows(self, names: list[str]) -> list[int]:
        """The feature rows of a message (each once), the bias first."""
        return [0, *self.known(names)]

    def known(self, names: list[str]) -> tuple[int, ...]:
        """The rows of the features the model knows, each once."""
        vocabulary = self.vocabulary
        return tuple({i for n in names if (i := vocabulary.get(n)) is not None})

    def own_rows(self, got: Read) -> tuple[int, ...]:
        """`known(own(got))`, without building the feature names (the hot path)."""
        family = self.families
        # map() over the dict's own get: no Python frame per word (this runs for every text).
        words = got.words
        found = set(map(family["wb"].get, words))
        found.update(map(family["wb"].get, itertools.pairwise(("<s>", *words, "</s>"))))
        found.update(map(family["lex"].get, got.lists))
        found.add(self.lengths[min(len(words), LONGEST)])
        found.discard(None)
        return tuple(found)  # type: ignore[arg-type]

    def answered_rows(self, got: Read) -> tuple[int, ...]:
        """`known(answered(got))`, without building the feature names."""
        words, lists = self.families["o"], self.families["olex"]
        found = set(map(words.get, got.content))
        found.update(map(lists.get, got.lists))
        found.discard(None)
        return tuple(found)  # type: ignore[arg-type]


def write(path: Any, model_parts: dict[str, Any], weights: np.ndarray) -> None:
    """The model file: a JSON header (everything but the weights), then float32 weights."""
    header = json.dumps(model_parts, sort_keys=True, separators=(",", ":")).encode()
    with open(path, "wb") as out:
        out.write(MAGIC + struct.pack("<Q", len(header)) + header)
        out.write(weights.astype("<f4", order="C").tobytes())


def parse(data: bytes) -> Model:
    # One thread: the scores are a gather and a sum; BLAS threads would only spin beside the
    # labelling (and its worker processes) on a small machine.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    import numpy as np

    if not data.startswith(MAGIC):
        raise StoreError("The mirror's model file is damaged.", "Reinstall tarry.")
    at = len(MAGIC)
    (size,) = struct.unpack_from("<Q", data, at)
    header = json.loads(data[at + 8 : at + 8 + size])
    heads, names = tuple(header["heads"]), header["features"]
    weights = np.frombuffer(data, dtype="<f4", offset=at + 8 + size)
    weights = weights.reshape(-1, len(heads)).astype(np.float64)
    dense = _dense(header.get("pieces", []), weights[len(names) :])
    weights = weights[: len(names)]
    return Model(
        heads,
        {name: row for row, name in enumerate(names)},
        names,
        weights,
        np.array([header["calibration"][h][0] for h in heads]),
        np.array([header["calibration"][h][1] for h in heads]),
        header["threshold"],
        header["confident"],
        header.get("meta", {}),
        np.array([header["threshold"][h] for h in heads]),
        np.array([header["confident"][h] for h in heads]),
        [heads.index(h) for h, _ in LEVELS],
        [heads.index(mv) for mv in MOVES],
        _families(names),
        dense,
        tuple(bool(header.get("pools", {}).get(h)) for h in heads),
    )


def _families(names: list[str]) -> dict[str, dict[Any, int]]:
    """Rows of the features of each family, by what follows the prefix (word pairs as tuples;
    "wb": words and pairs in one)."""
    out: dict[str, dict[Any, int]] = {k: {} for k in ("w", "b", "lex", "o", "olex")}
    for row, name in enumerate(names):
        kind, _, value = name.partition(":")
        if kind == "b":
            out[kind][tuple(value.split(" "))] = row
        elif kind in out:
            out[kind][value] = row
    out["wb"] = {**out["w"], **out["b"]}
    return out


@cache
def _shipped() -> bytes:
    return resources.files("tarry.mirror.model").joinpath(FILE).read_bytes()


@cache
def model() -> Model:
    """The model shipped with tarry."""
    return parse(_shipped())


def loaded() -> Model:
    """The model and the word lists, loaded: call before forking workers, which inherit both
    instead of each reading them again."""
    load()
    return model()


@cache
def version() -> int:
    """Which labelling labelled a message (stored with its labels): a checksum of the model
    file, the word lists and the rules' version, so cached labels are redone whenever any of
    them changes (the word lists and rules decide the question type, and overrule a feeling
    said back to the other person, without a change of the model)."""
    words = resources.files("tarry.mirror").joinpath("lexicon.toml").read_bytes()
    return checksum(_shipped(), words, RULES)


def checksum(model_file: bytes, word_lists: bytes, rules: int) -> int:
    """`version` of a model file, word lists and rules' version: a positive 31-bit number."""
    return (
        zlib.crc32(str(rules).encode(), zlib.crc32(word_lists, zlib.crc32(model_file))) & 0x7FFFFFFF
    )


def label_many(
    items: Sequence[tuple[str, Context]],
    *,
    evidence: Evidence = False,
    replying: bool | None = None,
) -> list[Labels]:
    """Label each (text, context) pair: context is the earlier messages, oldest first, each
    ("me" | "other", text), "me" being the writer of the labelled message.

    `evidence`: the words behind every label, or ("sure") only those a report shows (behind a
    confident feeling or redirect), which is much cheaper for a whole store. `replying`
    overrides whether the message answers the other person (for sets that know it does but not
    what it answers); by default it does when they spoke before.
    """
    if not items:
        return []
    with no_gc():
        return _label_many(items, evidence, replying)


def _label_many(
    items: Sequence[tuple[str, Context]], evidence: Evidence, replying: bool | None
) -> list[Labels]:
    m = model()
    readings = [_reading(text, context) for text, context in items]
    answering = [bool(r.run) for r in readings] if replying is None else [replying] * len(items)
    rows = [
        _rows(m, reading, answers) for reading, answers in zip(readings, answering, strict=True)
    ]
    theirs = list(map(_their_rows, readings))
    probabilities = m.scores(rows, dense_scores(m, readings), theirs)
    if any(m.pools):
        _pool_sentences(m, items, readings, answering, probabilities)
    back = _said_back(m, probabilities, readings)
    decided = _decided(m, probabilities, answering, back)
    scores = probabilities.round(4).tolist()
    heads = m.heads
    out = [
        Labels(disclosure, moves, reading.question, {}, dict(zip(heads, p, strict=True)), sure)
        for (disclosure, moves, sure), reading, p in zip(decided, readings, scores, strict=True)
    ]
    if evidence:
        taken_back = back.tolist()
        for k, labels in enumerate(out):
            why = _evidence(m, labels, readings[k], rows[k], theirs[k], evidence, taken_back[k])
            labels.evidence = why
    return out


def _pool_sentences(
    m: Model,
    items: Sequence[tuple[str, Context]],
    whole: list[Reply],
    answering: list[bool],
    p: np.ndarray,
) -> None:
    """Raise a long message's probabilities, for the heads that pool, to the highest of its
    sentences' (each read alone, answering the same turn: the message's, `whole`), as training
    chose them."""
    import numpy as np

    parts = [(k, part) for k, (text, _) in enumerate(items) for part in sentences(text)]
    if not parts:
        return
    readings = [_answering(part, whole[k].run) for k, part in parts]
    rows = [_rows(m, r, answering[k]) for r, (k, _) in zip(readings, parts, strict=True)]
    found = m.scores(rows, dense_scores(m, readings), list(map(_their_rows, readings)))
    found[:, ~np.array(m.pools)] = 0.0
    np.maximum.at(p, np.array([k for k, _ in parts]), found)


def _said_back(m: Model, p: np.ndarray, readings: list[Reply]) -> np.ndarray:
    """Per message, whether the model gives it a feeling whose words are all the other
    person's, said back to them (`moves.said_back`): not the writer's feeling, whatever the
    score. Read only where a feeling is given."""
    import numpy as np

    column = m.level_columns[0]
    back = np.zeros(len(p), dtype=bool)
    for k in np.flatnonzero(p[:, column] >= m.given_at[column]).tolist():
        back[k] = said_back(readings[k].mine.read.rules.norm)
    return back


def _decided(
    m: Model, p: np.ndarray, answering: list[bool], back: np.ndarray
) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """Per message: its disclosure (the deepest level given; below a feeling where `back`, see
    `_said_back`), its moves (given only to a reply) and which of those are given with
    confidence. Worked out for the whole batch at once: each message's decisions as two small
    integers, read from tables."""
    import numpy as np

    given, sure = p >= m.given_at, p >= m.sure_at
    given[back, m.level_columns[0]] = False
    levels = given[:, m.level_columns]
    deepest = np.where(levels.any(axis=1), levels.argmax(axis=1), len(LEVELS))
    at = np.minimum(deepest, len(LEVELS) - 1)
    level_sure = sure[:, m.level_columns][np.arange(len(p)), at] & (deepest < len(LEVELS))
    bits = 1 << np.arange(len(MOVES))
    moves = given[:, m.move_columns] & np.array(answering)[:, None]
    mask = (moves @ bits).tolist()
    sure_mask = ((moves & sure[:, m.move_columns]) @ bits).tolist()
    names = [level for _, level in LEVELS] + ["none"]
    return [
        (names[d], _MOVE_SETS[k], ((names[d],) if s else ()) + _MOVE_SETS[c])
        for d, s, k, c in zip(deepest.tolist(), level_sure.tolist(), mask, sure_mask, strict=True)
    ]


# The moves of each bit mask (bit n: MOVES[n]), in the contract's order.
_MOVE_SETS = [
    tuple(mv for n, mv in enumerate(MOVES) if mask >> n & 1) for mask in range(1 << len(MOVES))
]


def _evidence(
    m: Model,
    labels: Labels,
    reading: Reply,
    rows: list[int],
    theirs: Sequence[int],
    evidence: Evidence,
    taken_back: bool,
) -> dict[str, list[str]]:
    """The words behind the labels of one message (see `label_many` for "sure"); `taken_back`:
    the model gave it a feeling that `_said_back` took back."""
    if evidence == "sure":
        return _shown(m, labels, reading, rows, theirs)
    why: dict[str, list[str]] = {}
    disclosure, moves = labels.disclosure, labels.moves
    head = _HEAD_OF.get(disclosure, "")
    why["disclosure"] = _why(m, rows, theirs, head, reading) if head else []
    if taken_back:
        norm = reading.mine.read.rules.norm
        why["disclosure"] += [f"said back to them: {p!r}" for p in said_back_phrases(norm)]
    for mv in moves:
        why[mv] = _why(m, rows, theirs, mv, reading)
    if reading.question:
        why["question"] = [reading.because]
    if moves and reading.run:
        why["answers"] = [_excerpt(" / ".join(_their_text(reading)))]
    return why


SHOWN = ("redirect",)  # the moves whose words a report shows (notable.py: "turned away (...)")


def _shown(
    m: Model, labels: Labels, reading: Reply, rows: list[int], theirs: Sequence[int]
) -> dict[str, list[str]]:
    """The words a report shows: behind a confident feeling and a confident redirect. Nothing
    else is read from the store (the other moves are shown by name, facts and thoughts not
    explained), and working out words is most of what evidence costs."""
    sure = labels.sure
    why: dict[str, list[str]] = {}
    if "feeling" in sure:
        why["disclosure"] = _why(m, rows, theirs, "feeling", reading)
    for mv in SHOWN:
        if mv in sure and mv in labels.moves:
            why[mv] = _why(m, rows, theirs, mv, reading)
    return why


_HEAD_OF = {level: head for head, level in LEVELS}
MARK_AFTER = re.compile(r"(?<=[\w!?]) ([^\w\s])$")  # a word or mark, and the mark after it


def label(text: str, context: Context = (), *, evidence: bool = False) -> Labels:
    """Label one message (see `label_many`)."""
    return label_many([(text, context)], evidence=evidence)[0]


@dataclass(frozen=True, slots=True)
class Known:
    """One text as the model knows it: read once, with the rows of its features as a message
    (`own`) and as part of the turn a reply answers (`answered`)."""

    text: str
    read: Read
    own: tuple[int, ...]
    answered: tuple[int, ...]
    pieces: tuple[int, ...]  # its word pieces' rows in the dense tables


@lru_cache(maxsize=8192)  # a text is read again as the context of the next few messages
def _known(text: str) -> Known:
    m, got = model(), read.__wrapped__(text)  # this cache holds it: not read's too
    return Known(text, got, m.own_rows(got), m.answered_rows(got), word_pieces(m, got.words))


class Reply(NamedTuple):
    """A message read as a reply to the other person's last run of messages."""

    mine: Known
    run: tuple[Known, ...]  # their last messages, oldest first (empty: none)
    question: str | None  # the question type given, and why
    because: str
    read_as: str | None  # the type as the model reads it (`question_feature`), and why: they
    why: str  # differ for a request or proposal (`moves.requested`)


def _reading(text: str, context: Context) -> Reply:
    return _answering(text, tuple(map(_known, their_turn(context))))


def _answering(text: str, run: tuple[Known, ...]) -> Reply:
    """`text` read as a reply to `run`, the other person's last messages, known."""
    mine = _known(text)
    if not mine.read.rules.asks:  # no question type, whatever their turn was
        return Reply(mine, run, None, "", None, "")
    theirs = run_reading([k.read.rules for k in run]) if run else None
    question, why = question_type(mine.read.rules, theirs)
    given, because = requested(mine.read.rules, question, why)
    return Reply(mine, run, given, because, question_feature(question, why), why)


def _rows(m: Model, reading: Reply, replying: bool) -> list[int]:
    """The message's feature rows that count 1, the bias first: its own and the relation's
    (their turn's are `_their_rows`)."""
    mine, run, question = reading.mine, reading.run, reading.read_as
    rows = [0, *mine.own]
    if not run:
        return rows + _tail(m, question, None, replying, None)
    if len(run) == 1:
        theirs = run[0].read.content
    else:
        theirs = frozenset().union(*(k.read.content for k in run))
    last = run[-1].read.words
    asked = bool(last) and last[-1] == "?"
    return rows + _tail(m, question, asked, replying, min(len(mine.read.content & theirs), 2))


def _their_rows(reading: Reply) -> Sequence[int]:
    """The rows of the features of the other person's turn (each weighs `their_weight`)."""
    run = reading.run
    if len(run) < 2:
        return run[0].answered if run else ()
    return tuple(set().union(*(k.answered for k in run)))


def _weighed_rows(table: np.ndarray, groups: Sequence[Sequence[int]]) -> np.ndarray:
    """Per group, the sum of `table`'s rows it names times `their_weight` of its size."""
    import numpy as np

    weight = np.fromiter(map(their_weight, map(len, groups)), dtype=np.float64, count=len(groups))
    total, _ = _sum_rows(table, [g or (0,) for g in groups])  # an empty group weighs 0
    return total * weight[:, None]


def _tail(
    m: Model, question: str | None, asked: bool | None, replying: bool, shared: int | None
) -> list[int]:
    """The rows of the features of the turn and the relation (`asked` None: no turn): a few
    dozen combinations, so each is worked out once."""
    key = (question, asked, replying, shared)
    if (rows := m.tails.get(key)) is None:
        names = ([] if asked is None else turn_of(asked)) + relation_of(shared, replying, question)
        rows = m.tails[key] = list(m.known(names))
    return rows


def _their_text(reading: Reply) -> list[str]:
    return [k.text for k in reading.run]


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1].rstrip() + "…"


def _why(
    m: Model,
    rows: list[int],
    theirs: Sequence[int],
    head: str,
    reading: Reply,
    top: int = 3,
) -> list[str]:
    """The features of the message that weighed most for `head`, in words a person reads
    (`rows`: those that count 1, the bias first; `theirs`: their turn's, which weigh less)."""
    if (weights := m.columns.get(head)) is None:  # the head's weights as Python floats, once
        weights = m.columns[head] = m.weights[:, m.heads.index(head)].tolist()
    quiet = m.quiet
    weighed = []  # the features that weighed for it, and can be read ("w:i" never can)
    share = their_weight(len(theirs))
    for r, value in itertools.chain(
        zip(rows[1:], itertools.repeat(1.0)), zip(theirs, itertools.repeat(share))
    ):
        if (silent := quiet.get(r)) is None:
            name = m.names[r]
            silent = quiet[r] = name.partition(":")[0] not in READ and _fixed_words(name) is None
        if not silent and (w := weights[r] * value) > 0:
            weighed.append((w, r))
    weighed.sort()
    shown: list[str] = []
    for _, r in reversed(weighed):
        if len(shown) >= top:
            break
        text = _words(m.names[r], reading)
        if not text or any(within(text, s) for s in shown):
            continue  # nothing to read, or already shown inside a longer phrase
        parts = [k for k, s in enumerate(shown) if within(s, text)]
        if parts:  # a phrase takes the place of the words it holds ("love you" for "love")
            shown[parts[0]] = text
            shown = [s for k, s in enumerate(shown) if k not in parts[1:]]
        else:
            shown.append(text)
    return shown


READ = frozenset(("lex", "olex", "q"))  # features whose words are found in the message read


def _words(feature: str, reading: Reply) -> str | None:
    """A feature as the words behind it, or None for those that say nothing to a reader."""
    kind, _, value = feature.partition(":")
    if kind not in READ:
        return _fixed_words(feature)
    if kind == "lex":
        phrases = [
            p for p in dict.fromkeys(reading.mine.read.phrases(value)) if p not in load().stop
        ]
        return ", ".join(phrases) if phrases else None
    if kind == "olex":
        phrases = [p for theirs in reading.run for p in theirs.read.phrases(value)]
        return (
            f"they said {', '.join(repr(p) for p in dict.fromkeys(phrases))}" if phrases else None
        )
    return reading.why or None  # why the rules gave the question type the model read


@lru_cache(maxsize=65536)
def _fixed_words(feature: str) -> str | None:
    """`_words` of a feature whose words are the same in every message (a word, a pair, how
    the message relates to their turn)."""
    kind, _, value = feature.partition(":")
    value = value.lstrip("~")  # "~what's": a question word that asks nothing (`features`)
    if kind in ("w", "o") and value in load().stop:
        return None  # "i", "to", "you": weighed, but say nothing to a reader on their own
    if kind == "w":
        return value
    if kind == "b":  # a pair, or one word at the start or end ("<s> i")
        words = " ".join(w.lstrip("~") for w in value.split() if w not in ("<s>", "</s>"))
        words = MARK_AFTER.sub(r"\1", words)  # "together?", "!!", as written, not "together ?"
        return words if words and words not in load().stop else None
    if kind == "o":
        return f"their word {value!r}"
    if feature == "ctx:asked":
        return "they had asked a question"
    if feature == "ov:2+":
        return "takes up their words"
    return None


# --- the dense block: word pieces of a static embedding, folded into the weights ------------


@dataclass(frozen=True)
class Dense:
    """A number per word piece and head, for the message (`own`) and for the other person's last
    run (`theirs`): a text's dense score is the mean of its pieces' rows (training folded the
    mean static embedding times its weights into these tables). Each table's last row is zeros,
    for a text without a known piece."""

    vocabulary: dict[str, int]
    own: np.ndarray  # (pieces + 1, heads)
    theirs: np.ndarray


def _dense(names: list[str], tables: np.ndarray) -> Dense | None:
    import numpy as np

    if not names and not tables.size:
        return None
    size = len(names)
    if not names or tables.shape[0] != 2 * size:
        raise StoreError("The mirror's model file is damaged.", "Reinstall tarry.")
    zero = np.zeros((1, tables.shape[1]))
    own, theirs = np.vstack([tables[:size], zero]), np.vstack([tables[size:], zero])
    return Dense({name: row for row, name in enumerate(names)}, own, theirs)


@lru_cache(maxsize=65536)
def _word_pieces(word: str) -> tuple[int, ...]:
    dense = model().dense
    return tuple(pieces(word, dense.vocabulary)) if dense else ()


def word_pieces(m: Model, words: Sequence[str]) -> tuple[int, ...]:
    """The rows of a text's word pieces in the dense tables (none when the model has no block)."""
    if m.dense is None:
        return ()
    return tuple(itertools.chain.from_iterable(map(_word_pieces, words)))


def dense_scores(m: Model, readings: Sequence[Reply]) -> np.ndarray | None:
    """Per message and head: the dense block's score, the mean row of its word pieces plus the
    mean row of the pieces of the other person's last run (None when the model has no block)."""
    if m.dense is None:
        return None
    empty = (len(m.dense.vocabulary),)
    own = [r.mine.pieces or empty for r in readings]
    theirs = [
        (r.run[0].pieces if len(r.run) == 1 else tuple(
            itertools.chain.from_iterable(k.pieces for k in r.run)
        )) or empty
        for r in readings
    ]  # fmt: skip
    return _mean_rows(m.dense.own, own) + _mean_rows(m.dense.theirs, theirs)


def _mean_rows(table: np.ndarray, groups: list[tuple[int, ...]]) -> np.ndarray:
    total, counts = _sum_rows(table, groups)
    return total / counts[:, None]


def _sum_rows(table: np.ndarray, groups: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Per group (none empty), the sum of `table`'s rows it names; and each group's size."""
    import numpy as np

    counts = np.fromiter(map(len, groups), dtype=np.intp, count=len(groups))
    flat = np.fromiter(
        itertools.chain.from_iterable(groups), dtype=np.intp, count=int(counts.sum())
    )
    starts = np.zeros(len(groups), dtype=np.intp)
    np.cumsum(counts[:-1], out=starts[1:])
    return np.add.reduceat(table[flat], starts, axis=0), counts


def levels(labels: Labels) -> str:
    """The disclosure level (kept for callers that index DISCLOSURES)."""
    return labels.disclosure if labels.disclosure in DISCLOSURES else "none"
