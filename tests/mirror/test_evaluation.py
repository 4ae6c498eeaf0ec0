"""The evaluation set and its scores: splits, coverage, and the arithmetic of the scores."""

from __future__ import annotations

from collections import Counter

import pytest

from tarry.base.errors import InvalidInput
from tarry.mirror import evaluation
from tarry.mirror.moves import MOVES, QUESTIONS, Labels, Turn, label


def test_the_set_has_600_messages_covering_every_label() -> None:
    every = evaluation.examples("all")
    assert len(every) >= 600
    moves = Counter(m for e in every for m in e.gold.moves)
    questions = Counter(e.gold.question for e in every)
    assert min(moves[m] for m in MOVES) >= 30
    assert min(questions[q] for q in QUESTIONS) >= 30
    assert {e.gold.disclosure for e in every} == {"none", "fact", "thought", "feeling"}


def test_dev_and_test_split_by_exchange() -> None:
    dev = {e.id.split(".")[0] for e in evaluation.examples("dev")}
    test = {e.id.split(".")[0] for e in evaluation.examples("test")}
    assert dev and test and not dev & test
    assert len(evaluation.examples("test")) * 2 < len(evaluation.examples("all"))


def test_context_is_the_exchange_so_far_from_the_writers_side() -> None:
    third = next(e for e in evaluation.examples("all") if e.id == "x001.3")
    assert [t.author for t in third.context] == ["me", "other"]


def always(labels: Labels) -> evaluation.Labeller:
    return lambda text, context: labels


def test_a_perfect_labeller_scores_one_and_the_baselines_are_kept() -> None:
    gold = {(e.text, e.context): e.gold for e in evaluation.examples("test")}
    families = evaluation.evaluate("test", lambda text, context: gold[(text, tuple(context))])
    for family in families:
        assert family.macro_f1 == 1.0 and family.accuracy == 1.0
        assert family.beats_baseline()


def test_the_majority_labeller_scores_the_baseline() -> None:
    majority = Labels("none", (), None)
    disclosure, moves, question = evaluation.evaluate("test", always(majority))
    assert disclosure.accuracy == pytest.approx(disclosure.baseline_accuracy)
    assert disclosure.macro_f1 == pytest.approx(disclosure.baseline_macro_f1)
    assert question.accuracy == pytest.approx(question.baseline_accuracy)
    assert moves.macro_f1 == 0.0
    assert not disclosure.beats_baseline()


def test_scores_by_hand() -> None:
    score = evaluation._score(
        "x", [True, True, False, False], [True, False, True, False], [True] * 4
    )
    assert (score.precision, score.recall, score.f1, score.support) == (0.5, 0.5, 0.5, 2)
    assert score.baseline_f1 == pytest.approx(2 * 0.5 * 1 / 1.5)


def test_the_default_labeller_beats_every_baseline_on_both_splits() -> None:
    for split in ("dev", "test"):
        assert all(f.beats_baseline() for f in evaluation.evaluate(split))


def test_unknown_split() -> None:
    with pytest.raises(InvalidInput, match="Choose dev, test or all"):
        evaluation.examples("train")


def test_the_labeller_takes_plain_pairs_as_well_as_turns() -> None:
    """Earlier messages may come as Turn(author, text) or as plain (author, text) pairs (rows
    read from the database): the labels are the same, and the context is really read."""
    with_context = [e for e in evaluation.examples("dev") if e.context]
    assert with_context and all(isinstance(t, Turn) for e in with_context for t in e.context)
    read_context = 0
    for example in with_context:
        pairs = [(str(author), str(text)) for author, text in example.context]
        assert all(type(p) is tuple for p in pairs)
        from_turns = label(example.text, example.context)
        assert label(example.text, pairs) == from_turns, example.id
        read_context += label(example.text, ()) != from_turns
    assert read_context >= len(with_context) // 10, "the context changed no label"
