"""Digit-led rules for dates and times: 02/9/2025, 2/9, tháng 12/2023, quý 1/2024, 17h30, 14:00.

Each rule takes (scan, pos, hint) and returns a `Parsed` or None when it does not apply.
"""

from __future__ import annotations

import re

from broadcaster.reading import numbers as N
from broadcaster.reading.scan import Parsed, Piece, Scan, context_before, cue
from broadcaster.reading.units import unit_after

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
FRACTION_CUE = cue(
    "hơn|gần|khoảng|chiếm|trên|dưới|bằng|còn|được|đạt|mất|giảm|tăng|thêm|có|cả|chừng|độ|xấp xỉ|"
    "gấp|tới gần|tỷ lệ|tỉ lệ|là"
)
FRACTION_AFTER = re.compile(
    r"[ \t]*(?:số|tổng|diện tích|dân số|hộ|thôn|xóm|xã|chỉ tiêu|tiêu chí|trường|đơn vị|người|"
    r"thành viên|cơ quan|khu|lượng|phần|thời gian|kinh phí|giá trị|cán bộ|đảng viên|học sinh|"
    r"chi bộ|sản lượng|cử tri|lao động|trẻ|gia đình|công trình|dự án|quãng|chiều|vốn|nguồn|"
    r"ngân sách|quỹ|đoạn|tuyến|lực lượng|nhà|đối tượng|hồ sơ|thủ tục|mục tiêu|nhiệm vụ|nội dung|"
    r"các|mỗi|trong|dân|diện)(?![^\W\d_])",
    re.IGNORECASE,
)
# Things counted one by one: "12/14 thôn", "17/19 tiêu chí" are so many out of so many.
_COUNTED_AFTER = re.compile(
    r"[ \t]*(?:thôn|xóm|xã|phường|tổ|chỉ tiêu|tiêu chí|trường|đơn vị|cơ quan|chi bộ|hộ|người|"
    r"thành viên|cán bộ|đảng viên|học sinh|cử tri|công trình|dự án|hồ sơ|thủ tục|nhiệm vụ|"
    r"nội dung|điểm|phiếu|câu|mô hình|sản phẩm)(?![^\W\d_])",
    re.IGNORECASE,
)
# Below this a/b before a counted noun is a share people say with "phần" (2/3 số hộ, 3/5 thôn).
_SHARE_MAX_DENOMINATOR = 5
# A date just before ("30/4 và 1/5", "2/9, 3/9") makes the next day/month a date too.
_DATE_BEFORE = re.compile(
    r"(?:[0-9]{1,2}/[0-9]{1,2}(?:/[0-9]{2,4})?|[0-9]{1,2}-[0-9]{1,2}|ngày[ \t]+[0-9]{1,2})"
    r"[ \t]*(?:,|;|và|hoặc|hay|đến|tới|-|–)[ \t]*\Z",
    re.IGNORECASE,
)
# "Ngày Quốc tế Thiếu nhi 1/6": a day word a few words back, weaker than the cues above.
_NAMED_DAY_BEFORE = re.compile(r"(?:^|[^\w])(?:ngày|tết|lễ)(?:[ \t]+[^\W\d_]+){1,5}[ \t]*\Z", re.IGNORECASE)
_RANK_CUE = re.compile(r"(?:^|[^\w])(thứ|hạng|ngõ|ngách|hẻm|kiệt)\s*\Z", re.IGNORECASE)
_PREV_WORD = re.compile(r"([^\W\d_]+)[ \t]*\Z")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n])[\s\"'“(*#>-]*\Z")


def _day_month(d: int, m: int, words: N.NumberWords, with_ngay: bool) -> str:
    text = f"{N.read_int(d, words)} tháng {N.read_month(m, words)}"
    return "ngày " + text if with_ngay else text


def _year(digits: str, words: N.NumberWords) -> str:
    return N.read_int(int(digits), words)


def _valid(d: int, m: int) -> bool:
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
    if not _valid(d, mo):
        return None
    with_ngay = not says_ngay(context_before(scan.src, pos))
    reading = f"{_day_month(d, mo, scan.words, with_ngay)} năm {_year(m.group('y'), scan.words)}"
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
        if _valid(d1, mo) and _valid(d2, mo) and d1 < d2:
            before = context_before(src, pos)
            left = N.read_int(d1, words)
            if not says_ngay(before):
                left = "ngày " + left
            right = _day_month(d2, mo, words, with_ngay=True)
            if m.group("y"):
                right += " năm " + _year(m.group("y"), words)
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
            right = f"tháng {N.read_month(m2, words)} năm {_year(m.group('y'), words)}"
            pieces = [Piece(pos, m.end("m1"), left, "month_year"),
                      Piece(m.end("m1"), m.start("m2"), "đến", "range"),
                      Piece(m.start("m2"), m.end(), right, "month_year")]
            return Parsed(m.end(), pieces, "date", m2)
    return None


_MONTH_YEAR_RE = re.compile(rf"(?P<m>[0-9]{{1,2}})(?P<s>[/.\-])(?P<y>(?:1[89]|20|21)[0-9]{{2}}){TAIL}")


def month_year(scan: Scan, pos: int, hint: str | None) -> Parsed | None:
    """tháng 12/2023 → tháng mười hai năm …; quý 1/2024 → quý một năm …; 6/2026 → tháng sáu năm …"""
    src, words = scan.src, scan.words
    m = _MONTH_YEAR_RE.match(src, pos)
    if m is None:
        return None
    mo = int(m.group("m"))
    before = context_before(src, pos)
    year = _year(m.group("y"), words)
    if QUARTER_CUE.search(before) and 1 <= mo <= 4:
        return Parsed(m.end(), [Piece(pos, m.end(), f"{N.read_int(mo, words)} năm {year}", "quarter")],
                      "date", mo)
    if not 1 <= mo <= 12:
        return None
    has_month_word = MONTH_CUE.search(before) is not None
    if m.group("s") != "/" and not has_month_word:
        return None
    if not has_month_word and RATIO_CUE.search(before):
        return None
    reading = f"{N.read_month(mo, words)} năm {year}"
    if not has_month_word:
        reading = "tháng " + reading
    return Parsed(m.end(), [Piece(pos, m.end(), reading, "month_year")], "date", mo)


def _after_proper_noun(before: str) -> bool:
    """Tell whether the word before is capitalized inside a sentence (Quốc khánh 2/9, Tết 1/1)."""
    m = _PREV_WORD.search(before)
    if m is None or not m.group(1)[0].isupper():
        return False
    return _SENTENCE_START.search(before, 0, m.start()) is None


_SLASH_RE = re.compile(rf"(?P<a>[0-9]+)/(?P<b>[0-9]+){TAIL}")


def slash_pair(scan: Scan, pos: int, hint: str | None) -> Parsed | None:
    """2/9 (a date) or 2/3 (a fraction), told apart by the words around them."""
    src, words = scan.src, scan.words
    m = _SLASH_RE.match(src, pos)
    if m is None:
        return None
    a, b = m.group("a"), m.group("b")
    before = context_before(src, pos)
    rank = _RANK_CUE.search(before)
    address = rank is not None and rank.group(1).lower() not in ("thứ", "hạng")
    if rank and len(a) <= 3 and len(b) <= 3 and 0 < int(a) and (address or int(a) <= int(b)):
        # "đứng thứ 2/15 xã": a place out of a number of places (thứ nhất…); "thương binh hạng
        # 1/4", "ngõ 12/3": a class or an address, said plainly
        first = (N.read_ordinal(int(a), words) if rank.group(1).lower() == "thứ"
                 else N.read_int(int(a), words))
        reading = f"{first} trên {N.read_int(int(b), words)}"
        return Parsed(m.end(), [Piece(pos, m.end(), reading, "ratio")], "other")
    if len(a) <= 2 and len(b) <= 2 and _valid(int(a), int(b)):
        d, mo = int(a), int(b)
        if hint == "date" or DATE_CUE.search(before) or _DATE_BEFORE.search(before):
            is_date = True
        elif FRACTION_CUE.search(before) or FRACTION_AFTER.match(src, m.end()):
            is_date = False
        elif _NAMED_DAY_BEFORE.search(before):
            is_date = True
        elif (d, mo) == (24, 7):
            is_date = False  # "phục vụ 24/7": round the clock
        else:
            is_date = a[0] == "0" or b[0] == "0" or d >= mo or _after_proper_noun(before)
        if is_date:
            reading = _day_month(d, mo, words, with_ngay=not says_ngay(before))
            return Parsed(m.end(), [Piece(pos, m.end(), reading, "date")], "date", d)
    if len(a) > N.MAX_CARDINAL_DIGITS or len(b) > N.MAX_CARDINAL_DIGITS:
        return None
    num, den = int(a), int(b)
    if den == 0:
        return None
    if num >= den or (den > _SHARE_MAX_DENOMINATOR and _COUNTED_AFTER.match(src, m.end())):
        reading, rule = f"{N.read_int(num, words)} trên {N.read_int(den, words)}", "ratio"
    else:
        den_text = "tư" if den == 4 else N.read_int(den, words)
        reading, rule = f"{N.read_int(num, words)} phần {den_text}", "fraction"
    pieces = [Piece(pos, m.end(), reading, rule)]
    unit_pieces, end = unit_after(src, m.end())
    return Parsed(end, pieces + unit_pieces, "number", None)


_DASH_DATE_RE = re.compile(r"(?P<d>[0-9]{1,2})-(?P<m>[0-9]{1,2})(?![0-9]|[-/.,:][0-9]|[ \t]*tháng)", re.IGNORECASE)
_DASH_DATE_CUE = cue("ngày|mùng|mồng|dịp|lễ|kỷ niệm|kỉ niệm|khánh|tết")
# "chiều thứ Sáu 28-11": a weekday name right before makes it a date.
_WEEKDAY_CUE = cue("chủ nhật|thứ hai|thứ ba|thứ tư|thứ năm|thứ sáu|thứ bảy", gap=r"\s*[,(]?\s*")


def dash_date(scan: Scan, pos: int, hint: str | None) -> Parsed | None:
    """ngày 30-4, dịp 2-9 (press style) → ngày ba mươi tháng tư; "3-5 người" stays a range."""
    m = _DASH_DATE_RE.match(scan.src, pos)
    if m is None:
        return None
    d, mo = int(m.group("d")), int(m.group("m"))
    before = context_before(scan.src, pos)
    if not _valid(d, mo) or not (_DASH_DATE_CUE.search(before) or _DATE_BEFORE.search(before)
                                 or _WEEKDAY_CUE.search(before)):
        return None
    reading = _day_month(d, mo, scan.words, with_ngay=not says_ngay(before))
    return Parsed(m.end(), [Piece(pos, m.end(), reading, "date")], "date", d)


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


RULES = (day_range, full_date, clock_time, month_year)
