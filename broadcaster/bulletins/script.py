"""Parse a bulletin script file (scripts_vi/README.md documents the format). Pure."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from broadcaster.db.models import Priority, RepeatKind
from broadcaster.errors import ScriptFormatError
from broadcaster.schedule import WEEKDAYS

PRIORITY_WORDS = {
    "thường": Priority.NORMAL, "thuong": Priority.NORMAL, "normal": Priority.NORMAL,
    "ưu tiên": Priority.PRIORITY, "uu tien": Priority.PRIORITY, "priority": Priority.PRIORITY,
    "khẩn cấp": Priority.EMERGENCY, "khan cap": Priority.EMERGENCY, "emergency": Priority.EMERGENCY,
}
KEYS = ("title", "topic", "priority", "valid_from", "valid_until", "slots", "weekdays", "repeat")
REQUIRED = ("title", "topic", "priority")
_SLOT = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class BulletinScript:
    """A bulletin as written in a script file."""

    title: str
    topic: str
    priority: Priority
    body: str
    valid_from: date | None = None
    valid_until: date | None = None
    slots: tuple[str, ...] = ()
    weekdays: tuple[str, ...] = ()
    repeat_kind: RepeatKind = RepeatKind.EVERY_SLOT
    repeat_count: int | None = None


def parse_script(text: str) -> BulletinScript:
    """Parse a script; raise ScriptFormatError with the line and the reason."""
    text = unicodedata.normalize("NFC", text.lstrip("\ufeff")).replace("\r\n", "\n")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise ScriptFormatError("dòng 1: tệp phải bắt đầu bằng dòng '---' mở phần đầu.")
    try:
        close = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise ScriptFormatError("thiếu dòng '---' đóng phần đầu.") from None

    header: dict[str, tuple[str, int]] = {}
    for number in range(1, close):
        line = lines[number].strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition(":")
        key = key.strip().lower()
        if not sep:
            raise ScriptFormatError(f"dòng {number + 1}: cần dạng 'khóa: giá trị'.")
        if key not in KEYS:
            raise ScriptFormatError(f"dòng {number + 1}: khóa '{key}' không được hỗ trợ "
                                    f"(các khóa: {', '.join(KEYS)}).")
        if key in header:
            raise ScriptFormatError(f"dòng {number + 1}: khóa '{key}' bị lặp lại.")
        header[key] = (value.strip(), number + 1)
    for key in REQUIRED:
        if not header.get(key, ("", 0))[0]:
            raise ScriptFormatError(f"thiếu khóa bắt buộc '{key}'.")

    body = "\n".join(lines[close + 1:]).strip()
    if not body:
        raise ScriptFormatError("nội dung bản tin trống.")

    def value(key: str) -> tuple[str, int]:
        return header.get(key, ("", 0))

    priority_word, line = value("priority")
    priority = PRIORITY_WORDS.get(priority_word.lower())
    if priority is None:
        raise ScriptFormatError(f"dòng {line}: mức ưu tiên '{priority_word}' không hợp lệ "
                                "(thường, ưu tiên hoặc khẩn cấp).")
    valid_from = _date(*value("valid_from"))
    valid_until = _date(*value("valid_until"))
    if valid_from and valid_until and valid_until < valid_from:
        raise ScriptFormatError(f"dòng {value('valid_until')[1]}: valid_until trước valid_from.")
    slots = _names(*value("slots"))
    for slot in slots:
        if not _SLOT.match(slot):
            raise ScriptFormatError(f"dòng {value('slots')[1]}: mã buổi '{slot}' không hợp lệ.")
    weekdays = _names(*value("weekdays"))
    for day in weekdays:
        if day not in WEEKDAYS:
            raise ScriptFormatError(f"dòng {value('weekdays')[1]}: ngày '{day}' không hợp lệ "
                                    f"({', '.join(WEEKDAYS)}).")
    repeat_kind, repeat_count = _repeat(*value("repeat"))
    return BulletinScript(
        title=value("title")[0], topic=value("topic")[0].lower(), priority=priority, body=body,
        valid_from=valid_from, valid_until=valid_until, slots=slots,
        weekdays=tuple(day for day in WEEKDAYS if day in weekdays),
        repeat_kind=repeat_kind, repeat_count=repeat_count,
    )


def _date(text: str, line: int) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ScriptFormatError(f"dòng {line}: ngày '{text}' không hợp lệ (dạng 2024-03-01).") from None


def _names(text: str, line: int) -> tuple[str, ...]:
    names = tuple(part.strip().lower() for part in text.split(",") if part.strip())
    if len(set(names)) != len(names):
        raise ScriptFormatError(f"dòng {line}: danh sách có mục trùng lặp.")
    return names


def _repeat(text: str, line: int) -> tuple[RepeatKind, int | None]:
    if not text:
        return RepeatKind.EVERY_SLOT, None
    if text.isdigit() and int(text) >= 1:
        return RepeatKind.COUNT, int(text)
    try:
        kind = RepeatKind(text.lower())
    except ValueError:
        raise ScriptFormatError(f"dòng {line}: repeat '{text}' không hợp lệ "
                                "(every-slot, daily, once hoặc một số lần phát).") from None
    if kind is RepeatKind.COUNT:
        raise ScriptFormatError(f"dòng {line}: hãy ghi số lần phát, ví dụ 'repeat: 3'.")
    return kind, None
