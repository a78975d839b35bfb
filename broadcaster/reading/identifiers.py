"""Numbers that name rather than count, read digit by digit: phones, plates, account numbers.

A listener writes these down or compares them with a paper; "một tỷ hai trăm ba mươi tư triệu…"
for an account number helps nobody.
"""

from __future__ import annotations

import re

from broadcaster.reading import numbers as N
from broadcaster.reading.orthography import spell
from broadcaster.reading.scan import Parsed, Piece, Scan, context_before, cue
from broadcaster.reading.units import unit_follows

GROUP_SPACE = "[ \u00a0\u202f]"  # space, no-break space, narrow no-break space (copied from Word)

# Groups set apart by spaces, dots or hyphens, a dot sometimes followed by a space (02616. 271115),
# a group of up to seven digits (0912.345678); the digit count (8 to 12) decides.
_PHONE_RE = re.compile(
    rf"0[0-9]{{2,4}}(?:(?:{GROUP_SPACE}|[.\-]{GROUP_SPACE}?)[0-9]{{1,7}}){{1,4}}(?![0-9])|0[0-9]{{7,10}}(?![0-9])")
_HOTLINE_RE = re.compile(rf"1[89]00(?:(?:{GROUP_SPACE}|[.\-])?[0-9]{{2,4}}){{1,3}}(?![0-9])")
_DIGIT_RUN = re.compile(r"[0-9]+")
# "(0221) 3862555", "(0221) 3.862.555": the subscriber number after an area code in brackets.
_AREA_CODE_BEFORE = re.compile(r"\(0[0-9]{2,3}\)[ \t]*\Z")
_SUBSCRIBER_RE = re.compile(r"[0-9]{1,4}(?:[ .\-]?[0-9]{2,4}){0,3}(?![0-9])")


def phone(scan: Scan, pos: int, hint: str | None) -> Parsed | None:
    """0221.3555.666, 0221 3 862 555, 0912 345 678, 1800 1091, (0221) 3862555 → digit by digit."""
    src = scan.src
    m = _PHONE_RE.match(src, pos) or _HOTLINE_RE.match(src, pos)
    if m is None and _AREA_CODE_BEFORE.search(context_before(src, pos)):
        m = _SUBSCRIBER_RE.match(src, pos)
        if m is not None:
            digits = "".join(_DIGIT_RUN.findall(m.group()))
            return Parsed(m.end(), [Piece(pos, m.end(), N.read_digits(digits), "phone")], "phone")
    if m is None:
        return None
    digits = "".join(_DIGIT_RUN.findall(m.group()))
    if not 8 <= len(digits) <= 12:
        return None
    return Parsed(m.end(), [Piece(pos, m.end(), N.read_digits(digits), "phone")], "phone")


# 29A-123.45, 89B1-234.56, 89-H1 123.45, 30LD-1234, 29A 12345: province, series letters, number.
_PLATE_RE = re.compile(r"(?P<p>[0-9]{2})[-–]?(?P<s>[A-Z]{1,2})(?P<d>[0-9]?)[ \t]*[-–.]?[ \t]*"
                       r"(?P<n>[0-9]{3}\.[0-9]{2}|[0-9]{4,5})(?![0-9]|[.,][0-9])")


def plate(scan: Scan, pos: int, hint: str | None) -> Parsed | None:
    """A vehicle plate, 29A-123.45 → hai chín a một hai ba bốn năm (as the police read it)."""
    m = _PLATE_RE.match(scan.src, pos)
    if m is None:
        return None
    reading = " ".join(part for part in (N.read_digits(m.group("p")), spell(m.group("s")),
                                         N.read_digits(m.group("d")) if m.group("d") else "",
                                         N.read_digits(m.group("n").replace(".", ""))) if part)
    return Parsed(m.end(), [Piece(pos, m.end(), reading, "plate")], "other")


# An identifier named right before it: the digits are said one by one whatever their length.
_ID_CUE = cue("tài khoản|mã số thuế|mst|căn cước(?: công dân)?|cccd|cmnd|chứng minh nhân dân|"
              "định danh(?: cá nhân)?|mã hồ sơ|mã bưu chính|mã số|số hiệu|số sê ri|số seri|"
              "hộ chiếu|mã định danh",
              gap=r"(?:\s+(?:số|là|của (?:ông|bà|anh|chị)))*\s*:?\s*")
_ID_RE = re.compile(r"[0-9]{4,}(?![0-9]|[.,/:][0-9])")
_ID_GROUPS_RE = re.compile(rf"[0-9]{{2,}}(?:{GROUP_SPACE}[0-9]{{2,}})+(?![0-9]|[.,/:][0-9])")
# Longer than any count a bulletin gives without grouping dots: an identifier.
_LONG_DIGITS = 10


# "mã hồ sơ 000.00.24.H40-240315-0001": a code of digit and letter groups, after its name.
_CODE_RE = re.compile(r"[0-9][0-9A-Z]*(?:[.\-/][0-9A-Z]+)+(?![0-9A-Za-z])")
_CODE_PART = re.compile(r"[0-9]+|[A-Z]+")
_CODE_SEPARATOR = re.compile(r"[.\-/]")


def _code_group(group: str) -> str:
    """H40 → hát bốn không: digits one by one, letters by name."""
    return " ".join(N.read_digits(p) if p.isdigit() else spell(p) or p for p in _CODE_PART.findall(group))


def identifier(scan: Scan, pos: int, hint: str | None) -> Parsed | None:
    """Số tài khoản 1234567890 or 8800 2345 6789, CCCD 034095001234, mã hồ sơ 000.00.24.H40-…,
    or any ungrouped run of 10 or more digits."""
    named = _ID_CUE.search(context_before(scan.src, pos)) is not None
    if named and (code := _CODE_RE.match(scan.src, pos)) is not None:
        reading = ", ".join(_code_group(group) for group in _CODE_SEPARATOR.split(code.group()))
        return Parsed(code.end(), [Piece(pos, code.end(), reading, "digits")], "other")
    m = (named and _ID_GROUPS_RE.match(scan.src, pos)) or _ID_RE.match(scan.src, pos)
    if m is None:
        return None
    if not named and (len(m.group()) < _LONG_DIGITS or unit_follows(scan.src, m.end())):
        return None  # a short number, or an ungrouped amount ("1500000000 đồng")
    digits = "".join(_DIGIT_RUN.findall(m.group()))
    return Parsed(m.end(), [Piece(pos, m.end(), N.read_digits(digits), "digits")], "other")
