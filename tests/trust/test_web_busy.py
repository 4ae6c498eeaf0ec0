"""Scenario 18 (issue 17, 9): the web app and the CLI at once.

While another process holds the store's write lock (as a long `tarry import` does), a web write
used to return a bare 500 after 10 s, and, since it ran on the server's event loop, even the CSS
took 9.5 s. Now writes run off the event loop: other requests are answered at once, and the
write, once the store stays busy past its timeout, gets a "busy, try again" page (503) that keeps
what was typed in a form that posts it again.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from contextlib import closing
from html import unescape

import pytest

from tarry.store import Store
from tests.trust.conftest import Env
from tests.trust.served import csrf, served

TEXT = "a thought worth keeping, with <markup> & more"


@pytest.mark.slow
def test_a_write_while_the_store_is_busy(env: Env) -> None:
    Store.open(env.home).close()
    with served(env) as server, closing(server.signed_in()) as client:
        token = csrf(client, "/journal")
        holder = sqlite3.connect(env.home / "tarry.db", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # the write lock, as a long import holds it
        answer: list[object] = []
        posting = threading.Thread(
            target=lambda: answer.append(
                client.post("/journal", data={"_csrf": token, "body": TEXT, "tags": "t"})
            )
        )
        posting.start()
        time.sleep(0.5)
        slowest = 0.0
        with closing(server.client(cookies=dict(client.cookies))) as other:
            while posting.is_alive():
                started = time.monotonic()
                assert other.get("/static/style.css").status_code == 200
                assert other.get("/people").status_code == 200
                slowest = max(slowest, time.monotonic() - started)
                time.sleep(0.2)
        assert slowest < 1.0, f"a page took {slowest:.1f} s while a write waited"
        response = answer[0]
        assert response.status_code == 503, response.text  # type: ignore[attr-defined]
        page = response.text  # type: ignore[attr-defined]
        assert "tarry is busy" in page and "Nothing was changed" in page
        assert "&lt;markup&gt; &amp; more" in page  # kept, and escaped
        assert "<label>Entry <textarea" in page  # the form's own words, not the field's name
        holder.execute("ROLLBACK")
        holder.close()
        fields = dict(
            (name, unescape(value))
            for name, value in re.findall(r'name="([^"]+)"[^>]*>([^<]*)</textarea>', page)
        )
        again = client.post("/journal", data={"_csrf": token, **fields})
        assert again.status_code == 303, again.text
    with Store.open(env.home) as store:
        assert store.scalar("SELECT body FROM entries") == TEXT
