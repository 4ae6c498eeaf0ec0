"""Receiving an uploaded file: sealed as it streams in, never plain on disk, never in $TMPDIR.

Starlette's own form parser spools uploads over 1 MB into $TMPDIR; an imported chat is among the
most private data a person has, so the file goes into a sealed spool (`tarry.base.spool`: encrypted
under a key held only in memory) under HOME/uploads, read back decrypted by the importer and
removed once imported.

Everything is bounded before it is kept: at most MAX_PARTS parts, each field and each part's
headers at most 64 KiB and 8 KiB, and the CSRF token must have been checked (it is the form's
first field) before a single byte of the file is accepted.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from python_multipart import MultipartParser
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import parse_options_header
from starlette.requests import Request

from tarry.base import home as homes
from tarry.base import scratch
from tarry.base.errors import InvalidInput, TooLarge
from tarry.base.source import Source
from tarry.base.spool import Spool

SPOOL_PREFIX = "upload-"  # then the server's pid, so a later server can sweep a dead one's
MAX_UPLOAD = 2 * 1024**3  # 2 GiB: far above any chat export, below a disk-filling mistake
MAX_PARTS = 16  # the import forms have five fields and a file
MAX_FIELD = 64 << 10
MAX_HEADERS = 8 << 10  # one part's headers
CsrfCheck = Callable[[str], None]  # raises when the token is wrong


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

    def __init__(self, folder: Path, upload: Upload, csrf: CsrfCheck) -> None:
        self.folder, self.upload, self.csrf = folder, upload, csrf
        self.header_name, self.header_value = b"", b""
        self.name, self.value = "", bytearray()
        self.out: Spool | None = None
        self.parts, self.headers, self.checked = 0, 0, False

    def on_part_begin(self) -> None:
        self.name, self.value, self.out = "", bytearray(), None
        self.parts, self.headers = self.parts + 1, 0
        if self.parts > MAX_PARTS:
            raise TooLarge(f"The form has more than {MAX_PARTS} parts; tarry's has six.")

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_bytes(end - start)
        self.header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_bytes(end - start)
        self.header_value += data[start:end]

    def _header_bytes(self, count: int) -> None:
        self.headers += count
        if self.headers > MAX_HEADERS:
            raise TooLarge(f"A part of the form has over {MAX_HEADERS >> 10} KiB of headers.")

    def on_header_end(self) -> None:
        if self.header_name.lower() == b"content-disposition":
            _, options = parse_options_header(self.header_value)
            self.name = options.get(b"name", b"").decode("utf-8", "replace")
            filename = options.get(b"filename")
            if filename is not None:
                self._file(filename)
        self.header_name, self.header_value = b"", b""

    def _file(self, filename: bytes) -> None:
        if not self.checked:  # nothing of a file is kept before the form is known to be ours
            self.csrf("")
        if self.upload.spool is not None:
            raise InvalidInput("Upload one file at a time.")
        # The name stays in memory: importers read a chat's title from it.
        self.upload.filename = Path(filename.decode("utf-8", "replace")).name
        name = f"{SPOOL_PREFIX}{os.getpid()}-{secrets.token_hex(8)}.spool"
        self.out = self.upload.spool = Spool(self.folder / name)

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.out is not None:
            self.out.write(data[start:end])
            return
        self.value += data[start:end]
        if len(self.value) > MAX_FIELD:
            raise TooLarge(f"The form field {self.name!r} is over {MAX_FIELD >> 10} KiB.")

    def on_part_end(self) -> None:
        if self.out is not None:
            self.out.close()
            self.out = None
        elif self.name:
            value = self.value.decode("utf-8", "replace")
            if self.name == "_csrf":
                self.csrf(value)
                self.checked = True
            self.upload.fields[self.name] = value


async def receive(request: Request, home: Path, csrf: CsrfCheck) -> Upload:
    """Stream a multipart upload: fields to memory, the one file to a spool in HOME/uploads.

    `csrf(token)` checks the form's token (it raises when wrong): it is called when the `_csrf`
    field ends, and with "" if a file starts before it, so no byte of a forged upload is kept.
    """
    kind, options = parse_options_header(request.headers.get("content-type", ""))
    if kind != b"multipart/form-data" or b"boundary" not in options:
        raise InvalidInput("Expected a file upload (multipart/form-data).")
    folder = homes.ensure(home / "uploads")
    scratch.sweep(folder, SPOOL_PREFIX)  # spools of a server that was killed: unreadable now
    upload = Upload()
    parts = _Parts(folder, upload, csrf)
    parser = MultipartParser(options[b"boundary"], _callbacks(parts))  # type: ignore[arg-type]
    try:
        async for chunk in request.stream():
            parser.write(chunk)
            if upload.size > MAX_UPLOAD:
                raise TooLarge("That file is over 2 GiB; import it with `tarry import chat`.")
        parser.finalize()
        if not parts.checked:
            csrf("")
    except MultipartParseError as exc:
        discard(upload)
        raise InvalidInput(f"The upload is not a well-formed form ({exc}).") from exc
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
