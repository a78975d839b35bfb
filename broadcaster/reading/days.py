"""Day and month without a year, told from fractions and ratios: 2/9, 2/3, 12/14 thôn, ngày 30-4, 15.8.

Each rule takes (scan, pos, hint) and returns a `Parsed` or None when it does not apply.
"""

from __future__ import annotations

import re

from broadcaster.reading import numbers as N
from broadcaster.reading.dates import (
    DATE_BEFORE,
    DATE_CUE,
    TAIL,
    day_month,
    says_ngay,
    valid_day,
)
from broadcaster.reading.scan import Parsed, Piece, Scan, context_before, cue
from broadcaster.reading.units import unit_after, unit_follows

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
    r"[ \t]*(?:thôn|xóm|xã|phường|tổ|huyện|tỉnh|quận|thị xã|thị trấn|thành phố|bản|ấp|làng|"
    r"chỉ tiêu|tiêu chí|trường|đơn vị|cơ quan|chi bộ|hộ|người|"
    r"thành viên|cán bộ|đảng viên|học sinh|cử tri|công trình|dự án|hồ sơ|thủ tục|nhiệm vụ|"
    r"nội dung|điểm|phiếu|câu|mô hình|sản phẩm)(?![^\W\d_])",
    re.IGNORECASE,
)
# Below this a/b before a counted noun is a share people say with "phần" (2/3 số hộ, 3/5 thôn).
_SHARE_MAX_DENOMINATOR = 5
# A date just before ("30/4 và 1/5", "2/9, 3/9") makes the next day/month a date too.
_NAMED_DAY_BEFORE = re.compile(r"(?:^|[^\w])(?:ngày|tết|lễ)(?:[ \t]+[^\W\d_]+){1,5}[ \t]*\Z", re.IGNORECASE)
_RANK_CUE = re.compile(r"(?:^|[^\w])(thứ|hạng|ngõ|ngách|hẻm|kiệt|số nhà|nhà số|số)\s*\Z", re.IGNORECASE)
_PREV_WORD = re.compile(r"([^\W\d_]+)[ \t]*\Z")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n])[\s\"'“(*#>-]*\Z")




def _after_proper_noun(before: str) -> bool:
    """Tell whether the word before is capitalized inside a sentence (Quốc khánh 2/9, Tết 1/1)."""
    m = _PREV_WORD.search(before)
    if m is None or not m.group(1)[0].isupper():
        return False
    return _SENTENCE_START.search(before, 0, m.start()) is None


_SLASH_RE = re.compile(rf"(?P<a>[0-9]+)(?P<gap>[ \t]*/[ \t]*)(?P<b>[0-9]+){TAIL}")
# "làm việc 7/7 ngày", "trực 24/24 giờ": so many days or hours out of so many, not a date.
_SPAN_AFTER = re.compile(r"[ \t]*(?:ngày|tuần|giờ)(?![^\W\d_])", re.IGNORECASE)


def slash_pair(scan: Scan, pos: int, hint: str | None) -> Parsed | None:
    """2/9 (a date) or 2/3 (a fraction), told apart by the words around them."""
    src, words = scan.src, scan.words
    m = _SLASH_RE.match(src, pos)
    if m is None:
        return None
    a, b = m.group("a"), m.group("b")
    before = context_before(src, pos)
    if m.group("gap") != "/":  # "ngày 18 /9": spaced, only ever a date after a date word
        return _spaced_date(scan, pos, m, hint, before)
    rank = _RANK_CUE.search(before)
    if rank and rank.group(1).lower() == "số" and len(a) <= 2 and len(b) <= 2 \
            and valid_day(int(a), int(b)):
        rank = None  # "số 2/9" may be a date: told below; "Số 43/106" is a house in an alley
    address = rank is not None and rank.group(1).lower() not in ("thứ", "hạng")
    if rank and len(a) <= 3 and len(b) <= 3 and 0 < int(a) and (address or int(a) <= int(b)):
        # "đứng thứ 2/15 xã": a place out of a number of places (thứ nhất…); "thương binh hạng
        # 1/4", "ngõ 12/3", "số 43/106": a class or an address, said plainly
        first = (N.read_ordinal(int(a), words) if rank.group(1).lower() == "thứ"
                 else N.read_int(int(a), words))
        reading = f"{first} trên {N.read_int(int(b), words)}"
        return Parsed(m.end(), [Piece(pos, m.end(), reading, "ratio")], "other")
    if len(a) <= 2 and len(b) <= 2 and valid_day(int(a), int(b)):
        d, mo = int(a), int(b)
        if hint in ("date", "day") or DATE_CUE.search(before) or DATE_BEFORE.search(before):
            is_date = True
        elif FRACTION_CUE.search(before) or FRACTION_AFTER.match(src, m.end()):
            is_date = False
        elif _NAMED_DAY_BEFORE.search(before):
            is_date = True
        elif (d, mo) == (24, 7) or _SPAN_AFTER.match(src, m.end()):
            is_date = False  # "phục vụ 24/7": round the clock; "7/7 ngày"
        else:
            is_date = a[0] == "0" or b[0] == "0" or d >= mo or _after_proper_noun(before)
        if is_date:
            reading = day_month(d, mo, words, with_ngay=not says_ngay(before))
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


def _spaced_date(scan: Scan, pos: int, m: re.Match[str], hint: str | None, before: str) -> Parsed | None:
    d, mo = int(m.group("a")), int(m.group("b"))
    cued = hint in ("date", "day") or DATE_CUE.search(before) or DATE_BEFORE.search(before)
    if len(m.group("a")) > 2 or len(m.group("b")) > 2 or not valid_day(d, mo) or not cued:
        return None
    reading = day_month(d, mo, scan.words, with_ngay=not says_ngay(before))
    return Parsed(m.end(), [Piece(pos, m.end(), reading, "date")], "date", d)


_DAY_MONTH_RE = re.compile(
    r"(?P<d>[0-9]{1,2})(?P<sep>[ \t]*[-–][ \t]*|\.)(?P<m>[0-9]{1,2})"
    r"(?![0-9]|[/.,:][0-9]|[ \t]*(?:tháng|giờ|h|g|ngày|người|hộ)(?![^\W\d_]))",
    re.IGNORECASE,
)
_DASH_DATE_CUE = cue("ngày|mùng|mồng|dịp|lễ|kỷ niệm|kỉ niệm|khánh|tết")
# "chiều thứ Sáu 28-11", "chiều nay (14-8)", "Sáng 3-7", "Thời gian: 5.6": a weekday, a part of the
# day or a time heading before.
_WEEKDAY_CUE = cue("chủ nhật|thứ hai|thứ ba|thứ tư|thứ năm|thứ sáu|thứ bảy|sáng|trưa|chiều|tối|đêm|"
                   "rạng sáng|hôm nay|nay|mai|hôm qua|thời gian", gap=r"\s*[,(:]?\s*")


def dash_date(scan: Scan, pos: int, hint: str | None) -> Parsed | None:
    """ngày 30-4, dịp 2-9, chiều nay (14-8), ngày 2.9 (press style) → ngày ba mươi tháng tư…

    Only after a day word, a weekday or a part of the day (or as the end of a range of dates):
    "3-5 người" stays a range and "2.5 ha" a decimal. Spaced ("ngày 17 – 9") only when it cannot
    be a range of days (the day is not below the month).
    """
    src = scan.src
    m = _DAY_MONTH_RE.match(src, pos)
    if m is None:
        return None
    d, mo = int(m.group("d")), int(m.group("m"))
    before = context_before(src, pos)
    cued = hint in ("date", "day") or bool(
        _DASH_DATE_CUE.search(before) or DATE_BEFORE.search(before) or _WEEKDAY_CUE.search(before))
    spaced = m.group("sep") not in ("-", "–", ".")
    if not valid_day(d, mo) or not cued or (spaced and d < mo and hint != "date"):
        return None
    if m.group("sep") == "." and unit_follows(src, m.end()):
        return None
    reading = day_month(d, mo, scan.words, with_ngay=not says_ngay(before))
    return Parsed(m.end(), [Piece(pos, m.end(), reading, "date")], "date", d)
