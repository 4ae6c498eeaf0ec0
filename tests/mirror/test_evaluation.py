"""Scoring labelled messages: reading gold files, the arithmetic, the shipped held-out set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tarry.base.errors import FormatError, InvalidInput
from tarry.mirror import evaluation
from tarry.mirror.model import corpus, labeller, train
from tarry.mirror.moves import Turn

REPO = Path(__file__).parents[2]


def lines(*rows: dict[str, object]) -> list[bytes]:
    return [json.dumps(r).encode() for r in rows]


def test_gold_as_an_object_or_as_top_level_keys_and_only_some_families() -> None:
    read = evaluation.read_gold(
        lines(
            {"id": 1, "text": "a", "gold": {"disclosure": "fact", "moves": [], "question": None}},
            {"id": 2, "text": "b", "context": [{"author": "other", "text": "x"}], "moves": ["fix"]},
        ),
        "gold.jsonl",
    )
    assert [e.gold for e in read] == [
        {"disclosure": "fact", "moves": [], "question": None},
        {"moves": ["fix"]},
    ]
    assert read[1].context == [("other", "x")]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"id": 1, "text": "a"}, "line 2: no gold labels."),
        ({"id": 1, "text": "a", "gold": {"disclosure": "sad"}}, "line 2: a gold label is not"),
        ({"id": 1, "text": "a", "moves": ["hug"]}, "line 2: a gold label is not"),
        ({"id": 1, "text": "a", "gold": ["fix"]}, 'line 2: "gold" must be an object.'),
        ({"text": "a", "moves": []}, 'line 2: missing "id".'),
    ],
)
def test_a_bad_line_is_named(row: dict[str, object], message: str) -> None:
    good = {"id": 0, "text": "ok", "moves": []}
    with pytest.raises(FormatError, match=f"^gold.jsonl, {message}"):
        evaluation.read_gold(lines(good, row), "gold.jsonl")


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(FormatError, match="no labelled lines"):
        evaluation.read_gold([b"", b"  "], "empty.jsonl")


def test_scores_and_baselines_by_hand() -> None:
    gold = ["feeling", "feeling", "none", "none", "fact"]
    said = ["feeling", "none", "none", "feeling", "fact"]
    family = evaluation._single("disclosure", ("none", "fact", "thought", "feeling"), gold, said)
    feeling = next(s for s in family.scores if s.label == "feeling")
    assert (feeling.precision, feeling.recall, feeling.f1, feeling.support) == (0.5, 0.5, 0.5, 2)
    none = next(s for s in family.scores if s.label == "none")
    assert (feeling.labelled, none.labelled, none.support) == (2, 2, 2)
    assert feeling.all_positive_f1 == round(2 * 0.4 / 1.4, 3)  # precision 2/5, recall 1
    assert feeling.majority_f1 == round(2 * 0.4 / 1.4, 3)  # feeling and none tie; first wins
    assert family.confusion["feeling"] == {"none": 1, "fact": 0, "thought": 0, "feeling": 1}
    assert family.accuracy == 0.6
    # "thought" has no support: it counts in no macro average and no baseline check.
    assert family.macro_f1 == round((0.5 + 1.0 + 0.5) / 3, 3)


def test_moves_scores_confusion_and_exact_sets() -> None:
    family = evaluation._moves_family(
        [{"fix"}, {"fix", "validate"}, set(), set()], [{"fix"}, {"validate"}, {"fix"}, set()]
    )
    fix = next(s for s in family.scores if s.label == "fix")
    assert (fix.precision, fix.recall, fix.support, fix.labelled) == (0.5, 0.5, 2, 2)
    validate = next(s for s in family.scores if s.label == "validate")
    assert (validate.support, validate.labelled) == (1, 1)
    assert (fix.all_positive_f1, fix.majority_f1) == (0.667, 0.0)  # absent is the majority
    assert family.confusion["fix"] == {"tp": 1, "fp": 1, "fn": 1, "tn": 1}
    assert (family.accuracy, family.majority_accuracy) == (0.5, 0.5)
    assert not family.beats(0.0)  # fix 0.5 < 0.667


def test_unknown_shipped_set() -> None:
    with pytest.raises(InvalidInput, match="Choose chats-test"):
        evaluation.shipped("chats-train")


def test_the_shipped_held_out_set_is_the_test_split_of_the_chats(tmp_path: Path) -> None:
    """Regenerated from data/chats it is the same file, and every line's conversation is in
    the test split: nothing in it was trained or tuned on."""
    fresh = tmp_path / "chats-test.jsonl"
    train.export_held_out(REPO, fresh)
    assert fresh.read_bytes() == train.HELD_OUT.read_bytes()
    examples = evaluation.shipped("chats-test")
    assert len(examples) > 1000
    groups = {str(e.id).rsplit(".", 1)[0] for e in examples}
    assert {corpus.split_of("chats", g) for g in groups} == {"test"}


def test_the_labeller_takes_plain_pairs_as_well_as_turns() -> None:
    """Earlier messages may come as Turn(author, text) or as plain (author, text) pairs (rows
    read from the database): the labels are the same, and the context is really read."""
    with_context = [e for e in evaluation.shipped("chats-test") if e.context][:400]
    assert len(with_context) == 400
    read_context = 0
    for example in with_context:
        turns = [Turn(author, text) for author, text in example.context]
        pairs = [(str(author), str(text)) for author, text in example.context]
        assert all(type(p) is tuple for p in pairs)
        from_turns = labeller.label(example.text, turns)
        assert labeller.label(example.text, pairs) == from_turns, example.id
        read_context += labeller.label(example.text, ()) != from_turns
    assert read_context >= len(with_context) // 10, "the context changed no label"
