"""Ranges and scores between digit-led tokens: 7h-11h, 2-5 người, cấp 8-9, thắng 2-0, NPK 16-16-8.

`handle_number` reads the token at a digit (`numeric.parse_at`) and, when a dash and another
token follow, reads both as one range ("a đến b") or, after a score word, as numbers apart.
"""

from __future__ import annotations

import re

from broadcaster.reading import dates
from broadcaster.reading.numeric import integer, parse_at
from broadcaster.reading.scan import Parsed, Piece, Scan, context_before, cue

_RANGEABLE = frozenset({"number", "time", "date", "month", "ordinal"})
_RANGE_SEP = re.compile(r"[ \t]?[-–—][ \t]?(?=[0-9])")


# "tỷ số 3-1", "thắng 2-0", "NPK 16-16-8": the dash separates, it is no range.
_SCORE_CUE = cue("tỷ số|tỉ số|thắng|thua|hòa|hoà|chung cuộc|NPK", gap=r"\s*:?\s*")


def _score(scan: Scan, parsed: Parsed) -> int:
    """Read "3-1" or "16-16-8" number by number, the dashes kept as short pauses."""
    pieces = list(parsed.pieces)
    while (sep := _RANGE_SEP.match(scan.src, parsed.end)) is not None:
        parsed = integer(scan, sep.end(), None)
        pieces.append(Piece(sep.start(), sep.end(), " - ", "score"))
        pieces.extend(parsed.pieces)
    scan.emit_pieces(pieces)
    return parsed.end


def handle_number(scan: Scan, pos: int) -> int:
    """Read the digit-led token at pos (a range "a-b" as "a đến b"); return where it ends."""
    src = scan.src
    parsed = parse_at(scan, pos)
    if _SCORE_CUE.search(context_before(src, pos)) and _RANGE_SEP.match(src, parsed.end):
        return _score(scan, parsed)
    if parsed.kind in _RANGEABLE:
        parsed = _range(scan, pos, parsed)
    scan.emit_pieces(parsed.pieces)
    for start, end, kind, reading in parsed.flags:
        scan.flag(start, end, kind, reading)
    return parsed.end


# A date followed by " - " and a time is when it was written, not a range: "03/05/2022 - 19:30".
_NOT_A_RANGE = frozenset({("date", "time"), ("time", "date")})
# "từ 3 - 9.10": the first day of a range of dates, whose end is written as a date.
_DAY_START_CUE = cue("từ|ngày|mùng|mồng")
# "cấp 8-9", "báo động 2-3": the level word is said again before the second level.
_LEVEL_CUE = cue("cấp|báo động")
_MAX_LEVEL = {"cấp": 17, "báo động": 3}


# "báo động 2 - báo động 3", "tháng 3 - tháng 5": a range whose ends both name their level word.
_WORD_RANGE_SEP = re.compile(r"[ \t]*[-–][ \t]*(?P<w>cấp|báo động|tháng|quý|thứ|ngày)[ \t]+(?=[0-9])",
                             re.IGNORECASE)


def _range(scan: Scan, pos: int, left: Parsed) -> Parsed:
    """Read "a-b" after a rangeable left part as "a đến b"; return the left part alone if none."""
    src = scan.src
    before = context_before(src, pos)
    sep = _RANGE_SEP.match(src, left.end)
    if sep is None:
        word = _WORD_RANGE_SEP.match(src, left.end)
        if word is not None and before.lower().rstrip().endswith(word.group("w").lower()):
            dash = Piece(left.end, word.start("w"), " đến ", "range")
            return left._replace(end=word.start("w"), pieces=[*left.pieces, dash])
        return left
    hint = {"month": "month", "ordinal": "ordinal", "date": "date"}.get(left.kind)
    is_day = left.kind == "number" and left.value is not None and 1 <= left.value <= 31
    if hint is None and is_day and _DAY_START_CUE.search(before):
        hint = "day"
    right = parse_at(scan, sep.end(), hint)
    if right.kind not in _RANGEABLE or (left.kind, right.kind) in _NOT_A_RANGE:
        return left
    pieces = list(left.pieces)
    if right.kind == "date" and is_day and not dates.says_ngay(before):
        pieces[0] = pieces[0]._replace(reading="ngày " + pieces[0].reading)
    pieces.append(Piece(sep.start(), sep.end(), "đến", "range"))
    right_pieces = list(right.pieces)
    level = _LEVEL_CUE.search(before)
    word = level.group().strip() if level else ""
    if (level and left.kind == right.kind == "number" and len(right_pieces) == 1
            and max(left.value or 0, right.value or 0) <= _MAX_LEVEL[word]):
        right_pieces[0] = right_pieces[0]._replace(reading=f"{word} {right_pieces[0].reading}")
    pieces.extend(right_pieces)
    return Parsed(right.end, pieces, right.kind, right.value, left.flags + right.flags)
