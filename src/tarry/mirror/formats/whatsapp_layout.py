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
from collections.abc import Sequence
from dataclasses import dataclass

from tarry.base.errors import FormatError

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
_AMPM = {am: (am, pm) for am, pm in AMPM_PAIRS} | {pm: (am, pm) for am, pm in AMPM_PAIRS}

# A forgiving header shape used only on the sample: which separators, brackets and markers occur.
# It starts with a newline (the sample gets one in front) so that the search skips from line to
# line instead of trying every character.
_LOOSE = re.compile(
    rf"\n[{MARKS}]*(\[)?"
    r"(\d{1,4})([./-])(\d{1,2})\3(\d{1,4})"
    r"(\.?,? ?(?:[^\W\d_]{1,4}\.? )?)"  # between date and time: ", " or " " or " klo "
    r"(\d{1,2})([:.])(\d{2})(?:\8(\d{2}))?"
    rf"(?:[{AMPM_SPACE}]?([^\W\d_][^\]\n]{{0,8}}?))?"
    r"(?(1)\] | [-–] )",
)
ORDERS = ("dmy", "mdy", "ymd")
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
    return re.escape(layout.date_sep).join(parts[c] for c in layout.order)


def _time_regex(layout: Layout, capture: bool) -> str:
    """Groups when `capture`: clock (hour and minute), seconds ("" if the layout has none) and
    AM/PM marker with the space before it ("" on a 24 h clock)."""
    sep = re.escape(layout.time_sep)
    hour = r"(?:[01]?\d|2[0-3])" if layout.ampm is None else r"(?:0?\d|1[0-2])"
    seconds = rf"{sep}([0-5]\d)" if layout.seconds else "()"
    marker = "()"
    if layout.ampm:
        marker = f"([{AMPM_SPACE}]?(?:{'|'.join(re.escape(m) for m in layout.ampm)}))"
    time = f"({hour}{sep}[0-5]\\d){seconds}{marker}"
    return time if capture else time.replace("(", "(?:").replace("(?:?:", "(?:")


def header_regex(layout: Layout, *, capture: bool) -> str:
    """The header up to the author; groups when `capture`: date, clock, seconds, marker."""
    date = f"({_date_regex(layout)})" if capture else f"(?:{_date_regex(layout)})"
    stamp = date + re.escape(layout.date_time) + _time_regex(layout, capture)
    return rf"[{MARKS}]?\[{stamp}\] " if layout.ios else rf"[{MARKS}]?{stamp} [-–] "


def separator_regex(layout: Layout) -> re.Pattern[str]:
    """A newline and the header after it, for `split`; groups: date, clock, seconds, marker,
    author (None on a system line) and a U+200E that starts the text ("" if none), which flags
    rare shapes.

    Only a full header of this layout starts a record: any other line, however header-like,
    stays in the text of the record before it.
    """
    head = header_regex(layout, capture=True)
    return re.compile(rf"\n{head}(?:([^:\n]++): )?(?=([{MARKS}]?))")


def start_regex(layout: Layout) -> re.Pattern[str]:
    """Matches where a record starts (used to cut chunks at record boundaries)."""
    return re.compile(header_regex(layout, capture=False))


def looks_like_header(line: str) -> bool:
    """Cheap check used by `sniff`: does this line start like a WhatsApp header?"""
    return _LOOSE.match("\n" + line) is not None


def detect(text: str, *, name: str, day_first: bool | None = None) -> Layout:
    """Decide the layout from the header lines in `text` (the start of an export)."""
    found = _LOOSE.finditer("\n" + text)
    rows = [m.groups() for _, m in zip(range(SAMPLE_LINES), found, strict=False)]
    if not rows:
        raise FormatError(
            "no WhatsApp message header found",
            path=name,
            line=1,
            hint="Expected lines like '31/12/2021, 10:15 - Name: text' (Android) or "
            "'[31/12/2021, 10:15:32] Name: text' (iOS). Is this a WhatsApp chat export?",
        )
    # The shape most lines share wins, so a header-like body line cannot change the layout.
    shapes = Counter(_shape(r) for r in rows)
    shape = shapes.most_common(1)[0][0]
    rows = [r for r in rows if _shape(r) == shape]
    triples = [(r[1], r[3], r[4]) for r in rows]
    order = decide_order(triples, day_first=day_first, name=name)
    year_pos = order.index("y")
    first = rows[0]
    return Layout(
        ios=bool(first[0]),
        order=order,
        date_sep=str(first[2]),
        year_digits=Counter(len(t[year_pos]) for t in triples).most_common(1)[0][0],
        date_time=str(first[5]),
        time_sep=str(first[7]),
        seconds=first[9] is not None,
        ampm=_ampm(Counter(r[10] for r in rows if r[10]), name),
    )


def _shape(row: tuple[str | None, ...]) -> tuple[object, ...]:
    """Brackets, date separator, date-time separator, time separator, seconds, AM/PM."""
    return (row[0], row[2], row[5], row[7], row[9] is not None, row[10] is not None)


def _ampm(markers: Counter[str | None], name: str) -> tuple[str, str] | None:
    """The (AM, PM) pair of the most common marker; its partner need not be in the sample."""
    if not markers:
        return None
    marker = str(markers.most_common(1)[0][0])
    pair = _AMPM.get(marker) or _guess_pair(marker)
    if pair is None:
        raise FormatError(
            f"unrecognised AM/PM marker {marker!r}",
            path=name,
            line=1,
            hint="Known spellings: " + ", ".join("/".join(p) for p in AMPM_PAIRS) + ".",
        )
    return pair


def _guess_pair(marker: str) -> tuple[str, str] | None:
    """`a.m` style spellings not in the table: swap the a/p letter to find the partner."""
    bare = marker.replace(".", "").replace(" ", "").lower()
    swap = {"a": "p", "A": "P", "p": "a", "P": "A"}
    if bare not in ("am", "pm"):
        return None
    other = swap[marker[0]] + marker[1:]
    return (marker, other) if bare == "am" else (other, marker)


def decide_order(
    triples: Sequence[tuple[str, str, str]], *, day_first: bool | None, name: str
) -> str:
    """Pick day/month/year order: valid values, then chronology, then which field changes most."""
    # Runs of one date say nothing about order: keep one line of each run (and it is faster).
    triples = [t for i, t in enumerate(triples) if i == 0 or t != triples[i - 1]]
    # Body lines can look like headers with impossible dates: the order that fits most lines wins.
    fits = {o: sum(_valid(t, o) for t in triples) for o in ORDERS}
    if day_first is not None:
        fits = {o: n for o, n in fits.items() if (o == "dmy") == day_first}
    best = max(fits.values(), default=0)
    candidates = [o for o, n in fits.items() if n == best and n > 0]
    if len(candidates) > 1:
        candidates = _fewest_inversions(triples, candidates)
    if len(candidates) > 1:
        candidates = [o for o in candidates if _changes_fit(triples, o)] or candidates
    if day_first is False and len(candidates) > 1 and "ymd" in candidates:
        candidates.remove("ymd")  # month/day was asked for; a 2-digit year first is rare
    if len(candidates) == 1:
        return candidates[0]
    seen = sorted({"/".join(t) for t in triples})[:3]
    problem = "ambiguous" if candidates else "impossible"
    raise FormatError(
        f"the date order is {problem}: dates like {', '.join(seen)} fit "
        + (" and ".join(spell_order(o) for o in candidates) if candidates else "no known order"),
        path=name,
        line=1,
        hint="Say which comes first.",
        field="day_first",
        expected="dmy for day/month/year, mdy for month/day/year",
        example="dmy",
    )


def spell_order(order: str) -> str:
    return "/".join({"d": "day", "m": "month", "y": "year"}[c] for c in order)


def _valid(triple: tuple[str, str, str], order: str) -> bool:
    fields = dict(zip(order, triple, strict=True))
    if any(len(fields[c]) > 2 for c in "dm") or len(fields["y"]) == 3:
        return False
    return 1 <= int(fields["d"]) <= 31 and 1 <= int(fields["m"]) <= 12


def _ymd(triple: tuple[str, str, str], order: str) -> tuple[int, int, int]:
    fields = dict(zip(order, triple, strict=True))
    return int(fields["y"]) % 100, int(fields["m"]), int(fields["d"])


def _fewest_inversions(triples: Sequence[tuple[str, str, str]], orders: list[str]) -> list[str]:
    """Exports are chronological: keep the orders under which dates go backwards least often."""
    counts = {}
    for order in orders:
        dates = [_ymd(t, order) for t in triples]
        counts[order] = sum(1 for a, b in itertools.pairwise(dates) if b < a)
    least = min(counts.values())
    return [o for o in orders if counts[o] == least]


def _changes_fit(triples: Sequence[tuple[str, str, str]], order: str) -> bool:
    """Days change more often than months, months at least as often as years."""
    changes = [0, 0, 0]
    for a, b in itertools.pairwise(triples):
        for i in range(3):
            changes[i] += int(a[i]) != int(b[i])
    by_field = dict(zip(order, changes, strict=True))
    return by_field["d"] > by_field["m"] >= by_field["y"]


def convert_date(layout: Layout, text: str) -> str:
    """The export's date text as "YYYY-MM-DD"; ValueError if there is no such day."""
    fields = text.split(layout.date_sep)
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
    am, pm = layout.ampm
    tables = {}
    for space in ("", *AMPM_SPACE):
        tables[space + am] = _clocks(range(13), sep, tail, 0)
        tables[space + pm] = _clocks(range(13), sep, tail, 12)
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
