"""Scenario 4: kill -9 at 50 random points during an import and during a passphrase change.

After every kill: integrity_check is ok, the import is all or nothing, and exactly one passphrase
opens the store. Then a re-run of the real command completes, and a second one adds nothing.
bench/bench_trust.py runs the same with 200 kills and a larger import. An export killed mid-way
leaves the whole file or nothing, never a plain-text fragment.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from pathlib import Path

from tarry.store import crypto, unlock
from tests.trust import crash
from tests.trust.conftest import NEW_PASS, PASS, Env, write_chat

KILLS = 50
MESSAGES = 6000


def test_kill_9_during_an_import_is_all_or_nothing(encrypted: Env, tmp_path: Path) -> None:
    chat = write_chat(tmp_path / "chat.csv", MESSAGES)
    key = unlock.data_key(crypto.header_path(encrypted.home / "tarry.db"), passphrase=PASS)
    outcome = crash.kill_imports(encrypted.home, chat, MESSAGES, KILLS, key)
    assert sum(outcome.states.values()) == KILLS
    assert outcome.mid_transaction >= KILLS // 10, outcome  # uncommitted pages were in the WAL

    args = ("import", "chat", str(chat), "--format", "csv", "--me", "Robin", "--json")
    first = encrypted.run(*args, TARRY_PASSPHRASE=PASS)
    again = encrypted.run(*args, TARRY_PASSPHRASE=PASS)
    assert first.returncode == 0 and again.returncode == 0, first.stderr + again.stderr
    assert json.loads(again.stdout)["new"] == 0
    assert crash.message_count(encrypted.home, key) == ("ok", MESSAGES)


def test_kill_9_during_a_passphrase_change_leaves_exactly_one(encrypted: Env) -> None:
    outcome = crash.kill_passphrase_changes(encrypted.home, PASS, NEW_PASS, KILLS)
    assert sum(outcome.states.values()) == KILLS
    assert outcome.states["unchanged"] > 0 and outcome.states["changed"] > 0, outcome


def test_kill_9_during_an_export_leaves_the_whole_file_or_nothing(env: Env, tmp_path: Path) -> None:
    """An export is plain text by design; one cut short must not be left lying around."""
    chat = write_chat(tmp_path / "chat.csv", MESSAGES)
    assert env.run("import", "chat", str(chat), "--format", "csv", "--me", "Robin").returncode == 0
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "export.json"
    started = time.monotonic()
    assert env.run("export", "--json", "--output", str(target)).returncode == 0
    duration, whole = time.monotonic() - started, target.read_bytes()
    rng, seen = random.Random(5), Counter[str]()
    for _ in range(20):
        target.unlink(missing_ok=True)
        running = env.start("export", "--json", "--output", str(target))
        time.sleep(rng.uniform(0.0, duration))
        running.kill()
        running.wait(timeout=30)
        left = sorted(p.name for p in folder.iterdir())
        assert left in ([], ["export.json"]), left
        assert not left or target.read_bytes() == whole
        seen["whole" if left else "nothing"] += 1
    assert seen["nothing"] > 0, seen  # some kills really landed mid-export
