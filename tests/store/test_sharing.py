"""One store open several times in one process (the web app opens one per worker thread) while
other processes (CLI commands) open and close it: no connection may lose its hold on the file.

Closing any file descriptor of a file drops every POSIX lock the process holds on it. If tarry
read the database file itself while a connection had it open, that connection's lock would go,
and a CLI process closing its own connection would take itself for the last one, checkpoint and
delete the write-ahead log from under this process: "disk I/O error" on its next query (seen in
CI as tests/web/test_concurrency.py failing now and then).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tarry.declare import people
from tarry.store import Store

OTHER_PROCESS = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
conn.execute("SELECT count(*) FROM people").fetchone()
conn.close()
"""


def test_opening_again_keeps_the_first_connections_hold(home: Path) -> None:
    with Store.open(home) as first:
        people.add(first, "Sam")  # committed to the write-ahead log, not yet checkpointed
        wal = home / "tarry.db-wal"
        assert wal.stat().st_size > 0
        Store.open(home).close()  # the web app's next worker thread, say
        subprocess.run([sys.executable, "-c", OTHER_PROCESS, str(home / "tarry.db")], check=True)
        assert wal.exists(), "another process took itself for the last connection"
        assert [p.name for p in people.all_people(first)] == ["Sam"]
