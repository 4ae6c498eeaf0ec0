"""A sealed spool: a temporary file encrypted under a key that exists only in this process.

The web app has to hold an upload (a chat export, a calendar) until it is imported. Written as it
arrives, it would be someone's whole chat history in plain text in the data directory, which
backups and cloud sync may copy. Instead each 64 KiB chunk is sealed with AES-256-GCM under a
random key kept in memory (the chunk's number is its nonce, so chunks cannot be reordered), and
read back through a seekable file object (zip archives seek). Only ciphertext touches the disk,
and once the process is gone nobody can read it, tarry included.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tarry.base.errors import StoreError

CHUNK = 64 * 1024
TAG = 16  # AES-GCM's authentication tag, after each sealed chunk


class Spool:
    """Write once (`write`, then `close`), then `open()` as often as needed; `remove()` ends it."""

    def __init__(self, path: Path) -> None:
        self.path, self.size = path, 0
        self._aead = AESGCM(AESGCM.generate_key(bit_length=256))
        self._pending = bytearray()
        self._chunks = 0
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._out: BinaryIO | None = os.fdopen(fd, "wb")

    def write(self, data: bytes) -> None:
        self._pending += data
        self.size += len(data)
        while len(self._pending) >= CHUNK:
            self._seal(bytes(self._pending[:CHUNK]))
            del self._pending[:CHUNK]

    def close(self) -> None:
        if self._out is None:
            return
        if self._pending:
            self._seal(bytes(self._pending))
            self._pending.clear()
        self._out.close()
        self._out = None

    def _seal(self, plain: bytes) -> None:
        assert self._out is not None, "the spool is closed"
        self._out.write(self._aead.encrypt(_nonce(self._chunks), plain, None))
        self._chunks += 1

    def open(self) -> BinaryIO:
        """The plaintext, decrypted as it is read; seekable."""
        self.close()
        return io.BufferedReader(_Reader(self, self.path.open("rb")), CHUNK)

    def unseal(self, index: int, sealed: bytes) -> bytes:
        try:
            return self._aead.decrypt(_nonce(index), sealed, None)
        except InvalidTag as exc:
            raise StoreError(
                f"The upload's temporary file {self.path} was changed while tarry read it.",
                "Upload the file again.",
            ) from exc

    def remove(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)


def _nonce(index: int) -> bytes:
    return index.to_bytes(12, "big")


class _Reader(io.RawIOBase):
    """Random access to a spool's plaintext: one chunk decrypted (and kept) at a time."""

    def __init__(self, spool: Spool, sealed: BinaryIO) -> None:
        self.spool, self.sealed, self.pos = spool, sealed, 0
        self.index, self.plain = -1, b""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.pos >= self.spool.size:
            return 0
        index, offset = divmod(self.pos, CHUNK)
        plain = self._chunk(index)
        view = memoryview(buffer).cast("B")
        count = min(len(view), len(plain) - offset)
        view[:count] = plain[offset : offset + count]
        self.pos += count
        return count

    def _chunk(self, index: int) -> bytes:
        if index != self.index:
            self.sealed.seek(index * (CHUNK + TAG))
            self.plain = self.spool.unseal(index, self.sealed.read(CHUNK + TAG))
            self.index = index
        return self.plain

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.pos, io.SEEK_END: self.spool.size}[whence]
        if base + offset < 0:
            raise OSError(22, "negative seek position")
        self.pos = base + offset
        return self.pos

    def tell(self) -> int:
        return self.pos

    def close(self) -> None:
        self.sealed.close()
        super().close()
