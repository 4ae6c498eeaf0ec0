"""Moments: the library, `tarry log` (flags and prompts) and `tarry moments`."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from tarry.base.errors import InvalidInput, NotFound
from tarry.declare import people
from tarry.reflect import moments
from tarry.store import Store

AT = datetime(2026, 11, 18, 19, 0, tzinfo=UTC)


@pytest.fixture
def sam(store: Store) -> Store:
    people.add(store, "Sam", relation="partner", aliases=["Sammy"])
    people.add(store, "Maya")
    return store


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("45m", 45), ("2h", 120), ("1h30m", 90), ("1.5h", 90), ("90m", 90), ("1 h 30 min", 90)],
)
def test_parse_duration(text: str, minutes: int) -> None:
    assert moments.parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["", "abc", "h", "2x", "-5m"])
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(InvalidInput, match="Cannot read the duration"):
        moments.parse_duration(text)


@pytest.mark.parametrize("text", ["5", "90", "1.5"])
def test_parse_duration_needs_a_unit(text: str) -> None:
    with pytest.raises(InvalidInput, match=f"Is '{text}' minutes or hours") as caught:
        moments.parse_duration(text)
    assert caught.value.hint == f"Write {text}m for minutes or {text}h for hours."


@pytest.mark.parametrize(
    ("rating", "level"),
    [(1, "none"), (2, "fact"), (3, "fact"), (4, "thought"), (5, "thought"), (6, "feeling"),
     (7, "feeling")],
)  # fmt: skip
def test_disclosure_follows_what_i_disclosed(rating: int, level: str) -> None:
    assert moments.disclosure_for(rating) == level


def test_log_everything(sam: Store) -> None:
    moment = moments.log(
        sam, ["sammy", "Maya"], at=AT, duration_min=45, medium="call", initiator="me",
        intimacy=6, i_disclosed=7, they_disclosed=5, pleasantness=4, satisfaction=6,
        responsiveness=7, discomfort=6, practices="seen+depth", note="Told her about the fear.",
    )  # fmt: skip
    assert moment.to_dict() == {
        "id": 1,
        "at": "2026-11-18T19:00:00+00:00",
        "duration_min": 45,
        "medium": "call",
        "initiator": "me",
        "intimacy": 6,
        "i_disclosed": 7,
        "they_disclosed": 5,
        "pleasantness": 4,
        "satisfaction": 6,
        "responsiveness": 7,
        "discomfort": 6,
        "disclosure": "feeling",
        "note": "Told her about the fear.",
        "people": ["Maya", "Sam"],
        "practices": ["depth", "seen"],
        "meaningfulness": 5.6,
    }
    hits = sam.scalar("SELECT count(*) FROM search_index WHERE search_index MATCH 'fear'")
    assert hits == 1


def test_log_defaults(sam: Store) -> None:
    moment = moments.log(sam, ["Sam"])
    assert (moment.duration_min, moment.medium, moment.initiator) == (30, "in-person", "mutual")
    assert (moment.intimacy, moment.meaningfulness, moment.disclosure) == (4, 4.0, "thought")
    assert (moment.responsiveness, moment.discomfort) == (None, 0)
    assert moment.at == datetime(2026, 11, 19, 12, 0, tzinfo=UTC)


def test_explicit_disclosure_wins(sam: Store) -> None:
    assert moments.log(sam, ["Sam"], i_disclosed=7, disclosure="fact").disclosure == "fact"


@pytest.mark.parametrize(
    ("names", "kwargs", "error", "message"),
    [
        (["Zed"], {}, NotFound, "No person called 'Zed'"),
        ([], {}, InvalidInput, "at least one person"),
        (["Sam"], {"intimacy": 8}, InvalidInput, "8 is not on the 1-7 scale"),
        (["Sam"], {"satisfaction": 0}, InvalidInput, "0 is not on the 1-7 scale"),
        (["Sam"], {"responsiveness": 9}, InvalidInput, "9 is not on the 1-7 scale"),
        (["Sam"], {"discomfort": 11}, InvalidInput, "11 is not on the 0-10 scale"),
        (["Sam"], {"medium": "fax"}, InvalidInput, "'fax' is not one of the choices"),
        (["Sam"], {"initiator": "boss"}, InvalidInput, "'boss' is not one of the choices"),
        (["Sam"], {"disclosure": "deep"}, InvalidInput, "'deep' is not one of the choices"),
        (["Sam"], {"practices": "courage"}, InvalidInput, "Unknown practice"),
        (["Sam"], {"duration_min": -5}, InvalidInput, "negative"),
        (["Sam"], {"duration_min": 99999 * 60}, InvalidInput, "at most 24 h, not 99999 h"),
        (["Sam"], {"duration_min": 24 * 60 + 1}, InvalidInput, "at most 24 h, not 24.0167 h"),
        (
            ["Sam"],
            {"at": datetime(9999, 12, 31, tzinfo=UTC)},
            InvalidInput,
            "9999-12-31 00:00 is more than a day ahead",
        ),
        (["Sam"], {"at": datetime(2026, 11, 20, 12, 1, tzinfo=UTC)}, InvalidInput, "ahead"),
        (
            ["Sam"],
            {"at": datetime(1900, 1, 1, tzinfo=UTC)},
            InvalidInput,
            "1900-01-01 is before 1970",
        ),
    ],
)
def test_bad_input_writes_nothing(
    sam: Store, names: list[str], kwargs: dict, error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        moments.log(sam, names, **kwargs)
    assert sam.scalar("SELECT count(*) FROM moments") == 0
    assert sam.scalar("SELECT count(*) FROM moment_people") == 0


def test_listing_filters_and_remove(sam: Store) -> None:
    early = moments.log(sam, ["Sam"], at=datetime(2026, 11, 1, 9, 0, tzinfo=UTC))
    late = moments.log(sam, ["Maya"], at=datetime(2026, 11, 10, 9, 0, tzinfo=UTC))
    both = moments.log(sam, ["Sam", "Maya"], at=datetime(2026, 11, 12, 9, 0, tzinfo=UTC))
    assert [m.id for m in moments.all_moments(sam)] == [both.id, late.id, early.id]
    since = datetime(2026, 11, 5, tzinfo=UTC)
    assert [m.id for m in moments.all_moments(sam, since=since)] == [both.id, late.id]
    assert [m.id for m in moments.all_moments(sam, until=since)] == [early.id]
    assert [m.id for m in moments.all_moments(sam, person="sammy")] == [both.id, early.id]
    assert [m.id for m in moments.all_moments(sam, limit=1)] == [both.id]
    moments.remove(sam, late.id)
    with pytest.raises(NotFound):
        moments.get(sam, late.id)


def test_cli_log_with_all_flags(cli, sam: Store) -> None:
    result = cli(
        "log", "--with", "Sam", "-w", "Maya", "--at", "2026-11-18 19:00", "--for", "1h30m",
        "--medium", "video", "--initiator", "them", "--intimacy", "6", "--i-disclosed", "5",
        "--they-disclosed", "6", "--pleasant", "7", "--satisfied", "6", "--responsive", "5",
        "--discomfort", "3", "--practice", "stay", "-p", "space", "--note", "She cried; I stayed.",
    )  # fmt: skip
    assert result.code == 0, result.stderr
    assert result.stdout.strip() == (
        "Logged moment 1 with Maya, Sam: meaningfulness 6, disclosure thought."
    )
    listed = json.loads(cli("moments", "list", "--json").stdout)
    assert listed[0]["at"] == "2026-11-18T19:00:00+00:00"
    assert (listed[0]["duration_min"], listed[0]["medium"], listed[0]["initiator"]) == (
        90,
        "video",
        "them",
    )
    assert (listed[0]["practices"], listed[0]["responsiveness"]) == (["space", "stay"], 5)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--with", "Zed"], "No person called 'Zed'"),
        (["--with", "Sam", "--intimacy", "9"], "9 is not on the 1-7 scale.\n--intimacy: a whole"),
        (["--with", "Sam", "--for", "forever"], "Cannot read the duration"),
        (["--intimacy", "5"], "A moment needs at least one person."),
        (["--with", "Sam", "--for", "99999h"], "A moment lasts at most 24 h, not 99999 h."),
        (["--with", "Sam", "--for", "30"], "Is '30' minutes or hours? A duration needs a unit."),
        (["--with", "Sam", "--at", "9999-12-31"], "9999-12-31 00:00 is more than a day ahead."),
        (["--with", "Sam", "--at", "1900-01-01"], "1900-01-01 is before 1970."),
    ],
)
def test_cli_log_bad_input_exits_2(cli, sam: Store, args: list[str], message: str) -> None:
    result = cli("log", *args)
    assert result.code == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert sam.scalar("SELECT count(*) FROM moments") == 0


def test_cli_log_interactive(cli, sam: Store) -> None:
    answers = [
        "Zed",  # unknown: asked again
        "Sam, Maya",
        "2026-11-18 20:00",
        "45m",
        "call",
        "me",
        "6",
        "9",  # out of range: asked again
        "7",
        "5",
        "",  # pleasantness: default 4
        "6",
        "",  # responsiveness skipped
        "4",
        "seen+depth",
        "Asked what she needs.",
    ]
    result = cli("log", input="\n".join(answers) + "\n")
    assert result.code == 0, result.stderr
    assert "No person called 'Zed'" in result.stdout + result.stderr
    assert "'9' is not a whole number from 1 to 7." in result.stdout + result.stderr
    moment = moments.get(sam, 1)
    assert moment.people == ["Maya", "Sam"]
    assert moment.at == datetime(2026, 11, 18, 20, 0, tzinfo=UTC)
    assert (moment.duration_min, moment.medium, moment.initiator) == (45, "call", "me")
    ratings = (moment.intimacy, moment.i_disclosed, moment.they_disclosed)
    assert ratings == (6, 7, 5)
    assert (moment.pleasantness, moment.satisfaction, moment.responsiveness) == (4, 6, None)
    assert (moment.discomfort, moment.practices, moment.note) == (
        4,
        ["depth", "seen"],
        "Asked what she needs.",
    )


def test_cli_moments_list_filters_and_remove(cli, sam: Store) -> None:
    moments.log(sam, ["Sam"], at=datetime(2026, 11, 1, 9, 0, tzinfo=UTC), note="[early] one")
    moments.log(sam, ["Maya"], at=datetime(2026, 11, 10, 9, 0, tzinfo=UTC))
    only_sam = json.loads(cli("moments", "list", "--with", "Sam", "--json").stdout)
    assert [m["id"] for m in only_sam] == [1]
    recent = json.loads(cli("moments", "list", "--since", "2026-11-05", "--json").stdout)
    assert [m["id"] for m in recent] == [2]
    assert "[early] one" in cli("moments", "list").stdout  # user text is not markup
    assert cli("moments", "remove", "2").code == 0
    assert cli("moments", "remove", "2").code == 2
    assert [m.id for m in moments.all_moments(sam)] == [1]


def test_cli_moments_list_limit(cli, sam: Store) -> None:
    for day in (1, 2, 3):
        moments.log(sam, ["Sam"], at=datetime(2026, 11, day, 9, 0, tzinfo=UTC))
    assert len(json.loads(cli("moments", "list", "--limit", "2", "--json").stdout)) == 2
    assert len(json.loads(cli("moments", "list", "--limit", "0", "--json").stdout)) == 3


def test_cli_log_interrupted_prompts_store_nothing(sam: Store) -> None:
    # A real process: its standard input ends after the first answer (end of file).
    command = [sys.executable, "-m", "tarry", "--home", str(sam.home), "log"]
    result = subprocess.run(command, input="Sam\n", capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "Aborted; nothing was changed." in result.stderr
    assert sam.scalar("SELECT count(*) FROM moments") == 0


def test_cli_log_interactive_needs_someone_first(cli, store: Store) -> None:
    result = cli("log", input="\n")
    assert result.code == 2 and "tarry people add NAME" in result.stderr


@pytest.mark.parametrize(
    ("args", "line"),
    [
        ([], "No moments yet. Log one: tarry log --with NAME."),
        (["--with", "Maya"], "No moments with Maya."),
        (["--with", "Maya", "--since", "2026-11-01"], "No moments with Maya since 2026-11-01."),
    ],
)
def test_cli_empty_listing_says_so_in_one_line(cli, sam: Store, args: list[str], line: str):
    assert cli("moments", "list", *args).stdout == line + "\n"
    assert cli("moments", "list", *args, "--json").stdout.strip() == "[]"
