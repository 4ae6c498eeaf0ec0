"""Imports started from the browser run in a worker thread; their progress is polled, and a
running one can be cancelled (the importer's progress callback raises, so it rolls back)."""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tarry.base.errors import NotFound, TarryError
from tarry.store.connection import explained
from tarry.web.words import shown

log = logging.getLogger("tarry.web")


class Cancelled(TarryError):
    """Raised inside an import whose job was cancelled from the browser."""


@dataclass
class Job:
    id: str
    kind: str  # chat or calendar
    filename: str
    status: str = "running"  # running, done, failed, cancelled
    done: int = 0
    total: int = 0
    summary: dict[str, Any] | None = None
    error: str = ""
    hint: str = ""
    stop: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    def progress(self, done: int, total: int) -> None:
        """The importer's progress callback: also where a cancelled import stops."""
        if self.stop.is_set():
            raise Cancelled("The import was cancelled; nothing was changed.")
        self.done, self.total = done, total

    def cancel(self) -> None:
        if self.status == "running":
            self.stop.set()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": self.kind, "filename": self.filename, "status": self.status,
            "done": self.done, "total": self.total, "percent": self.percent,
            "summary": self.summary, "error": self.error, "hint": self.hint,
        }  # fmt: skip


@dataclass
class Jobs:
    running: dict[str, Job] = field(default_factory=dict)

    def start(
        self,
        kind: str,
        filename: str,
        work: Callable[[Job], dict[str, Any]],
        labels: Mapping[str, str] | None = None,
    ) -> Job:
        """Run `work` in a thread; its errors are said with the form's `labels` for fields."""
        job = Job(secrets.token_hex(8), kind, filename)
        self.running[job.id] = job
        args = (job, work, labels or {})
        threading.Thread(target=self._run, args=args, daemon=True).start()
        return job

    def _run(
        self, job: Job, work: Callable[[Job], dict[str, Any]], labels: Mapping[str, str]
    ) -> None:
        try:
            job.summary = work(job)
            job.status = "done"
        except Cancelled as exc:
            job.status, job.error = "cancelled", exc.message
        except Exception as exc:  # shown to the user, never a silent thread death
            error = explained(exc)
            if error is None:
                log.error("The import of %s stopped unexpectedly", job.filename, exc_info=exc)
                error = TarryError(f"The import stopped unexpectedly: {exc!r}")
            view = shown(error, labels)
            job.status, job.error, job.hint = "failed", view.message, " ".join(view.hint)

    def get(self, job_id: str) -> Job:
        if job_id not in self.running:
            raise NotFound("No such import.", "Start it again from the Import page.")
        return self.running[job_id]
