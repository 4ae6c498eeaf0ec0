"""Score the labeller on labelled messages: per label precision, recall and F1 against baselines.

A gold file is JSON Lines in the label contract's request shape plus the gold labels, either as a
`"gold"` object or as top-level keys: `{"id", "text", "context", "gold": {"disclosure", "moves",
"question"}}`. A file may label only some families (a set of advice sentences labels only the
moves, say): each family is scored over the lines that give it.

Baselines, each measured on the same lines: *all positive* (every message gets the label, the
trivial predictor a learned labeller must clear) and *majority* (every message gets the most
frequent value; for a move, present or absent, whichever is commoner). Confusion matrices count
gold (rows) against predicted (columns).

Shipped with tarry: `chats-test`, the held-out test split of tarry's own labelled chats
(data/chats in the repository, split by conversation; never trained or tuned on).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import orjson

from tarry.base.errors import FormatError, InvalidInput
from tarry.mirror.contract import request
from tarry.mirror.model import labeller
from tarry.mirror.moves import DISCLOSURES, MOVES, QUESTIONS, Labels

SHIPPED = ("chats-test",)
NO_QUESTION = "none"  # how a null question is named in the scores
FAMILIES = ("disclosure", "moves", "question")
EXPECTED = (
    'Each line: {"id", "text", "context", "gold": {"disclosure": "none"|"fact"|"thought"|'
    '"feeling", "moves": [...], "question": null|"follow_up"|...}} (any of the three).'
)


@dataclass(frozen=True)
class Example:
    id: Any
    text: str
    context: list[tuple[str, str]]
    gold: dict[str, Any]  # the families this line labels


@dataclass(frozen=True)
class Score:
    label: str
    precision: float
    recall: float
    f1: float
    support: int
    all_positive_f1: float
    majority_f1: float
    labelled: int  # messages given the label: beside `support`, whether counts run high or low


@dataclass(frozen=True)
class Family:
    name: str
    lines: int
    scores: list[Score]
    macro_f1: float
    accuracy: float  # for moves: the exact set of moves
    majority_accuracy: float
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)

    def beats(self, margin: float = 0.0) -> bool:
        """Every label with support above its all-positive baseline by `margin`."""
        return all(s.f1 >= s.all_positive_f1 + margin for s in self.scores if s.support)


def shipped(name: str) -> list[Example]:
    """A labelled set shipped with tarry (see SHIPPED)."""
    if name not in SHIPPED:
        raise InvalidInput(f"Unknown labelled set {name!r}.", f"Choose {', '.join(SHIPPED)}.")
    raw = resources.files("tarry.mirror").joinpath("evalset", f"{name}.jsonl").read_bytes()
    return read_gold(raw.splitlines(), name)


def read_file(path: Path) -> list[Example]:
    try:
        with path.open("rb") as lines:
            return read_gold(lines, str(path))
    except OSError as exc:
        raise InvalidInput(f"Cannot read {path}: {exc.strerror}.") from exc


def read_gold(lines: Iterable[bytes], name: str) -> list[Example]:
    """Labelled requests; a line that is not one is a FormatError naming the line."""
    out = []
    for number, raw in enumerate(lines, start=1):
        if raw.strip():
            ident, text, context = request(raw, name, number)
            out.append(Example(ident, text, context, _gold(orjson.loads(raw), name, number)))
    if not out:
        raise FormatError("no labelled lines.", path=name, hint=EXPECTED)
    return out


def _gold(row: dict[str, Any], name: str, line: int) -> dict[str, Any]:
    gold = row.get("gold", row)
    if not isinstance(gold, dict):
        raise FormatError('"gold" must be an object.', path=name, line=line, hint=EXPECTED)
    found = {k: gold[k] for k in FAMILIES if k in gold}
    if not found:
        raise FormatError("no gold labels.", path=name, line=line, hint=EXPECTED)
    wrong = (
        ("disclosure" in found and found["disclosure"] not in DISCLOSURES)
        or ("question" in found and found["question"] not in (None, *QUESTIONS))
        or ("moves" in found and not _moves(found["moves"]))
    )
    if wrong:
        raise FormatError("a gold label is not in the contract.", path=name, line=line,
                          hint=EXPECTED)  # fmt: skip
    return found


def _moves(value: Any) -> bool:
    return isinstance(value, list) and all(m in MOVES for m in value)


def _prf(gold: Sequence[bool], guess: Sequence[bool]) -> tuple[float, float, float]:
    hits = sum(g and p for g, p in zip(gold, guess, strict=True))
    precision = hits / sum(guess) if any(guess) else 0.0
    recall = hits / sum(gold) if any(gold) else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _score(name: str, gold: list[bool], guess: list[bool], majority: bool) -> Score:
    precision, recall, f1 = _prf(gold, guess)
    return Score(
        name, round(precision, 3), round(recall, 3), round(f1, 3), sum(gold),
        round(_prf(gold, [True] * len(gold))[2], 3),
        round(_prf(gold, [majority] * len(gold))[2], 3), sum(guess),
    )  # fmt: skip


def _accuracy(gold: Sequence[Any], guess: Sequence[Any]) -> float:
    return round(sum(g == p for g, p in zip(gold, guess, strict=True)) / len(gold), 3)


def _confusion(
    values: Sequence[str], gold: list[str], guess: list[str]
) -> dict[str, dict[str, int]]:
    counts = Counter(zip(gold, guess, strict=True))
    return {g: {p: counts[g, p] for p in values} for g in values}


def _single(name: str, values: Sequence[str], gold: list[str], guess: list[str]) -> Family:
    """A family with one value per message (disclosure, question)."""
    majority = Counter(gold).most_common(1)[0][0]
    scores = [
        _score(v, [g == v for g in gold], [p == v for p in guess], majority == v) for v in values
    ]
    present = [s for s in scores if s.support]
    return Family(
        name, len(gold), scores, round(sum(s.f1 for s in present) / len(present), 3),
        _accuracy(gold, guess), _accuracy(gold, [majority] * len(gold)),
        _confusion(values, gold, guess),
    )  # fmt: skip


def _moves_family(gold: list[set[str]], guess: list[set[str]]) -> Family:
    scores, confusion = [], {}
    for m in MOVES:
        has, said = [m in g for g in gold], [m in p for p in guess]
        scores.append(_score(m, has, said, sum(has) * 2 > len(has)))
        counts = Counter(zip(has, said, strict=True))
        confusion[m] = {"tp": counts[True, True], "fp": counts[False, True],
                        "fn": counts[True, False], "tn": counts[False, False]}  # fmt: skip
    present = [s for s in scores if s.support]
    macro = round(sum(s.f1 for s in present) / len(present), 3) if present else 0.0
    return Family("moves", len(gold), scores, macro, _accuracy(gold, guess),
                  _accuracy(gold, [set()] * len(gold)), confusion)  # fmt: skip


def evaluate(examples: list[Example]) -> list[Family]:
    """Label every example and score each family its lines give."""
    predicted = labeller.label_many([(e.text, e.context) for e in examples])
    families = []
    for name in FAMILIES:
        pairs = [(e.gold[name], p) for e, p in zip(examples, predicted, strict=True)
                 if name in e.gold]  # fmt: skip
        if pairs:
            families.append(_family(name, pairs))
    return families


def _family(name: str, pairs: list[tuple[Any, Labels]]) -> Family:
    if name == "disclosure":
        return _single(name, DISCLOSURES, [g for g, _ in pairs], [p.disclosure for _, p in pairs])
    if name == "question":
        return _single(
            name, (NO_QUESTION, *QUESTIONS),
            [g or NO_QUESTION for g, _ in pairs], [p.question or NO_QUESTION for _, p in pairs],
        )  # fmt: skip
    return _moves_family([set(g) for g, _ in pairs], [set(p.moves) for _, p in pairs])


def to_dict(families: list[Family]) -> dict[str, Any]:
    return {f.name: asdict(f) | {"beats_all_positive": f.beats()} for f in families}
