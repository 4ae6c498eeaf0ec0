"""The labels the shipped model gave the held-out chats before the batch labeller (golden).

    .venv/bin/python -m tests.mirror.labels_golden   # rewrites labels-golden.jsonl.gz

Run it only when the model, its features or the way evidence reads change on purpose: the file
pins the labels, scores and evidence of every path (`label_many` with and without evidence, the
other side of each conversation, a reply without context) so a faster implementation is checked
against them.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import orjson

from tarry.mirror import evaluation
from tarry.mirror.model import labeller

GOLDEN = Path(__file__).parents[1] / "data" / "mirror" / "labels-golden.jsonl.gz"
Item = tuple[str, list[tuple[str, str]]]


def _flipped(context: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("other" if a == "me" else "me", t) for a, t in context]


def cases() -> dict[str, tuple[list[Item], dict[str, Any]]]:
    """Each case: the items and the keyword arguments of `label_many`."""
    examples = evaluation.shipped("chats-test")
    items = [(e.text, list(e.context)) for e in examples]
    flipped = [(t, _flipped(c)) for t, c in items]
    bare = [(t, []) for t, _ in items]
    return {
        "plain": (items, {}),
        "evidence": (items, {"evidence": True}),
        "sure": (items, {"evidence": "sure"}),
        "flipped": (flipped, {"evidence": True}),
        "replying": (bare, {"evidence": True, "replying": True}),
    }


def as_dict(labels: Any) -> dict[str, Any]:
    return {**labels.to_dict(evidence=True, scores=True), "sure": list(labels.sure)}


def labelled() -> list[dict[str, Any]]:
    rows = []
    for name, (items, kwargs) in cases().items():
        for n, got in enumerate(labeller.label_many(items, **kwargs)):
            rows.append({"case": name, "n": n, **as_dict(got)})
    return rows


def main() -> None:
    data = b"".join(orjson.dumps(row) + b"\n" for row in labelled())
    GOLDEN.write_bytes(gzip.compress(data, mtime=0))


if __name__ == "__main__":
    main()
