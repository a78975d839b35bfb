"""Digit-led rules for dates and times: 02/9/2025, 2-5/9, tháng 12/2023, quý 1/2024, 17h30, 14:00.

Day and month pairs without a year (2/9, ngày 30-4, 15.8) are in `days`.

Each rule takes (scan, pos, hint) and returns a `Parsed` or None when it does not apply.
"""

from __future__ import annotations

import re

from broadcaster.reading import numbers as N
from broadcaster.reading.scan import Parsed, Piece, Scan, context_before, cue
from broadcaster.reading.units import unit_follows

TAIL = r"(?![0-9]|[.,/:][0-9])"  # a rule must account for the whole run of digits

NGAY_CUE = cue("ngày|mùng|mồng")
# "các ngày 10, 11 và 12/6": the list already said "ngày"; the last date does not say it again.
_DAY_LIST_BEFORE = re.compile(r"(?:^|[^\w])(?:ngày|mùng|mồng)[ \t]+[0-9]{1,2}(?:[ \t]*(?:,|và|hoặc|hay)[ \t]*"
                              r"[0-9]{1,2})*[ \t]*(?:,|và|hoặc|hay)[ \t]*\Z", re.IGNORECASE)


def says_ngay(before: str) -> bool:
    """Whether the text right before a date already says "ngày" for it."""
    return NGAY_CUE.search(before) is not None or _DAY_LIST_BEFORE.search(before) is not None

MONTH_CUE = cue("tháng")
QUARTER_CUE = cue("quý")
RATIO_CUE = cue("tỷ lệ|tỉ lệ|bản đồ")
DATE_CUE = cue(
    "ngày|mùng|mồng|hôm|sáng|trưa|chiều|tối|đêm|khuya|từ|đến|tới|trước|sau|hết|hạn|dịp|lễ|tết|"
    "niệm|khánh|vào|nay|chủ nhật|thứ hai|thứ ba|thứ tư|thứ năm|thứ sáu|thứ bảy|cn|mừng|hưởng ứng",
    gap=r"\s*[,(]?\s*",
)
DATE_BEFORE = re.compile(
    r"(?:[0-9]{1,2}/[0-9]{1,2}(?:/[0-9]{2,4})?|[0-9]{1,2}-[0-9]{1,2}|ngày[ \t]+[0-9]{1,2})"
    r"[ \t]*(?:,|;|và|hoặc|hay|đến|tới|-|–)[ \t]*\Z",
    re.IGNORECASE,
)
# "Ngày Quốc tế Thiếu nhi 1/6": a day word a few words back, weaker than the cues above.
def day_month(d: int, m: int, words: N.NumberWords, with_ngay: bool) -> str:
    """ngày hai tháng chín (without "ngày" when the text has just said it)."""
    text = f"{N.read_int(d, words)} tháng {N.read_month(m, words)}"
    return "ngày " + text if with_ngay else text


def year_words(digits: str, words: N.NumberWords) -> str:
    """Read a year as a cardinal (2025 → hai nghìn không trăm hai mươi lăm)."""
    return N.read_int(int(digits), words)


def valid_day(d: int, m: int) -> bool:
    """Whether d/m can be a day of a month."""
    return 1 <= d <= 31 and 1 <= m <= 12


_DATE_RE = re.compile(
    rf"(?P<d>[0-9]{{1,2}})(?P<s>[/.\-])(?P<m>[0-9]{{1,2}})(?P=s)(?P<y>[0-9]{{4}}|[0-9]{{2}}){TAIL}"
)
# "ngày 15 / 3 / 2025": spaces around the slashes (a four-digit year keeps it a date)
_SPACED_DATE_RE = re.compile(
    rf"(?P<d>[0-9]{{1,2}})[ \t]*/[ \t]*(?P<m>[0-9]{{1,2}})[ \t]*/[ \t]*(?P<y>[0-9]{{4}}){TAIL}")


def full_date(scan: Scan, pos: int, hint: str | None) -> Parsed | None:
    """02/9/2025, 05.01.2024, 15-01-2024 → ngày … tháng … năm …"""
    m = _DATE_RE.match(scan.src, pos) or _SPACED_DATE_RE.match(scan.src, pos)
    if m is None:
        return None
    d, mo = int(m.group("d")), int(m.group("m"))
    if not valid_day(d, mo):
        return None
    with_ngay = not says_ngay(context_before(scan.src, pos))
    reading = f"{day_month(d, mo, scan.words, with_ngay)} năm {year_words(m.group('y'), scan.words)}"
    return Parsed(m.end(), [Piece(pos, m.end(), reading, "date")], "date", d)


_DAY_RANGE_RE = re.compile(
    rf"(?P<d1>[0-9]{{1,2}})[ \t]?[-–][ \t]?(?P<d2>[0-9]{{1,2}})/(?P<m>[0-9]{{1,2}})"
    rf"(?:/(?P<y>[0-9]{{4}}))?{TAIL}"
)
_MONTH_RANGE_RE = re.compile(
    rf"(?P<m1>[0-9]{{1,2}})[ \t]?[-–][ \t]?(?P<m2>[0-9]{{1,2}})/(?P<y>[0-9]{{4}}){TAIL}"
)


def day_range(scan: Scan, pos: int, hint: str | None) -> Parsed | None:
    """2-5/9/2024 → ngày hai đến ngày năm tháng chín năm …; tháng 3-5/2024 likewise for months."""
    src, words = scan.src, scan.words
    m = _DAY_RANGE_RE.match(src, pos)
    if m is not None:
        d1, d2, mo = int(m.group("d1")), int(m.group("d2")), int(m.group("m"))
        if valid_day(d1, mo) and valid_day(d2, mo) and d1 < d2:
            before = context_before(src, pos)
            left = N.read_int(d1, words)
            if not says_ngay(before):
                left = "ngày " + left
            right = day_month(d2, mo, words, with_ngay=True)
            if m.group("y"):
                right += " năm " + year_words(m.group("y"), words)
            pieces = [Piece(pos, m.end("d1"), left, "date"),
                      Piece(m.end("d1"), m.start("d2"), "đến", "range"),
                      Piece(m.start("d2"), m.end(), right, "date")]
            return Parsed(m.end(), pieces, "date", d2)
    m = _MONTH_RANGE_RE.match(src, pos)
    if m is not None:
        m1, m2 = int(m.group("m1")), int(m.group("m2"))
        if 1 <= m1 < m2 <= 12:
            left = N.read_month(m1, words)
            if not MONTH_CUE.search(context_before(src, pos)):
                left = "tháng " + left
            right = f"tháng {N.read_month(m2, words)} năm {year_words(m.group('y'), words)}"
            pieces = [Piece(pos, m.end("m1"), left, "month_year"),
                      Piece(m.end("m1"), m.start("m2"), "đến", "range"),
                      Piece(m.start("m2"), m.end(), right, "month_year")]
            return Parsed(m.end(), pieces, "date", m2)
    return None


_MONTH_YEAR_RE = re.compile(rf"(?P<m>[0-9]{{1,2}})(?P<s>[/.\-])(?P<y>(?:1[89]|20|21)[0-9]{{2}}){TAIL}")


def month_year(scan: Scan, pos: int, hint: str | None) -> Parsed | None:
    """tháng 12/2023 → tháng mười hai năm …; quý 1/2024 → quý một năm …; 6/2026, 10-2019 → tháng…"""
    src, words = scan.src, scan.words
    m = _MONTH_YEAR_RE.match(src, pos)
    if m is None:
        return None
    mo = int(m.group("m"))
    before = context_before(src, pos)
    year = year_words(m.group("y"), words)
    if QUARTER_CUE.search(before) and 1 <= mo <= 4:
        return Parsed(m.end(), [Piece(pos, m.end(), f"{N.read_int(mo, words)} năm {year}", "quarter")],
                      "date", mo)
    if not 1 <= mo <= 12:
        return None
    has_month_word = MONTH_CUE.search(before) is not None
    # "đến 10-2019": a dash before a year of this century or the last is a month too
    dashed_year = m.group("s") == "-" and m.group("y")[:2] in ("19", "20") and not unit_follows(src, m.end())
    if m.group("s") != "/" and not (has_month_word or dashed_year):
        return None
    if not has_month_word and RATIO_CUE.search(before):
        return None
    reading = f"{N.read_month(mo, words)} năm {year}"
    if not has_month_word:
        reading = "tháng " + reading
    return Parsed(m.end(), [Piece(pos, m.end(), reading, "month_year")], "date", mo)


_TIME_H_RE = re.compile(
    r"(?P<h>[0-9]{1,2})[ \t]?[hH](?:(?P<mi>[0-5][0-9])(?:[ \t]?(?:'|’|ph|p|phút)(?![^\W\d_]))?)?"
    r"(?![^\W_])"
)
_TIME_G_RE = re.compile(r"(?P<h>[0-9]{1,2})g(?P<mi>[0-5][0-9])(?![^\W_])")
_TIME_COLON_RE = re.compile(
    r"(?P<h>[0-9]{1,2}):(?P<mi>[0-5][0-9])(?::(?P<s>[0-5][0-9]))?(?:[hH](?![^\W_]))?(?![0-9]|[.,:][0-9])"
)


def _clock(h: int, minutes: int, seconds: int, words: N.NumberWords) -> str:
    text = f"{N.read_int(h, words)} giờ"
    if minutes:
        text += f" {N.read_int(minutes, words)} phút"
    if seconds:
        text += f" {N.read_int(seconds, words)} giây"
    return text


def clock_time(scan: Scan, pos: int, hint: str | None) -> Parsed | None:
    """17h30, 7h, 7h00, 7g30, 14:00, 16:45 → mười bảy giờ ba mươi phút, bảy giờ…"""
    src = scan.src
    m = _TIME_H_RE.match(src, pos) or _TIME_G_RE.match(src, pos)
    seconds = 0
    if m is None:
        m = _TIME_COLON_RE.match(src, pos)
        if m is None or int(m.group("h")) > 24:
            return None
        seconds = int(m.group("s") or 0)
    h = int(m.group("h"))
    minutes = int(m.group("mi") or 0)
    if m.group("mi") is not None and h > 24:
        return None
    reading = _clock(h, minutes, seconds, scan.words)
    return Parsed(m.end(), [Piece(pos, m.end(), reading, "time")], "time", h)


