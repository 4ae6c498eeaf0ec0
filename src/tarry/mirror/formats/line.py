"""LINE chat history (`[LINE] Chat history with Sakura.txt`), English and Japanese, newer and
older layouts.

    [LINE] Chat history with Sakura        [LINE] さくらとのトーク履歴
    Saved on: 6/2/2024, 09:00              保存日時：2024/06/02 09:00

    Sat, 6/1/2024                          2024/06/01(土)
    10:00<TAB>Sakura<TAB>Hello              10:00<TAB>さくら<TAB>こんにちは
    10:02<TAB>Taro<TAB>"two                 10:02<TAB>太郎<TAB>[写真]
    lines"

A day line opens each day (newer: `Sat, 6/1/2024`, month first as the app writes it; older:
`2024/06/01(Sat)`, `2024.06.01 Saturday`, `2024年6月1日(土)`), its weekday settling a day/month
order that could be either; a message is a time, a name and a text, separated by tabs; a text
over several lines is quoted (`""` inside is a quote), and in older files simply goes on below.
Lines with a time and text but no name are the app's notices (joined, left, unsent). Times are
the phone's wall-clock time, kept naive. [Photo], [スタンプ] and the like are media.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import suppress
from datetime import date
from typing import BinaryIO

from tarry.base.errors import FormatError
from tarry.base.source import Source
from tarry.mirror.formats import Message
from tarry.mirror.formats.contract import Format, Reading, by_content
from tarry.mirror.formats.conversation import Conversation, SkipFn, ignore_skip, title_from_name
from tarry.mirror.formats.limits import bounded_lines

TITLE = re.compile(
    r"^\ufeff?(?:\[LINE\] ?)?(?:Chat history with (.+)|(.+?)とのトーク履歴|(.+?)的聊天記錄)$"
)
SAVED = re.compile(r"^(?:Saved on|保存日時|儲存日期)")
WEEKDAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?|[月火水木金土日](?:曜日?)?|週[一二三四五六日]"
DAY = re.compile(
    rf"^(?:(?P<w1>{WEEKDAY}), ?)?"
    r"(?:(?P<y>\d{4})[/.\-年](?P<m>\d{1,2})[/.\-月](?P<d>\d{1,2})日?"
    r"|(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<year>\d{4}))"
    rf"(?:\s*\((?P<w2>{WEEKDAY})\)| (?P<w3>{WEEKDAY}))?$"
)
TIME = re.compile(
    r"^(?:(?P<pre>AM|PM|午前|午後) ?)?(?P<h>\d{1,2}):(?P<min>\d{2})(?: ?(?P<post>AM|PM|am|pm))?\t"
)
WEEKDAYS = {
    **{name: i for i, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{name: i for i, name in enumerate("月火水木金土日")},
    **{name: i for i, name in enumerate("一二三四五六日")},
}
MEDIA = {
    *("[Photo]", "[Sticker]", "[Video]", "[File]", "[Voice message]", "[Album]", "[Albums]"),
    *("[Contact]", "[Location]", "[Note]", "[Audio]", "[GIF]", "[Image]"),
    *("[写真]", "[スタンプ]", "[動画]", "[ファイル]", "[ボイスメッセージ]", "[アルバム]"),
    *("[連絡先]", "[位置情報]", "[ノート]", "[照片]", "[貼圖]", "[影片]", "[檔案]"),
}
# The app's notices (calls, unsent messages) in a line of their own.
SYSTEM = re.compile(
    r"^(?:☎|📞)|^.{0,60}(?: unsent a message\.?|がメッセージの送信を取り消しました|已收回訊息)$"
    r"|^メッセージの送信を取り消しました$"
)
HINT = "Save the chat from LINE (chat menu > Settings > Export chat history) and give the .txt."


def sniff(head: bytes) -> bool:
    text = head[:2048].decode("utf-8", "ignore").lstrip("\ufeff\r\n ")
    first, _, rest = text.partition("\n")
    titled = TITLE.match(first.rstrip("\r")) is not None
    return titled and (first.startswith("[LINE]") or SAVED.match(rest) is not None)


def conversations(
    fp: BinaryIO, *, name: str = "input", on_skip: SkipFn = ignore_skip
) -> Iterator[Conversation]:
    lines = _lines(fp, name)
    title = title_from_name(name).removeprefix("[LINE] ")
    for number, line in lines:
        found = TITLE.match(line)
        if found:
            title = next(t for t in found.groups() if t)
            break
        if line.strip():
            raise FormatError(
                f"expected the LINE header '[LINE] Chat history with ...', found {line[:60]!r}",
                path=name,
                line=number,
                hint=HINT,
            )
    yield Conversation(title, _messages(lines, name, on_skip))


def _lines(fp: BinaryIO, name: str) -> Iterator[tuple[int, str]]:
    text = io.TextIOWrapper(fp, encoding="utf-8-sig", newline=None)
    number = 0
    try:
        for number, line in enumerate(bounded_lines(text, name), 1):
            yield number, line.rstrip("\n")
    except UnicodeDecodeError as exc:
        raise FormatError(f"not UTF-8 ({exc.reason})", path=name, line=number + 1) from exc
    finally:
        with suppress(ValueError):
            text.detach()


def _messages(lines: Iterator[tuple[int, str]], name: str, on_skip: SkipFn) -> Iterator[Message]:
    day: str | None = None
    current: list[str] | None = None  # [ts, author, text lines...]
    quoted = False
    for number, line in lines:
        if quoted and current is not None:
            current.append(line)
            quoted = not _closes(line)
            continue
        found_day = DAY.match(line.strip())
        found = TIME.match(line) if found_day is None else None
        if found_day is not None:
            day = _day(found_day, name, number)
        elif found is not None and day is not None:
            if current is not None:
                yield _message(current)
            current, quoted = _start(found, line, day)
        elif found is not None:
            on_skip(f"line {number}", "a message before the first day line")
        elif current is not None and not SAVED.match(line):
            current.append(line)
    if current is not None:
        yield _message(current)


def _start(found: re.Match[str], line: str, day: str) -> tuple[list[str], bool]:
    hour = int(found["h"]) % 12 if found["pre"] or found["post"] else int(found["h"])
    if (found["pre"] or found["post"] or "").upper() in ("PM", "午後"):
        hour += 12
    ts = f"{day}T{min(hour, 23):02d}:{found['min']}:00"
    fields = line[found.end() :].split("\t", 1)
    author, text = (fields[0], fields[1]) if len(fields) == 2 else ("", fields[0])
    quoted = text.startswith('"') and not _closes(text[1:])
    return [ts, author, text], quoted


def _closes(line: str) -> bool:
    """Whether a quoted text ends on this line: a quote not doubled at its end."""
    bare = line.rstrip("\r")
    trailing = len(bare) - len(bare.rstrip('"'))
    return trailing % 2 == 1


def _message(current: list[str]) -> Message:
    ts, author, *lines = current
    text = "\n".join(lines).rstrip("\n")
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"' and ("\n" in text or '""' in text):
        text = text[1:-1].replace('""', '"')
    if not author or ("\n" not in text and SYSTEM.search(text)):
        return Message(ts, author, text, "system")
    return Message(ts, author, text, "media" if text in MEDIA else "message")


def _day(found: re.Match[str], name: str, number: int) -> str:
    weekday = found["w1"] or found["w2"] or found["w3"]
    if found["y"]:
        readings = [(int(found["y"]), int(found["m"]), int(found["d"]))]
    else:
        a, b, year = int(found["a"]), int(found["b"]), int(found["year"])
        readings = [(year, a, b), (year, b, a)]  # month first as the app writes it, then day
    valid = [r for r in readings if _exists(*r)]
    if weekday and len(valid) > 1:
        wanted = WEEKDAYS.get(weekday[:3].lower(), WEEKDAYS.get(weekday[-1:]))
        valid = [r for r in valid if date(*r).weekday() == wanted] or valid
    if not valid:
        raise FormatError(f"no such day {found[0]!r}", path=name, line=number, hint=HINT)
    return date(*valid[0]).isoformat()


def _exists(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _open(source: Source, fp: BinaryIO, reading: Reading) -> Iterator[Conversation]:
    return conversations(fp, name=str(source), on_skip=reading.on_skip)


FORMATS = (
    Format(
        "line", "LINE chat history .txt (English or Japanese)", by_content(sniff), _open, (".txt",)
    ),
)
