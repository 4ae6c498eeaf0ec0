"""The JSON Lines label contract as a library: order, batches, worker processes, bad lines."""

from __future__ import annotations

import json

import pytest

from tarry.base.errors import FormatError
from tarry.mirror import contract
from tarry.mirror.evaluation import shipped


def requests() -> list[bytes]:
    return [
        json.dumps(
            {
                "id": e.id,
                "text": e.text,
                "context": [{"author": a, "text": t} for a, t in e.context],
            }
        ).encode()
        for e in shipped("chats-test")[:300]
    ]


def run(lines: list[bytes], **options: object) -> list[bytes]:
    out: list[bytes] = []
    count = contract.label_lines(lines, out.append, **options)  # type: ignore[arg-type]
    answers = b"".join(out).splitlines()
    assert count == len(answers)
    return answers


def test_worker_processes_give_the_same_answers_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = requests()
    alone = run(lines)
    monkeypatch.setattr(contract, "BATCH", 7)
    assert run(lines, jobs=2) == alone
    assert [json.loads(a)["id"] for a in alone] == [json.loads(x)["id"] for x in lines]


def test_a_bad_line_in_worker_mode_keeps_every_answer_before_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(contract, "BATCH", 5)
    lines = requests()[:40]
    lines[23] = b'{"id": 1, "text": 5}'
    out: list[bytes] = []
    with pytest.raises(FormatError, match=r"^stdin, line 24: missing \"text\""):
        contract.label_lines(lines, out.append, jobs=2)
    assert len(b"".join(out).splitlines()) == 23


def test_blank_lines_are_skipped_but_counted_in_line_numbers() -> None:
    with pytest.raises(FormatError) as caught:
        run([b'{"id": 1, "text": "hi"}', b"   ", b"[1, 2]"])
    assert (caught.value.line, caught.value.path) == (3, "stdin")
    assert "expected a JSON object" in caught.value.message


def test_context_may_be_left_out() -> None:
    assert json.loads(run([b'{"id": "x", "text": "i miss you"}'])[0]) == {
        "id": "x",
        "disclosure": "feeling",
        "moves": [],
        "question": None,
    }
