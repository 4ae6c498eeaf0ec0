"""Streaming JSON: walk a big export's outer objects and decode one array item at a time.

The JSON exports (Telegram, Discord, Signal, Messenger) are one document holding a long array of
messages. Loading it whole costs several times the file size in memory; this reader keeps only
the current item (decoded by the stdlib's C scanner) and a bounded read buffer. Hostile input
(deep nesting, endless values, bad UTF-8) becomes a `FormatError` naming the byte.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from tarry.base.errors import FormatError

CHUNK = 1 << 20
MAX_ITEM = 64 << 20  # one message larger than this is not a chat export
WHITESPACE = " \t\r\n"
JSON_HINT = "Export the chat again as JSON, or choose another format."


class JsonStream:
    """A cursor over a JSON document read in chunks from a binary file."""

    def __init__(self, fp: BinaryIO, name: str) -> None:
        self.fp, self.name = fp, name
        self.decoder = json.JSONDecoder()
        self.utf8 = codecs.getincrementaldecoder("utf-8-sig")()
        self.buf, self.pos, self.eof = "", 0, False
        self.dropped_bytes = 0  # bytes of text already discarded from the buffer

    def error(self, message: str, pos: int | None = None) -> FormatError:
        at = self.pos if pos is None else pos
        byte = self.dropped_bytes + len(self.buf[:at].encode("utf-8", "surrogatepass"))
        return FormatError(message, path=self.name, byte=byte, hint=JSON_HINT)

    def _fill(self, size: int = CHUNK) -> bool:
        """Read more text; False at the end of the file."""
        if self.eof:
            return False
        raw = self.fp.read(size)
        try:
            text = self.utf8.decode(raw, final=not raw)
        except UnicodeDecodeError as exc:
            raise self.error(f"the file is not UTF-8 ({exc.reason})", len(self.buf)) from exc
        if self.pos > CHUNK:
            self.dropped_bytes += len(self.buf[: self.pos].encode("utf-8", "surrogatepass"))
            self.buf, self.pos = self.buf[self.pos :], 0
        self.buf += text
        self.eof = not raw
        return True

    def peek(self) -> str:
        """The next significant character ('' at the end)."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in WHITESPACE:
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                return ""

    def expect(self, char: str) -> None:
        found = self.peek()
        if found != char:
            shown = repr(found) if found else "the end of the file"
            raise self.error(f"expected {char!r} in the JSON but found {shown}")
        self.pos += 1

    def value(self) -> Any:
        """Decode the next complete value, reading more as needed."""
        if not self.peek():
            raise self.error("the JSON ends too early")
        size = CHUNK
        while True:
            try:
                found, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self._fill(size):
                    size = self._grow(size)
                    continue
                if exc.pos >= len(self.buf.rstrip()):
                    raise self.error("the JSON ends too early (is the file cut off?)") from exc
                raise self.error(f"invalid JSON ({exc.msg})", exc.pos) from exc
            except RecursionError as exc:
                raise self.error("the JSON is nested too deeply") from exc
            except ValueError as exc:  # not a JSONDecodeError: int() refused a huge number
                raise self.error("a number in this JSON value has over 4,300 digits") from exc
            if end == len(self.buf) and self._fill(size):
                continue  # a number may continue in the next chunk
            self.pos = end
            return found

    def _grow(self, size: int) -> int:
        if len(self.buf) - self.pos > MAX_ITEM:
            raise self.error(f"a single JSON value is larger than {MAX_ITEM >> 20} MB")
        return min(size * 2, 64 << 20)

    def members(self) -> Iterator[str]:
        """Walk an object: yield each key; the caller must consume its value."""
        self.expect("{")
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            key = self.value()
            if not isinstance(key, str):
                raise self.error("expected a string key in the JSON object")
            self.expect(":")
            yield key
            if self._after_member("}"):
                return

    def items(self) -> Iterator[Any]:
        """Walk an array, decoding one item at a time."""
        self.expect("[")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            yield self.value()
            if self._after_member("]"):
                return

    def _after_member(self, closer: str) -> bool:
        char = self.peek()
        if char == closer:
            self.pos += 1
            return True
        self.expect(",")
        return False

    def end(self) -> None:
        """Check that nothing but whitespace follows the document."""
        if self.peek():
            raise self.error("unexpected data after the end of the JSON document")


def need_dict(item: Any, stream: JsonStream, what: str) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise stream.error(f"expected each {what} to be a JSON object")
    return item


def list_of(value: Any) -> list[Any]:
    """A JSON value that should be an array: itself, or empty for anything else (a changed or
    hostile export may put a number, a string or an object there)."""
    return value if isinstance(value, list) else []


def text_of(value: Any) -> str:
    """A JSON value as text: strings as they are, numbers written out, null as ''."""
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
