"""Importing by upload: sealed as it streams in, imported in the background, summarised."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from tarry.store import Store
from tarry.web.pages import imports
from tests.trust.conftest import canary, hits
from tests.web.conftest import ORIGIN, Web

TELEGRAM = {
    "name": "Sam",
    "type": "personal_chat",
    "id": 42,
    "messages": [
        {"id": 1, "type": "message", "date": "2026-11-10T20:00:00", "date_unixtime": "1794340800",
         "from": "Sam", "from_id": "user2", "text": "I had a rough day <script>alert(1)</script>"},
        {"id": 2, "type": "message", "date": "2026-11-10T20:05:00", "date_unixtime": "1794341100",
         "from": "Alex", "from_id": "user1", "text": "Oh no, what happened?"},
    ],
}  # fmt: skip

ICS = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//tests//EN\r
BEGIN:VEVENT\r
UID:standup@example\r
DTSTAMP:20261101T000000Z\r
DTSTART:20261116T090000Z\r
DTEND:20261116T100000Z\r
SUMMARY:Work standup\r
END:VEVENT\r
END:VCALENDAR\r
"""


def upload(web: Web, kind: str, name: str, body: bytes, **fields: str) -> dict:
    response = web.client.post(
        f"/import/{kind}",
        data={"_csrf": web.csrf("/import"), **fields},
        files={"file": (name, body)},
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    job_url = response.headers["location"]
    for _ in range(200):
        job = web.client.get(job_url + ".json").json()["job"]
        if job["status"] != "running":
            return job
        time.sleep(0.05)
    raise AssertionError("import did not finish")


def test_chat_upload_imports_and_cleans_up(web: Web, home: Path) -> None:
    body = json.dumps(TELEGRAM).encode()
    job = upload(web, "chat", "result.json", body, me="Alex")
    assert job["status"] == "done", job
    assert (job["summary"]["messages"], job["summary"]["new"]) == (2, 2)
    assert list((home / "uploads").iterdir()) == []
    again = upload(web, "chat", "result.json", body, me="Alex")
    assert again["summary"]["new"] == 0
    with Store.open(home) as store:
        assert store.scalar("SELECT count(*) FROM messages") == 2


def test_imported_script_renders_inert_on_the_summary(web: Web) -> None:
    hostile = dict(TELEGRAM, name='<img src=x onerror="alert(3)">')
    job = upload(web, "chat", "result.json", json.dumps(hostile).encode(), me="Alex")
    page = web.client.get(f"/import/jobs/{job['id']}").text
    assert "<img src=x" not in page and "&lt;img src=x onerror=" in page


def test_bad_file_fails_clearly_and_changes_nothing(web: Web, home: Path) -> None:
    job = upload(web, "chat", "result.json", b'{"messages": [ {"broken', format="telegram")
    assert job["status"] == "failed" and "result.json" in job["error"]
    with Store.open(home) as store:
        assert store.scalar("SELECT count(*) FROM messages") == 0


def test_calendar_upload(web: Web, home: Path) -> None:
    job = upload(web, "calendar", "work.ics", ICS.encode())
    assert job["status"] == "done" and job["summary"]["added"] == 1


def test_upload_needs_csrf(web: Web, home: Path) -> None:
    response = web.client.post(
        "/import/chat", files={"file": ("a.json", b"{}")}, headers=ORIGIN, follow_redirects=False
    )
    assert response.status_code == 403
    assert not (home / "uploads").exists() or list((home / "uploads").iterdir()) == []


def test_errors_name_the_chosen_file_not_the_private_copy(web: Web) -> None:
    job = upload(web, "chat", "mystery.bin", b"\x00\x01 not a chat at all \xff" * 20)
    assert job["status"] == "failed"
    assert "mystery.bin" in job["error"] and "uploads" not in job["error"] + job["hint"]
    assert job["hint"].startswith("Format: the export's format, one of ")
    assert "--" not in job["hint"]  # the form's words, not the command line's


def test_an_empty_file_is_named_as_empty(web: Web) -> None:
    response = web.client.post(
        "/import/chat", data={"_csrf": web.csrf("/import")}, files={"file": ("chat.txt", b"")},
        headers=ORIGIN,
    )  # fmt: skip
    assert response.status_code == 400 and "chat.txt is empty" in response.text


def test_date_order_from_the_form(web: Web, home: Path) -> None:
    body = b"01/02/26, 19:02 - Sam: hello\n03/04/26, 19:03 - Alex: hi\n"
    failed = upload(web, "chat", "WhatsApp Chat with Sam.txt", body, me="Alex")
    assert failed["status"] == "failed" and "date order is ambiguous" in failed["error"]
    done = upload(web, "chat", "WhatsApp Chat with Sam.txt", body, me="Alex", date_order="dmy")
    assert done["status"] == "done", done
    with Store.open(home) as store:
        assert store.scalar("SELECT min(ts) FROM messages") == "2026-02-01T19:02:00"


def test_an_upload_waits_sealed_not_in_plain_text(
    web: Web, home: Path, tmp_path: Path, monkeypatch
) -> None:
    """While an uploaded chat waits for its import, HOME/uploads holds only ciphertext, and
    nothing went to $TMPDIR (a private one here: the machine's own is too big to scan)."""
    scratch_tmp = tmp_path / "tmpdir"
    scratch_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch_tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch_tmp))
    token = canary()
    seen: list[list[str]] = []
    original = imports._import

    def watched(store, kind, received, job):  # type: ignore[no-untyped-def]
        assert received.spool is not None and received.spool.path.exists()
        seen.append(hits(token, home, scratch_tmp))
        return original(store, kind, received, job)

    monkeypatch.setattr(imports, "_import", watched)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:  # a zip: the importer seeks in the spool
        chat = f"20/11/2026, 20:00 - Sam: I had a rough day {token}\n"
        zipped.writestr("WhatsApp Chat with Sam.txt", chat + "20/11/2026, 20:05 - Alex: Oh no\n")
    job = upload(web, "chat", "WhatsApp Chat with Sam.zip", archive.getvalue(), me="Alex")
    assert job["status"] == "done", (job["error"], job["hint"])
    assert seen == [[]]
    with Store.open(home) as store:
        assert store.scalar("SELECT title FROM conversations") == "Sam"
        assert store.scalar("SELECT count(*) FROM messages WHERE text LIKE ?", (f"%{token}",)) == 1
    assert list((home / "uploads").iterdir()) == []


def test_spools_of_a_killed_server_are_swept(web: Web, home: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait(timeout=30)
    uploads = home / "uploads"
    uploads.mkdir(mode=0o700, parents=True, exist_ok=True)
    stale = uploads / f"upload-{dead.pid}-0123456789abcdef.spool"
    live = uploads / f"upload-{os.getpid()}-fedcba9876543210.spool"  # this server's, in flight
    stale.write_bytes(b"sealed bytes nobody can read any more")
    live.write_bytes(b"an upload still being imported")
    job = upload(web, "calendar", "work.ics", ICS.encode())
    assert job["status"] == "done"
    assert sorted(p.name for p in uploads.iterdir()) == [live.name]
