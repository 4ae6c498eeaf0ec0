"""The public sets' test sentences labelled as replies, the way tarry labels a conversation.

    python -m tarry.mirror.model.turns [--shared ../shared/data] [--split dev]

The sets' sentences answer posts the sets do not include. This check labels each test sentence
with the shipped model in several ways: alone (no earlier message, so no moves), as a
reply to an unknown text (`replying`, how the sets were read before they were given turns),
as a reply to a turn written for this check (`data/eval-turns.toml`, never used in
training; one per thread, by a hash of its id), and as a reply to a long post, as a Reddit
thread opens (`data/eval-posts.toml`: 90 to 250 words; its `dev` posts for the dev split, its
`test` posts, written separately and never chosen on, for the test split); and the sentences of
each reply joined into the **whole reply** (a label given to the reply if the set gives it to
one of its sentences), answering the long post: a paragraph, as people write in a chat too.
Last, `confident`: of the labels given with a turn, only those given with confidence (what a
report shows as findings; held-out chats put their precision at 80% or more).
It prints precision, recall and F1 of each label the set has, next to the all-positive
predictor. The turns were written here, so these figures say how the model meets a turn it has
not seen, not how a real thread reads. `--split dev`: the same on the dev splits, to choose
between models (the test split only reports). Unlike training's own figures, these do not move
with the turns training drew from tarry's chats for each thread, which change whenever the
chats do.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

import numpy as np

from tarry.mirror.model import corpus, labeller
from tarry.mirror.model.train import REPO, f1, without_public_sets
from tarry.mirror.moves import Labels

TURNS = REPO / "data" / "eval-turns.toml"
POSTS = REPO / "data" / "eval-posts.toml"
HEADS = {"advice": ("fix",), "claff": ("feeling", "validate", "fix")}


def _turn(turns: list[str], group: str) -> list[tuple[str, str]]:
    return [("other", turns[corpus.pick(group, len(turns))])]


def _gives(labels: Labels, head: str) -> bool:
    return labels.disclosure == head if head == "feeling" else head in labels.moves


def _sure(labels: Labels, head: str) -> bool:
    """Given with confidence: what a report shows as a finding."""
    return _gives(labels, head) and head in labels.sure


CONFIDENT = "confident"  # the way of the labels given with a turn that a report shows


def rows(
    examples: list[corpus.Example],
    turns: dict[str, list[str]],
    split: str = "test",
    posts: dict[str, list[str]] | None = None,
) -> list[dict[str, object]]:
    """Per set, label and way of reading the sentences: the figures (`posts`: long posts to
    answer, by set; without them, no "a long post" rows)."""
    out: list[dict[str, object]] = []
    for source, heads in HEADS.items():
        test = [e for e in examples if e.source == source and corpus.split_part(e) == split]
        if not test:
            continue  # nothing of this set in the split: no figures
        answering = [(e.text, _turn(turns[source], e.group)) for e in test]
        read = {
            "alone": (test, labeller.label_many([(e.text, []) for e in test])),
            "replying": (test, labeller.label_many([(e.text, []) for e in test], replying=True)),
            "with a turn": (test, labeller.label_many(answering)),
        }
        if posts:
            read["a long post"] = (test, labeller.label_many(
                [(e.text, _turn(posts[source], e.group)) for e in test]
            ))  # fmt: skip
            replies = whole_replies(test)
            read["whole replies"] = (replies, labeller.label_many(
                [(e.text, _turn(posts[source], e.group)) for e in replies]
            ))  # fmt: skip
        read[CONFIDENT] = read["with a turn"]
        for head in heads:
            for way, (scored, labels) in read.items():
                y = np.array([e.targets[head] for e in scored])
                gives = _sure if way == CONFIDENT else _gives
                given = np.array([gives(g, head) for g in labels])
                precision, recall, score = f1(y, given)
                out.append({
                    "source": source, "head": head, "way": way, "n": len(scored),
                    "precision": round(precision, 3), "recall": round(recall, 3),
                    "f1": round(score, 3),
                    "all_positive_f1": round(f1(y, np.ones(len(y), bool))[2], 3),
                })  # fmt: skip
    return out


def whole_replies(examples: list[corpus.Example]) -> list[corpus.Example]:
    """The sentences of each reply joined in order, each label given if one sentence has it."""
    replies: dict[tuple[str, str], list[corpus.Example]] = {}
    for e in examples:
        replies.setdefault((e.group, e.reply[0]), []).append(e)
    out = []
    for (group, _), parts in sorted(replies.items()):
        parts.sort(key=lambda e: e.reply[1])
        targets = {h: max(e.targets[h] for e in parts) for h in parts[0].targets}
        text = " ".join(e.text for e in parts)
        out.append(corpus.Example(parts[0].source, group, text, [], True, targets))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--split", choices=("test", "dev"), default="test")
    args = parser.parse_args(argv)
    if problem := without_public_sets(args.shared):
        print(problem, file=sys.stderr)
        return 2
    turns = tomllib.loads(TURNS.read_text("utf-8"))
    posts = tomllib.loads(POSTS.read_text("utf-8"))[args.split]
    examples = corpus.load(REPO, args.shared, draws=1).examples  # one turn each: joined below
    for r in rows(examples, turns, args.split, posts):
        print(
            f"{r['head']:9s} {r['source']:7s} {r['way']:12s} n={r['n']} P={r['precision']:.3f} "
            f"R={r['recall']:.3f} F1={r['f1']:.3f} all-positive={r['all_positive_f1']:.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
