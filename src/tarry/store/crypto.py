"""The key header beside an encrypted store: a random data key, wrapped under passphrases.

The database is encrypted by SQLCipher with a random 256-bit data key. The key header
(`tarry.key`, versioned JSON) holds that key wrapped with AES-256-GCM under a key derived by
Argon2id from the passphrase, and a second wrap under the recovery key. Changing the passphrase
rewraps the data key; the database itself is not touched. Parameters and salts live in the header.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
import time
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tarry.base.errors import InvalidInput, LockedError, Step, StoreError

HEADER_NAME = "tarry.key"
FORMAT, VERSION = "tarry-key", 1
PASSPHRASE, RECOVERY = "passphrase", "recovery"
KEY_BYTES, SALT_BYTES, NONCE_BYTES = 32, 16, 12
MIN_PASSPHRASE = 8
BASE32, RECOVERY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), 52  # 256 bits
# The floor the issue sets (64 MiB, 3 passes); tuning only raises cost from here.
FLOOR_MEMORY_KIB, FLOOR_ITERATIONS, PARALLELISM = 64 * 1024, 3, 4
MAX_MEMORY_KIB = 1024 * 1024
MAX_HEADER = 64 << 10  # a key header is under 2 KiB
TUNE_TARGET_S = 0.5
BAD_HEADER_HINT = "The key header is damaged. Restore tarry.key (or the whole store) from a backup."


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost: memory in KiB, passes, lanes."""

    memory_kib: int = FLOOR_MEMORY_KIB
    iterations: int = FLOOR_ITERATIONS
    parallelism: int = PARALLELISM

    def to_dict(self) -> dict[str, Any]:
        return {"name": "argon2id", "version": 19, **self.__dict__}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> KdfParams:
        numbers = [data["memory_kib"], data["iterations"], data["parallelism"]]
        if not all(isinstance(n, int) and not isinstance(n, bool) for n in numbers):
            raise ValueError(f"key derivation parameters must be whole numbers: {numbers}")
        params = cls(*numbers)
        # A hostile header must not make us allocate terabytes or spin for hours.
        sane = (
            data.get("name") == "argon2id"
            and 1 <= params.parallelism <= 64
            and 8 * params.parallelism <= params.memory_kib <= 4 * MAX_MEMORY_KIB
            and 1 <= params.iterations <= 64
        )
        if not sane:
            raise ValueError(f"unsupported key derivation parameters {data}")
        return params


@dataclass(frozen=True)
class Wrap:
    """The data key encrypted under one secret (the passphrase or the recovery key)."""

    kdf: KdfParams
    salt: bytes
    nonce: bytes
    wrapped: bytes


@dataclass(frozen=True)
class Header:
    """The whole key header. `keyring` records the opt-in to caching the passphrase."""

    store_id: str
    wraps: dict[str, Wrap] = field(default_factory=dict)
    keyring: bool = False


def header_path(db: Path) -> Path:
    return db.with_name(HEADER_NAME)


def new_data_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def passphrase_bytes(passphrase: str) -> bytes:
    """NFC-normalised UTF-8, so the same passphrase typed on another system still matches."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def check_new_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise InvalidInput(
            f"A passphrase needs at least {MIN_PASSPHRASE} characters.",
            "Several unrelated words are strong and easy to remember.",
        )


def derive(secret: bytes, salt: bytes, kdf: KdfParams) -> bytes:
    return hash_secret_raw(
        secret, salt, kdf.iterations, kdf.memory_kib, kdf.parallelism, KEY_BYTES, Type.ID
    )


def _aad(store_id: str, kind: str, kdf: KdfParams) -> bytes:
    """Binds a wrap to its store, its role and its parameters, so none can be swapped."""
    context = {"format": FORMAT, "version": VERSION, "store": store_id, "wrap": kind}
    return json.dumps({**context, "kdf": kdf.to_dict()}, sort_keys=True).encode()


def wrap(data_key: bytes, store_id: str, kind: str, secret: bytes, kdf: KdfParams) -> Wrap:
    salt, nonce = secrets.token_bytes(SALT_BYTES), secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(derive(secret, salt, kdf)).encrypt(nonce, data_key, _aad(store_id, kind, kdf))
    return Wrap(kdf, salt, nonce, sealed)


def unwrap(header: Header, kind: str, secret: bytes) -> bytes:
    """The data key, or LockedError when `secret` is wrong for the `kind` wrap."""
    sealed = header.wraps.get(kind)
    if sealed is None:
        raise LockedError(f"This store has no {kind} key.", "Use your passphrase instead.")
    key = derive(secret, sealed.salt, sealed.kdf)
    try:
        aad = _aad(header.store_id, kind, sealed.kdf)
        data_key = AESGCM(key).decrypt(sealed.nonce, sealed.wrapped, aad)
    except InvalidTag as exc:
        raise LockedError(f"Wrong {kind}.") from exc
    if len(data_key) != KEY_BYTES:
        raise StoreError(
            "The key header holds a key of the wrong size.", BAD_HEADER_HINT, step=Step.RESTORE
        )
    return data_key


def rewrap(
    header: Header, data_key: bytes, kind: str, secret: bytes, kdf: KdfParams | None = None
) -> Header:
    """A copy of `header` whose `kind` wrap is replaced (fresh salt and nonce)."""
    fresh = wrap(data_key, header.store_id, kind, secret, kdf or KdfParams())
    return replace(header, wraps={**header.wraps, kind: fresh})


# --- recovery keys: 256 random bits, shown as base32 in groups of four -------------------


def new_recovery_key() -> str:
    text = base64.b32encode(secrets.token_bytes(KEY_BYTES)).decode().rstrip("=")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def recovery_bytes(text: str) -> bytes:
    """The secret behind a recovery key as typed (case, spaces and dashes ignored)."""
    cleaned = "".join(ch for ch in text.upper() if ch.isascii() and ch.isalnum())
    incomplete = "That recovery key is incomplete: it has 13 groups of 4 characters."
    if cleaned and set(cleaned) <= BASE32 and len(cleaned) != RECOVERY_CHARS:
        raise LockedError(incomplete)  # a character missed or doubled, not a wrong key
    try:
        raw = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except (binascii.Error, ValueError) as exc:
        raise LockedError("That is not a recovery key (letters A-Z and digits 2-7).") from exc
    if len(raw) != KEY_BYTES:
        raise LockedError(incomplete)
    return raw


# --- the header file -------------------------------------------------------------------


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def to_json(header: Header) -> bytes:
    wraps = {
        kind: {
            "kdf": w.kdf.to_dict(),
            "salt": _b64(w.salt),
            "nonce": _b64(w.nonce),
            "wrapped_key": _b64(w.wrapped),
        }
        for kind, w in header.wraps.items()
    }
    document = {
        "format": FORMAT,
        "version": VERSION,
        "cipher": "sqlcipher4 raw key; wraps aes-256-gcm",
        "store_id": header.store_id,
        "keyring": header.keyring,
        "wraps": wraps,
    }
    return (json.dumps(document, indent=2) + "\n").encode()


def from_json(raw: bytes) -> Header:
    """Parse a header; any malformation is a StoreError saying what to do."""
    try:
        document = json.loads(raw)
        if document.get("format") != FORMAT:
            raise ValueError("not a tarry key header")
        if document.get("version") != VERSION:
            raise ValueError(f"key header version {document.get('version')} is not supported")
        wraps = {kind: _read_wrap(w) for kind, w in document["wraps"].items()}
        return Header(str(document["store_id"]), wraps, bool(document.get("keyring", False)))
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error) as exc:
        raise StoreError(
            f"Cannot read the key header: {exc}.", BAD_HEADER_HINT, step=Step.RESTORE
        ) from exc
    except RecursionError as exc:
        raise StoreError(
            "Cannot read the key header: it is nested too deeply.",
            BAD_HEADER_HINT,
            step=Step.RESTORE,
        ) from exc


def _read_wrap(data: dict[str, Any]) -> Wrap:
    salt, nonce = base64.b64decode(data["salt"]), base64.b64decode(data["nonce"])
    if len(salt) < SALT_BYTES or len(nonce) != NONCE_BYTES:
        raise ValueError("salt or nonce of the wrong size")
    return Wrap(
        KdfParams.from_dict(data["kdf"]), salt, nonce, base64.b64decode(data["wrapped_key"])
    )


def read(path: Path) -> Header:
    try:
        with path.open("rb") as fp:
            raw = fp.read(MAX_HEADER + 1)
    except OSError as exc:
        raise StoreError(f"Cannot read the key header {path}: {exc.strerror}.") from exc
    if len(raw) > MAX_HEADER:
        raise StoreError(
            f"Cannot read the key header {path}: it is over {MAX_HEADER >> 10} KiB.",
            BAD_HEADER_HINT,
            step=Step.RESTORE,
        )
    return from_json(raw)


def write(path: Path, header: Header) -> None:
    write_atomically(path, to_json(header))


def write_atomically(path: Path, data: bytes) -> None:
    """Write `path.partial` (0600), fsync it, rename it over `path`, fsync the directory."""
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(partial, path)
    sync_directory(path.parent)


def sync_directory(directory: Path) -> None:
    """Make renames in `directory` durable."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- cost tuning -----------------------------------------------------------------------


def tune(target_s: float = TUNE_TARGET_S) -> KdfParams:
    """The floor cost, raised until one derivation takes about `target_s` on this machine.

    `TARRY_KDF=minimum` skips tuning and uses the floor (tests and benchmarks use it).
    """
    params = KdfParams()
    if os.environ.get("TARRY_KDF") == "minimum":
        return params
    while True:
        started = time.perf_counter()
        derive(b"tuning", b"\0" * SALT_BYTES, params)
        elapsed = time.perf_counter() - started
        if elapsed >= target_s:
            return params
        if params.memory_kib < MAX_MEMORY_KIB:
            params = replace(params, memory_kib=params.memory_kib * 2)
        else:
            params = replace(params, iterations=params.iterations + 1)
