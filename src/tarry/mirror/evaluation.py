"""Score the labeller against tarry's own labelled exchanges (evalset/dev.jsonl, test.jsonl).

Per label: precision, recall, F1 and support; per family: macro-F1 and accuracy, each next to a
majority baseline (always the most frequent value; for a move, which is present or absent, the
baseline that always says "present", since always "absent" scores zero).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from importlib import resources
from typing import Any

from tarry.base.errors import InvalidInput
from tarry.mirror.moves import DISCLOSURES, MOVES, QUESTIONS, Labels, Turn, label

SPLITS = ("dev", "test")
Labeller = Callable[[str, tuple[Turn, ...]], Labels]
NO_QUESTION = "none"  # how a null question is named in the scores


@dataclass(frozen=True)
class Example:
    id: str
    text: str
    context: tuple[Turn, ...]
    gold: Labels


@dataclass(frozen=True)
class Score:
    label: str
    precision: float
    recall: float
    f1: float
    support: int
    baseline_f1: float


@dataclass(frozen=True)
class Family:
    name: str
    scores: list[Score]
    macro_f1: float
    baseline_macro_f1: float
    accuracy: float
    baseline_accuracy: float

    def beats_baseline(self) -> bool:
        return all(s.f1 > s.baseline_f1 for s in self.scores)


def examples(split: str) -> list[Example]:
    """The labelled messages of one split (`dev` or `test`, or `all` for both)."""
    if split == "all":
        return [e for name in SPLITS for e in examples(name)]
    if split not in SPLITS:
        raise InvalidInput(f"Unknown split {split!r}.", "Choose dev, test or all.")
    text = resources.files("tarry.mirror").joinpath("evalset", f"{split}.jsonl").read_text("utf-8")
    return [_example(json.loads(line)) for line in text.splitlines() if line.strip()]


def _example(row: dict[str, Any]) -> Example:
    gold = row["gold"]
    context = tuple(Turn(c["author"], c["text"]) for c in row["context"])
    labels = Labels(gold["disclosure"], tuple(gold["moves"]), gold["question"])
    return Example(row["id"], row["text"], context, labels)


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _score(name: str, gold: list[bool], predicted: list[bool], baseline: list[bool]) -> Score:
    def prf(guess: list[bool]) -> tuple[float, float, float]:
        hits = sum(g and p for g, p in zip(gold, guess, strict=True))
        precision = hits / sum(guess) if any(guess) else 0.0
        recall = hits / sum(gold) if any(gold) else 0.0
        return precision, recall, _f1(precision, recall)

    precision, recall, f1 = prf(predicted)
    return Score(name, precision, recall, f1, sum(gold), prf(baseline)[2])


def _accuracy(gold: list[Any], guess: list[Any]) -> float:
    return sum(g == p for g, p in zip(gold, guess, strict=True)) / len(gold) if gold else 0.0


def _single(name: str, values: Iterable[str], gold: list[str], predicted: list[str]) -> Family:
    """Scores of a one-value-per-message family (disclosure, question)."""
    majority = max(set(gold), key=gold.count)
    scores = [
        _score(v, [g == v for g in gold], [p == v for p in predicted], [majority == v] * len(gold))
        for v in values
    ]
    return Family(
        name,
        scores,
        sum(s.f1 for s in scores) / len(scores),
        sum(s.baseline_f1 for s in scores) / len(scores),
        _accuracy(gold, predicted),
        _accuracy(gold, [majority] * len(gold)),
    )


def _moves(gold: list[Labels], predicted: list[Labels]) -> Family:
    """Scores of the moves, each present or absent in a message."""
    scores = [
        _score(
            m,
            [m in g.moves for g in gold],
            [m in p.moves for p in predicted],
            [True] * len(gold),
        )
        for m in MOVES
    ]
    exact = _accuracy([set(g.moves) for g in gold], [set(p.moves) for p in predicted])
    no_moves = _accuracy([set(g.moves) for g in gold], [set()] * len(gold))
    return Family(
        "moves",
        scores,
        sum(s.f1 for s in scores) / len(scores),
        sum(s.baseline_f1 for s in scores) / len(scores),
        exact,
        no_moves,
    )


def evaluate(split: str = "dev", labeller: Labeller = label) -> list[Family]:
    """Label every message of `split` with `labeller` and score each label family."""
    items = examples(split)
    gold = [e.gold for e in items]
    predicted = [labeller(e.text, e.context) for e in items]
    question = [g.question or NO_QUESTION for g in gold]
    guessed = [p.question or NO_QUESTION for p in predicted]
    return [
        _single(
            "disclosure",
            DISCLOSURES,
            [g.disclosure for g in gold],
            [p.disclosure for p in predicted],
        ),
        _moves(gold, predicted),
        _single("question", (NO_QUESTION, *QUESTIONS), question, guessed),
    ]


def to_dict(families: list[Family]) -> dict[str, Any]:
    return {f.name: asdict(f) | {"beats_baseline": f.beats_baseline()} for f in families}


def mistakes(split: str = "dev") -> Iterable[tuple[Example, Labels]]:
    """Every example the labeller gets wrong, with what it said (for tuning on dev only)."""
    for example in examples(split):
        got = label(example.text, example.context)
        if got != example.gold:
            yield example, got
