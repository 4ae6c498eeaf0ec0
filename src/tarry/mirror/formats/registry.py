"""The chat formats tarry reads, which one an export is, and the one walk over it.

`MODULES` is the only list to edit for a new format: each module declares its `FORMATS`
(contract.py). Detection looks at the content first, in this order (binary and JSON layouts, then
the line-based text formats), trying formats whose extension matches the file first; a file no
format recognises is claimed by extension where a format allows it. `opened` is the walk that
`mirror parse`, `import chat` and the web app share: a file, a zip or a folder, detected once.
"""

from __future__ import annotations

import functools
import importlib
import io
import itertools
import zipfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from tarry.base.errors import FormatError, InvalidInput
from tarry.base.source import Source, as_source
from tarry.mirror.formats import Message
from tarry.mirror.formats.contract import ChatFormat, Probe, Reading
from tarry.mirror.formats.conversation import Conversation

# Sniffing order: binary and JSON layouts first, then the line-based text formats.
MODULES = (
    *("imessage", "telegram", "discord", "messenger", "googlechat", "sms"),
    *("signal", "line", "whatsapp", "csvchat"),
)
HEAD = 65536
MAX_MEMBERS = 100_000  # names listed from a zip or a folder for detection
Progress = Callable[[int, int], None]  # (bytes read, total bytes)


@functools.cache
def formats() -> dict[str, ChatFormat]:
    """Every format by name, in sniffing order."""
    found: dict[str, ChatFormat] = {}
    for module in MODULES:
        for fmt in importlib.import_module(f"tarry.mirror.formats.{module}").FORMATS:
            found[fmt.name] = fmt
    return found


def names() -> list[str]:
    return list(formats())


def get(name: str) -> ChatFormat:
    """The format called `name` (what --format accepts); a clear error when unknown."""
    known = formats().get(name.lower())
    if known is None:
        raise InvalidInput(f"Unknown chat format {name!r}.", f"Choose from: {', '.join(names())}.")
    return known


def detect(path: Path | Source) -> ChatFormat:
    """The format of the file, zip or folder at `path`."""
    source = as_source(path)
    probe = probe_of(source)
    for fmt in _order(probe):
        if fmt.sniff(probe):
            return fmt
    for fmt in formats().values():
        if fmt.claims(probe):
            return fmt
    raise _unknown(probe, source)


def probe_of(source: Source) -> Probe:
    if source.is_folder:
        files = (str(p.relative_to(source.path)) for p in source.path.rglob("*") if p.is_file())
        members = tuple(itertools.islice(files, MAX_MEMBERS))
        return Probe(source.path, members=members, folder=True)
    with source.open() as fp:
        head = fp.read(HEAD)
    if not head.startswith(b"PK\x03\x04"):
        return Probe(source.path, head=head)
    return Probe(source.path, members=_zip_names(source), is_zip=True)


def _zip_names(source: Source) -> tuple[str, ...]:
    try:
        with source.open() as fp, zipfile.ZipFile(fp) as archive:
            return tuple(archive.namelist()[:MAX_MEMBERS])
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise FormatError(f"cannot read the zip ({exc})", path=str(source)) from exc


def _order(probe: Probe) -> list[ChatFormat]:
    """Sniffing order, with formats whose extension or file name matches tried first."""
    every = list(formats().values())
    first = [f for f in every if probe.suffix in f.extensions]
    named = [f for f in every if f.name in probe.path.name.lower()]
    return list(dict.fromkeys(named + first + every))


def _unknown(probe: Probe, source: Source) -> FormatError:
    if probe.folder:
        return FormatError(
            "no message_*.json files in this folder",
            path=str(source),
            hint="Give a Messenger or Instagram export folder, zip or message_1.json, or a"
            " Google Takeout folder holding Google Chat.",
        )
    if probe.is_zip:
        return FormatError(
            "this zip holds no chat export I know",
            path=str(source),
            hint="A WhatsApp zip holds a .txt; a Messenger/Instagram one holds message_1.json; a"
            " Google Takeout one holds Google Chat/Groups/.../messages.json.",
        )
    return FormatError(
        "cannot tell which chat export this is",
        path=str(source),
        field="fmt",
        expected=f"the export's format, one of {', '.join(names())}",
    )


@dataclass
class Export:
    """An export being read: its format (detected once) and its conversations, streamed."""

    format: ChatFormat
    conversations: Iterator[Conversation]


@contextmanager
def opened(
    path: str | Path | Source,
    fmt: ChatFormat | str | None = None,
    reading: Reading | None = None,
    *,
    progress: Progress | None = None,
) -> Iterator[Export]:
    """Open a file, zip or folder as conversations; the file is closed on leaving."""
    source = as_source(path)
    chosen = choose(source, fmt)
    reading = reading or Reading()
    if source.is_folder:
        yield Export(chosen, _folder(chosen, source, reading))
        return
    with ExitStack() as stack:
        fp: BinaryIO = stack.enter_context(source.open())
        if progress is not None:
            raw = ProgressReader(fp, source.size(), progress)
            fp = stack.enter_context(io.BufferedReader(raw, 1 << 16))
        yield Export(chosen, chosen.open(source, fp, reading))


def choose(source: Source, fmt: ChatFormat | str | None) -> ChatFormat:
    """The format named, or else the one detected."""
    if not source.exists():
        raise InvalidInput(f"No such file or folder: {source}.")
    if fmt is None:
        return detect(source)
    return get(fmt) if isinstance(fmt, str) else fmt


def _folder(fmt: ChatFormat, source: Source, reading: Reading) -> Iterator[Conversation]:
    if fmt.reads_folders:
        return fmt.open_folder(source.path, reading)
    readers = [f for f in formats().values() if f.reads_folders]
    if len(readers) == 1:  # the one format whose exports are folders
        return readers[0].open_folder(source.path, reading)
    raise InvalidInput(
        f"{source} is a folder; a {fmt.name} export is a file.", "Give the export file itself."
    )


def messages(
    fmt: ChatFormat | str,
    fp: BinaryIO,
    *,
    name: str = "input",
    reading: Reading | None = None,
) -> Iterator[Message]:
    """Every message of every conversation in the export read from `fp`, in order."""
    chosen = get(fmt) if isinstance(fmt, str) else fmt
    for conversation in chosen.open(Source(Path(name), lambda: fp), fp, reading or Reading()):
        yield from conversation.messages


class ProgressReader(io.RawIOBase):
    """A read-only file that reports how many bytes were read so far."""

    def __init__(self, raw: BinaryIO, total: int, progress: Progress) -> None:
        self.raw, self.total, self.progress = raw, total, progress

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return bool(self.raw.seekable())

    def readinto(self, buffer: Any) -> int:
        count = self.raw.readinto(buffer)  # type: ignore[attr-defined]
        self.progress(self.raw.tell(), self.total)
        return int(count or 0)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.raw.seek(offset, whence)

    def tell(self) -> int:
        return self.raw.tell()

    def fileno(self) -> int:  # the file itself, for a reader that maps or opens it in place
        return self.raw.fileno()
