"""Read a schedule TOML file, rejecting a bad one with the line at fault (messages in Vietnamese)."""

from __future__ import annotations

import re
import tomllib
from datetime import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from broadcaster.errors import ConfigError
from broadcaster.schedule.model import WEEKDAYS, Schedule, SlotSpec

TOP_KEYS = {"timezone", "grace_minutes", "slot"}
SLOT_KEYS = {"name", "title", "start", "length_minutes", "weekdays", "grace_minutes"}
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_TIME = re.compile(r"^(\d{2}):(\d{2})(?::(\d{2}))?$")
_TOML_POSITION = re.compile(r"at line (\d+)")


class _Locator:
    """Find the line a key stands on, to point the user at it."""

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.slot_lines = [i for i, line in enumerate(self.lines)
                           if line.strip().startswith("[[slot]]")]

    def line_of(self, key: str, slot_index: int | None = None) -> int | None:
        if slot_index is None:
            start, end = 0, (self.slot_lines[0] if self.slot_lines else len(self.lines))
        else:
            start = self.slot_lines[slot_index]
            following = self.slot_lines[slot_index + 1:slot_index + 2]
            end = following[0] if following else len(self.lines)
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number in range(start, end):
            if pattern.match(self.lines[number]):
                return number + 1
        return start + 1 if slot_index is not None else None


def parse_schedule(text: str, source: str = "lịch phát") -> Schedule:
    """Parse and validate a schedule; raise ConfigError naming the file, the line and the fault."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_POSITION.search(str(exc))
        where = f", dòng {found.group(1)}" if found else ""
        raise ConfigError(f"{source}{where}: tệp TOML không hợp lệ ({exc}).") from None
    where = _Locator(text)

    def fail(message: str, key: str | None = None, slot_index: int | None = None) -> ConfigError:
        line = where.line_of(key, slot_index) if key else None
        if line is None and slot_index is not None:
            line = where.slot_lines[slot_index] + 1
        position = f", dòng {line}" if line else ""
        return ConfigError(f"{source}{position}: {message}")

    return _schedule(data, fail)


def check_schedule(data: dict[str, Any], source: str = "Lịch phát") -> Schedule:
    """Validate a schedule given as data (the web form): the same rules as a file, with the
    slot's position instead of a line."""
    def fail(message: str, key: str | None = None, slot_index: int | None = None) -> ConfigError:
        position = ""
        if slot_index is not None:
            title = data["slot"][slot_index].get("title") if isinstance(data.get("slot"), list) else None
            position = f", «{title}»" if title else f", buổi thứ {slot_index + 1}"
        return ConfigError(f"{source}{position}: {message}")

    return _schedule(data, fail)


def _schedule(data: dict[str, Any], fail) -> Schedule:
    for key in data:
        if key not in TOP_KEYS:
            raise fail(f"khóa '{key}' không được hỗ trợ.", key)
    zone = data.get("timezone", "Asia/Ho_Chi_Minh")
    try:
        if not isinstance(zone, str):
            raise ZoneInfoNotFoundError(zone)
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise fail(f"múi giờ '{zone}' không tồn tại (ví dụ đúng: \"Asia/Ho_Chi_Minh\").",
                   "timezone") from None
    default_grace = _minutes(data.get("grace_minutes", 10), "grace_minutes", fail, None)

    raw_slots = data.get("slot", [])
    if not isinstance(raw_slots, list) or not raw_slots:
        raise fail("cần ít nhất một buổi phát [[slot]].")
    slots = [_slot(raw, i, default_grace, fail) for i, raw in enumerate(raw_slots)]
    _check_unique_and_apart(slots, fail)
    return Schedule(zone, tuple(slots))


def load_schedule(path: str | Path) -> Schedule:
    """Read a schedule file from disk."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: không tìm thấy tệp lịch phát.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: không đọc được tệp lịch phát ({exc}).") from None
    return parse_schedule(text, str(path))


def _minutes(value: Any, key: str, fail, slot_index: int | None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise fail(f"'{key}' phải là số phút không âm, nhận được {value!r}.", key, slot_index)
    return round(value * 60)


def _slot(raw: Any, index: int, default_grace: int, fail) -> SlotSpec:
    if not isinstance(raw, dict):
        raise fail("mỗi [[slot]] phải là một bảng khóa = giá trị.", None, index)
    for key in raw:
        if key not in SLOT_KEYS:
            raise fail(f"khóa '{key}' không được hỗ trợ trong [[slot]].", key, index)
    for key in ("name", "title", "start", "length_minutes"):
        if key not in raw:
            raise fail(f"buổi phát thứ {index + 1} thiếu khóa '{key}'.", None, index)
    name = raw["name"]
    if not isinstance(name, str) or not _NAME.match(name):
        raise fail(f"mã buổi '{name}' chỉ được gồm chữ thường không dấu, số, '-' hoặc '_'.",
                   "name", index)
    title = raw["title"]
    if not isinstance(title, str) or not title.strip():
        raise fail("'title' phải là chữ, không được để trống.", "title", index)
    start = _start(raw["start"], fail, index)
    length = raw["length_minutes"]
    if isinstance(length, bool) or not isinstance(length, int) or not 0 < length <= 24 * 60:
        raise fail(f"'length_minutes' phải là số phút nguyên từ 1 đến 1440, nhận được {length!r}.",
                   "length_minutes", index)
    weekdays = raw.get("weekdays", list(WEEKDAYS))
    if (not isinstance(weekdays, list) or not weekdays
            or any(day not in WEEKDAYS for day in weekdays) or len(set(weekdays)) != len(weekdays)):
        raise fail("'weekdays' phải là danh sách không trùng lặp gồm các ngày "
                   + ", ".join(WEEKDAYS) + ".", "weekdays", index)
    grace = (_minutes(raw["grace_minutes"], "grace_minutes", fail, index)
             if "grace_minutes" in raw else default_grace)
    if grace > length * 60:
        raise fail("'grace_minutes' không được dài hơn buổi phát.", "grace_minutes", index)
    ordered = tuple(day for day in WEEKDAYS if day in weekdays)
    return SlotSpec(name, title.strip(), start, length * 60, ordered, grace)


def _start(value: Any, fail, index: int) -> time:
    found = _TIME.match(value) if isinstance(value, str) else None
    if found:
        hour, minute, second = int(found[1]), int(found[2]), int(found[3] or 0)
        if hour < 24 and minute < 60 and second < 60:
            return time(hour, minute, second)
    raise fail(f"giờ bắt đầu {value!r} không hợp lệ (dạng \"06:00\" hoặc \"06:00:30\").",
               "start", index)


def _check_unique_and_apart(slots: list[SlotSpec], fail) -> None:
    seen: set[str] = set()
    for index, slot in enumerate(slots):
        if slot.name in seen:
            raise fail(f"mã buổi '{slot.name}' bị trùng.", "name", index)
        seen.add(slot.name)
    for i, a in enumerate(slots):
        for j, b in enumerate(slots[i + 1:], i + 1):
            if not set(a.weekdays) & set(b.weekdays):
                continue
            a_start, b_start = _seconds(a.start), _seconds(b.start)
            if a_start < b_start + b.length_seconds and b_start < a_start + a.length_seconds:
                raise fail(f"buổi '{b.name}' chồng lên buổi '{a.name}'.", "start", j)


def _seconds(value: time) -> int:
    return value.hour * 3600 + value.minute * 60 + value.second
