"""Report periods: a quarter or any range of the station's local dates, and its UTC bounds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from broadcaster.reports.errors import ReportError
from broadcaster.schedule import parse_day
from broadcaster.schedule.model import local_instant

ROMAN = ("I", "II", "III", "IV")

_QUARTER_FORMS = (
    re.compile(r"^(?P<year>\d{4})\s*-?\s*Q(?P<q>[1-4])$", re.IGNORECASE),     # 2024Q1, 2024-Q1
    re.compile(r"^Q(?P<q>[1-4])\s*[/-]\s*(?P<year>\d{4})$", re.IGNORECASE),   # Q1/2024, Q1-2024
)


@dataclass(frozen=True)
class Period:
    """An inclusive range of local dates; ``quarter`` is set when it is exactly one quarter."""

    start: date
    end: date
    quarter: int | None = None

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ReportError(f"ngày bắt đầu {self.start:%d/%m/%Y} sau ngày kết thúc "
                              f"{self.end:%d/%m/%Y}.")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label_vi(self) -> str:
        """The period in words: 'quý I năm 2024' or 'từ ngày 01/01/2024 đến ngày 15/02/2024'."""
        if self.quarter:
            return f"quý {ROMAN[self.quarter - 1]} năm {self.start.year}"
        return f"từ ngày {self.start:%d/%m/%Y} đến ngày {self.end:%d/%m/%Y}"

    @property
    def slug(self) -> str:
        """A file-name friendly name: '2024-Q1' or '2024-01-01_2024-02-15'."""
        if self.quarter:
            return f"{self.start.year}-Q{self.quarter}"
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    def utc_bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The half-open UTC interval [first instant of start, first instant after end] in ``zone``."""
        return (local_instant(self.start, time(0), zone),
                local_instant(self.end + timedelta(days=1), time(0), zone))

    def months(self) -> list[tuple[int, int]]:
        """Every (year, month) the period touches, in order."""
        out, (year, month) = [], (self.start.year, self.start.month)
        while (year, month) <= (self.end.year, self.end.month):
            out.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out

    def weeks(self) -> list[date]:
        """The Monday of every week (Monday to Sunday) the period touches, in order."""
        monday = self.start - timedelta(days=self.start.weekday())
        out = []
        while monday <= self.end:
            out.append(monday)
            monday += timedelta(days=7)
        return out


def quarter(year: int, number: int) -> Period:
    first = date(year, 3 * number - 2, 1)
    following = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
    return Period(first, following - timedelta(days=1), number)


def parse_quarter(text: str) -> Period:
    """Read '2024Q1', '2024-Q1' or 'Q1/2024' (any case); raise ReportError with the forms otherwise."""
    cleaned = (text or "").strip()
    for form in _QUARTER_FORMS:
        found = form.match(cleaned)
        if found:
            year = int(found["year"])
            if 1900 <= year <= 9998:
                return quarter(year, int(found["q"]))
    raise ReportError(f"quý '{text}' không hợp lệ: hãy viết dạng 2024Q1, 2024-Q1 hoặc Q1/2024 "
                      "(quý từ 1 đến 4).")


def parse_date(text: str) -> date:
    """Read a date as 2024-03-31 or 31/03/2024; raise ReportError otherwise."""
    day = parse_day(text)
    if day is not None:
        return day
    raise ReportError(f"ngày '{text}' không hợp lệ: hãy viết dạng 2024-03-31 hoặc 31/03/2024.")


def date_range(start: date, end: date) -> Period:
    """A custom range; a range that is exactly one calendar quarter is named as that quarter."""
    period = Period(start, end)
    if start.day == 1 and start.month % 3 == 1:
        candidate = quarter(start.year, (start.month + 2) // 3)
        if candidate.end == end:
            return candidate
    return period
