"""`tarry mirror label | evaluate | report` through the real CLI on a real store."""

from __future__ import annotations

import json
import select
import subprocess
import sys
from pathlib import Path
from typing import Any

from tarry.store import Store
from tests.mirror.chatdata import insert_chat, rows

DATA = Path(__file__).parents[1] / "data" / "mirror"


def test_label_follows_the_contract(cli: Any) -> None:
    result = cli("mirror", "label", input=(DATA / "label_requests.jsonl").read_text())
    assert result.code == 0
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        {"id": "a1", "disclosure": "none", "moves": [], "question": "intro"},
        {"id": "a2", "disclosure": "feeling", "moves": [], "question": None},
        {"id": 3, "disclosure": "none", "moves": ["explore", "validate"], "question": "follow_up"},
        {"id": None, "disclosure": "none", "moves": ["minimise"], "question": None},
    ]


def test_label_with_evidence(cli: Any) -> None:
    context = [{"author": "other", "text": "i feel so alone"}]
    line = json.dumps({"id": 1, "text": "that sounds so lonely", "context": context}) + "\n"
    result = cli("mirror", "label", "--evidence", input=line)
    assert json.loads(result.stdout) == {
        "id": 1,
        "disclosure": "none",
        "moves": ["validate"],
        "question": None,
        "evidence": {"disclosure": [], "validate": ["that sounds so lonely"]},
    }


def test_a_bad_line_stops_with_its_number_after_the_good_ones(cli: Any) -> None:
    good = '{"id": 1, "text": "hi", "context": []}\n'
    result = cli("mirror", "label", input=good + '{"id": 2, "context": []}\n' + good)
    assert result.code == 2
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [1]
    assert 'stdin, line 2: missing "text" (a string).' in result.stderr


def test_label_rejects_unknown_authors_and_bad_json(cli: Any) -> None:
    bad_author = '{"id": 1, "text": "hi", "context": [{"author": "sam", "text": "yo"}]}\n'
    assert "line 1: each context item needs" in cli("mirror", "label", input=bad_author).stderr
    assert "line 1: not valid JSON (" in cli("mirror", "label", input="[1,\n").stderr
    assert "at column 2)" in cli("mirror", "label", input="{nope\n").stderr


def test_evaluate_reports_every_label_against_its_baseline(cli: Any) -> None:
    result = cli("mirror", "evaluate", "--split", "test", "--json")
    assert result.code == 0
    data = json.loads(result.stdout)
    assert data["split"] == "test"
    assert [s["label"] for s in data["moves"]["scores"]] == [
        "explore", "validate", "fix", "minimise", "redirect", "share",
    ]  # fmt: skip
    assert all(data[family]["beats_baseline"] for family in ("disclosure", "moves", "question"))


def test_evaluate_table(cli: Any) -> None:
    result = cli("mirror", "evaluate")
    assert "disclosure (dev)" in result.stdout
    assert "Every label above its majority baseline: yes" in result.stdout


def test_unknown_split_is_a_clear_error(cli: Any) -> None:
    result = cli("mirror", "evaluate", "--split", "train")
    assert result.code == 2
    assert "Unknown split 'train'" in result.stderr


def test_report_json_and_table(cli: Any, home: Path) -> None:
    with Store.open(home) as store:
        insert_chat(store, "Sam", rows("sam.tsv"))
    result = cli("mirror", "report", "--person", "sam", "--by", "week", "--json")
    assert result.code == 0
    data = json.loads(result.stdout)
    assert (data["person"], data["by"], data["total"]["messages"]) == (
        "Sam", "week", {"me": 6, "them": 7},
    )  # fmt: skip
    table = cli("mirror", "report", "--person", "Sam", "--since", "2026-11-10").stdout
    assert "Mirror: Sam since 2026-11-10" in table
    assert "How their feelings were met (2)" in table
    assert "redirect" in table and "█" in table
    assert "i feel like such a failure, i failed my exam" in table
    assert "why: after they said something hard (a failure, failed)" in table


def test_report_without_messages_says_what_to_do(cli: Any) -> None:
    cli("people", "add", "Alex")
    result = cli("mirror", "report", "--person", "Alex")
    assert result.code == 0
    assert "No imported messages. Import a chat" in result.stdout


def test_report_unknown_person(cli: Any) -> None:
    result = cli("mirror", "report", "--person", "Nobody")
    assert result.code == 2
    assert "No person called 'Nobody'" in result.stderr


def test_label_answers_each_line_at_once_through_a_pipe() -> None:
    """A tool may send one request and wait for its answer before sending the next."""
    tarry = Path(sys.executable).with_name("tarry")
    proc = subprocess.Popen(
        [tarry, "mirror", "label"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        for n, text in enumerate(["hey how are you??", "i'm so scared"]):
            proc.stdin.write(json.dumps({"id": n, "text": text}).encode() + b"\n")
            proc.stdin.flush()
            ready, _, _ = select.select([proc.stdout], [], [], 30)
            assert ready, "no answer before the next request"
            assert json.loads(proc.stdout.readline())["id"] == n
        proc.stdin.close()
        assert proc.wait(timeout=30) == 0
    finally:
        proc.kill()
