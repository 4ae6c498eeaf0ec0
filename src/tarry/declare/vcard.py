"""Birthdays and important dates from a contacts export (.vcf: vCard 2.1, 3 and 4).

`import_contacts(store, source)` reads the file card by card (bounded memory: one card at a time,
photos and other large values skipped unread), matches each card to a person by name, nickname or
alias, and remembers its BDAY, ANNIVERSARY and labelled dates (Apple's X-ABDATE with X-ABLABEL,
X-ANNIVERSARY). Cards of people not in tarry are counted, not added, unless `add_people`.
Importing again changes nothing (a date is known by person, label and day); a bad line stops the
import, naming the file and line, and nothing is written. Values are parsed by vobject.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from tarry.base.errors import FormatError, InvalidInput
from tarry.base.source import Source, as_source
from tarry.declare import important_dates, people
from tarry.store import Store

MAX_CARD_BYTES = 1 << 20  # a card's text, its photos left out
MAX_LINE_BYTES = 1 << 16  # a property line we keep
SKIPPED = ("PHOTO", "LOGO", "SOUND", "KEY")  # large values tarry never reads
DATE_PROPERTIES = {"BDAY": "birthday", "ANNIVERSARY": "anniversary", "X-ANNIVERSARY": "anniversary"}
_CONTENT_LINE = re.compile(r"^(?:[A-Za-z0-9-]+\.)?[A-Za-z0-9-]+(?:;[^:]*)?:")
Progress = Callable[[int, int], None]


@dataclass
class ContactsSummary:
    file: str
    cards: int = 0
    matched: list[str] = field(default_factory=list)  # people found in tarry
    added_people: list[str] = field(default_factory=list)
    dates_added: int = 0
    dates_known: int = 0  # already remembered: importing again adds nothing
    not_in_tarry: int = 0
    skipped: list[str] = field(default_factory=list)  # 'line 12: why'

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "cards": self.cards,
            "matched": self.matched,
            "added_people": self.added_people,
            "dates_added": self.dates_added,
            "dates_known": self.dates_known,
            "not_in_tarry": self.not_in_tarry,
            "skipped": self.skipped,
        }


@dataclass
class Card:
    line: int  # where it begins in the file
    names: list[str]  # FN first, then N as "Given Family", then nicknames
    dates: list[tuple[str, str, int]]  # (label, value as written, line)


def import_contacts(
    store: Store,
    path: str | Path | Source,
    *,
    add_people: bool = False,
    progress: Progress | None = None,
) -> ContactsSummary:
    """Remember the dates of every card that names a person in tarry (all or nothing)."""
    source = as_source(path)
    if not source.exists() or source.is_folder:
        raise InvalidInput(
            f"No such file: {source}.", "Give the .vcf file your contacts app exported."
        )
    summary = ContactsSummary(str(source))
    total = source.size()
    with source.open() as raw, store.tx():
        for card in cards(raw, str(source), progress, total):
            summary.cards += 1
            _remember(store, card, summary, add_people)
    return summary


def _remember(store: Store, card: Card, summary: ContactsSummary, add_people: bool) -> None:
    person = next((p for name in card.names if (p := people.find(store, name))), None)
    if person is None and not card.dates:
        return
    if person is None and not add_people:
        summary.not_in_tarry += 1
        return
    if person is None:
        person = people.add(store, card.names[0])
        summary.added_people.append(person.name)
    elif person.name not in summary.matched:
        summary.matched.append(person.name)
    for label, value, line in card.dates:
        try:
            month, day, year = important_dates.read(_iso(value))
        except InvalidInput:
            summary.skipped.append(f"line {line}: {person.name}'s {label} {value!r} is not a date")
            continue
        added = store.execute(
            "INSERT OR IGNORE INTO person_dates (person_id, label, month, day, year, source)"
            " VALUES (?, ?, ?, ?, ?, 'vcard')",
            (person.id, label, month, day, year),
        ).rowcount
        summary.dates_added += added
        summary.dates_known += 1 - added


def _iso(value: str) -> str:
    """A vCard date ('1985-03-15', '19850315', '--0315', '1985-03-15T00:00:00Z') as read."""
    return value.strip().split("T")[0]


def cards(
    raw: IO[bytes], where: str, progress: Progress | None = None, total: int = 0
) -> Iterator[Card]:
    """Each card of the file, parsed; FormatError naming the line of anything unreadable."""
    import vobject  # here: only this importer needs it

    for start, lines, numbers in _card_texts(raw, where, progress, total):
        try:
            parsed = vobject.readOne("\r\n".join(lines) + "\r\n", ignoreUnreadable=False)
        except Exception as exc:  # vobject raises its own ParseError and plain ValueErrors
            raise FormatError(
                f"the card starting here cannot be read ({_first_line(exc)}).",
                path=where,
                line=start,
                hint="Export the contacts again, or remove that card; nothing was imported.",
            ) from exc
        yield _card(parsed, start, lines, numbers)


def _first_line(exc: Exception) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0]


def _card_texts(
    raw: IO[bytes], where: str, progress: Progress | None, total: int
) -> Iterator[tuple[int, list[str], list[int]]]:
    """(first line, its lines, the file line where each begins) of each BEGIN:VCARD ... END:VCARD,
    large values left out, every line checked to be a vCard line (or the folded rest of one)."""
    lines: list[str] = []
    numbers: list[int] = []
    start, size, skipping, read = 0, 0, False, 0
    for number, data, whole in _physical_lines(raw):
        read += len(data)
        if progress is not None and number % 1000 == 0:
            progress(read, total)
        line = _decoded(data, where, number).rstrip("\r\n")
        if not whole and not (skipping and line[:1] in (" ", "\t")) and not _skipped(line):
            raise FormatError(
                f"a line longer than {MAX_LINE_BYTES} bytes.",
                path=where,
                line=number,
                hint="Is this a vCard (.vcf) file?",
            )
        if not line.strip() and not lines:
            continue
        folded = line[:1] in (" ", "\t")
        if folded or (
            lines and lines[-1].endswith("=") and "QUOTED-PRINTABLE" in lines[-1].upper()
        ):
            if not lines:
                raise FormatError(
                    "a folded line outside any card.",
                    path=where,
                    line=number,
                    hint="Is this a vCard (.vcf) file?",
                )
            if not skipping:
                lines[-1] += line[1:] if folded else "\r\n" + line  # QP: as written
            continue
        if not _CONTENT_LINE.match(line):
            raise FormatError(
                f"not a vCard line: {line[:60]!r}.",
                path=where,
                line=number,
                hint="Each line is NAME:VALUE (e.g. FN:Sam Kay); nothing was imported.",
            )
        name = line.split(":", 1)[0].split(";", 1)[0].split(".")[-1].upper()
        value = line.split(":", 1)[1].strip().upper() if ":" in line else ""
        if not lines:
            if (name, value) != ("BEGIN", "VCARD"):
                raise FormatError(
                    f"expected BEGIN:VCARD, found {line[:60]!r}.",
                    path=where,
                    line=number,
                    hint="Is this a vCard (.vcf) file?",
                )
            start, size = number, 0
        skipping = name in SKIPPED
        if skipping:
            continue
        size += len(line)
        if size > MAX_CARD_BYTES or len(line) > MAX_LINE_BYTES:
            raise FormatError(
                f"the card starting at line {start} is too large.",
                path=where,
                line=number,
                hint="Export the contacts without photos.",
            )
        lines.append(line)
        numbers.append(number)
        if (name, value) == ("END", "VCARD"):
            yield start, lines, numbers
            lines, numbers = [], []
    if lines:
        raise FormatError(
            "the last card has no END:VCARD.",
            path=where,
            line=start,
            hint="The file may be cut short; export it again.",
        )
    if progress is not None:
        progress(read, total)


def _physical_lines(raw: IO[bytes]) -> Iterator[tuple[int, bytes, bool]]:
    """(number, the line or its first MAX_LINE_BYTES, whether whole) of each line; the rest of
    a longer line is read and dropped, so an endless line costs no memory."""
    number = 0
    while data := raw.readline(MAX_LINE_BYTES):
        number += 1
        whole = data.endswith(b"\n") or len(data) < MAX_LINE_BYTES
        if not whole:
            while (rest := raw.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass
        yield number, data, whole


def _skipped(line: str) -> bool:
    """A property tarry never reads (a photo), which may be as long as it likes."""
    return line.split(":", 1)[0].split(";", 1)[0].split(".")[-1].upper() in SKIPPED


def _decoded(data: bytes, where: str, number: int) -> str:
    try:
        return data.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x}).",
            path=where,
            line=number,
            hint="Export the contacts as UTF-8 vCard.",
        ) from exc


def _plain(value: Any, joiner: str = " ") -> str:
    """A property's value as text: vobject gives a list for a comma-separated component
    (`N:Kay,Lee;Sam`)."""
    if isinstance(value, (list, tuple)):
        return joiner.join(_plain(v) for v in value if v).strip()
    return str(value).strip()


def _card(parsed: Any, start: int, lines: list[str], numbers: list[int]) -> Card:
    names: list[str] = []
    for line in parsed.contents.get("fn", []):
        names.append(_plain(line.value))
    for line in parsed.contents.get("n", []):
        parts = (
            _plain(getattr(line.value, "given", "")),
            _plain(getattr(line.value, "family", "")),
        )
        names.append(" ".join(p for p in parts if p))
    for line in parsed.contents.get("nickname", []):
        names += [n.strip() for n in _plain(line.value, ",").split(",")]
    names = [n for n in dict.fromkeys(names) if n]
    return Card(start, names, _dates(parsed, lines, numbers))


def _dates(parsed: Any, lines: list[str], numbers: list[int]) -> list[tuple[str, str, int]]:
    found = []
    for key, label in DATE_PROPERTIES.items():
        for line in parsed.contents.get(key.lower(), []):
            found.append((label, str(line.value), _line_of(lines, key, numbers)))
    labels = {line.group: str(line.value) for line in parsed.contents.get("x-ablabel", [])}
    for line in parsed.contents.get("x-abdate", []):
        label = _apple_label(labels.get(line.group, "")) or "important date"
        found.append((label, str(line.value), _line_of(lines, "X-ABDATE", numbers)))
    return found


def _apple_label(label: str) -> str:
    """Apple's '_$!<Anniversary>!$_' as 'anniversary'; a label of the person's own as written."""
    match = re.fullmatch(r"_\$!<(.*)>!\$_", label)
    return (match[1] if match else label).strip().lower()


def _line_of(lines: list[str], key: str, numbers: list[int]) -> int:
    """The file line where the card's first `key` property begins."""
    for offset, line in enumerate(lines):
        name = line.split(":", 1)[0].split(";", 1)[0].split(".")[-1].upper()
        if name == key:
            return numbers[offset]
    return numbers[0]
