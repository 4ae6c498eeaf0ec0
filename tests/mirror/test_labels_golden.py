"""Every labelling path gives the labels, scores and evidence pinned in the golden file."""

from __future__ import annotations

import gzip

import orjson

from tarry.mirror.contract import label_lines
from tests.mirror import labels_golden


def _golden() -> list[dict[str, object]]:
    return [
        orjson.loads(line)
        for line in gzip.decompress(labels_golden.GOLDEN.read_bytes()).splitlines()
    ]


def test_label_many_gives_the_golden_labels() -> None:
    got = labels_golden.labelled()
    want = _golden()
    assert len(got) == len(want) > 6000
    mismatched = [(g, w) for g, w in zip(got, want, strict=True) if g != w]
    assert not mismatched[:3]


def test_the_contract_gives_the_golden_answers() -> None:
    items, _ = labels_golden.cases()["evidence"]
    lines = [
        orjson.dumps({"id": n, "text": t, "context": [{"author": a, "text": x} for a, x in c]})
        for n, (t, c) in enumerate(items)
    ]
    out: list[bytes] = []
    label_lines(lines, out.append, evidence=True, scores=True)
    answers = [orjson.loads(line) for line in b"".join(out).splitlines()]
    want = [w for w in _golden() if w["case"] == "evidence"]
    assert [a.pop("id") for a in answers] == list(range(len(items)))
    assert answers == [
        {k: w[k] for k in ("disclosure", "moves", "question", "scores", "evidence")} for w in want
    ]
