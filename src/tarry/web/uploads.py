"""Receiving an uploaded file: sealed as it streams in, never plain on disk, never in $TMPDIR.

Starlette's own form parser spools uploads over 1 MB into $TMPDIR; an imported chat is among the
most private data a person has, so the file goes into a sealed spool (`tarry.base.spool`: encrypted
under a key held only in memory) under HOME/uploads, read back decrypted by the importer and
removed once imported.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from python_multipart import MultipartParser
from python_multipart.multipart import parse_options_header
from starlette.requests import Request

from tarry.base import home as homes
from tarry.base import scratch
from tarry.base.errors import InvalidInput
from tarry.base.source import Source
from tarry.base.spool import Spool

SPOOL_PREFIX = "upload-"  # then the server's pid, so a later server can sweep a dead one's
MAX_UPLOAD = 2 * 1024**3  # 2 GiB: far above any chat export, below a disk-filling mistake


@dataclass
class Upload:
    fields: dict[str, str] = field(default_factory=dict)
    spool: Spool | None = None
    filename: str = ""

    @property
    def size(self) -> int:
        return self.spool.size if self.spool else 0

    def source(self) -> Source:
        """The file to import, by the name the person chose."""
        assert self.spool is not None, "no file was uploaded"
        return Source(Path(self.filename or "upload"), self.spool.open, self.spool.size)


class _Parts:
    """python-multipart callbacks that route form fields to memory and the file to a spool."""

    def __init__(self, folder: Path, upload: Upload) -> None:
        self.folder, self.upload = folder, upload
        self.header_name, self.header_value = b"", b""
        self.name, self.value = "", bytearray()
        self.out: Spool | None = None

    def on_part_begin(self) -> None:
        self.name, self.value, self.out = "", bytearray(), None

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        if self.header_name.lower() == b"content-disposition":
            _, options = parse_options_header(self.header_value)
            self.name = options.get(b"name", b"").decode("utf-8", "replace")
            filename = options.get(b"filename")
            if filename is not None and self.upload.spool is None:
                # The name stays in memory: importers read a chat's title from it.
                self.upload.filename = Path(filename.decode("utf-8", "replace")).name
                name = f"{SPOOL_PREFIX}{os.getpid()}-{secrets.token_hex(8)}.spool"
                self.out = self.upload.spool = Spool(self.folder / name)
        self.header_name, self.header_value = b"", b""

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.out is not None:
            self.out.write(data[start:end])
        elif len(self.value) < 64 * 1024:
            self.value += data[start:end]

    def on_part_end(self) -> None:
        if self.out is not None:
            self.out.close()
            self.out = None
        elif self.name:
            self.upload.fields[self.name] = self.value.decode("utf-8", "replace")


async def receive(request: Request, home: Path) -> Upload:
    """Stream a multipart upload: fields to memory, the (first) file to a spool in HOME/uploads."""
    kind, options = parse_options_header(request.headers.get("content-type", ""))
    if kind != b"multipart/form-data" or b"boundary" not in options:
        raise InvalidInput("Expected a file upload (multipart/form-data).")
    folder = homes.ensure(home / "uploads")
    scratch.sweep(folder, SPOOL_PREFIX)  # spools of a server that was killed: unreadable now
    upload = Upload()
    parts = _Parts(folder, upload)
    parser = MultipartParser(options[b"boundary"], _callbacks(parts))  # type: ignore[arg-type]
    try:
        async for chunk in request.stream():
            parser.write(chunk)
            if upload.size > MAX_UPLOAD:
                raise InvalidInput("That file is over 2 GiB; import it with `tarry import chat`.")
        parser.finalize()
    except BaseException:
        discard(upload)
        raise
    return upload


def _callbacks(parts: _Parts) -> dict[str, object]:
    names = ("on_part_begin", "on_header_field", "on_header_value", "on_header_end",
             "on_part_data", "on_part_end")  # fmt: skip
    return {name: getattr(parts, name) for name in names}


def discard(upload: Upload) -> None:
    if upload.spool is not None:
        upload.spool.remove()
