"""Properties of the WhatsApp parser: any bytes give messages or a FormatError; records written
out as an export (by bench/chatgen.py's renderer) parse back to themselves."""

from __future__ import annotations

import importlib.util
import io
import sys
from datetime import datetime, timedelta
from pathlib import Path
from types import ModuleType

from hypothesis import given, settings
from hypothesis import strategies as st

from tarry.base.errors import FormatError
from tarry.mirror.formats import KINDS, Message, whatsapp
from tarry.mirror.formats.whatsapp_text import SPECIAL, is_system_author

from .exploring import explore, exports
from .parsing import fixture, seeds


def _chatgen() -> ModuleType:
    path = Path(__file__).parents[3] / "bench" / "chatgen.py"
    spec = importlib.util.spec_from_file_location("chatgen", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["chatgen"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


chatgen = _chatgen()
SEED = fixture("whatsapp", "android_dmy_24h.txt").read_bytes()


def check(data: bytes) -> int:
    """Messages of the right shape, or a FormatError naming the input and a line or byte.
    Returns how many messages came."""
    count = 0
    try:
        for message in whatsapp.parse(io.BytesIO(data), name="fuzz.txt"):
            assert isinstance(message, Message) and message.kind in KINDS
            assert len(message.ts) == 19 and message.ts[10] == "T"
            datetime.fromisoformat(message.ts)
            count += 1
    except FormatError as err:
        assert err.path is not None and err.path.startswith("fuzz.txt")
    return count


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes(data: bytes) -> None:
    """Garbage is refused with the input named (it never reaches the message code)."""
    check(data)


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_after_zip_magic(data: bytes) -> None:
    check(b"PK\x03\x04" + data)


PIECE = st.text(alphabet="0123456789/.-:,[] \u200e\u202fAPMap.klo–BoAda: xé😊\r", max_size=6)
DATES = ["31/12/2021", "12/31/21", "1/2/22", "31.12.21", "2021-12-31", "31-12-2021", "13.1.2022"]
TIMES = ["22:15", "9:05 PM", "10:15 p. m.", "22:15:32", "9:05:10 AM", "klo 22.15", "0.00"]


@st.composite
def header_like_lines(draw: st.DrawFn) -> str:
    """Lines put together from the pieces of real headers (dates, times, brackets, dashes,
    names), each piece sometimes replaced by header-ish noise."""

    def piece(choices: list[str]) -> str:
        return draw(PIECE) if draw(st.integers(0, 5)) == 0 else draw(st.sampled_from(choices))

    bracket = draw(st.booleans())
    out = []
    for _ in range(draw(st.integers(1, 8))):
        head = f"{piece(DATES)}{piece([', ', ' ', ' klo '])}{piece(TIMES)}"
        head = f"\u200e[{head}] " if bracket else f"{head}{piece([' - ', ' – '])}"
        out.append(f"{head}{piece(['Ada', 'Bo', 'Supper club'])}: {draw(PIECE)}")
    return "\n".join(out)


def test_header_like_text() -> None:
    explore(header_like_lines(), lambda text: check(text.encode()), examples=150, share=0.1)


@st.composite
def cut_and_inserted(draw: st.DrawFn) -> bytes:
    at = draw(st.integers(0, len(SEED)))
    cut = draw(st.integers(0, 40))
    insert = draw(st.one_of(st.binary(max_size=20), st.text(max_size=20).map(str.encode)))
    return SEED[:at] + insert + SEED[at + cut :]


def test_mutated_fixture() -> None:
    """A real-looking export with bytes cut and text or bytes inserted somewhere (bytes that
    are not UTF-8 make the whole file a FormatError, so only text keeps it parsing)."""
    explore(cut_and_inserted(), check, examples=100, share=0.25)


def test_changed_exports() -> None:
    """Every layout of tests/data/whatsapp with lines removed, duplicated or swapped, a digit
    or a few bytes changed."""
    explore(exports(seeds("whatsapp")), check, examples=200, share=0.3)


AUTHOR = (
    st.text(
        alphabet=st.characters(
            blacklist_categories=["Cc", "Cs", "Zl", "Zp"], blacklist_characters=":"
        ),
        min_size=1,
        max_size=12,
    )
    .map(str.strip)
    .filter(lambda a: a and not is_system_author(a))  # names that read as a system line are one
)
LINE = st.text(
    alphabet=st.characters(blacklist_categories=["Cc", "Cs", "Zl", "Zp"]), min_size=1, max_size=30
).filter(lambda t: t.strip(" \u200e\u200f") == t and t not in SPECIAL)


@st.composite
def records(draw: st.DrawFn) -> tuple[str, str, list[tuple[datetime, str, str]]]:
    platform = draw(st.sampled_from(["android", "ios"]))
    locale = draw(st.sampled_from(sorted(chatgen.LOCALES)))
    when = datetime(2021, 1, 1, 8, 0, 0)
    out = []
    for _ in range(draw(st.integers(1, 12))):
        when += timedelta(seconds=draw(st.integers(0, 3 * 86400)))
        lines = draw(st.lists(LINE, min_size=1, max_size=3))
        # A later line must not be a header of this layout (then it would start a record).
        lines[1:] = [f"> {line}" for line in lines[1:]]
        out.append((when.replace(microsecond=0), draw(AUTHOR), "\n".join(lines)))
    return platform, locale, out


@settings(max_examples=100, deadline=None)
@given(records())
def test_round_trip(case: tuple[str, str, list[tuple[datetime, str, str]]]) -> None:
    platform, locale, recs = case
    loc = chatgen.LOCALES[locale]
    text = "".join(chatgen.render(w, a, t, loc, platform) for w, a, t in recs)
    got = list(
        whatsapp.parse(io.BytesIO(text.encode()), name="rt.txt", day_first=loc.order == "dmy")
    )
    seconds = platform == "ios"
    expected = [
        Message((w if seconds else w.replace(second=0)).isoformat(), a, t, "message")
        for w, a, t in recs
    ]
    assert got == expected
