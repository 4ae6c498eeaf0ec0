"""Scenario 4: kill -9 at 50 random points during an import and during a passphrase change.

After every kill: integrity_check is ok, the import is all or nothing, and exactly one passphrase
opens the store. Then a re-run of the real command completes, and a second one adds nothing.
bench/bench_trust.py runs the same with 200 kills and a larger import.
"""

from __future__ import annotations

import json
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
