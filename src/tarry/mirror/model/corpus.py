"""The labelled examples the mirror's model learns from, each source read into one shape.

Three sources (docs/mirror.md, "The model"):

- `chats`: the project's own chat conversations (`data/chats/*.jsonl` in the repository), every
  message labelled with the whole contract, from its writer's side, given the messages before it.
- `claff`: CL-Aff "Get it #OffMyChest" sentences (CC BY 4.0): emotional disclosure (the contract's
  `feeling`), emotional and informational support (`validate`, `fix`).
- `advice`: Advice-EMNLP2020 sentences from r/AskParents and r/needadvice (MIT): a sentence that
  gives advice (`fix`).

The public sets label only part of the contract; an `Example` carries only what its source says
(`targets`: head -> 0 or 1), and each head learns from the examples that know it. Public
sentences are replies to a post the sets do not include. Read as replies to an unknown text, they
taught the model apart from every reply it labels in use (those come with the turn they answer):
given a turn, it found their advice and feelings far less often. So each public thread is given a
turn to answer (`with_turns`): a run of the other person's messages from the training split of
tarry's chats that was met by what the set's replies answer (`ANSWERS`): for the advice set a
run met by advice (someone asking for it, or telling a problem that drew it), for OffMyChest a
run met by any move (someone telling something that asks for a reply); chosen by hashing the
thread's id with each turn (`answering`), the same on every run. A thread of the dev split is
read answering DRAWS turns, drawn with as many salts of the hash, so what is chosen on dev
(regularisation, the dense block's weight, thresholds) does not follow one draw: one alone moved
a threshold by up to 0.16 and a public row by up to 0.04 (docs/mirror.md).

Splits are by conversation or thread, from a hash of its id (stable across runs and machines):
train 70%, dev 15% (calibration and thresholds), test 15% (reported, never tuned on). The
advice set ships its own dev split, used here as its test split.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tarry.base.errors import FormatError
from tarry.mirror.model.features import their_turn
from tarry.mirror.moves import DISCLOSURES, MOVES

SPLITS = ("train", "dev", "test")
# Heads of the model: the disclosure as three nested yes/no questions, and one per move.
LEVEL_HEADS = ("at_least_fact", "at_least_thought", "feeling")
HEADS = (*LEVEL_HEADS, *MOVES)


@dataclass(slots=True)
class Example:
    """One labelled message with what comes before it."""

    source: str
    group: str  # conversation or thread: examples of one group share a split
    text: str
    context: list[tuple[str, str]]  # earlier messages, oldest first: ("me"|"other", text)
    replying: bool  # an earlier message of the other person exists (its text may be unknown)
    targets: dict[str, int]  # head -> 0/1, only the heads this source labels
    gold: dict[str, object] = field(default_factory=dict)  # the full contract labels, if known
    # a public sentence's reply in its thread (its writer, or its number) and place in it
    reply: tuple[str, int] = ("", 0)

    @property
    def split(self) -> str:
        return split_of(self.source, self.group)


def split_of(source: str, group: str) -> str:
    """train, dev or test, from a stable hash of the source and group."""
    digest = hashlib.sha256(f"{source}/{group}".encode()).digest()
    bucket = int.from_bytes(digest[:4], "big") % 100
    return "train" if bucket < 70 else "dev" if bucket < 85 else "test"


def level_targets(disclosure: str) -> dict[str, int]:
    rank = DISCLOSURES.index(disclosure)
    return {
        "at_least_fact": int(rank >= 1),
        "at_least_thought": int(rank >= 2),
        "feeling": int(rank == 3),
    }


def contract_targets(gold: dict[str, object]) -> dict[str, int]:
    """Every head's target from labels in the contract's shape."""
    moves = gold.get("moves") or []
    assert isinstance(moves, list)
    return {**level_targets(str(gold["disclosure"])), **{m: int(m in moves) for m in MOVES}}


# --- the project's own chats ---------------------------------------------------------------


def chat_examples(path: Path) -> Iterator[Example]:
    """Every message of every conversation in a chats file, labelled from its writer's side."""
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                yield from _conversation(json.loads(line), path, number)


def _conversation(row: dict[str, object], path: Path, line: int) -> Iterator[Example]:
    messages = row.get("messages")
    if not isinstance(messages, list) or not isinstance(row.get("id"), str):
        raise FormatError('expected {"id": ..., "messages": [...]}.', path=str(path), line=line)
    earlier: list[tuple[str, str]] = []
    for message in messages:
        author, text, gold = message["author"], message["text"], message["gold"]
        context = [("me" if a == author else "other", t) for a, t in earlier]
        yield Example(
            source="chats",
            group=str(row["id"]),
            text=text,
            context=context,
            replying=any(a == "other" for a, _ in context),
            targets=contract_targets(gold),
            gold=gold,
        )
        earlier.append((author, text))


def chats(folder: Path) -> list[Example]:
    return [e for path in sorted(folder.glob("*.jsonl")) for e in chat_examples(path)]


# --- CL-Aff OffMyChest -----------------------------------------------------------------------

R_ESCAPE = re.compile(r"<U\+([0-9A-Fa-f]{4})>")
CP1252 = {0x85: "...", 0x91: "'", 0x92: "'", 0x93: '"', 0x94: '"', 0x96: "-", 0x97: "-"}


def _unescape(text: str) -> str:
    """The set writes some characters as R escapes (`<U+0092>`, cp1252 read as Latin-1)."""

    def char(match: re.Match[str]) -> str:
        code = int(match.group(1), 16)
        return CP1252.get(code, chr(code))

    return R_ESCAPE.sub(char, text)


# Sympathy for the other ("I'm so sorry for your loss", "sorry to hear that", "hugs"): the set
# calls most of it an emotional disclosure (69 of 110 such sentences), the contract calls it
# `validate` and no disclosure of the writer's. Its `feeling` label is not learnt from (2026-12-07:
# 59 training sentences; docs/mirror.md).
SYMPATHY = re.compile(
    r"\bsorry (for your|to hear|you|that you|about your)|\b(i'?m|i am) (so |really |very |truly )*"
    r"sorry\b|\bmy condolences|\bhugs\b",
    re.I,
)


def claff(path: Path) -> list[Example]:
    """OffMyChest sentences: `feeling` from Emotional_disclosure (not learnt where it is sympathy
    for the other, `SYMPATHY`), `validate` from Emo_support and `fix` from Info_support."""
    out = []
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        for row in csv.DictReader(handle):
            emotional = row["Emotional_disclosure"].strip() == "1"
            # Not its personal information as "at least a fact", nor its emotional sentences as
            # "at least a thought": trained beside the chats' replies, those cost the chats'
            # levels 0.03 to 0.05 F1 on dev (the set's levels are not the guide's).
            targets = {"feeling": int(emotional)}
            targets["validate"] = int(row["Emo_support"].strip() == "1")
            targets["fix"] = int(row["Info_support"].strip() == "1")
            text = _unescape(row["full_text"]).strip()
            if emotional and SYMPATHY.search(text) and split_of("claff", row["id"]) == "train":
                del targets["feeling"]  # the set's own label is kept where it is only scored
            if text:
                reply = (row.get("author") or "", _place(row.get("sentenceid") or ""))
                out.append(Example("claff", row["id"], text, [], True, targets, reply=reply))
    return out


def _place(value: str) -> int:
    """A sentence's number ("36"; a few were saved by a spreadsheet as "2.00E+05"), or 0."""
    try:
        return int(float(value))
    except ValueError:
        return 0


# --- Advice-EMNLP2020 --------------------------------------------------------------------------

# The set is spaCy-tokenised ("do n't", "it 's", "well ,"): joined back into ordinary text.
DETOKENISE = [
    (re.compile(r" (n't|'s|'re|'m|'ve|'ll|'d|’s|’re|’m|’ve|’ll|’d)\b", re.I), r"\1"),
    (
        re.compile(
            r"\b(ca|wo|do|does|did|is|are|was|were|have|has|had|could|should|would) n't\b", re.I
        ),
        r"\1n't",
    ),
    (re.compile(r" ([,.!?;:%)])"), r"\1"),
    (re.compile(r"([($]) "), r"\1"),
    (re.compile(r"\bdo nt\b", re.I), "dont"),
]


def detokenise(text: str) -> str:
    for pattern, replacement in DETOKENISE:
        text = pattern.sub(replacement, text)
    return text.strip()


def advice(folder: Path, split: str) -> list[Example]:
    """Advice sentences of one split file (`train` or `dev`); `fix` from DS_Label."""
    out = []
    for path in sorted(folder.glob(f"*_{split}.tsv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                post, number, place = [*row["ID"].split("-"), "", ""][:3]
                thread = path.stem.split("_")[0] + "/" + post
                text = detokenise(row["Sentence"])
                fix = {"fix": int(row["DS_Label"].strip() == "1")}
                reply = (number, _place(place))
                out.append(Example("advice", thread, text, [], True, fix, reply=reply))
    return out


@dataclass
class Corpus:
    """Every source, split; `test` examples are only ever scored."""

    examples: list[Example]

    def part(self, split: str, source: str | None = None) -> list[Example]:
        return [
            e
            for e in self.examples
            if split_part(e) == split and (source is None or e.source == source)
        ]

    @property
    def sources(self) -> list[str]:
        return sorted({e.source for e in self.examples})


def split_part(example: Example) -> str:
    if example.source == "advice":  # its own files: train -> train/dev by thread, dev -> test
        return example.group.partition("|")[2] or example.split
    return example.split


def missing(shared: Path) -> str | None:
    """The first file of the public sets that is not under `shared`, or None when both are."""
    claff = shared / "claff-offmychest" / "labeled_training_set.csv"
    if not claff.is_file():
        return str(claff)
    if not any((shared / "advice-reddit").glob("*_train.tsv")):
        return str(shared / "advice-reddit" / "*_train.tsv")
    return None


DRAWS = 3  # turns each public dev thread answers (`with_turns`)


def load(repo: Path, shared: Path, draws: int = DRAWS) -> Corpus:
    """The whole corpus: the repository's chats and the public sets under `shared` (data/);
    `draws`: turns each public dev thread answers (`with_turns`)."""
    examples = chats(repo / "data" / "chats")
    examples += claff(shared / "claff-offmychest" / "labeled_training_set.csv")
    folder = shared / "advice-reddit"
    train = advice(folder, "train")
    held = advice(folder, "dev")
    for e in held:
        e.group += "|test"
    for e in train:
        e.group += "|" + ("dev" if split_of("advice", e.group) == "dev" else "train")
    return Corpus(with_turns(examples + train + held, draws))


def with_turns(examples: list[Example], draws: int = 1) -> list[Example]:
    """The public sets' sentences, each as a reply to a turn from tarry's chats (see above): the
    other person's last run before a training-split chat message with one of the moves its set
    answers (`ANSWERS`). A dev-split sentence comes `draws` times, each answering the turn of
    another draw (salt 0, the first, is every other split's)."""
    pools: dict[str, list[tuple[str, ...]]] = {}
    for source, met_by in ANSWERS.items():
        pools[source] = sorted({
            run
            for e in examples
            if e.source == "chats" and e.split == "train"
            and any(mv in met_by for mv in _moves(e))
            and (run := their_turn(e.context))
        })  # fmt: skip
    keys = {source: [_keys(pool, salt) for salt in range(draws)] for source, pool in pools.items()}
    chosen: dict[tuple[str, str, int], tuple[str, ...]] = {}
    out: list[Example] = []
    for e in examples:
        out.append(e)
        if e.source == "chats" or not (turns := pools[e.source]):
            continue
        group = e.group.partition("|")[0]
        for salt in range(draws if split_part(e) == "dev" else 1):
            if (answer := chosen.get((e.source, group, salt))) is None:
                pick = answering(group, keys[e.source][salt], salt)
                answer = chosen[e.source, group, salt] = turns[pick]
            context = [("other", text) for text in answer]
            if salt == 0:
                e.context = context
            else:
                out.append(replace(e, context=context))
    return out


# What each public set's sentences answer, as the moves that met a turn in tarry's chats: the
# advice set's replies answer requests for advice (before 2026-12-07 any move's turn: advice
# `fix` 0.575 -> 0.595 on dev, with a written turn 0.556 -> 0.583; docs/mirror.md).
ANSWERS = {"advice": ("fix",), "claff": MOVES}


def _moves(e: Example) -> list[str]:
    """The moves a chats example is labelled with (none for a public set's)."""
    moves = e.gold.get("moves", [])
    return moves if isinstance(moves, list) else []


def _key(text: str, salt: int = 0) -> int:
    data = f"{salt}\0{text}" if salt else text
    return int.from_bytes(hashlib.sha256(data.encode()).digest()[:8], "little")


def _keys(turns: list[tuple[str, ...]], salt: int = 0) -> Any:
    import numpy as np

    return np.array([_key("\n".join(run), salt) for run in turns], dtype=np.uint64)


def answering(group: str, keys: Any, salt: int = 0) -> int:
    """Which turn a public thread answers, of the turns whose hashes are `keys`: the one whose
    hash mixed with the thread's is highest (rendezvous hashing). The same on every run and
    machine, and stable as the pool grows: a turn added to the chats takes only the threads it
    now wins, about one in as many as the pool holds, so more conversations move the public
    sets' figures through those threads, not by drawing every thread's turn again. `salt`:
    another draw (the turns' `keys` made with the same salt)."""
    import numpy as np

    thread = np.uint64(_key(group.partition("|")[0], salt))
    with np.errstate(over="ignore"):  # the mix works modulo 2**64
        z = (keys ^ thread) + np.uint64(0x9E3779B97F4A7C15)  # splitmix64's finaliser
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z ^= z >> np.uint64(31)
    return int(np.argmax(z))


def pick(group: str, count: int) -> int:
    """A stable choice among `count` for a public example's thread (the same for every sentence
    of it, on every run): which of the written turns it answers (`turns`)."""
    thread = group.partition("|")[0]
    return int(hashlib.sha256(thread.encode()).hexdigest()[:8], 16) % count
