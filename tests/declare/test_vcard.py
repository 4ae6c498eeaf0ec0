"""`tarry import contacts`: dates from vCard 2.1, 3 and 4, idempotent, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tarry.base.errors import FormatError
from tarry.declare import important_dates, people, vcard
from tarry.store import Store

DATA = Path(__file__).resolve().parents[1] / "data" / "contacts"
PHONE = DATA / "phone.vcf"


@pytest.fixture
def known(store: Store) -> Store:
    people.add(store, "Sam", aliases=["Sam Kay"])
    people.add(store, "Maya Li")
    return store


def dates(store: Store) -> list[tuple[str, str, int, int, int | None, str]]:
    rows = store.query(
        "SELECT p.name, d.label, d.month, d.day, d.year, d.source FROM person_dates d"
        " JOIN people p ON p.id = d.person_id ORDER BY p.name, d.label"
    )
    return [tuple(r) for r in rows]


def test_versions_3_and_4_with_apple_labels(known: Store) -> None:
    summary = vcard.import_contacts(known, PHONE)
    assert (summary.cards, summary.matched, summary.dates_added, summary.not_in_tarry) == (
        4,
        ["Sam", "Maya Li"],
        5,
        1,
    )
    assert dates(known) == [
        ("Maya Li", "anniversary", 6, 20, 2015, "vcard"),
        ("Maya Li", "birthday", 2, 29, None, "vcard"),
        ("Sam", "anniversary", 6, 12, 2010, "vcard"),
        ("Sam", "birthday", 3, 15, 1985, "vcard"),
        ("Sam", "first met", 11, 2, None, "vcard"),
    ]


def test_importing_again_adds_nothing(known: Store) -> None:
    vcard.import_contacts(known, PHONE)
    again = vcard.import_contacts(known, PHONE)
    assert (again.dates_added, again.dates_known) == (0, 5)
    assert len(dates(known)) == 5


def test_adding_the_people_not_in_tarry(store: Store) -> None:
    summary = vcard.import_contacts(store, PHONE, add_people=True)
    assert summary.added_people == ["Sam Kay", "Maya Li", "René Dupont"]  # version 2.1, QP
    assert [p.name for p in people.all_people(store)] == ["Maya Li", "René Dupont", "Sam Kay"]
    assert ("René Dupont", "birthday", 1, 1, 1970, "vcard") in dates(store)


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        (
            b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:X\r\nBDAY 1990\r\nEND:VCARD\r\n",
            4,
            "not a vCard line",
        ),
        (b"FN:X\r\n", 1, "expected BEGIN:VCARD"),
        (b"BEGIN:VCARD\r\nFN:X\r\n", 1, "the last card has no END:VCARD"),
        (b"BEGIN:VCARD\r\nFN:\xff\r\nEND:VCARD\r\n", 2, "not UTF-8 text (byte 0xff)"),
        (
            b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:a;b\r\nBEGIN:VCARD\r\nEND:VCARD\r\n",
            1,
            "cannot be read",
        ),
    ],
)
def test_bad_files_name_the_line_and_change_nothing(
    known: Store, tmp_path: Path, text: bytes, line: int, says: str
) -> None:
    path = tmp_path / "bad.vcf"
    path.write_bytes(PHONE.read_bytes() + text)
    first = PHONE.read_bytes().count(b"\n")
    with pytest.raises(FormatError) as caught:
        vcard.import_contacts(known, path)
    assert caught.value.line == first + line and says in caught.value.message
    assert dates(known) == []


def test_a_date_that_is_not_one_is_skipped_with_its_line(known: Store, tmp_path: Path) -> None:
    path = tmp_path / "odd.vcf"
    path.write_bytes(b"BEGIN:VCARD\nVERSION:4.0\nFN:Sam\nBDAY:circa 1980\nEND:VCARD\n")
    summary = vcard.import_contacts(known, path)
    assert summary.skipped == ["line 4: Sam's birthday 'circa 1980' is not a date"]


def test_the_command(cli, known: Store) -> None:
    result = cli("import", "contacts", str(PHONE))
    assert result.stdout.splitlines() == [
        "4 cards read: 5 dates remembered (0 known already) for Sam, Maya Li.",
        "1 card with dates name no one in tarry: give them an alias (tarry people edit NAME"
        " --alias 'FULL NAME') or import with --add.",
    ]
    assert json.loads(cli("import", "contacts", str(PHONE), "--json").stdout)["dates_known"] == 5
    result = cli("import", "contacts", "nowhere.vcf")
    assert result.code == 2 and "No such file: nowhere.vcf" in result.stderr
    assert important_dates.upcoming(known, 366)[0].person in ("Sam", "Maya Li")


def test_comma_separated_name_parts_are_names(store: Store, tmp_path: Path) -> None:
    """Found by the fuzzer: `N:Kay,Lee;Sam` gives vobject a list, which was a TypeError."""
    path = tmp_path / "two-families.vcf"
    path.write_bytes(
        b"BEGIN:VCARD\nVERSION:3.0\nN:Kay,Lee;Sam;;;\nNICKNAME:Sammy,S\n"
        b"BDAY:1985-03-15\nEND:VCARD\n"
    )
    summary = vcard.import_contacts(store, path, add_people=True)
    assert summary.added_people == ["Sam Kay Lee"]
    assert dates(store) == [("Sam Kay Lee", "birthday", 3, 15, 1985, "vcard")]
