"""What every chat format declares, once: its name, how to sniff it, how to open it, its options.

A format module ends with `FORMATS = (Format(...),)`; `registry.py` lists the modules and is
the only table to edit when a format is added. Detection hands each format a `Probe` (the first
bytes, the name, a zip's member names or a folder's files) and opening hands it a `Reading`
(which chat, where skipped records go, the options the person gave).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from tarry.base.errors import InvalidInput
from tarry.base.source import Source
from tarry.mirror.formats.conversation import Conversation, SkipFn, ignore_skip


@dataclass(frozen=True)
class Columns:
    """CSV: which columns hold what (header names or 1-based numbers as text)."""

    ts: str | None = None
    author: str | None = None
    text: str | None = None
    ts_format: str | None = None


@dataclass(frozen=True)
class Options:
    """What the person may say about an export; each format reads the ones it declares."""

    columns: Columns | None = None  # csv
    day_first: bool | None = None  # whatsapp, line: how to read 01/02/26
    delimiter: str | None = None  # csv: the field separator, when sniffing cannot tell


OPTION_NAMES = ("columns", "day_first", "delimiter")
DATE_ORDERS = {"dmy": True, "mdy": False}


def day_first(order: str | None) -> bool | None:
    """A date order as the user names it ('dmy', 'mdy'; empty: work it out) as `day_first`."""
    if not order:
        return None
    if order.lower() not in DATE_ORDERS:
        raise InvalidInput(
            f"Unknown date order {order!r}.",
            field="day_first",
            expected="dmy (day first) or mdy (month first)",
            example="dmy",
        )
    return DATE_ORDERS[order.lower()]


def without_surrogates(value: Any) -> Any:
    """Text with lone surrogates (from JSON escapes like \\ud800) as U+FFFD, for UTF-8 output."""
    if not isinstance(value, str):
        return value
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


@dataclass(frozen=True)
class Reading:
    """How to open an export: one chat of many (`chat`), skipped records, options."""

    chat: str | None = None
    on_skip: SkipFn = ignore_skip
    options: Options = field(default_factory=Options)


@dataclass(frozen=True)
class Probe:
    """What detection shows a format: never the whole file."""

    path: Path  # the name the person knows the export by (an upload is not on disk)
    head: bytes = b""  # the first 64 KiB of a file (empty for a folder or a zip)
    members: tuple[str, ...] = ()  # the names inside a zip, or the files under a folder
    folder: bool = False
    is_zip: bool = False

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower()


Opener = Callable[[Source, BinaryIO, Reading], Iterator[Conversation]]
FolderOpener = Callable[[Path, Reading], Iterator[Conversation]]


class ChatFormat(Protocol):
    """The contract: what detection, `mirror parse`, `import chat` and the web app rely on."""

    @property
    def name(self) -> str: ...  # what --format accepts and `conversations.source` stores

    @property
    def label(self) -> str: ...  # one line for help and menus

    @property
    def extensions(self) -> tuple[str, ...]: ...  # tried first for files with these

    @property
    def options(self) -> tuple[str, ...]: ...  # the `Options` fields it reads

    def sniff(self, probe: Probe) -> bool: ...

    def claims(self, probe: Probe) -> bool: ...  # when no content matched: by extension alone

    def open(self, source: Source, fp: BinaryIO, reading: Reading) -> Iterator[Conversation]: ...

    def open_folder(self, path: Path, reading: Reading) -> Iterator[Conversation]: ...

    @property
    def reads_folders(self) -> bool: ...


@dataclass(frozen=True)
class Format:
    """A ChatFormat made of the module's functions."""

    name: str
    label: str
    sniffer: Callable[[Probe], bool]
    opener: Opener
    extensions: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    fallback: bool = False  # its extensions alone claim a file no format recognised
    folder_opener: FolderOpener | None = None

    def __post_init__(self) -> None:
        unknown = set(self.options) - set(OPTION_NAMES)
        if unknown:
            raise ValueError(f"{self.name}: unknown options {sorted(unknown)}")

    def sniff(self, probe: Probe) -> bool:
        return self.sniffer(probe)

    def claims(self, probe: Probe) -> bool:
        return self.fallback and not probe.folder and probe.suffix in self.extensions

    def open(self, source: Source, fp: BinaryIO, reading: Reading) -> Iterator[Conversation]:
        return self.opener(source, fp, reading)

    @property
    def reads_folders(self) -> bool:
        return self.folder_opener is not None

    def open_folder(self, path: Path, reading: Reading) -> Iterator[Conversation]:
        if self.folder_opener is None:
            raise TypeError(f"{self.name} exports are files")
        return self.folder_opener(path, reading)


def by_content(sniff: Callable[[bytes], bool]) -> Callable[[Probe], bool]:
    """A sniffer for formats recognised by a file's first bytes alone (not zips or folders)."""

    def sniffer(probe: Probe) -> bool:
        return not probe.folder and not probe.is_zip and sniff(probe.head)

    return sniffer
