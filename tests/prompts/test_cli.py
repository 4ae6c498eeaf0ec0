"""The commands: `tarry prompt`, `prompt evening`, `ritual`, `stay` and `deck`."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

from tarry.cli import prompts as prompts_cli
from tarry.declare import people
from tarry.declare.people import Person
from tarry.prompts import choose, deck, staying
from tarry.store import Store

RATE = "y\n6\n5\n6\n5\n6\nfeeling\n"  # log it, five ratings, the deepest disclosure


def test_prompt_json_is_the_library_choice_and_records_the_use(
    cli, store: Store, sam: Person
) -> None:
    expected = choose.choose(store, person=sam, seed=3).to_dict()
    result = cli("prompt", "--with", "Sam", "--seed", "3", "--json")
    assert result.code == 0
    shown = json.loads(result.stdout)
    assert shown == expected
    assert {"text", "depth", "practices", "contexts", "reason"} <= set(shown)
    use = store.one("SELECT kind, prompt_id, person_id, depth FROM prompt_uses")
    assert tuple(use) == ("prompt", shown["id"], sam.id, shown["depth"])


def test_prompt_in_the_terminal_explains_itself(cli, store: Store, sam: Person) -> None:
    result = cli("prompt", "-w", "Sam", "--depth", "3", "--no-record", "--seed", "1")
    chosen = choose.choose(store, person=sam, depth=3, seed=1)
    assert chosen.prompt.text in result.stdout
    assert "depth 3 (vulnerable) · partner" in result.stdout
    assert "Why this one: Depth 3 (vulnerable), as asked." in result.stdout
    assert store.scalar("SELECT count(*) FROM prompt_uses") == 0


def test_prompt_errors_are_clear(cli, sam: Person) -> None:
    unknown = cli("prompt", "--with", "Zed")
    assert unknown.code == 2 and "No person called 'Zed'" in unknown.stderr
    context = cli("prompt", "--context", "boss")
    assert context.code == 2 and "Choose from: partner, date, friend, family, any" in context.stderr
    assert cli("prompt", "--depth", "9").code == 2


def test_evening_print_and_json(cli) -> None:
    printed = cli("prompt", "evening", "--print")
    assert printed.code == 0
    assert printed.stdout.count("\nSet ") == 3 and "36. " in printed.stdout
    steps = json.loads(cli("prompt", "evening", "-w", "Sam", "--json").stdout)
    assert [s["set"] for s in steps] == [1] * 12 + [2] * 12 + [3] * 12
    assert steps[0] == deck.evening()[0].to_dict()


def test_evening_takes_turns_and_stops_on_q(cli, store: Store, sam: Person) -> None:
    result = cli("prompt", "evening", "--with", "Sam", input="\n\nq\nn\n")
    assert "1/36 · You first" in result.stdout and "2/36 · Sam first" in result.stdout
    assert "4/36" not in result.stdout
    assert "You reached step 3 of 36." in result.stdout and "Not logged." in result.stdout
    assert store.scalar("SELECT count(*) FROM moments") == 0


def test_evening_can_be_logged_as_a_moment(cli, store: Store, sam: Person) -> None:
    result = cli("prompt", "evening", "--with", "Sam", "--from", "13", input="\nq\n" + RATE)
    assert result.code == 0, result.stderr
    assert "Logged moment 1 (6 min; depth, seen, priority)." in result.stdout
    row = store.one("SELECT duration_min, intimacy, disclosure, note FROM moments")
    assert tuple(row) == (6, 6, "feeling", "36-step evening, to step 14")
    use = store.one("SELECT kind, prompt_id FROM prompt_uses")
    assert tuple(use) == ("evening", "evening-2-02")


def test_ritual_json_plan(cli) -> None:
    plan = json.loads(cli("ritual", "checkin", "--minutes", "12.5", "--json").stdout)
    assert plan["id"] == "checkin" and plan["minutes"] == 12.5
    assert [s["seconds"] for s in plan["steps"]] == [60, 180, 60, 180, 60, 120, 90]
    assert plan["steps"][1]["listener"] == "the other person"  # not "them listens"
    assert len(plan["steps"][1]["cues"]) == 5


def test_ritual_run_shows_turns_and_cues_then_logs(cli, store: Store, sam: Person) -> None:
    result = cli("ritual", "checkin", "--with", "Sam", input="\n" * 7 + RATE)
    assert result.code == 0, result.stderr
    out = result.stdout
    assert "2/7 · Your turn · you speak, Sam listens · 6:00" in out
    assert "4/7 · Their turn · Sam speaks, you listen · 6:00" in out
    assert out.count("listener: Don't fix:") == 2
    assert "Put next week's check-in in the calendar" in out.replace("put", "Put")
    assert "Logged moment 1 (25 min; space, stay, depth, priority)." in out
    assert store.scalar("SELECT person_id FROM moment_people") == sam.id


def test_ritual_no_log_and_list(cli, store: Store) -> None:
    result = cli("ritual", "rough-day", "--no-log", input="")
    assert result.code == 0 and result.stdout.rstrip().endswith("Not logged.")
    assert store.scalar("SELECT count(*) FROM moments") == 0
    listed = json.loads(cli("ritual", "list", "--json").stdout)
    assert [r["id"] for r in listed] == ["checkin", "repair", "rough-day", "friend"]


def test_stay_is_one_step(cli) -> None:
    shown = cli("stay", "--seed", "2")
    card = staying.card(seed=2)
    assert shown.code == 0 and card.title in shown.stdout and f"Try: {card.say}" in shown.stdout
    assert json.loads(cli("stay", "fix", "--json").stdout) == staying.card("fix").to_dict()
    assert len(json.loads(cli("stay", "--all", "--json").stdout)) == len(staying.cards())
    assert cli("stay", "sulk").code == 2


def test_deck_review_filters_for_reading(cli) -> None:
    shown = json.loads(
        cli("deck", "review", "--context", "family", "--depth", "4", "--json").stdout
    )
    expected = deck.select(deck.prompts(), context="family", level=4)
    assert [p["id"] for p in shown] == [p.id for p in expected]
    text = cli("deck", "review", "-c", "date", "-d", "1").stdout
    assert "Depth 1: light" in text and "date-01 · date · depth" in text
    assert text.rstrip().endswith(
        f"{len(deck.select(deck.prompts(), context='date', level=1))} prompts."
    )


def test_deck_check(cli, tmp_path: Path) -> None:
    ok = cli("deck", "check")
    assert ok.code == 0 and "Valid: 304 prompts, 36 evening steps, 4 rituals" in ok.stdout
    assert "No near-duplicates." in ok.stdout
    content = Path(shutil.copytree(deck.CONTENT, tmp_path / "content"))
    (content / "decks" / "extra.toml").write_text(
        '[[prompt]]\nid = "extra-01"\nlevel = 1\ncontexts = ["any"]\npractices = ["depth"]\n'
        'text = "Which goodbye in your life still hurts you?"\n'
    )
    dup = cli("deck", "check", "--content", str(content))
    assert dup.code == 1 and "Near-duplicate: date-52 and extra-01" in dup.stdout
    (content / "decks" / "extra.toml").write_text('[[prompt]]\nid = "extra-01"\n')
    bad = cli("deck", "check", "--content", str(content))
    assert bad.code == 2 and "extra.toml" in bad.stderr and "missing 'level'" in bad.stderr


def test_a_ritual_run_alone_asks_with_whom_before_logging(cli, store: Store, sam: Person) -> None:
    result = cli("ritual", "friend", "--log", input="\n" * 6 + "Sam\n" + RATE[2:])
    assert result.code == 0, result.stderr
    assert "Logged moment 1 (15 min; depth, space, priority)." in result.stdout
    use = store.one("SELECT kind, prompt_id, person_id, context FROM prompt_uses")
    assert tuple(use) == ("ritual", "friend", sam.id, "partner")


def test_the_countdown_moves_on_with_enter_or_waits_when_time_is_up(monkeypatch, capsys) -> None:
    read, write = os.pipe()
    os.write(write, b"\n\n")
    os.close(write)
    with os.fdopen(read) as stdin:
        monkeypatch.setattr(sys, "stdin", stdin)
        began = time.monotonic()
        prompts_cli._countdown(30)  # Enter is already waiting: moves on at once
        assert time.monotonic() - began < 5
        prompts_cli._countdown(0)  # time is up: says so, then waits for Enter
        assert stdin.read() == ""
    assert "Time. Finish the sentence, then press Enter." in capsys.readouterr().out


def test_names_with_brackets_print_as_written(cli, store: Store) -> None:
    people.add(store, "Jo [b]", relation="friend")
    result = cli("prompt", "evening", "--with", "Jo [b]", input="\nq\nn\n")
    assert "2/36 · Jo [b] first" in result.stdout
    ritual = cli("ritual", "friend", "--with", "Jo [b]", "--print")
    assert "2/6 · Your turn · you speak, Jo [b] listens · 5:00" in ritual.stdout


def test_prompt_history_lists_uses_with_their_words(cli, store: Store, sam: Person) -> None:
    first = json.loads(cli("prompt", "--with", "Sam", "--seed", "1", "--json").stdout)
    cli("prompt", "--seed", "2", "--json")
    cli("ritual", "rough-day", "--with", "Sam", "--log", input="\n" * 4 + RATE[2:])
    listed = json.loads(cli("prompt", "history", "--with", "Sam", "--json").stdout)
    assert [(u["kind"], u["text"]) for u in listed] == [
        ("ritual", "After a rough day"),
        ("prompt", first["text"]),
    ]
    assert listed[1]["depth"] == first["depth"] and listed[1]["person"] == "Sam"
    assert len(json.loads(cli("prompt", "history", "--json").stdout)) == 3
    table = cli("prompt", "history", "-n", "1").stdout
    assert "After a rough day" in table and first["text"][:20] not in table


def test_evening_needs_someone_to_run(cli) -> None:
    result = cli("prompt", "evening")
    assert result.code == 2 and "Who is the evening with?" in result.stderr
