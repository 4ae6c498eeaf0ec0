"""Scenario 21 (issue 17, 12): the launch link opens one session, once.

The token `tarry serve` prints is exchanged for a session cookie the first time it is used; used
again (a copied link, a browser history entry, another program) it opens nothing.
"""

from __future__ import annotations

from contextlib import closing

from tests.trust.conftest import Env
from tests.trust.served import served


def test_the_launch_link_works_once(env: Env) -> None:
    with served(env) as server:
        with closing(server.client()) as first:
            opened = first.get(server.url, follow_redirects=False)
            assert opened.status_code == 303 and "tarry_session=" in opened.headers["set-cookie"]
            assert first.get("/people").status_code == 200
        for _ in range(3):
            with closing(server.client()) as other:
                again = other.get(server.url, follow_redirects=False)
                assert again.status_code == 401, again.text
                assert "set-cookie" not in again.headers
                assert "already used" in again.text
                assert other.get("/people").status_code == 401
        with closing(server.client(cookies=dict(first.cookies))) as same:
            assert same.get("/people").status_code == 200  # the session it opened goes on
