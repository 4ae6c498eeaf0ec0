"""`tarry mirror label | evaluate | report` through the real CLI on a real store."""

from __future__ import annotations

import json
import select
import subprocess
import sys
from pathlib import Path
from typing import Any

from tarry.mirror.moves import MOVES
from tarry.store import Store
from tests.mirror.chatdata import insert_chat, label_by_hand, rows

DATA = Path(__file__).parents[1] / "data" / "mirror"


def test_label_follows_the_contract(cli: Any) -> None:
    result = cli("mirror", "label", input=(DATA / "label_requests.jsonl").read_text())
    assert result.code == 0
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["id"] for a in answers] == ["a1", "a2", 3, None]
    assert all(list(a) == ["id", "disclosure", "moves", "question"] for a in answers)
    # Clear cases any sane labeller gets right (the model's quality is measured in eval).
    assert answers[0]["moves"] == [] and answers[0]["question"] == "intro"  # nothing to answer
    assert answers[1]["disclosure"] == "feeling"
    assert {"explore", "validate"} <= set(answers[2]["moves"])
    assert answers[2]["question"] == "follow_up"
    assert "minimise" in answers[3]["moves"]


def test_label_with_evidence_and_scores(cli: Any) -> None:
    context = [{"author": "other", "text": "i feel so alone since the move"}]
    line = json.dumps({"id": 1, "text": "that sounds so lonely", "context": context}) + "\n"
    result = cli("mirror", "label", "--evidence", "--scores", input=line)
    got = json.loads(result.stdout)
    assert got["moves"] == ["validate"]
    assert list(got) == ["id", "disclosure", "moves", "question", "scores", "evidence"]
    assert set(got["scores"]) == {"at_least_fact", "at_least_thought", "feeling", *MOVES}
    assert got["scores"]["validate"] > got["scores"]["fix"]
    why = got["evidence"]["validate"]
    assert why[0] == "that sounds so lonely"  # the phrase once, not again word by word
    mine = [w for w in why if not w.startswith(("they ", "their "))]
    assert all(w in "that sounds so lonely" for w in mine)  # words of the message, or theirs
    assert got["evidence"]["answers"] == ["i feel so alone since the move"]  # what it answers


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


def test_eval_scores_a_file_against_both_baselines(cli: Any, tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps({"id": 1, "text": "you should see a doctor",
                    "context": [{"author": "other", "text": "my back hurts so much"}],
                    "gold": {"moves": ["fix"]}}) + "\n"
        + json.dumps({"id": 2, "text": "haha ok", "context": [], "moves": []}) + "\n"
    )  # fmt: skip
    result = cli("mirror", "eval", str(gold), "--json")
    assert result.code == 0
    data = json.loads(result.stdout)
    assert list(data) == ["set", "moves"]  # only what the file labels is scored
    fix = next(s for s in data["moves"]["scores"] if s["label"] == "fix")
    assert (fix["support"], fix["all_positive_f1"], fix["majority_f1"]) == (1, 0.667, 0.0)
    assert data["moves"]["confusion"]["fix"]["tp"] + data["moves"]["confusion"]["fix"]["fn"] == 1
    assert (
        fix["labelled"]
        == data["moves"]["confusion"]["fix"]["tp"] + data["moves"]["confusion"]["fix"]["fp"]
    )
    table = cli("mirror", "eval", str(gold)).stdout
    row = next(line for line in table.splitlines() if line.strip("│ ").startswith("fix "))
    ratio = f"{fix['labelled']:.2f}"  # labelled for each gold "fix": one gold, so the count
    assert ratio in row


def test_eval_of_the_held_out_chats_beats_all_positive(cli: Any) -> None:
    result = cli("mirror", "eval")
    assert result.code == 0
    assert "disclosure (chats-test (held out)" in result.stdout
    assert "all-positive" in result.stdout and "confusion" in result.stdout
    assert "Every label above its all-positive baseline: yes" in result.stdout
    # read whole in an 80-column terminal: no header or figure cut short
    assert "…" not in result.stdout
    assert max(map(len, result.stdout.splitlines())) <= 80


def test_eval_of_a_bad_file_names_the_line(cli: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "text": "hi", "gold": {"disclosure": "sad"}}\n')
    result = cli("mirror", "eval", str(bad))
    assert result.code == 2
    assert f"{bad}, line 1: a gold label is not in the contract." in result.stderr


def test_report_json_and_table(cli: Any, home: Path) -> None:
    with Store.open(home) as store:
        label_by_hand(store, insert_chat(store, "Sam", rows("sam.tsv")), "sam.tsv")
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
    flat = " ".join(table.replace("│", " ").split())  # as read, whatever the wrapping
    assert "i feel like such a failure, i failed my exam" in flat
    assert "why: after they said something hard (a failure, failed), your reply turned" in flat
    assert "the shares add up to 100%" in flat
    # a moment's lines wrap under its words, beside its time, never back to the margin
    moments = table[table.index("Their hardest disclosures") :].splitlines()
    assert any(line.startswith("  2026-11-") for line in moments)
    wrapped = [line for line in moments if line.startswith(" " * 20) and line.strip()]
    assert any(not line.strip().startswith(("reply:", "why:")) for line in wrapped)
    titles = (line for line in moments if line and not line.startswith(" "))
    assert all(title.endswith(("disclosures", "playing it down", "hard disclosure"))
               for title in titles)  # fmt: skip


def test_report_without_messages_says_what_to_do(cli: Any) -> None:
    cli("people", "add", "Alex")
    result = cli("mirror", "report", "--person", "Alex")
    assert result.code == 0
    assert "No imported messages. Import a chat" in result.stdout


def test_report_unknown_person(cli: Any) -> None:
    result = cli("mirror", "report", "--person", "Nobody")
    assert result.code == 2
    assert "No person called 'Nobody'" in result.stderr


def test_a_pipe_and_a_file_give_the_same_answers(tmp_path: Path) -> None:
    """A big input through a pipe is read as it comes, in batches and worker processes; the
    answers are those of the same input read from a file, in order."""
    lines = [
        json.dumps({"id": n, "text": f"i miss you {n}", "context": [
            {"author": "other", "text": f"how are you {n}?"}]})
        for n in range(5000)
    ]  # fmt: skip
    requests = tmp_path / "requests.jsonl"
    requests.write_text("\n".join(lines) + "\n")
    tarry = str(Path(sys.executable).with_name("tarry"))
    with requests.open("rb") as source:
        from_file = subprocess.run([tarry, "mirror", "label"], stdin=source,
                                   capture_output=True, check=True, timeout=120).stdout  # fmt: skip
    piped = subprocess.run(
        f"cat {requests} | {tarry} mirror label --jobs 2", shell=True,
        capture_output=True, check=True, timeout=120,
    ).stdout  # fmt: skip
    assert piped == from_file
    assert [json.loads(x)["id"] for x in piped.splitlines()] == list(range(5000))


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
