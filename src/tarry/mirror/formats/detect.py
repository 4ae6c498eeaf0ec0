"""Which export format a file is, and opening it as conversations, whatever the format.

`FORMATS` maps each format name (what `--format` accepts) to its module. Detection looks at
the content first (each module's `sniff(head)`), using the file name only to break ties between
look-alikes (a Signal `chat.md` and a WhatsApp text export share a line layout).
"""

from __future__ import annotations

import importlib
import inspect
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, BinaryIO

from tarry.base.errors import FormatError, InvalidInput
from tarry.base.source import Source, as_source
from tarry.mirror.formats.conversation import Conversation, SkipFn, ignore_skip, title_from_name

HEAD = 65536


@dataclass(frozen=True)
class Format:
    name: str
    module: str
    label: str
    extensions: tuple[str, ...] = field(default=())


FORMATS = {
    f.name: f
    for f in (
        Format(
            "whatsapp", "whatsapp", "WhatsApp .txt or the .zip the phone shares", (".txt", ".zip")
        ),
        Format("telegram", "telegram", "Telegram Desktop JSON (one chat or the whole account)"),
        Format("signal", "signal", "Signal: signal-export or sigtop text and JSON", (".md",)),
        Format("messenger", "messenger", "Facebook Messenger JSON (file, folder or zip)"),
        Format("instagram", "messenger", "Instagram JSON (file, folder or zip)"),
        Format("discord", "discord", "Discord JSON from DiscordChatExporter"),
        Format("imessage", "imessage", "iMessage: the macOS chat.db", (".db",)),
        Format("csv", "csvchat", "CSV with timestamp, author and text columns", (".csv", ".tsv")),
    )
}
# When no format claims the content, these extensions still say which parser to try.
BY_EXTENSION = {".csv": "csv", ".tsv": "csv", ".db": "imessage", ".md": "signal"}
# Content sniffing order: binary and JSON layouts first, then the line-based text formats.
SNIFF_ORDER = ("imessage", "telegram", "discord", "messenger", "signal", "whatsapp", "csv")
WHATSAPP_TITLE = re.compile(
    r"^WhatsApp[ _-]*(Chat|Chatt?|Unterhaltung|Conversa|Conversación)?[ _-]*"
    r"(with|mit|con|avec|met|com|med|z|ze)?[ _-]*",
    re.IGNORECASE,
)


def module_for(fmt: str) -> ModuleType:
    """The parser module of a format name; a clear error when unknown or not available."""
    known = FORMATS.get(fmt.lower())
    if known is None:
        raise InvalidInput(f"Unknown chat format {fmt!r}.", f"Choose from: {', '.join(FORMATS)}.")
    try:
        return importlib.import_module(f"tarry.mirror.formats.{known.module}")
    except ImportError as exc:
        raise InvalidInput(f"The {fmt} format is not available in this version of tarry.") from exc


def sniffs(fmt: str, head: bytes) -> bool:
    """Whether a format claims these first bytes (False if its module is not there)."""
    try:
        module = module_for(fmt)
    except InvalidInput:
        return False
    return bool(module.sniff(head))


def detect(path: Path | Source) -> str:
    """The format name of the file or folder at `path`."""
    source = as_source(path)
    if source.is_folder:
        return _social_name(source.path, any(source.path.rglob("message_*.json")))
    head = read_head(source)
    if head.startswith(b"PK\x03\x04"):
        return _zip_format(source)
    for name in _order(source.path):
        if sniffs(name, head):
            return _social_name(source.path, True) if name == "messenger" else name
    if source.path.suffix.lower() in BY_EXTENSION:
        return BY_EXTENSION[source.path.suffix.lower()]
    raise FormatError(
        "cannot tell which chat export this is",
        path=str(source),
        field="fmt",
        expected=f"the export's format, one of {', '.join(FORMATS)}",
    )


def read_head(source: Source) -> bytes:
    with source.open() as fp:
        return fp.read(HEAD)


def _order(path: Path) -> list[str]:
    """Sniff order, with formats whose extension or file name matches tried first."""
    lowered = path.name.lower()
    first = [f.name for f in FORMATS.values() if path.suffix.lower() in f.extensions]
    if "whatsapp" in lowered:
        first.insert(0, "whatsapp")
    return list(dict.fromkeys(first + list(SNIFF_ORDER)))


def _social_name(path: Path, found: bool) -> str:
    if not found:
        raise FormatError(
            "no message_*.json files in this folder",
            path=str(path),
            hint="Give a Messenger or Instagram export folder, zip or message_1.json.",
        )
    return "instagram" if "instagram" in str(path).lower() else "messenger"


def _zip_format(source: Source) -> str:
    try:
        with source.open() as fp, zipfile.ZipFile(fp) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise FormatError(f"cannot read the zip ({exc})", path=str(source)) from exc
    if any(re.search(r"(^|/)message_\d+\.json$", n) for n in names):
        joined = " ".join(names).lower()
        return (
            "instagram"
            if "instagram" in joined or "instagram" in source.path.name.lower()
            else "messenger"
        )
    if any(n.lower().endswith(".txt") for n in names):
        return "whatsapp"
    raise FormatError(
        "this zip holds no chat export I know",
        path=str(source),
        hint="A WhatsApp zip holds a .txt; a Messenger/Instagram one holds message_1.json.",
    )


def whatsapp_title(path: Path) -> str:
    """'WhatsApp Chat with Sam.txt' -> 'Sam'; other names -> the file's stem."""
    stem = title_from_name(path.name)
    match = WHATSAPP_TITLE.match(stem)
    title = stem[match.end() :].strip(" -_") if match else stem
    return title or stem


def conversations(
    path: Path | Source,
    fp: BinaryIO,
    fmt: str,
    *,
    chat: str | None = None,
    on_skip: SkipFn = ignore_skip,
    options: dict[str, Any] | None = None,
) -> Iterator[Conversation]:
    """The conversations in the export at `path`, read from `fp` (path opened by the caller)."""
    source = as_source(path)
    module = module_for(fmt)
    name = str(source)
    if hasattr(module, "conversations"):
        extra = _accepted(module.conversations, on_skip=on_skip, **(options or {}))
        if fmt == "imessage" and source.on_disk:  # an upload has no -wal beside it
            extra["wal"] = source.path.with_name(source.path.name + "-wal")
        yield from module.conversations(fp, name=name, chat=chat, **extra)
        return
    extra = _accepted(module.parse, on_skip=on_skip, **(options or {}))
    title = whatsapp_title(source.path) if fmt == "whatsapp" else title_from_name(name)
    yield Conversation(title, module.parse(fp, name=name, **extra))


def folder_conversations(
    path: Path, *, chat: str | None = None, on_skip: SkipFn = ignore_skip
) -> Iterator[Conversation]:
    """A Messenger or Instagram export folder."""
    from tarry.mirror.formats import messenger

    yield from messenger.conversations_in_folder(path, chat=chat, on_skip=on_skip)


def _accepted(function: Any, **candidates: Any) -> dict[str, Any]:
    """The keyword arguments a parser takes (formats differ: CSV has columns, WhatsApp not all)."""
    params = inspect.signature(function).parameters
    return {k: v for k, v in candidates.items() if k in params and v is not None}
