"""Receiving an uploaded file: streamed straight into the private home, never the system temp dir.

Starlette's own form parser spools uploads over 1 MB into $TMPDIR; an imported chat is among the
most private data a person has, so uploads are written (0600) under HOME/uploads instead, and
removed once imported.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from python_multipart import MultipartParser
from python_multipart.multipart import parse_options_header
from starlette.requests import Request

from tarry import home as homes
from tarry.errors import InvalidInput

MAX_UPLOAD = 2 * 1024**3  # 2 GiB: far above any chat export, below a disk-filling mistake


@dataclass
class Upload:
    fields: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    filename: str = ""
    size: int = 0


class _Parts:
    """python-multipart callbacks that route form fields to memory and the file to disk."""

    def __init__(self, folder: Path, upload: Upload) -> None:
        self.folder, self.upload = folder, upload
        self.header_name, self.header_value = b"", b""
        self.name, self.value = "", bytearray()
        self.out: IO[bytes] | None = None

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
            if filename is not None and self.upload.path is None:
                self.upload.filename = Path(filename.decode("utf-8", "replace")).name
                self.out = self._open_file()
        self.header_name, self.header_value = b"", b""

    def _open_file(self) -> IO[bytes]:
        # The original name is kept (in a private folder of its own): importers read the
        # chat's title from it, e.g. "WhatsApp Chat with Sam.txt".
        name = self.upload.filename.strip(". ") or "upload"
        folder = self.folder / secrets.token_hex(8)
        folder.mkdir(mode=0o700)
        self.upload.path = folder / name
        fd = os.open(self.upload.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        return os.fdopen(fd, "wb")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.out is not None:
            self.out.write(data[start:end])
            self.upload.size += end - start
        elif len(self.value) < 64 * 1024:
            self.value += data[start:end]

    def on_part_end(self) -> None:
        if self.out is not None:
            self.out.close()
            self.out = None
        elif self.name:
            self.upload.fields[self.name] = self.value.decode("utf-8", "replace")


async def receive(request: Request, home: Path) -> Upload:
    """Stream a multipart upload: fields to memory, the (first) file to HOME/uploads."""
    kind, options = parse_options_header(request.headers.get("content-type", ""))
    if kind != b"multipart/form-data" or b"boundary" not in options:
        raise InvalidInput("Expected a file upload (multipart/form-data).")
    folder = homes.ensure(home / "uploads")
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
    if upload.path is not None:
        upload.path.unlink(missing_ok=True)
        upload.path.parent.rmdir()
