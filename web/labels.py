"""Vietnamese words for the model's enums, and the template filters that show times and lengths."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask

from broadcaster.db.models import (AsRunStatus, BulletinKind, BulletinStatus, PlanStatus, Priority,
                                   RepeatKind, Role, Trigger)
from broadcaster.planning.approval import STATUS_WORDS

PRIORITY_WORDS = {Priority.NORMAL: "thường", Priority.PRIORITY: "ưu tiên",
                  Priority.EMERGENCY: "khẩn cấp"}
BULLETIN_STATUS_WORDS = {BulletinStatus.DRAFT: "bản nháp", BulletinStatus.ACTIVE: "đang dùng",
                         BulletinStatus.ARCHIVED: "đã lưu trữ"}
KIND_WORDS = {BulletinKind.TEXT: "đọc tự động", BulletinKind.RECORDING: "bản ghi âm"}
REPEAT_WORDS = {RepeatKind.EVERY_SLOT: "mọi buổi được phép", RepeatKind.DAILY: "mỗi ngày một lần",
                RepeatKind.ONCE: "chỉ một lần", RepeatKind.COUNT: "số lần nhất định"}
PLAN_WORDS = dict(STATUS_WORDS)
ROLE_WORDS = {Role.EDITOR: "biên tập", Role.APPROVER: "người duyệt", Role.OPERATOR: "kỹ thuật",
              Role.REPORTER: "báo cáo", Role.ADMIN: "quản trị"}
ASRUN_WORDS = {AsRunStatus.STARTED: "đang phát", AsRunStatus.PLAYED: "đã phát",
               AsRunStatus.PARTIAL: "phát một phần", AsRunStatus.MISSED: "bỏ lỡ",
               AsRunStatus.FAILED: "lỗi", AsRunStatus.INTERRUPTED: "bị ngắt",
               AsRunStatus.EMERGENCY: "khẩn cấp"}
TRIGGER_WORDS = {Trigger.SCHEDULE: "theo lịch", Trigger.MANUAL: "phát tay",
                 Trigger.EMERGENCY: "khẩn cấp"}
WEEKDAY_WORDS = {"mon": "Thứ Hai", "tue": "Thứ Ba", "wed": "Thứ Tư", "thu": "Thứ Năm",
                 "fri": "Thứ Sáu", "sat": "Thứ Bảy", "sun": "Chủ nhật"}
SHORT_WEEKDAYS = {"mon": "T2", "tue": "T3", "wed": "T4", "thu": "T5", "fri": "T6", "sat": "T7",
                  "sun": "CN"}
SOURCE_WORDS = {"speech": "giọng đọc", "recording": "bản ghi âm", "file": "tệp âm thanh"}


def weekday_of(day: date) -> str:
    return list(WEEKDAY_WORDS.values())[day.weekday()]


def clock(ms: int | None) -> str:
    """A length as m:ss (or h:mm:ss), e.g. 4:05."""
    seconds = round((ms or 0) / 1000)
    hours, rest = divmod(seconds, 3600)
    if hours:
        return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
    return f"{rest // 60}:{rest % 60:02d}"


def local(value: datetime | None, zone: ZoneInfo | str, fmt: str = "%H:%M %d/%m/%Y") -> str:
    """An aware datetime shown in the station's zone."""
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(zone) if isinstance(zone, str) else zone).strftime(fmt)


def vi_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def word(value) -> str:
    """The Vietnamese word of any enum value the pages show."""
    for table in (PRIORITY_WORDS, BULLETIN_STATUS_WORDS, KIND_WORDS, REPEAT_WORDS, PLAN_WORDS,
                  ROLE_WORDS, ASRUN_WORDS, TRIGGER_WORDS):
        if value in table:
            return table[value]
    if isinstance(value, str):
        return WEEKDAY_WORDS.get(value) or SOURCE_WORDS.get(value) or value
    return str(value)


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(clock=clock, local=local, vi_date=vi_date, word=word,
                                 weekday_of=weekday_of)
    app.jinja_env.globals.update(Role=Role, PlanStatus=PlanStatus, AsRunStatus=AsRunStatus)
