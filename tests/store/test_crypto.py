"""The key header, unlocking, and encrypted stores (SQLCipher) opened through Store.open."""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import stat
import tracemalloc
import unicodedata
from pathlib import Path

import keyring
import pytest
from argon2.exceptions import HashingError
from argon2.low_level import Type
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError
from tests import cheap_kdf

from tarry.base.errors import Conflict, InvalidInput, LockedError, Step, StoreError
from tarry.declare import people
from tarry.store import (
    Store,
    backup,
    connection,
    crypto,
    encryption,
    migrations,
    swap,
    unlock,
)
from tarry.store.connection import as_store_error, connect

FLOOR = crypto.KdfParams()
PASS = "correct horse battery"


@pytest.fixture(autouse=True)
def _floor_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests use the floor cost (64 MiB, 3 passes) instead of tuning to half a second."""
    monkeypatch.setenv("TARRY_KDF", "minimum")


def _header(secret: str = PASS) -> tuple[crypto.Header, bytes]:
    data_key = crypto.new_data_key()
    header = crypto.Header(store_id="test-store")
    header = crypto.rewrap(header, data_key, crypto.PASSPHRASE, crypto.passphrase_bytes(secret))
    return header, data_key


def test_floor_cost_is_64_mib_and_3_passes() -> None:
    assert (FLOOR.memory_kib, FLOOR.iterations) == (65536, 3)
    assert crypto.tune() == FLOOR


def test_tuning_never_goes_below_the_floor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TARRY_KDF")
    assert crypto.tune(target_s=0.0) == FLOOR


def test_the_wrapping_key_is_argon2id_of_the_secret_with_the_header_parameters() -> None:
    """derive is exactly Argon2id(secret, salt, passes, memory, lanes, 32 bytes): a header
    written by tarry opens with any Argon2id, and no parameter is dropped or altered on the way.
    (The reference is the Argon2 function tarry calls, named by keyword here; under mutation
    runs it is the token-cost one, which hashes every parameter into the key.)"""
    secret, salt = crypto.passphrase_bytes(PASS), b"salt-of-16-bytes"
    params = crypto.KdfParams(memory_kib=1024, iterations=2, parallelism=3)
    expected = crypto.hash_secret_raw(
        secret=secret, salt=salt, time_cost=2, memory_cost=1024, parallelism=3, hash_len=32,
        type=Type.ID, version=19,
    )  # fmt: skip
    assert crypto.derive(secret, salt, params) == expected


def test_mutation_runs_cheap_argon2id_still_depends_on_every_parameter() -> None:
    """tests/cheap_kdf.py (used only under `dev.py mutate`): each parameter changes the key, and
    a request real Argon2id refuses is refused."""
    asked = {"secret": b"secret", "salt": b"s" * 16, "time_cost": 3, "memory_cost": 65536,
             "parallelism": 4, "hash_len": 32, "type": Type.ID}  # fmt: skip
    key = cheap_kdf.hash_secret_raw(**asked)  # type: ignore[arg-type]
    assert len(key) == 32 and key == cheap_kdf.hash_secret_raw(**asked)  # type: ignore[arg-type]
    others = {"secret": b"secreT", "salt": b"t" * 16, "time_cost": 4, "memory_cost": 65537,
              "parallelism": 2, "hash_len": 31, "type": Type.I, "version": 16}  # fmt: skip
    for name, other in others.items():
        assert cheap_kdf.hash_secret_raw(**{**asked, name: other}) != key, name  # type: ignore[arg-type]
    refused = {"time_cost": 0, "memory_cost": 31, "parallelism": 0, "salt": b"short",
               "hash_len": 3}  # fmt: skip
    for name, bad in refused.items():
        with pytest.raises(HashingError):
            cheap_kdf.hash_secret_raw(**{**asked, name: bad})  # type: ignore[arg-type]
    for name in ("time_cost", "memory_cost", "parallelism"):
        with pytest.raises(TypeError):
            cheap_kdf.hash_secret_raw(**{**asked, name: None})  # type: ignore[arg-type]


def test_tuning_doubles_memory_to_1_gib_then_adds_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    """tune's steps, against Argon2id at a token cost that takes 20 ms per floor's worth of
    cost (tests/cheap_kdf.py; tuning real Argon2id up to 1 GiB is too slow for a test): 20, 40,
    80, 160, 320 ms up to 1 GiB, then 427 ms at 4 passes, the first at least 370 ms."""
    monkeypatch.delenv("TARRY_KDF")
    monkeypatch.setattr(crypto, "hash_secret_raw", cheap_kdf.hash_secret_raw)
    monkeypatch.setattr(cheap_kdf, "SECONDS_PER_FLOOR", 0.02)
    assert crypto.tune(target_s=0.37) == crypto.KdfParams(memory_kib=1 << 20, iterations=4)


def test_an_oversized_header_is_not_read_whole(tmp_path: Path) -> None:
    """At most 64 KiB and a byte are read, whatever the file's size (here 32 MiB)."""
    path = tmp_path / crypto.HEADER_NAME
    with path.open("wb") as fp:
        fp.truncate(32 << 20)
    tracemalloc.start()
    try:
        with pytest.raises(StoreError, match="it is over 64 KiB"):
            crypto.read(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20, peak


def test_header_round_trips_and_stores_its_parameters() -> None:
    header, data_key = _header()
    document = json.loads(crypto.to_json(header))
    assert document["format"] == "tarry-key" and document["version"] == 1
    assert document["wraps"]["passphrase"]["kdf"] == {
        "name": "argon2id",
        "version": 19,
        "memory_kib": 65536,
        "iterations": 3,
        "parallelism": 4,
    }
    again = crypto.from_json(crypto.to_json(header))
    assert crypto.unwrap(again, crypto.PASSPHRASE, crypto.passphrase_bytes(PASS)) == data_key
    wrap = header.wraps[crypto.PASSPHRASE]
    assert document == {
        "format": "tarry-key",
        "version": 1,
        "cipher": "sqlcipher4 raw key; wraps aes-256-gcm",
        "store_id": "test-store",
        "keyring": False,
        "wraps": {
            "passphrase": {
                "kdf": document["wraps"]["passphrase"]["kdf"],
                "salt": base64.b64encode(wrap.salt).decode(),
                "nonce": base64.b64encode(wrap.nonce).decode(),
                "wrapped_key": base64.b64encode(wrap.wrapped).decode(),
            }
        },
    }
    assert crypto.to_json(header) == (json.dumps(document, indent=2) + "\n").encode()


def test_wrong_passphrase_is_refused() -> None:
    header, _ = _header()
    with pytest.raises(LockedError, match="Wrong passphrase"):
        crypto.unwrap(header, crypto.PASSPHRASE, b"not the passphrase")


def test_each_wrap_has_a_fresh_16_byte_salt_and_12_byte_nonce() -> None:
    header, data_key = _header()
    again = crypto.rewrap(header, data_key, crypto.PASSPHRASE, crypto.passphrase_bytes(PASS))
    first, second = header.wraps[crypto.PASSPHRASE], again.wraps[crypto.PASSPHRASE]
    assert (len(first.salt), len(first.nonce), len(first.wrapped)) == (16, 12, 32 + 16)
    assert first.salt != second.salt and first.nonce != second.nonce


def test_a_missing_wrap_or_a_wrong_sized_key_says_what_is_wrong() -> None:
    header, _ = _header()
    with pytest.raises(LockedError) as caught:
        crypto.unwrap(header, crypto.RECOVERY, bytes(32))
    assert caught.value.message == "This store has no recovery key."
    assert caught.value.hint == "Use your passphrase instead."
    secret = crypto.passphrase_bytes(PASS)
    short = crypto.rewrap(crypto.Header("test-store"), bytes(16), crypto.PASSPHRASE, secret)
    with pytest.raises(StoreError) as wrong:
        crypto.unwrap(short, crypto.PASSPHRASE, secret)
    assert wrong.value.message == "The key header holds a key of the wrong size."
    assert wrong.value.hint == crypto.BAD_HEADER_HINT and wrong.value.step is Step.RESTORE


def test_changed_parameters_do_not_unlock() -> None:
    header, _ = _header()
    document = json.loads(crypto.to_json(header))
    document["wraps"]["passphrase"]["kdf"]["iterations"] = 4
    tampered = crypto.from_json(json.dumps(document).encode())
    with pytest.raises(LockedError):
        crypto.unwrap(tampered, crypto.PASSPHRASE, crypto.passphrase_bytes(PASS))


def _seal_by_hand(store_id: str, role: str, context: dict[str, object]) -> crypto.Header:
    """A wrap sealed here, with the bound data written out from the spec, not from crypto."""
    secret, salt, nonce = crypto.passphrase_bytes(PASS), b"s" * 16, b"n" * 12
    aad = json.dumps(context, sort_keys=True).encode()
    sealed = AESGCM(crypto.derive(secret, salt, FLOOR)).encrypt(nonce, DATA_KEY, aad)
    return crypto.Header(store_id, {role: crypto.Wrap(FLOOR, salt, nonce, sealed)})


DATA_KEY = bytes(range(32))
KDF = {"name": "argon2id", "version": 19, "memory_kib": 65536, "iterations": 3, "parallelism": 4}
BOUND = {"format": "tarry-key", "version": 1, "store": "s-1", "wrap": "passphrase", "kdf": KDF}


def test_a_wrap_binds_format_store_role_and_kdf_parameters() -> None:
    """The data bound to each wrap is exactly this; a wrap sealed without any part is refused.

    Changing the parameters in a header changes the derived key too, so only a wrap sealed by
    hand shows that the parameters themselves are authenticated (a downgrade is caught even
    where the key would still derive)."""
    header = _seal_by_hand("s-1", crypto.PASSPHRASE, BOUND)
    assert crypto.unwrap(header, crypto.PASSPHRASE, crypto.passphrase_bytes(PASS)) == DATA_KEY
    for left_out in BOUND:
        partial = {k: v for k, v in BOUND.items() if k != left_out}
        header = _seal_by_hand("s-1", crypto.PASSPHRASE, partial)
        with pytest.raises(LockedError, match="Wrong passphrase"):
            crypto.unwrap(header, crypto.PASSPHRASE, crypto.passphrase_bytes(PASS))
    for key, value in KDF.items():
        changed = {**BOUND, "kdf": {**KDF, key: f"{value}-other"}}
        header = _seal_by_hand("s-1", crypto.PASSPHRASE, changed)
        with pytest.raises(LockedError):
            crypto.unwrap(header, crypto.PASSPHRASE, crypto.passphrase_bytes(PASS))


def test_a_wrap_cannot_move_to_another_store() -> None:
    """Store ids do not enter the key derivation: only the binding refuses the move."""
    header, data_key = _header()
    moved = crypto.Header("another-store", dict(header.wraps))
    with pytest.raises(LockedError, match="Wrong passphrase"):
        crypto.unwrap(moved, crypto.PASSPHRASE, crypto.passphrase_bytes(PASS))
    same = crypto.Header(header.store_id, dict(header.wraps))
    assert crypto.unwrap(same, crypto.PASSPHRASE, crypto.passphrase_bytes(PASS)) == data_key


def test_a_wrap_cannot_stand_in_for_another_role() -> None:
    header, _ = _header()
    swapped = crypto.Header(header.store_id, {crypto.RECOVERY: header.wraps[crypto.PASSPHRASE]})
    with pytest.raises(LockedError):
        crypto.unwrap(swapped, crypto.RECOVERY, crypto.passphrase_bytes(PASS))


@pytest.mark.parametrize(
    "change",
    [
        {"memory_kib": 1 << 40},
        {"iterations": 10_000},
        {"name": "pbkdf2"},
    ],
)
def test_hostile_parameters_are_rejected_before_deriving(change: dict[str, object]) -> None:
    header, _ = _header()
    document = json.loads(crypto.to_json(header))
    document["wraps"]["passphrase"]["kdf"].update(change)
    with pytest.raises(StoreError, match="key header"):
        crypto.from_json(json.dumps(document).encode())


def test_the_accepted_parameters_are_bounded_exactly() -> None:
    """From a header: 1-64 lanes, 8 KiB per lane up to 4 GiB, 1-64 passes, whole numbers."""

    def read(**change: object) -> crypto.KdfParams:
        return crypto.KdfParams.from_dict({**FLOOR.to_dict(), **change})

    assert read() == FLOOR
    edges = [
        {"parallelism": 1, "memory_kib": 8, "iterations": 1},
        {"parallelism": 64, "memory_kib": 512, "iterations": 64},
        {"memory_kib": 4 * 1024 * 1024},
    ]
    for edge in edges:
        assert read(**edge) == crypto.KdfParams(**{**FLOOR.__dict__, **edge})
    beyond = [
        {"parallelism": 0},
        {"parallelism": 65, "memory_kib": 65 * 8},
        {"parallelism": 4, "memory_kib": 31},
        {"memory_kib": 4 * 1024 * 1024 + 1},
        {"iterations": 0},
        {"iterations": 65},
        {"name": "argon2i"},
    ]
    for change in beyond:
        with pytest.raises(ValueError, match=r"^unsupported key derivation parameters"):
            read(**change)
    with pytest.raises(ValueError, match=r"^unsupported key derivation parameters"):
        crypto.KdfParams.from_dict({k: v for k, v in FLOOR.to_dict().items() if k != "name"})
    for number in ("iterations", "memory_kib", "parallelism"):
        for odd in (True, 3.0, "3"):
            with pytest.raises(ValueError, match=r"^key derivation parameters must be whole"):
                read(**{number: odd})


def test_key_header_refusals_say_what_is_wrong(tmp_path: Path) -> None:
    header, _ = _header()
    good = json.loads(crypto.to_json(header))
    wrap = good["wraps"]["passphrase"]

    def refusal(document: object) -> str:
        with pytest.raises(StoreError) as caught:
            crypto.from_json(json.dumps(document).encode())
        assert caught.value.hint == crypto.BAD_HEADER_HINT and caught.value.step is Step.RESTORE
        return caught.value.message

    assert refusal({**good, "format": "other"}) == (
        "Cannot read the key header: not a tarry key header."
    )
    assert refusal({**good, "version": 2}) == (
        "Cannot read the key header: key header version 2 is not supported."
    )
    for salt, nonce in ((bytes(15), bytes(12)), (bytes(16), bytes(11)), (bytes(16), bytes(13))):
        short = {**wrap, "salt": base64.b64encode(salt).decode(),
                 "nonce": base64.b64encode(nonce).decode()}  # fmt: skip
        assert refusal({**good, "wraps": {"passphrase": short}}) == (
            "Cannot read the key header: salt or nonce of the wrong size."
        )
    longer = {**wrap, "salt": base64.b64encode(bytes(32)).decode()}  # a longer salt is fine
    assert crypto.from_json(json.dumps({**good, "wraps": {"passphrase": longer}}).encode())
    nested = b'{"format": "tarry-key", "version": 1, "wraps": ' + b"[" * 100_000
    with pytest.raises(StoreError) as caught:
        crypto.from_json(nested + b"]" * 100_000 + b"}")
    assert caught.value.message == "Cannot read the key header: it is nested too deeply."
    assert caught.value.hint == crypto.BAD_HEADER_HINT and caught.value.step is Step.RESTORE
    unmarked = {k: v for k, v in good.items() if k != "keyring"}  # older headers: no opt-in
    assert crypto.from_json(json.dumps(unmarked).encode()).keyring is False
    marked = crypto.from_json(json.dumps({**good, "keyring": True}).encode())
    assert marked.keyring is True and marked.store_id == "test-store"
    path = tmp_path / crypto.HEADER_NAME
    path.write_bytes(b" " * crypto.MAX_HEADER)  # the largest read: then it is not JSON
    with pytest.raises(StoreError, match=r"^Cannot read the key header: Expecting value"):
        crypto.read(path)
    path.write_bytes(b" " * (crypto.MAX_HEADER + 1))
    with pytest.raises(StoreError) as big:
        crypto.read(path)
    assert big.value.message == f"Cannot read the key header {path}: it is over 64 KiB."
    assert big.value.hint == crypto.BAD_HEADER_HINT and big.value.step is Step.RESTORE


@pytest.mark.parametrize("raw", [b"", b"{", b"[]", b'{"format": "tarry-key", "version": 9}'])
def test_malformed_header_names_what_to_do(raw: bytes) -> None:
    with pytest.raises(StoreError, match="key header") as caught:
        crypto.from_json(raw)
    assert caught.value.step is Step.RESTORE and "from a backup" in str(caught.value.hint)


def test_passphrases_are_compared_after_unicode_normalisation() -> None:
    composed = "café au lait"
    header, data_key = _header(composed)
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert crypto.unwrap(header, crypto.PASSPHRASE, crypto.passphrase_bytes(decomposed)) == data_key


def test_recovery_keys_are_256_random_bits_in_13_groups_of_4() -> None:
    keys = {crypto.new_recovery_key() for _ in range(300)}
    assert len(keys) == 300  # random: no two alike
    for key in keys:
        groups = key.split("-")
        assert [len(g) for g in groups] == [4] * 13, key
        assert set(key) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567-"), key
        assert len(crypto.recovery_bytes(key)) == 32


def test_a_recovery_key_short_of_characters_is_called_incomplete(tmp_path: Path) -> None:
    text = crypto.new_recovery_key().replace("-", "")
    for cut in (1, 3, 4, 8, -1):
        with pytest.raises(
            LockedError, match=r"^That recovery key is incomplete: it has 13 groups"
        ):
            crypto.recovery_bytes(text[:-cut] if cut > 0 else text + "A")
    with pytest.raises(LockedError, match=r"^That is not a recovery key \(letters A-Z and digits"):
        crypto.recovery_bytes("1111-0000")
    every_letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" + "A" * 19  # 51, all 32 letters used
    for short in (every_letter, "", " - - "):
        with pytest.raises(LockedError) as caught:
            crypto.recovery_bytes(short)
        assert (
            caught.value.message
            == "That recovery key is incomplete: it has 13 groups of 4 characters."
        )
    missing = tmp_path / "nowhere" / crypto.HEADER_NAME
    with pytest.raises(StoreError) as caught:
        crypto.read(missing)
    assert caught.value.message == (
        f"Cannot read the key header {missing}: No such file or directory."
    )


def test_recovery_key_is_tolerant_of_case_spaces_and_dashes() -> None:
    text = crypto.new_recovery_key()
    assert len(text.split("-")) == 13
    assert crypto.recovery_bytes(text) == crypto.recovery_bytes(text.lower().replace("-", " "))
    with pytest.raises(LockedError, match="incomplete"):
        crypto.recovery_bytes(text[:-5])
    with pytest.raises(LockedError, match="not a recovery key"):
        crypto.recovery_bytes("0000-1111-8888")


def test_header_is_written_atomically_and_privately(tmp_path: Path) -> None:
    header, _ = _header()
    path = tmp_path / crypto.HEADER_NAME
    crypto.write(path, header)
    assert sorted(p.name for p in tmp_path.iterdir()) == [crypto.HEADER_NAME]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert crypto.read(path) == header


def test_a_header_write_cut_short_is_dropped_on_the_next_open(home: Path) -> None:
    """The unfinished copy (which may hold an old passphrase's wrap) has the name opening
    removes. Cut short here by a directory in the header's place, which no rename replaces."""
    header, _ = _header()
    (home / crypto.HEADER_NAME / "in-the-way").mkdir(parents=True)
    with pytest.raises(OSError):
        crypto.write(home / crypto.HEADER_NAME, header)
    partial = home / (crypto.HEADER_NAME + ".partial")
    assert crypto.read(partial) == header and stat.S_IMODE(partial.stat().st_mode) == 0o600
    swap.finish(home)
    assert sorted(p.name for p in home.iterdir()) == [crypto.HEADER_NAME]


def test_eight_characters_are_enough() -> None:
    crypto.check_new_passphrase("8 chars!")
    with pytest.raises(InvalidInput) as caught:
        crypto.check_new_passphrase("7 chars")
    assert caught.value.message == "A passphrase needs at least 8 characters."
    assert caught.value.hint == "Several unrelated words are strong and easy to remember."


def test_short_passphrase_is_refused(home: Path) -> None:
    with pytest.raises(InvalidInput, match="at least 8"):
        encryption.create(home, "short")
    assert not home.exists() or not any(home.iterdir())


# --- unlocking -------------------------------------------------------------------------


@pytest.fixture
def locked(home: Path) -> Path:
    encryption.create(home, PASS)
    return crypto.header_path(home / "tarry.db")


def test_unlock_from_a_file_drops_the_final_newline(locked: Path, tmp_path: Path) -> None:
    file = tmp_path / "pass.txt"
    file.write_text(PASS + "\n")
    key = unlock.data_key(locked, unlocker=unlock.Unlocker(passphrase_file=file))
    assert len(key) == 32


def test_a_passphrase_file_loses_one_line_ending_only(tmp_path: Path) -> None:
    file = tmp_path / "pass.txt"
    for written, read in [("pw\n", "pw"), ("pw\r\n", "pw"), ("pw\r", "pw"), ("pw", "pw"),
                          ("pw\n\n", "pw\n"), ("pw\n\r", "pw\n"), (" pw ", " pw ")]:  # fmt: skip
        file.write_bytes(written.encode())
        assert unlock.read_passphrase_file(file) == read, written


def test_an_unreadable_passphrase_file_says_so(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.txt"
    with pytest.raises(InvalidInput) as caught:
        unlock.read_passphrase_file(missing)
    assert (
        caught.value.message
        == f"Cannot read the passphrase file {missing}: No such file or directory."
    )
    assert caught.value.field == "passphrase_file"
    assert caught.value.expected == "the path of a file holding the passphrase"
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe passphrase")
    with pytest.raises(InvalidInput) as caught:
        unlock.read_passphrase_file(binary)
    assert caught.value.message == f"The passphrase file {binary} is not UTF-8 text."


def test_each_wrong_passphrase_names_where_it_came_from(
    locked: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    where = locked.parent
    file = tmp_path / "pass.txt"
    file.write_text("a wrong passphrase\n")
    monkeypatch.setenv("TARRY_PASSPHRASE", PASS)  # the file comes first
    ways = [
        ({"passphrase": "a wrong one"}, "the passphrase given"),
        ({"unlocker": unlock.Unlocker(passphrase_file=file)}, f"the file {file}"),
    ]
    for given, source in ways:
        with pytest.raises(LockedError) as caught:
            unlock.data_key(locked, **given)  # type: ignore[arg-type]
        assert caught.value.message == f"Wrong passphrase for the store in {where} (from {source})."
        assert caught.value.hint == unlock.WRONG_HINT
        assert caught.value.step is Step.CHANGE_PASSPHRASE
    file.write_text(PASS + "\n")
    monkeypatch.setenv("TARRY_PASSPHRASE", "a wrong passphrase")
    assert len(unlock.data_key(locked, unlocker=unlock.Unlocker(passphrase_file=file))) == 32


def test_an_empty_environment_passphrase_counts_as_none(
    locked: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TARRY_PASSPHRASE", "")
    with pytest.raises(LockedError) as caught:
        unlock.data_key(locked)
    assert caught.value.message == (
        f"The store in {locked.parent} is encrypted; it needs its passphrase."
    )
    assert caught.value.hint == unlock.MISSING_HINT and caught.value.field == "passphrase_file"


def test_unlock_from_the_environment(locked: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TARRY_PASSPHRASE", PASS)
    assert len(unlock.data_key(locked)) == 32
    monkeypatch.setenv("TARRY_PASSPHRASE", "wrong passphrase")
    with pytest.raises(LockedError, match="from TARRY_PASSPHRASE"):
        unlock.data_key(locked)


def test_prompt_gets_three_tries(locked: Path) -> None:
    answers = iter(["typo one", "typo two", PASS])
    asked: list[str] = []

    def prompt(text: str) -> str:
        asked.append(text)
        return next(answers)

    assert len(unlock.data_key(locked, unlocker=unlock.Unlocker(prompt=prompt))) == 32
    assert len(asked) == 3
    with pytest.raises(LockedError, match="3 tries"):
        unlock.data_key(locked, unlocker=unlock.Unlocker(prompt=lambda _: "always wrong"))


def test_the_prompt_names_the_store_and_the_tries(locked: Path) -> None:
    asked: list[str] = []

    def wrong(text: str) -> str:
        asked.append(text)
        return "always wrong"

    for attempts in (1, 2):
        asked.clear()
        with pytest.raises(LockedError) as caught:
            unlock.data_key(locked, unlocker=unlock.Unlocker(prompt=wrong, attempts=attempts))
        assert asked == [f"Passphrase for {locked.parent}"] * attempts
        assert caught.value.message == (
            f"Wrong passphrase for the store in {locked.parent} ({attempts} tries)."
        )
        assert caught.value.hint == unlock.WRONG_HINT
        assert caught.value.step is Step.CHANGE_PASSPHRASE
    answers = iter(["typo", PASS])
    unlocker = unlock.Unlocker(prompt=lambda _: next(answers), attempts=2)
    assert len(unlock.data_key(locked, unlocker=unlocker)) == 32


def test_no_passphrase_anywhere_is_a_clear_locked_error(locked: Path) -> None:
    with pytest.raises(LockedError, match="needs its passphrase") as caught:
        unlock.data_key(locked)
    assert caught.value.exit_code == 2
    assert "TARRY_PASSPHRASE" in str(caught.value)


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in this process (no OS keyring runs in CI)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


def test_keyring_cache_is_opt_in(home: Path, locked: Path) -> None:
    ring = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(ring)
    try:
        with pytest.raises(LockedError):
            unlock.data_key(locked)  # nothing cached until the person opts in
        encryption.set_keyring(home, PASS, enabled=True)
        assert crypto.read(locked).keyring is True
        assert ring.items == {(unlock.KEYRING_SERVICE, crypto.read(locked).store_id): PASS}
        assert len(unlock.data_key(locked)) == 32
        encryption.change_passphrase(home, PASS, "a brand new passphrase")
        assert list(ring.items.values()) == ["a brand new passphrase"]
        encryption.set_keyring(home, None, enabled=False)
        assert ring.items == {} and crypto.read(locked).keyring is False
        with pytest.raises(LockedError):
            unlock.data_key(locked)
    finally:
        keyring.set_keyring(previous)


def test_a_stale_cached_passphrase_is_forgotten_and_asked_for(home: Path, locked: Path) -> None:
    """After the passphrase changed elsewhere, the cached one fails: it is dropped, and the
    person is asked (once, and the right answer unlocks)."""
    ring = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(ring)
    try:
        encryption.set_keyring(home, PASS, enabled=True)
        store_id = crypto.read(locked).store_id
        ring.items[(unlock.KEYRING_SERVICE, store_id)] = "the old passphrase"
        asked: list[str] = []
        prompt = unlock.Unlocker(prompt=lambda text: asked.append(text) or PASS)
        assert len(unlock.data_key(locked, unlocker=prompt)) == 32
        assert len(asked) == 1 and ring.items == {}
    finally:
        keyring.set_keyring(previous)


class BrokenKeyring(MemoryKeyring):
    """A keyring that refuses everything, as a locked or missing OS keyring does."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringError("locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError("locked")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringError("locked")


def test_a_refusing_keyring_is_a_clear_error_or_nothing(home: Path, locked: Path) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(BrokenKeyring())
    try:
        header = crypto.read(locked)
        with pytest.raises(InvalidInput) as caught:
            unlock.remember(header, PASS)
        assert caught.value.message == "The OS keyring refused to store the passphrase: locked."
        assert caught.value.hint == (
            "Without a keyring, set TARRY_PASSPHRASE, give a file holding it, or type it."
        )
        assert caught.value.field == "passphrase_file"
        assert unlock.remembered(header) is None  # reading: as if nothing were cached
        unlock.forget(header)  # forgetting: nothing to do
        with pytest.raises(InvalidInput, match="refused to store"):
            encryption.set_keyring(home, PASS, enabled=True)
        assert crypto.read(locked).keyring is False  # the opt-in is not recorded
    finally:
        keyring.set_keyring(previous)


# --- encrypted stores -------------------------------------------------------------------


def test_encrypted_store_lacks_the_sqlite_header_and_keeps_data(home: Path) -> None:
    encryption.create(home, PASS)
    with Store.open(home, passphrase=PASS) as store:
        assert store.encrypted
        people.add(store, "Sam")
    assert not (home / "tarry.db").read_bytes().startswith(b"SQLite format 3")
    with Store.open(home, passphrase=PASS) as store:
        assert [p.name for p in people.all_people(store)] == ["Sam"]
        assert store.version == migrations.available()[-1].number


def test_plain_store_still_opens_without_a_passphrase(home: Path) -> None:
    with Store.open(home) as store:
        assert not store.encrypted
    assert (home / "tarry.db").read_bytes().startswith(b"SQLite format 3")
    conn = connect(home / "tarry.db")
    assert conn.execute("SELECT count(*) FROM people").fetchone()[0] == 0
    conn.close()


def test_encrypted_store_raises_standard_library_errors(home: Path) -> None:
    encryption.create(home, PASS)
    with Store.open(home, passphrase=PASS) as store:
        store.execute("INSERT INTO people (name, created_at) VALUES ('Sam', 't')")
        with pytest.raises(sqlite3.IntegrityError):
            store.execute("INSERT INTO people (name, created_at) VALUES ('Sam', 't')")
        with pytest.raises(sqlite3.OperationalError):
            store.query("SELECT * FROM nowhere")
        with pytest.raises(sqlite3.IntegrityError):
            store.conn.cursor().execute("INSERT INTO people (name, created_at) VALUES ('sam', 't')")
        rows = store.conn.cursor().execute("SELECT name FROM people").fetchall()
        assert [r["name"] for r in rows] == ["Sam"]


def test_create_refuses_an_existing_store(home: Path) -> None:
    Store.open(home).close()
    with pytest.raises(Conflict, match="already a store"):
        encryption.create(home, PASS)


def test_encrypt_converts_a_plain_store_and_deletes_the_plaintext(home: Path) -> None:
    with Store.open(home) as store:
        people.add(store, "Sam", note="plain words")
    recovery = encryption.encrypt(home, PASS)
    assert sorted(p.name for p in home.iterdir()) == ["tarry.db", "tarry.db-verified", "tarry.key"]
    assert b"plain words" not in (home / "tarry.db").read_bytes()
    with Store.open(home, passphrase=PASS) as store:
        assert people.get(store, "Sam").note == "plain words"
    encryption.change_passphrase(home, recovery, "set with the recovery key", recovery=True)
    with pytest.raises(LockedError):
        Store.open(home, passphrase=PASS)
    Store.open(home, passphrase="set with the recovery key").close()


def test_create_refuses_a_home_holding_either_file(home: Path) -> None:
    """A store file or a key header alone is a store: neither is overwritten."""
    for kept in ("tarry.db", "tarry.key"):
        home.mkdir(exist_ok=True)
        (home / kept).write_bytes(b"kept")
        with pytest.raises(Conflict) as caught:
            encryption.create(home, PASS)
        assert caught.value.message == f"There is already a store in {home}."
        assert caught.value.hint == (
            "To start over, choose another home; a plain store can be encrypted in place."
        )
        assert caught.value.step is Step.ENCRYPT
        assert sorted(p.name for p in home.iterdir()) == [kept]
        assert (home / kept).read_bytes() == b"kept"
        (home / kept).unlink()


def test_a_new_store_gets_a_random_id_and_both_wraps(home: Path, tmp_path: Path) -> None:
    recovery = encryption.create(home, PASS)
    header = crypto.read(home / "tarry.key")
    assert sorted(header.wraps) == [crypto.PASSPHRASE, crypto.RECOVERY] and not header.keyring
    assert len(header.store_id) == 36 and header.store_id.count("-") == 4
    key = crypto.unwrap(header, crypto.PASSPHRASE, crypto.passphrase_bytes(PASS))
    assert crypto.unwrap(header, crypto.RECOVERY, crypto.recovery_bytes(recovery)) == key
    encryption.create(tmp_path / "other", PASS)
    assert crypto.read(tmp_path / "other" / "tarry.key").store_id != header.store_id


def test_an_encrypted_copy_that_differs_is_refused(home: Path, tmp_path: Path) -> None:
    """What `tarry encrypt` checks before swapping: the copy opens, is intact and holds the
    same rows (a copy with other rows is refused)."""
    encryption.create(home, PASS)
    key = unlock.data_key(home / "tarry.key", passphrase=PASS)
    copy = tmp_path / "copy.db"
    with Store.open(home, passphrase=PASS) as store:
        expected = backup.canonical_digest(store.conn)
        connection.snapshot(store.conn, key, copy)
    encryption._verify(copy, key, expected)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("copy")) == ["copy.db"]
    with pytest.raises(StoreError) as caught:
        encryption._verify(copy, key, "0" * 64)
    assert (
        caught.value.message == "The encrypted copy did not match the store; nothing was changed."
    )
    assert caught.value.hint == "Encrypt it again; if it fails again, report it with the details."
    assert caught.value.step is Step.ENCRYPT


def test_plain_backups_lists_only_unencrypted_ones(home: Path) -> None:
    with Store.open(home) as store:
        plain = backup.backup(store, home / "backups" / "plain.tarry-backup").path
    (home / "backups" / "junk.tarry-backup").write_bytes(b"not a backup")
    (home / "backups" / "before-m0001-x.db").write_bytes(b"old copy")
    encryption.encrypt(home, PASS)
    with Store.open(home, passphrase=PASS) as store:
        backup.backup(store, home / "backups" / "secret.tarry-backup")
    assert encryption.plain_backups(home) == [home / "backups" / "before-m0001-x.db", plain]


def test_wrong_secrets_and_plain_stores_change_nothing(home: Path, tmp_path: Path) -> None:
    recovery = encryption.create(home, PASS)
    before = (home / "tarry.key").read_bytes()
    with pytest.raises(LockedError) as caught:
        encryption.change_passphrase(home, "A" * 52, "a new passphrase", recovery=True)
    assert caught.value.message == f"Wrong recovery key for the store in {home}."
    assert caught.value.hint == "Nothing was changed."
    with pytest.raises(LockedError, match="Wrong passphrase"):
        encryption.change_passphrase(home, "not the passphrase", "a new passphrase")
    with pytest.raises(InvalidInput, match="at least 8"):
        encryption.change_passphrase(home, PASS, "short")
    with pytest.raises(LockedError, match="Wrong passphrase"):
        encryption.new_recovery_key(home, "not the passphrase")
    with pytest.raises(LockedError, match="Wrong passphrase"):
        encryption.set_keyring(home, "not the passphrase", enabled=True)
    assert (home / "tarry.key").read_bytes() == before
    encryption.change_passphrase(home, recovery, "a new passphrase", recovery=True)
    assert (home / "tarry.key").read_bytes() != before
    Store.open(home, passphrase="a new passphrase").close()
    plain = tmp_path / "plain"
    Store.open(plain).close()
    for change in (
        lambda: encryption.change_passphrase(plain, PASS, "a new passphrase"),
        lambda: encryption.new_recovery_key(plain, PASS),
        lambda: encryption.set_keyring(plain, PASS, enabled=False),
    ):
        with pytest.raises(StoreError) as refused:
            change()
        assert refused.value.message == f"The store in {plain} is not encrypted."
        assert refused.value.step is Step.ENCRYPT


def test_the_cost_given_is_the_cost_used(home: Path, tmp_path: Path) -> None:
    """Each command that wraps the data key uses the parameters it is given (else tuning's)."""
    small = crypto.KdfParams(memory_kib=256, iterations=1, parallelism=2)
    other = crypto.KdfParams(memory_kib=512, iterations=2, parallelism=1)
    recovery = encryption.create(home, PASS, kdf=small)
    header = crypto.read(home / "tarry.key")
    assert {w.kdf for w in header.wraps.values()} == {small}
    encryption.change_passphrase(home, PASS, "a new passphrase", kdf=other)
    header = crypto.read(home / "tarry.key")
    assert (header.wraps["passphrase"].kdf, header.wraps["recovery"].kdf) == (other, small)
    encryption.change_passphrase(home, recovery, PASS, recovery=True, kdf=small)
    encryption.new_recovery_key(home, PASS, kdf=other)
    header = crypto.read(home / "tarry.key")
    assert (header.wraps["passphrase"].kdf, header.wraps["recovery"].kdf) == (small, other)
    plain = tmp_path / "plain"
    Store.open(plain).close()
    encryption.encrypt(plain, PASS, kdf=other)
    assert {w.kdf for w in crypto.read(plain / "tarry.key").wraps.values()} == {other}
    encryption.new_recovery_key(plain, PASS)  # no cost given: tuning's (the floor, here)
    assert crypto.read(plain / "tarry.key").wraps["recovery"].kdf == FLOOR


def test_a_passphrase_change_keeps_the_store_id_and_the_recovery_wrap(home: Path) -> None:
    encryption.create(home, PASS)
    before = crypto.read(home / "tarry.key")
    encryption.change_passphrase(home, PASS, "a new passphrase")
    after = crypto.read(home / "tarry.key")
    assert after.store_id == before.store_id
    assert after.wraps[crypto.RECOVERY] == before.wraps[crypto.RECOVERY]
    assert after.wraps[crypto.PASSPHRASE] != before.wraps[crypto.PASSPHRASE]
    assert after.wraps[crypto.PASSPHRASE].kdf == FLOOR


def test_encrypting_where_there_is_no_store_creates_none(home: Path) -> None:
    with pytest.raises(StoreError) as caught:
        encryption.encrypt(home, PASS)
    assert caught.value.message == f"No tarry store in {home}." and caught.value.step is Step.INIT
    assert not home.exists() or not any(home.iterdir())


def test_encrypting_twice_is_refused(home: Path) -> None:
    encryption.create(home, PASS)
    with pytest.raises(Conflict, match="already encrypted"):
        encryption.encrypt(home, PASS)


def test_new_recovery_key_retires_the_old_one(home: Path) -> None:
    old = encryption.create(home, PASS)
    new = encryption.new_recovery_key(home, PASS)
    with pytest.raises(LockedError, match="Wrong recovery key"):
        encryption.change_passphrase(home, old, "another passphrase", recovery=True)
    encryption.change_passphrase(home, new, "another passphrase", recovery=True)
    Store.open(home, passphrase="another passphrase").close()


def test_headerless_encrypted_file_says_what_is_missing(home: Path) -> None:
    encryption.create(home, PASS)
    (home / "tarry.key").rename(home.parent / "elsewhere.key")
    before = (home / "tarry.db").read_bytes()
    with pytest.raises(StoreError, match="damaged, or encrypted without its key header"):
        Store.open(home)
    assert (home / "tarry.db").read_bytes() == before


def test_low_level_errors_map_to_clear_store_errors() -> None:
    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorcode = 13
    corrupt = sqlite3.DatabaseError("database disk image is malformed")
    corrupt.sqlite_errorcode = 11
    bug = sqlite3.OperationalError("no such table: x")
    bug.sqlite_errorcode = 1
    assert "full" in str(as_store_error(full))
    assert "damaged" in str(as_store_error(corrupt))
    assert as_store_error(bug) is None


def test_data_migration_backup_of_an_encrypted_store_stays_encrypted(home: Path) -> None:
    encryption.create(home, PASS)
    with Store.open(home, passphrase=PASS) as store:
        store.execute("INSERT INTO entries (at, body) VALUES ('t', 'secret words')")
        copy = migrations.backup_before(store, migrations.Migration(50, "x", "", True))
    raw = copy.read_bytes()
    assert not raw.startswith(b"SQLite format 3") and b"secret words" not in raw
    assert os.stat(copy).st_mode & 0o077 == 0


# --- the commands ------------------------------------------------------------------------


def _recovery_key(stdout: str) -> str:
    (line,) = [w for w in stdout.split() if w.count("-") == 12]
    return line


def test_init_encrypt_command(cli: object, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TARRY_PASSPHRASE", PASS)
    made = cli("init", "--encrypt")  # type: ignore[operator]
    assert made.code == 0 and "Encrypted tarry store ready" in made.stdout
    assert crypto.recovery_bytes(_recovery_key(made.stdout))
    assert sorted(p.name for p in home.iterdir()) == ["tarry.db", "tarry.db-verified", "tarry.key"]
    monkeypatch.delenv("TARRY_PASSPHRASE")
    locked = cli("people", "list")  # type: ignore[operator]
    assert locked.code == 2 and "needs its passphrase" in locked.stderr


def test_init_encrypt_refuses_a_short_passphrase(
    cli: object, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TARRY_PASSPHRASE", "short")
    refused = cli("init", "--encrypt")  # type: ignore[operator]
    assert refused.code == 2 and "at least 8" in refused.stderr
    assert not (home / "tarry.key").exists() and not (home / "tarry.db").exists()


def test_plain_init_recommends_encryption(cli: object) -> None:
    made = cli("init")  # type: ignore[operator]
    assert made.code == 0 and "`tarry encrypt`" in made.stdout


def test_encrypt_passphrase_and_recovery_commands(
    cli: object, home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert cli("people", "add", "Sam").code == 0  # type: ignore[operator]
    assert cli("backup").code == 0  # type: ignore[operator]
    (home / "backups" / "before-m0009-x.db").write_bytes(b"old plain copy")
    monkeypatch.setenv("TARRY_PASSPHRASE", PASS)
    done = cli("encrypt")  # type: ignore[operator]
    assert done.code == 0 and "now encrypted" in done.stdout
    assert "NOT encrypted" in done.stderr and "before-m0009-x.db" in done.stderr
    assert "tarry-20261119T120000.tarry-backup" in done.stderr
    assert encryption.plain_backups(home) == [
        home / "backups" / "before-m0009-x.db",
        home / "backups" / "tarry-20261119T120000.tarry-backup",
    ]
    recovery = _recovery_key(done.stdout)

    monkeypatch.setenv("TARRY_NEW_PASSPHRASE", "second passphrase")
    assert cli("passphrase", "change").code == 0  # type: ignore[operator]
    monkeypatch.setenv("TARRY_PASSPHRASE", "second passphrase")
    renewed = cli("recovery-key", "new")  # type: ignore[operator]
    assert renewed.code == 0 and _recovery_key(renewed.stdout) != recovery

    monkeypatch.setenv("TARRY_RECOVERY_KEY", recovery)  # the old one no longer works
    monkeypatch.setenv("TARRY_NEW_PASSPHRASE", "third passphrase")
    assert cli("passphrase", "change", "--recovery").code == 2  # type: ignore[operator]
    monkeypatch.setenv("TARRY_RECOVERY_KEY", _recovery_key(renewed.stdout))
    assert cli("passphrase", "change", "--recovery").code == 0  # type: ignore[operator]
    file = tmp_path / "pass"
    file.write_text("third passphrase\n")
    monkeypatch.delenv("TARRY_PASSPHRASE")
    listed = cli("--passphrase-file", str(file), "people", "list", "--json")  # type: ignore[operator]
    assert listed.code == 0 and json.loads(listed.stdout)[0]["name"] == "Sam"
