"""WhatsApp date layouts: detect one from a sample of header lines and compile its parser regex.

An export's header (`12/03/2021, 10:15 - ` on Android, `[12/03/2021, 10:15:32] ` on iOS) follows
the phone's locale. We read a sample, decide the layout once, then build ONE strict regex for it so
that the hot loop never guesses again.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from tarry.base.errors import FormatError
from tarry.mirror.formats.whatsapp_dates import Dates

MARKS = "\u200e\u200f"  # left-to-right / right-to-left marks some exports put before a header
AMPM_SPACE = " \u202f\u00a0"  # plain space, NARROW NO-BREAK SPACE, NO-BREAK SPACE

# (AM, PM) spellings. A marker seen in the sample brings its partner, so that an export whose
# sample holds only mornings still parses its afternoons.
AMPM_PAIRS: tuple[tuple[str, str], ...] = (
    ("AM", "PM"),
    ("am", "pm"),
    ("a.m.", "p.m."),
    ("A.M.", "P.M."),
    ("a. m.", "p. m."),
    ("a.m", "p.m"),
    ("vorm.", "nachm."),
    ("πμ", "μμ"),
    ("π.μ.", "μ.μ."),
    ("ص", "م"),
    ("de.", "du."),
    ("fm", "em"),
    ("f.m.", "e.m."),
    ("ap.", "ip."),
    ("SA", "CH"),
    ("午前", "午後"),
    ("上午", "下午"),
    ("오전", "오후"),
)
INNER_SPACES = (" ", "\u00a0", "\u202f")  # CLDR writes "p.\u00a0m." for es, es_CO


def marker_key(marker: str) -> str:
    """A marker without dots, spaces and case: 'p.\u00a0m.', 'P.M.' and 'pm' are all 'pm'."""
    return re.sub(r"[.\s\u00a0\u202f]", "", marker).casefold()


_AMPM = {marker_key(m): (am, pm) for am, pm in reversed(AMPM_PAIRS) for m in (am, pm)}

# A forgiving header shape used only on the sample: which separators, brackets and markers occur.
# It starts with a newline (the sample gets one in front) so that the search skips from line to
# line instead of trying every character.
_LOOSE = re.compile(
    rf"\n[{MARKS}]*(\[)?"
    rf"(\d{{1,4}})[{MARKS}]?([./-])(\d{{1,2}})[{MARKS}]?\3(\d{{1,4}})[{MARKS}]?"
    r"(\.?[,،]? ?(?:[^\W\d_]{1,4}\.? )?)"  # between date and time: ", " or " " or " klo "
    r"(\d{1,2})([:.])(\d{2})(?:\8(\d{2}))?"
    rf"(?:[{AMPM_SPACE}]?([^\W\d_][^\]\n]{{0,8}}?))?"
    r"(?(1)\] | [-–] )",
)
NO_MARKS = str.maketrans("", "", MARKS)
SAMPLE_LINES = 4000


@dataclass(frozen=True)
class Layout:
    """Everything that varies between locales in a header line."""

    ios: bool  # `[date, time] ` (iOS) rather than `date, time - ` (Android)
    order: str  # "dmy" | "mdy" | "ymd"
    date_sep: str  # "/" "." "-"
    year_digits: int  # 2 or 4
    date_time: str  # text between date and time: ", " " " " klo " ...
    time_sep: str  # ":" or "."
    seconds: bool
    ampm: tuple[str, str] | None  # (AM, PM) spellings for a 12 h clock
    rtl: bool = False  # RIGHT-TO-LEFT MARKs after the date's numbers (Arabic, Hebrew, Persian)

    def example(self) -> str:
        """The layout written out, for error messages."""
        fields = {"d": "31", "m": "12", "y": "2021" if self.year_digits == 4 else "21"}
        date = self.date_sep.join(fields[c] for c in self.order)
        time = self.time_sep.join(["10", "15"] + (["32"] if self.seconds else []))
        time += f" {self.ampm[0]}" if self.ampm else ""
        stamp = f"{date}{self.date_time}{time}"
        return f"[{stamp}] Name: text" if self.ios else f"{stamp} - Name: text"


def _date_regex(layout: Layout) -> str:
    day, month = r"(?:0?[1-9]|[12]\d|3[01])", r"(?:0?[1-9]|1[0-2])"
    year = r"\d{4}" if layout.year_digits == 4 else r"\d{2}"
    parts = {"d": day, "m": month, "y": year}
    sep = (f"[{MARKS}]?" if layout.rtl else "") + re.escape(layout.date_sep)
    return sep.join(parts[c] for c in layout.order) + (f"[{MARKS}]?" if layout.rtl else "")


def _time_regex(layout: Layout, capture: bool) -> str:
    """Groups when `capture`: clock (hour and minute), seconds ("" if the layout has none) and
    AM/PM marker with the space before it ("" on a 24 h clock)."""
    sep = re.escape(layout.time_sep)
    hour = r"(?:[01]?\d|2[0-3])" if layout.ampm is None else r"(?:0?\d|1[0-2])"
    seconds = rf"{sep}([0-5]\d)" if layout.seconds else "()"
    marker = "()"
    if layout.ampm:
        spellings = sorted(marker_spellings(layout.ampm)[0], key=len, reverse=True)
        marker = f"([{AMPM_SPACE}]?(?:{'|'.join(re.escape(m) for m in spellings)}))"
    time = f"({hour}{sep}[0-5]\\d){seconds}{marker}"
    return time if capture else time.replace("(", "(?:").replace("(?:?:", "(?:")


def header_regex(layout: Layout, *, capture: bool) -> str:
    """The header up to the author; groups when `capture`: date, clock, seconds, marker."""
    date = f"({_date_regex(layout)})" if capture else f"(?:{_date_regex(layout)})"
    between = "[,،]".join(re.escape(part) for part in re.split("[,،]", layout.date_time))
    stamp = date + between + _time_regex(layout, capture)
    return rf"[{MARKS}]?\[{stamp}\] " if layout.ios else rf"[{MARKS}]?{stamp} [-–] "


def separator_regex(layout: Layout) -> re.Pattern[str]:
    """A newline and the header after it, for `split`; groups: date, clock, seconds, marker,
    author (None on a system line) and a U+200E that starts the text ("" if none), which flags
    rare shapes.

    Only a full header of this layout starts a record: any other line, however header-like,
    stays in the text of the record before it. The author runs to the first ": " (a colon
    followed by a letter, `Team:Alpha`, is part of the name) or to a colon that ends the line
    (a message whose text starts on the next line); whoever reads it checks names with ": "
    inside against what the whole export says (whatsapp_authors).
    """
    head = header_regex(layout, capture=True)
    author = r"([^:\n]++(?::[^ \n:][^:\n]*+)*+):(?: |(?=\n|\Z))"
    return re.compile(rf"\n{head}(?:{author})?(?=([{MARKS}]?))")


def start_regex(layout: Layout) -> re.Pattern[str]:
    """Matches where a record starts (used to cut chunks at record boundaries)."""
    return re.compile(header_regex(layout, capture=False))


def looks_like_header(line: str) -> bool:
    """Cheap check used by `sniff`: does this line start like a WhatsApp header?"""
    return _LOOSE.match("\n" + line) is not None


@dataclass
class Survey:
    """The header lines of a sample: their shape (most lines share it) and their dates."""

    rows: list[tuple[str | None, ...]]
    shape: tuple[object, ...]
    dates: Dates
    rtl: bool

    def scan(self, text: str, first_line: int) -> None:
        """Add the dates of headers of the same shape in more of the export (`text` starts at
        the beginning of line `first_line`)."""
        for row, line in _headers(text, first_line):
            if _shape(row) == self.shape:
                self.dates.add((str(row[1]), str(row[3]), str(row[4])), line)

    def layout(self, order: str, name: str) -> Layout:
        year_pos = order.index("y")
        first, triples = self.rows[0], self.dates.triples
        return Layout(
            ios=bool(first[0]),
            order=order,
            date_sep=str(first[2]),
            year_digits=Counter(len(t[year_pos]) for t in triples).most_common(1)[0][0],
            date_time=str(first[5]),
            time_sep=str(first[7]),
            seconds=first[9] is not None,
            ampm=_ampm(Counter(r[10] for r in self.rows if r[10]), name),
            rtl=self.rtl,
        )


def survey(text: str, *, name: str) -> Survey:
    """The header lines among the first SAMPLE_LINES of `text` (the start of an export)."""
    found = list(itertools.islice(_headers(text, 1), SAMPLE_LINES))
    if not found:
        raise FormatError(
            "no WhatsApp message header found",
            path=name,
            line=1,
            hint="Expected lines like '31/12/2021, 10:15 - Name: text' (Android) or "
            "'[31/12/2021, 10:15:32] Name: text' (iOS). Is this a WhatsApp chat export?",
        )
    # The shape most lines share wins, so a header-like body line cannot change the layout.
    shape = Counter(_shape(row) for row, _ in found).most_common(1)[0][0]
    rows, dates = [], Dates()
    for row, line in found:
        if _shape(row) == shape:
            rows.append(row)
            dates.add((str(row[1]), str(row[3]), str(row[4])), line)
    rtl = re.search(rf"\d[{MARKS}][./-]\d", text[:65536]) is not None
    return Survey(rows, shape, dates, rtl)


def _headers(text: str, first_line: int) -> Iterator[tuple[tuple[str | None, ...], int]]:
    """Header-like lines of `text` with their line numbers, `text` starting at `first_line`."""
    prefixed = "\n" + text
    line, at = first_line - 1, 0
    for match in _LOOSE.finditer(prefixed):
        line += prefixed.count("\n", at, match.start() + 1)
        at = match.start() + 1
        yield match.groups(), line


def _shape(row: tuple[str | None, ...]) -> tuple[object, ...]:
    """Brackets, date separator, date-time separator, time separator, seconds, AM/PM."""
    return (row[0], row[2], row[5], row[7], row[9] is not None, row[10] is not None)


def _ampm(markers: Counter[str | None], name: str) -> tuple[str, str] | None:
    """The (AM, PM) pair of the most common marker; its partner need not be in the sample."""
    if not markers:
        return None
    marker = str(markers.most_common(1)[0][0])
    pair = _AMPM.get(marker_key(marker))  # 'a.m', 'P. M.': the table's, by their letters
    if pair is None:
        raise FormatError(
            f"unrecognised AM/PM marker {marker!r}",
            path=name,
            line=1,
            hint="Known spellings: " + ", ".join("/".join(p) for p in AMPM_PAIRS) + ".",
        )
    return pair


def marker_spellings(pair: tuple[str, str]) -> tuple[list[str], list[str], list[str]]:
    """(every spelling, the AM ones, the PM ones) of a marker pair: the pair itself, the table's
    spellings with the same letters, in lower and upper case, with any inner space as a
    NO-BREAK or NARROW NO-BREAK SPACE."""
    sides = []
    for marker in pair:
        key = marker_key(marker)
        forms = {m for p in AMPM_PAIRS for m in p if marker_key(m) == key} | {marker}
        forms |= {f.lower() for f in forms} | {f.upper() for f in forms}
        forms |= {f.replace(" ", space) for f in forms for space in INNER_SPACES}
        sides.append(sorted(forms))
    return sides[0] + sides[1], sides[0], sides[1]


def convert_date(layout: Layout, text: str) -> str:
    """The export's date text as "YYYY-MM-DD"; ValueError if there is no such day."""
    fields = text.translate(NO_MARKS).split(layout.date_sep)
    y, m, d = (int(fields[layout.order.index(c)]) for c in "ymd")
    return dt.date(y + 2000 if y < 100 else y, m, d).isoformat()


@functools.lru_cache(maxsize=8)  # shared, read only: small exports should not pay for them
def clock_tables(layout: Layout) -> dict[str, dict[str, str]]:
    """AM/PM marker as written ("" on a 24 h clock) -> clock as written -> "THH:MM:" + seconds.

    Prebuilt (at most a few thousand entries) so the hot loop never misses; seconds are added by
    concatenation, which keeps the tables small enough to stay in the CPU cache.
    """
    tail = "" if layout.seconds else "00"
    sep = layout.time_sep
    if not layout.ampm:
        return {"": _clocks(range(24), sep, tail, None)}
    _, ams, pms = marker_spellings(layout.ampm)
    morning, afternoon = _clocks(range(13), sep, tail, 0), _clocks(range(13), sep, tail, 12)
    tables: dict[str, dict[str, str]] = {}
    for space in ("", *AMPM_SPACE):
        tables |= {space + am: morning for am in ams} | {space + pm: afternoon for pm in pms}
    return tables


def _clocks(hours: range, sep: str, tail: str, shift: int | None) -> dict[str, str]:
    """Clock text (hour zero-padded or not) -> "THH:MM:" + tail; `shift` None on a 24 h clock."""
    table = {}
    for hour in hours:
        iso = f"T{hour if shift is None else hour % 12 + shift:02d}:"
        for minute in range(60):
            value = f"{iso}{minute:02d}:{tail}"
            table[f"{hour}{sep}{minute:02d}"] = table[f"{hour:02d}{sep}{minute:02d}"] = value
    return table
