"""The JSON Lines label contract as a library: order, batches, worker processes, bad lines."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

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


AUTHOR = r'each context item needs "author": "me" or "other"\.'
TEXT = r'each context item needs a "text" string\.'


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b"{oops", r"not valid JSON \(.+ at column 2\)\."),
        (b"[1, 2]", r"expected a JSON object\."),
        (b'{"text": "hi"}', r'missing "id"\.'),
        (b'{"id": 1}', r'missing "text" \(a string\)\.'),
        (b'{"id": 1, "text": ["hi"]}', r'missing "text" \(a string\)\.'),
        (b'{"id": 1, "text": "hi", "context": {"author": "me"}}', r'"context" must be a list'),
        (b'{"id": 1, "text": "hi", "context": "me: hi"}', r'"context" must be a list'),
        (b'{"id": 1, "text": "hi", "context": [1]}', AUTHOR),
        (b'{"id": 1, "text": "hi", "context": [{"author": "you", "text": "a"}]}', AUTHOR),
        (b'{"id": 1, "text": "hi", "context": [{"text": "a"}]}', AUTHOR),
        (b'{"id": 1, "text": "hi", "context": [{"author": "me", "text": 5}]}', TEXT),
        (b'{"id": 1, "text": "hi", "context": [{"author": "me"}]}', TEXT),
    ],
)
def test_each_bad_request_says_what_is_wrong_and_where(line: bytes, message: str) -> None:
    good = b'{"id": 0, "text": "hello"}'
    out: list[bytes] = []
    with pytest.raises(FormatError, match=f"^x.jsonl, line 3: {message}") as caught:
        contract.label_lines([good, b"", line, good], out.append, name="x.jsonl")
    assert (caught.value.path, caught.value.line, caught.value.hint) == (
        "x.jsonl",
        3,
        contract.EXPECTED,
    )
    assert [json.loads(a)["id"] for a in b"".join(out).splitlines()] == [0]


def test_a_request_reads_id_text_and_context_as_pairs() -> None:
    turns = [{"author": "other", "text": "hi"}, {"author": "me", "text": "yo"}]
    raw = json.dumps({"id": [7], "text": "ok", "context": turns}).encode()
    assert contract.request(raw, "x", 1) == ([7], "ok", [("other", "hi"), ("me", "yo")])
    assert contract.request('{"id": null, "text": "", "context": []}', "x", 1) == (None, "", [])
    assert contract.request(b'{"id": 1, "text": "a", "context": null}', "x", 1) == (1, "a", [])


def test_answers_use_the_context_and_show_evidence_only_when_asked() -> None:
    lines = requests()
    bare = [json.dumps({**json.loads(x), "context": []}).encode() for x in lines]
    with_context, without = run(lines), run(bare)
    assert sum(a != b for a, b in zip(with_context, without, strict=True)) > len(lines) // 10
    assert all("evidence" not in json.loads(a) for a in with_context)
    explained = [json.loads(a) for a in run(lines[:20], evidence=True)]
    assert all(e["evidence"] for e in explained)
    assert [{k: e[k] for k in e if k != "evidence"} for e in explained] == [
        json.loads(a) for a in with_context[:20]
    ]


def one_by_one(lines: Iterable[bytes]) -> Iterator[tuple[list[bytes], bool]]:
    """Lines as a tool sends them and waits: each alone, no more input waiting behind it."""
    return (([line], False) for line in lines)


def test_batches_and_one_by_one_give_the_same_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = requests()[:11]
    whole = run(lines)
    assert len(whole) == 11
    monkeypatch.setattr(contract, "BATCH", 3)
    assert run(lines) == whole and run(lines, jobs=2) == whole  # 3-request batches, in order
    monkeypatch.setattr(contract, "in_chunks", one_by_one)
    flushed: list[int] = []
    out: list[bytes] = []
    count = contract.label_lines(
        lines, out.append, flush=lambda: flushed.append(len(b"".join(out).splitlines()))
    )
    assert count == 11 and b"".join(out).splitlines() == whole
    assert flushed == [*range(1, 12), 11]  # each answer flushed as soon as it is written


def test_a_bad_line_keeps_the_earlier_batches_and_flushes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(contract, "BATCH", 3)
    lines = requests()[:10]
    lines[7] = b"[]"
    out: list[bytes] = []
    flushes: list[int] = []
    with pytest.raises(FormatError, match="line 8"):
        contract.label_lines(
            lines, out.append, flush=lambda: flushes.append(len(b"".join(out).splitlines()))
        )
    assert len(b"".join(out).splitlines()) == 7 and flushes[-1] == 7
    assert contract.label_lines([], out.append) == 0


@pytest.mark.parametrize("chunks", [contract.in_chunks, one_by_one])
def test_evidence_and_the_file_name_reach_every_path(
    monkeypatch: pytest.MonkeyPatch, chunks: Callable[..., Any]
) -> None:
    monkeypatch.setattr(contract, "BATCH", 3)
    monkeypatch.setattr(contract, "in_chunks", chunks)
    lines = requests()[:8]
    out: list[bytes] = []
    contract.label_lines(lines, out.append, evidence=True)
    answers = [json.loads(a) for a in b"".join(out).splitlines()]
    assert len(answers) == 8 and all("evidence" in a for a in answers)
    with pytest.raises(FormatError) as caught:
        contract.label_lines([*lines, b"[]"], [].append, name="in.jsonl")
    assert (caught.value.path, caught.value.line) == ("in.jsonl", 9)


def test_a_file_descriptor_is_read_in_full_batches_and_what_is_left_waits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(contract, "BATCH", 4)
    read_end, write_end = os.pipe()
    os.write(write_end, b"1\n2\n3\n4\n5\n6\n7\n8\n9\n10")  # a read ends mid-line
    chunks = contract.as_available(read_end, size=5)
    # 5 bytes a read: whatever a read leaves over a full batch waits for the next read.
    assert next(chunks) == ([b"1", b"2", b"3", b"4"], True)
    assert next(chunks) == ([b"5", b"6", b"7", b"8"], True)
    assert next(chunks) == ([b"9"], False)  # nothing more waiting: answered now
    os.close(write_end)
    assert list(chunks) == [([b"10"], False)]
    os.close(read_end)
