"""Fuzz the importer: mutated .ics bytes give a FormatError or an import, never another error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tarry.base.errors import FormatError
from tarry.calendar.expand import Window
from tarry.calendar.ics_import import import_calendar
from tarry.store import Store

DATA = Path(__file__).parents[1] / "data" / "calendar"
SEEDS = [(DATA / name).read_bytes() for name in ("home.ics", "absurd.ics", "unknown-tz.ics")]
TOKENS = [
    b":",
    b";",
    b"\r\n",
    b"\r\n ",
    b"BEGIN:VEVENT\r\n",
    b"END:VEVENT\r\n",
    b"TZID=X:",
    b"RRULE:FREQ=SECONDLY\r\n",
    b"=",
    b'"',
    b"\\",
    b"Z",
    b"T",
    b"99",
    b"\xff",
    b",",
    b"/",
    b";INTERVAL=0",
    b";BYSETPOS=9",
    b";BYMONTH=2;BYMONTHDAY=30",
    b";COUNT=999999",
    b"-P1D",
]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.one_of(st.sampled_from(TOKENS), st.binary(max_size=8)))
        if action == "insert":
            data[at:at] = piece
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        else:
            data[at : at + len(piece)] = piece
    return bytes(data)


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return Store.open(tmp_path_factory.mktemp("fuzz") / "home")


@pytest.mark.filterwarnings("error")  # e.g. dateutil guessing at a mangled UNTIL
@settings(
    max_examples=int(os.environ.get("TARRY_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(data=mutated())
def test_mutated_files_fail_cleanly(
    fuzz_store: Store, tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("in") / "fuzzed.ics"
    path.write_bytes(data)
    window = Window(*_window())
    try:
        result = import_calendar(fuzz_store, path, window=window, cap=200)
    except FormatError as exc:
        assert exc.path == str(path)
    else:
        assert result.files == 1


def _window() -> tuple:
    from datetime import UTC, datetime

    return datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 31, tzinfo=UTC)
