"""Write a realistic synthetic WhatsApp export of any size, with a JSON manifest of what it holds.

    python bench/chatgen.py --messages 1000000 --platform ios --locale en_US out.txt

writes out.txt and out.txt.json (counts: records, per kind, per author, multi-line, header-like
body lines). With --expect, also every expected record as JSON Lines, for exact comparison on
small files. Traps: multi-line bodies, body lines that look like headers but are not (--clean
leaves these out), U+200E marks, media and system lines, deleted and edited markers, emoji,
CRLF (--crlf). Locales: en_US, en_GB, de, es, fi, iso, nl.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

LRM = "\u200e"


@dataclass(frozen=True)
class Locale:
    """How one phone language writes the header and the placeholders."""

    order: str  # "dmy" | "mdy" | "ymd"
    date_sep: str
    year_digits: int
    date_time: str
    time_sep: str = ":"
    ampm: tuple[str, str] | None = None
    ampm_space: str = " "
    pad: bool = True  # zero-padded day, month and 24 h hour
    android_media: str = "<Media omitted>"
    ios_media: str = "image omitted"
    deleted: str = "This message was deleted"
    edited: str = "<This message was edited>"
    system: str = "{a} added {b}"


LOCALES = {
    "en_US": Locale("mdy", "/", 2, ", ", ampm=("AM", "PM"), ampm_space="\u202f", pad=False),
    "en_GB": Locale("dmy", "/", 4, ", "),
    "de": Locale(
        "dmy",
        ".",
        2,
        ", ",
        android_media="<Medien ausgeschlossen>",
        ios_media="Bild weggelassen",
        deleted="Diese Nachricht wurde gelöscht",
        edited="<Diese Nachricht wurde bearbeitet>",
        system="{a} hat {b} hinzugefügt",
    ),
    "es": Locale(
        "dmy",
        "/",
        2,
        ", ",
        ampm=("a. m.", "p. m."),
        ampm_space="\u00a0",
        pad=False,
        android_media="<Multimedia omitido>",
        ios_media="imagen omitida",
        deleted="Se eliminó este mensaje.",
        edited="<Se editó este mensaje.>",
        system="{a} añadió a {b}",
    ),
    "fi": Locale("dmy", ".", 4, " klo ", time_sep=".", pad=False, system="{a} lisäsi {b}"),
    "iso": Locale("ymd", "-", 4, ", "),
    "nl": Locale(
        "dmy",
        "-",
        4,
        " ",
        android_media="<Media weggelaten>",
        ios_media="afbeelding weggelaten",
        deleted="Dit bericht is verwijderd",
        edited="<Dit bericht is bewerkt>",
        system="{a} heeft {b} toegevoegd",
    ),
}

AUTHORS = ("Ada Byron", "Bo 🌻", "+44 7700 900123", "Chidi", "Dana-Marie", "Émile")
WORDS = [
    "ok",
    "so",
    "I",
    "was",
    "thinking",
    "about",
    "what",
    "you",
    "said",
    "yesterday",
    "and",
    "honestly",
    "it",
    "stayed",
    "with",
    "me",
    "all",
    "day",
    "we",
    "could",
    "try",
    "dinner",
    "on",
    "thursday",
    "if",
    "work",
    "lets",
    "me",
    "go",
    "early",
    "😊",
    "café",
    "miss",
    "you",
    "🙏",
    "lol",
    "sure",
    "note:",
    "bring",
    "the",
    "book",
    "about",
    "time",
    "also",
    "the",
    "thing",
    "about",
    "your",
    "mum",
    "sounds",
    "hard",
]


def date_text(when: datetime, loc: Locale) -> str:
    year = f"{when.year:04d}" if loc.year_digits == 4 else f"{when.year % 100:02d}"
    fmt = "{:02d}" if loc.pad else "{}"
    fields = {"d": fmt.format(when.day), "m": fmt.format(when.month), "y": year}
    return loc.date_sep.join(fields[c] for c in loc.order)


def time_text(when: datetime, loc: Locale, seconds: bool) -> str:
    hour = when.hour
    if loc.ampm:
        hour = hour % 12 or 12
    head = f"{hour:02d}" if loc.pad else str(hour)
    parts = [head, f"{when.minute:02d}"] + ([f"{when.second:02d}"] if seconds else [])
    text = loc.time_sep.join(parts)
    if loc.ampm:
        text += loc.ampm_space + loc.ampm[when.hour >= 12]
    return text


def header(when: datetime, loc: Locale, platform: str) -> str:
    """The header up to (not including) the author, as the phone writes it."""
    ios = platform == "ios"
    stamp = date_text(when, loc) + loc.date_time + time_text(when, loc, seconds=ios)
    return f"[{stamp}] " if ios else f"{stamp} - "


def render(
    when: datetime, author: str, text: str, loc: Locale, platform: str, *, marked: bool = False
) -> str:
    """One record as exported: a system line when `author` is empty. iOS marks system and media
    lines with U+200E before the header and before the text."""
    mark = LRM if marked and platform == "ios" else ""
    who = f"{author}: " if author else ""
    return f"{mark}{header(when, loc, platform)}{who}{mark}{text}\n"


@dataclass
class Record:
    ts: str
    author: str
    text: str
    kind: str


class Generator:
    """Produces records and their rendering; seeded, so runs are reproducible."""

    def __init__(self, loc: Locale, platform: str, seed: int, *, traps: bool = True) -> None:
        self.loc, self.platform, self.rng = loc, platform, random.Random(seed)
        self.traps = traps
        self.trap_lines = 0  # header-like body lines written so far
        self.when = datetime(2019, 1, 1, 8, 0, 0)
        self.group = "Family 🏡"

    def words(self, low: int, high: int) -> str:
        return " ".join(self.rng.choices(WORDS, k=self.rng.randint(low, high)))

    def trap_line(self) -> str:
        """A body line that looks like a header but does not start a record."""
        loc, when = self.loc, self.when
        fake = datetime(2020, 12, 31, 10, 15)
        date = date_text(fake, loc).replace("12", "13")  # month 13: not a date
        choices = (
            f"{date_text(when, loc)}{loc.date_time}{time_text(when, loc, False)} we said we'd meet",
            f"{date}{loc.date_time}{time_text(fake, loc, self.platform == 'ios')} - Bo: no",
            "[2020-13-01 10:15] Someone: quoted from elsewhere",
            f"{date}, 10:15 - quoted",
        )
        return self.rng.choice(choices)

    def body(self) -> str:
        roll = self.rng.random()
        if roll < 0.06:
            lines = [self.words(1, 6) for _ in range(self.rng.randint(2, 4))]
            if roll < 0.02 and self.traps:
                lines.insert(1, self.trap_line())
                self.trap_lines += 1
            return "\n".join(lines)
        if roll < 0.07:
            return f"{self.words(1, 5)} {self.loc.edited}"
        if roll < 0.08:
            return "ok :)"
        return self.words(3, 15)

    def record(self) -> Record:
        self.when += timedelta(
            seconds=self.rng.randint(0, 600) + (self.rng.random() < 0.01) * 86400
        )
        roll = self.rng.random()
        author = self.rng.choice(AUTHORS)
        ios = self.platform == "ios"
        if roll < 0.04:
            text, kind = (self.loc.ios_media if ios else self.loc.android_media), "media"
        elif roll < 0.05:
            text, kind = self.loc.deleted, "system"
        elif roll < 0.055:
            text = self.loc.system.format(a=author, b=self.rng.choice(AUTHORS))
            author = self.group if ios else ""
            kind = "system"
        else:
            text, kind = self.body(), "message"
        ts = self.when.strftime("%Y-%m-%dT%H:%M:") + (f"{self.when.second:02d}" if ios else "00")
        return Record(ts, author, text, kind)

    def opening(self) -> Record:
        notice = "Messages and calls are end-to-end encrypted. Tap to learn more."
        if self.platform == "ios":
            return Record("2019-01-01T08:00:00", self.group, notice, "system")
        return Record("2019-01-01T08:00:00", "", notice, "system")

    def records(self, count: int) -> Iterator[Record]:
        yield self.opening()
        for _ in range(count - 1):
            yield self.record()

    def text(self, rec: Record) -> str:
        when = datetime.fromisoformat(rec.ts)
        return render(
            when, rec.author, rec.text, self.loc, self.platform, marked=rec.kind != "message"
        )


def write(
    path: Path,
    count: int,
    platform: str,
    locale: str,
    *,
    crlf: bool,
    seed: int,
    expect: Path | None,
    traps: bool = True,
) -> dict[str, object]:
    gen = Generator(LOCALES[locale], platform, seed, traps=traps)
    kinds: Counter[str] = Counter()
    authors: Counter[str] = Counter()
    multiline = 0
    newline = "\r\n" if crlf else "\n"
    expected = expect.open("w", encoding="utf-8") if expect else None
    with path.open("w", encoding="utf-8", newline=newline) as out:
        for rec in gen.records(count):
            out.write(gen.text(rec))
            kinds[rec.kind] += 1
            authors[rec.author] += 1
            multiline += "\n" in rec.text
            if expected:
                expected.write(json.dumps(rec.__dict__, ensure_ascii=False) + "\n")
    if expected:
        expected.close()
    manifest = {
        "file": path.name,
        "platform": platform,
        "locale": locale,
        "crlf": crlf,
        "traps": traps,
        "seed": seed,
        "bytes": path.stat().st_size,
        "messages": count,
        "kinds": dict(sorted(kinds.items())),
        "authors": dict(sorted(authors.items())),
        "multiline": multiline,
        "header_like_body_lines": gen.trap_lines,
    }
    Path(f"{path}.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--platform", choices=("android", "ios"), default="android")
    parser.add_argument("--locale", choices=sorted(LOCALES), default="en_GB")
    parser.add_argument("--crlf", action="store_true", help="end lines with CRLF")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--clean", action="store_true", help="no header-like body lines")
    parser.add_argument("--expect", type=Path, help="also write expected records as JSON Lines")
    args = parser.parse_args()
    manifest = write(
        args.out,
        args.messages,
        args.platform,
        args.locale,
        crlf=args.crlf,
        seed=args.seed,
        expect=args.expect,
        traps=not args.clean,
    )
    print(json.dumps({k: manifest[k] for k in ("file", "bytes", "messages", "kinds")}))


if __name__ == "__main__":
    main()
