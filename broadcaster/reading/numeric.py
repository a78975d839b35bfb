"""Everything that starts with a digit: document codes, phones, numbers, units (ranges: `ranges`).

`parse_at` tries the rules in order at one position; the first that applies wins. A rule
accounts for the whole run of digits and separators it starts, so "1,2,3" is never read as a
decimal followed by stray digits. Whatever no rule recognises is still read, part by part, and
reported.
"""

from __future__ import annotations

import re

from broadcaster.reading import dates, days
from broadcaster.reading import numbers as N
from broadcaster.reading.dates import TAIL
from broadcaster.reading.identifiers import GROUP_SPACE, identifier, phone, plate
from broadcaster.reading.orthography import LETTER_NAMES
from broadcaster.reading.scan import UPPER, Parsed, Piece, Scan, context_before, cue
from broadcaster.reading.units import unit_after, unit_follows

# A document symbol starts with two capitals (KH-UBND, QĐ-TTg, NQ/TW, QH15): "1/ Mục đích" is a
# list number before a heading word, not a document. Its parts may be joined by an en dash or a
# spaced dash (NĐ–CP, QĐ - UBND) when the next part is capitals too.
_CODE = rf"[{UPPER}]{{2}}[^\W_]*(?:[-./&][^\W_]+|[ \t]*[-–][ \t]*[{UPPER}]{{2}}[^\W_]*|–[^\W_]+)*"
_DOC_RE = re.compile(
    rf"(?P<n>[0-9]+)(?P<l>[a-zđ]?)(?:/(?P<y>(?:19|20)[0-9]{{2}}))?[ \t]*/[ \t]*(?P<code>{_CODE})"
)
_PARTY_DOC_RE = re.compile(rf"(?P<n>[0-9]+)-(?P<code>[{UPPER}][^\W_]*/{_CODE})")
# "Gói thầu số 05/2025", "Hợp đồng số 12/2025": a number and its year, no symbol after.
_NUMBER_YEAR_RE = re.compile(rf"(?P<n>[0-9]+)/(?P<y>(?:19|20)[0-9]{{2}}){TAIL}")


def doc_code(scan: Scan, pos: int, hint: str | None) -> Parsed | None:
    """184/KH-UBND → the number; 01/2023/QĐ-UBND → number and year; 28-CT/TU → the number;
    168a/QĐ-UBND → the number and its letter.

    The type/issuer symbol is dropped: the sentence already names the document.
    """
    src = scan.src
    m = _DOC_RE.match(src, pos) or _PARTY_DOC_RE.match(src, pos)
    if m is None and _SO_CUE.search(context_before(src, pos)):
        m = _NUMBER_YEAR_RE.match(src, pos)
    if m is None:
        return None
    digits = m.group("n")
    number = N.read_digits(digits) if len(digits) > N.MAX_CARDINAL_DIGITS else N.read_int(int(digits), scan.words)
    pieces = [Piece(pos, m.end("n"), number, "doc_number")]
    if m.groupdict().get("l"):
        pieces.append(Piece(m.end("n"), m.end("l"), LETTER_NAMES[m.group("l")], "letter"))
    year = m.groupdict().get("y")
    if year:
        pieces.append(Piece(m.end("n"), m.end("y"), "năm " + N.read_int(int(year), scan.words), "year"))
    if pieces[-1].end < m.end():
        pieces.append(Piece(pieces[-1].end, m.end(), "", "doc_code"))
    return Parsed(m.end(), pieces, "code")


def _with_unit(scan: Scan, pos: int, end: int, reading: str, rule: str, value: int | None) -> Parsed:
    unit_pieces, new_end = unit_after(scan.src, end)
    return Parsed(new_end, [Piece(pos, end, reading, rule), *unit_pieces], "number", value)


_DECIMAL_RE = re.compile(rf"(?P<i>[0-9]{{1,3}}(?:\.[0-9]{{3}})+|[0-9]+),(?P<f>[0-9]+){TAIL}")


def decimal(scan: Scan, pos: int, hint: str | None) -> Parsed | None:
    """12,5 → mười hai phẩy năm; 1.234,56 likewise (Vietnamese marks)."""
    m = _DECIMAL_RE.match(scan.src, pos)
    if m is None:
        return None
    integer = m.group("i").replace(".", "")
    reading = N.read_decimal(integer, m.group("f"), scan.words)
    return _with_unit(scan, pos, m.end(), reading, "decimal", None)


_GROUPED = r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+"
_GROUPED_RATIO_RE = re.compile(rf"(?P<a>{_GROUPED}|[0-9]+)/(?P<b>{_GROUPED}){TAIL}")


def grouped_ratio(scan: Scan, pos: int, hint: str | None) -> Parsed | None:
    """8.712/9.105 phiếu, 1/1.000 dân → tám nghìn bảy trăm mười hai trên chín nghìn…"""
    m = _GROUPED_RATIO_RE.match(scan.src, pos)
    if m is None:
        return None
    a, b = (N.read_number(m.group(k).replace(".", ""), scan.words) for k in ("a", "b"))
    return _with_unit(scan, pos, m.end(), f"{a} trên {b}", "ratio", None)


# Groups of three set apart by dots (1.250.000) or, as some typists do, by spaces (1 250 000).
_THOUSANDS_RE = re.compile(rf"[1-9][0-9]{{0,2}}(?:(?:\.[0-9]{{3}})+|(?:{GROUP_SPACE}[0-9]{{3}})+){TAIL}")
_GROUP_MARK = re.compile(rf"\.|{GROUP_SPACE}")


def thousands(scan: Scan, pos: int, hint: str | None) -> Parsed | None:
    """1.125 → một nghìn một trăm hai mươi lăm; 2.050.000 → hai triệu không trăm năm mươi nghìn;
    1 250 000 000 → một tỷ hai trăm năm mươi triệu."""
    m = _THOUSANDS_RE.match(scan.src, pos)
    if m is None:
        return None
    digits = _GROUP_MARK.sub("", m.group())
    value = int(digits) if len(digits) <= N.MAX_CARDINAL_DIGITS else None
    return _with_unit(scan, pos, m.end(), N.read_number(digits, scan.words), "cardinal", value)


_HEIGHT_RE = re.compile(r"(?P<m>[0-9])m(?P<cm>[0-9]{1,2})(?![^\W_]|/)")  # 5m3/s is a flow


def height(scan: Scan, pos: int, hint: str | None) -> Parsed | None:
    """1m65 → một mét sáu mươi lăm (a height as people say it)."""
    m = _HEIGHT_RE.match(scan.src, pos)
    if m is None:
        return None
    reading = f"{N.read_number(m.group('m'), scan.words)} mét {N.read_number(m.group('cm'), scan.words)}"
    return Parsed(m.end(), [Piece(pos, m.end(), reading, "unit")], "other")


_DIMENSIONS_RE = re.compile(r"[0-9]+(?:[ \t]?[x×][ \t]?[0-9]+)+(?![0-9]|[^\W\d_]{2})")
_TIMES_SIGN = re.compile(r"[ \t]?[x×][ \t]?")


def dimensions(scan: Scan, pos: int, hint: str | None) -> Parsed | None:
    """ảnh 3x4, bể 2 x 3 x 1,5 m → ba nhân bốn, hai nhân ba nhân …"""
    m = _DIMENSIONS_RE.match(scan.src, pos)
    if m is None:
        return None
    reading = " nhân ".join(N.read_number(part, scan.words) for part in _TIMES_SIGN.split(m.group()))
    return _with_unit(scan, pos, m.end(), reading, "dimensions", None)


_DOT_DECIMAL_RE = re.compile(r"(?P<i>[0-9]+)\.(?P<f>[0-9]{1,2})(?![0-9]|[.,][0-9])")
_AMOUNT_WORD = re.compile(r"[ \t]*(?:triệu|tỷ|nghìn|ngàn)(?![^\W_])", re.IGNORECASE)
_DOT_DECIMAL_RANGE_END = re.compile(r"[ \t]?[-–][ \t]?[0-9]+\.[0-9]{1,2}(?![0-9]|[.,][0-9])")


def dot_decimal(scan: Scan, pos: int, hint: str | None) -> Parsed | None:
    """2.5 ha, 7.5%, 1.5 triệu (a decimal typed with an English dot) → hai phẩy năm héc ta.

    Only before a unit or an amount word: a bare 4.0 stays a version, 1.1 a heading number.
    """
    m = _DOT_DECIMAL_RE.match(scan.src, pos)
    if m is None or not _amount_follows(scan.src, m.end()):
        return None
    reading = N.read_decimal(m.group("i"), m.group("f"), scan.words)
    return _with_unit(scan, pos, m.end(), reading, "decimal", None)


def _amount_follows(src: str, end: int) -> bool:
    """A unit or an amount word after a dot decimal, or after the dot decimal ending its range
    (sóng cao 2.0–4.0m)."""
    if unit_follows(src, end) or _AMOUNT_WORD.match(src, end):
        return True
    m = _DOT_DECIMAL_RANGE_END.match(src, end)
    return m is not None and (unit_follows(src, m.end()) or _AMOUNT_WORD.match(src, m.end()) is not None)


_VERSION_RE = re.compile(rf"[0-9]+(?:\.[0-9]+)+{TAIL}")


def _part(digits: str, words: N.NumberWords) -> str:
    return N.read_digits(digits) if len(digits) > 1 and digits[0] == "0" else N.read_number(digits, words)


def version(scan: Scan, pos: int, hint: str | None) -> Parsed | None:
    """4.0 → bốn chấm không; 1.1 (a heading number) → một chấm một."""
    m = _VERSION_RE.match(scan.src, pos)
    if m is None:
        return None
    reading = " chấm ".join(_part(p, scan.words) for p in m.group().split("."))
    return Parsed(m.end(), [Piece(pos, m.end(), reading, "version")], "other")


_BLOB_RE = re.compile(r"[0-9]+(?:[.,/:][0-9]+)+")
_SEPARATOR_WORDS = {".": "chấm", ",": "phẩy", "/": "trên", ":": "hai chấm"}
_SPLIT_BLOB = re.compile(r"([.,/:])")


def number_blob(scan: Scan, pos: int, hint: str | None) -> Parsed | None:
    """1,2,3 → một, hai, ba; anything else (12/34/56) is read part by part and reported."""
    m = _BLOB_RE.match(scan.src, pos)
    if m is None:
        return None
    parts = _SPLIT_BLOB.split(m.group())
    numbers, seps = parts[0::2], set(parts[1::2])
    words = scan.words
    if seps == {","}:
        reading = ", ".join(N.read_number(p, words) for p in numbers)
        return Parsed(m.end(), [Piece(pos, m.end(), reading, "number_list")], "other")
    if seps == {":"} and len(numbers) == 2:
        reading = f"{N.read_number(numbers[0], words)} trên {N.read_number(numbers[1], words)}"
        return Parsed(m.end(), [Piece(pos, m.end(), reading, "ratio")], "other")
    reading = " ".join(N.read_number(p, words) if i % 2 == 0 else _SEPARATOR_WORDS[p] for i, p in enumerate(parts))
    return Parsed(m.end(), [Piece(pos, m.end(), reading, "digits")], "other",
                  flags=((pos, m.end(), "digits_pattern", reading),))


_HOTLINE_CUE = cue(r"gọi|tổng đài|đường dây nóng|hotline|điện thoại|đt|sđt|fax",
                   gap=r"(?:\s+(?:ngay|đến|tới|cho|vào|số|điện thoại|khẩn cấp))*\s*:?\s*")
_SO_CUE = cue("số", gap=r"\s*:?\s*")
_DOC_BEFORE_SO = cue(
    "kế hoạch|quyết định|nghị quyết|nghị định|công văn|thông báo|chỉ thị|thông tư|luật|tờ trình|"
    "báo cáo|hướng dẫn|văn bản|biên bản|giấy|hồ sơ|nhà|phòng|điều|khoản|thôn|xóm|tổ|đội|khu|lô|"
    "thửa|tuyến|đường|quốc lộ|tỉnh lộ|xe|ghế|bàn|câu|trang|kỳ|tập|chương trình|đề án|dự án|"
    "công điện|chuyên đề|mục|phụ lục|lớp|trường|bằng|mẫu",
    gap=r"\s+số\s*:?\s*",
)
_EMERGENCY_LIST = re.compile(r"11[1-5][ \t]*(?:[,;/]|và|hoặc|hay)[ \t]*\Z", re.IGNORECASE)
_ORDINAL_CUE = cue("thứ")
_CODE_CUE = cue("đề án|mã|mã số|số hiệu|ký hiệu|biển số|mã hồ sơ|mã bưu chính")
_RANK_CUE = cue("giải|hạng")
_HOUR_WORD_CUE = cue("giờ")
_MINUTE_WORD = re.compile(r"[ \t]*phút(?![^\W\d_])", re.IGNORECASE)
_INT_RE = re.compile(r"[0-9]+")


# Who answers 111-115: "gọi cấp cứu 115", "số cứu nạn cứu hộ 112", "Cảnh sát 113".
_SERVICE_BEFORE = re.compile(r"(?:cứu nạn|cứu hộ|cứu hỏa|chữa cháy|cấp cứu|công an|cảnh sát|khẩn cấp)"
                             r"[ \t,]*(?:là|:)?[ \t]*\Z", re.IGNORECASE)
# "tổng số 113 người", "với số 112 hộ": a count, not a phone line.
_COUNT_BEFORE_SO = cue("tổng|với|có|đủ|các|những|trong|được", gap=r"\s+số\s*:?\s*")
_COUNTED_AFTER = re.compile(
    r"[ \t]+(?:người|hộ|lượt|gia đình|khẩu|học sinh|cháu|trẻ|con|cây|ha|tấn|tạ|kg|thôn|xóm|xã|"
    r"trường|đơn vị|cán bộ|đảng viên|hội viên|đoàn viên|thành viên|phiếu|cử tri|ca|liều|mũi|vụ|"
    r"hồ sơ|thủ tục|doanh nghiệp|cơ sở|công trình|căn|nhà|suất|triệu|tỷ|nghìn|đồng|ngày|tháng|"
    r"năm|giờ|phút|km|m|lần)(?![^\W_])", re.IGNORECASE)


def _is_emergency(digits: str, before: str, src: str, end: int) -> bool:
    if _HOTLINE_CUE.search(before):
        return len(digits) >= 3
    if digits in ("111", "112", "113", "114", "115"):
        if _COUNTED_AFTER.match(src, end) or _COUNT_BEFORE_SO.search(before):
            return False
        if (_SO_CUE.search(before) and not _DOC_BEFORE_SO.search(before)) or _SERVICE_BEFORE.search(before):
            return True
        return _EMERGENCY_LIST.search(before) is not None
    return False


# "Luật Đất đai 2024", "Bộ luật Lao động 2019": the year in a law's name is said with "năm".
_LAW_BEFORE = re.compile(r"(?:^|[^\w])(?:luật|bộ luật|hiến pháp|pháp lệnh)(?:[ \t,()]+[^\W\d_]+){1,8}[ \t]*\Z",
                         re.IGNORECASE)
_YEAR_WORD_BEFORE = re.compile(r"(?:^|[^\w])năm[ \t]*\Z", re.IGNORECASE)
_LAW_CONTEXT = 80


def _law_year(src: str, pos: int, digits: str) -> bool:
    before = context_before(src, pos, _LAW_CONTEXT)
    return (len(digits) == 4 and digits[:2] in ("19", "20") and _LAW_BEFORE.search(before) is not None
            and _YEAR_WORD_BEFORE.search(before) is None)


def integer(scan: Scan, pos: int, hint: str | None) -> Parsed:
    """A plain integer, read by its context: số 114, thứ 4, tháng 4, giải 2, or a count with a unit."""
    src, words = scan.src, scan.words
    m = _INT_RE.match(src, pos)
    digits, end = m.group(), m.end()
    before = context_before(src, pos)
    if _is_emergency(digits, before, src, end):
        return Parsed(end, [Piece(pos, end, N.read_digits(digits), "emergency")], "phone")
    if len(digits) > N.MAX_CARDINAL_DIGITS:
        return Parsed(end, [Piece(pos, end, N.read_digits(digits), "digits")], "other")
    value = int(digits)
    if hint == "ordinal" or _ORDINAL_CUE.search(before):
        reading = N.read_ordinal(value, words)
        if hint == "ordinal":
            reading = "thứ " + reading
        return Parsed(end, [Piece(pos, end, reading, "ordinal")], "ordinal", value)
    if _RANK_CUE.search(before):
        return Parsed(end, [Piece(pos, end, N.read_rank(value, words), "ordinal")], "ordinal", value)
    if 1 <= value <= 12 and (hint == "month" or MONTH_CUE.search(before)):
        reading = N.read_month(value, words)
        if hint == "month":
            reading = "tháng " + reading
        return Parsed(end, [Piece(pos, end, reading, "month")], "month", value)
    if value == 0 and _HOUR_WORD_CUE.search(before):
        # "14 giờ 00 (phút)" is said "mười bốn giờ".
        minute = _MINUTE_WORD.match(src, end)
        return Parsed(minute.end() if minute else end, [Piece(pos, minute.end() if minute else end, "", "time")],
                      "other")
    if _law_year(src, pos, digits):
        return Parsed(end, [Piece(pos, end, "năm " + N.read_int(value, words), "year")], "other", value)
    if digits[0] == "0" and len(digits) > 1 and _CODE_CUE.search(before):
        # "Đề án 06", "mã số 0123": an identifier, said digit by digit
        return Parsed(end, [Piece(pos, end, N.read_digits(digits), "digits")], "other")
    rule = "digits" if len(digits) > 2 and digits[0] == "0" else "cardinal"
    return _with_unit(scan, pos, end, N.read_number(digits, words), rule, value)


MONTH_CUE = dates.MONTH_CUE
_RULES = (doc_code, dates.day_range, dates.full_date, days.dash_date, phone, plate, dates.clock_time,
          dates.month_year, decimal, grouped_ratio, identifier, thousands, height, dot_decimal,
          dimensions, version, days.slash_pair, number_blob)


def parse_at(scan: Scan, pos: int, hint: str | None = None) -> Parsed:
    """Read the digit-led token at pos with the first rule that applies (a plain integer at last)."""
    for rule in _RULES:
        parsed = rule(scan, pos, hint)
        if parsed is not None:
            return parsed
    return integer(scan, pos, hint)
