"""Tokens that start with a letter: lexicon abbreviations, Roman numerals, letters, unknown acronyms.

A token here is letters and digits joined by & / - . (UBND, GD&ĐT, Đ/c, KT-XH, COVID-19, H5N1,
TP.HCM). The whole token is looked up first, then its parts one by one.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from broadcaster.reading import numbers as N
from broadcaster.reading.apart import read_apart
from broadcaster.reading.neighbours import context_reading, storm_name
from broadcaster.reading.orthography import COMBINING, CONSONANT_LETTERS, LETTER_NAMES, is_syllable, spell
from broadcaster.reading.prefixes import SIGNATURES, read_initial, read_prefix
from broadcaster.reading.scan import UPPER, Scan, context_before, cue
from broadcaster.reading.units import UNITS, per_word_reading

if TYPE_CHECKING:
    from broadcaster.reading.lexicon import Lexicon

_ROMAN_TOKEN = re.compile(r"(?P<r>[IVXLC]+)(?:/(?P<y>[0-9]{4}))?")
_ROMAN_WORDS = (
    "đại hội|khóa|thế kỷ|thế kỉ|quý|phần|chương|mục|kỳ họp|kì họp|phụ lục|giai đoạn|hạng|loại|cấp|"
    "khu vực|vùng|đợt|vòng|kỳ|kì|học kỳ|học kì|tập|bài|tiết|nhóm|quân khu|quân đoàn|sư đoàn|"
    "trung đoàn|tiểu đoàn|bậc|nhiệm kỳ|nhiệm kì|báo động|bđ"
)
_ROMAN_CUE = cue(_ROMAN_WORDS)
# "quý III, IV", "khóa XIV và XV", "quý I-II": the later numerals of a list after one cue.
_ROMAN_LIST_CUE = cue(_ROMAN_WORDS, gap=r"\s+(?:[IVXL]+\s*(?:,|và|hoặc|đến|-|–)\s*)+")
_ORDINAL_CUE = cue("thứ")
_HEADING_BEFORE = re.compile(r"(?:^|\n)[ \t#*>_]*\Z")
_HEADING_AFTER = re.compile(r"[ \t]*(?:[.):/]|[-–][ \t])")  # II. / II) / II: / II/ / II- 
# A heading run into the text: "…yêu cầu; II. Nội dung" (a numeral, a dot, a capital).
_INLINE_HEADING_BEFORE = re.compile(r"[.;:!?][ \t]+\Z")
_INLINE_HEADING_AFTER = re.compile(rf"\.[ \t]+[{UPPER}]")
_PARTS = re.compile(rf"(?P<l>[^\W\d_](?:[^\W\d_]|[{COMBINING}])*)|(?P<d>[0-9]+)|(?P<c>[&/.\-])")
_DOMAIN = re.compile(r"\A(?:vn|com|net|org|gov|edu|info)\Z", re.IGNORECASE)
_LETTERS = re.compile(rf"(?:[^\W\d_]|[{COMBINING}])+")
# Road numbers: ĐT.376 (alone, ĐT is điện thoại), ĐH.52, ĐX.07, TL.392, HL.12.
_ROADS = {"ĐT": "đường tỉnh", "ĐH": "đường huyện", "ĐX": "đường xã", "TL": "tỉnh lộ", "HL": "hương lộ",
          "QL": "quốc lộ"}
_OR_WORDS = frozenset({"và", "hoặc", "hay"})
# Nouns after "/" that make it "per" (lượt/ngày, người/tháng) rather than "or" (nam/nữ).
_PER_NOUNS = frozenset(
    "ngày tháng năm tuần giờ phút người hộ khẩu lượt suất con cây ha sào mẫu km kg lít tấn tạ lần "
    "xã thôn học sinh".split()
)


def _roman(scan: Scan, start: int, end: int, chunk: str) -> bool:
    """Read a Roman numeral in a heading or after Đại hội/khóa/quý/thế kỷ…; False if not one."""
    m = _ROMAN_TOKEN.fullmatch(chunk)
    if m is None:
        return False
    value = N.roman_value(m.group("r"))
    if value is None or m.group("r") in ("C", "L", "D", "M"):
        return False  # alone these are classes and letters (hạng C, loại D), never 100 or 50
    src, words = scan.src, scan.words
    before = context_before(src, start)
    if _ORDINAL_CUE.search(before):
        reading = N.read_ordinal(value, words)
    elif _ROMAN_CUE.search(before) or _ROMAN_LIST_CUE.search(before) or (
        m.group("y") is None and value < 40 and _HEADING_BEFORE.search(before)
        and _HEADING_AFTER.match(src, end)
    ) or (m.group("y") is None and value < 40 and _INLINE_HEADING_BEFORE.search(before)
          and _INLINE_HEADING_AFTER.match(src, end)):
        reading = N.read_int(value, words)
    else:
        return False
    scan.emit(start, start + m.end("r"), reading, "roman")
    if m.group("y"):
        scan.emit(start + m.end("r"), end, "năm " + N.read_int(int(m.group("y")), words), "year")
    return True


def _classify_word(word: str) -> tuple[str, str, str | None]:
    """Return (reading, rule, unreadable kind) for one run of letters; rule "" keeps the word."""
    if len(word) == 1:
        lower = word.lower()
        if lower in CONSONANT_LETTERS:
            return LETTER_NAMES[lower], "letter", None
        if lower in LETTER_NAMES or is_syllable(lower):
            return word, "", None
        return word, "", "foreign_word"
    if is_syllable(word):
        return word, "", None
    if word.isupper():
        spelled = spell(word)
        if spelled is not None:
            return spelled, "spelled", "unknown_acronym"
    return word, "", "foreign_word"


_TIMES_BEFORE = re.compile(r"[0-9][^\n.;:!?]{0,10}[ \t]\Z")
_TIMES_AFTER = re.compile(r"[ \t]+[0-9]")
_CAPS_BEFORE = re.compile(rf"(?:^|[^\w])([{UPPER}]{{2,}})[ \t]+\Z")
_CAPS_AFTER = re.compile(rf"[ \t]+([{UPPER}]{{2,}})(?![^\W_])")


def _heading_word(scan: Scan, start: int, end: int, chunk: str) -> bool:
    """Whether an all-caps key that is also a plain syllable (AI, HU) stands among all-caps words
    that are not acronyms: then it is a word of a heading written in capitals."""
    if not (chunk.isupper() and is_syllable(chunk.lower())):
        return False
    before = _CAPS_BEFORE.search(context_before(scan.src, start))
    after = _CAPS_AFTER.match(scan.src, end)
    return any(m is not None and is_syllable(m.group(1).lower()) and scan.lexicon.lookup(m.group(1)) is None
               for m in (before, after))


_ROMAN_RANGE = re.compile(r"(?P<a>[IVXL]+)[-–](?P<b>[IVXL]+)")


def _roman_range(scan: Scan, start: int, chunk: str) -> bool:
    """quý I-II, khóa XIV-XV → quý một đến hai."""
    m = _ROMAN_RANGE.fullmatch(chunk)
    if m is None or not _ROMAN_CUE.search(context_before(scan.src, start)):
        return False
    a, b = N.roman_value(m.group("a")), N.roman_value(m.group("b"))
    if a is None or b is None:
        return False
    scan.emit(start, start + m.end("a"), N.read_int(a, scan.words), "roman")
    scan.emit(start + m.end("a"), start + m.start("b"), " đến ", "range")
    scan.emit(start + m.start("b"), start + m.end(), N.read_int(b, scan.words), "roman")
    return True


def _without_repeated_head(scan: Scan, start: int, reading: str) -> str:
    """"dịch ASF" → "dịch tả lợn châu Phi", "Ủy ban UBND" → "ủy ban nhân dân": the text has just
    said the first words of the expansion, so they are not said twice."""
    words = reading.split()
    if len(words) < 2 or not context_before(scan.src, start).endswith(" "):
        return reading
    said = scan.said_before(start)
    for k in range(len(words) - 1, 0, -1):
        if said.endswith(" ".join(words[:k]).lower()):
            return " ".join(words[k:])
    return reading


def _word(scan: Scan, start: int, end: int, word: str) -> None:
    reading, rule, problem = _classify_word(word)
    if rule:
        scan.emit(start, end, reading, rule)
    if problem:
        scan.flag(start, end, problem, reading.lower())


def context_free(word: str) -> bool:
    """Tell whether a word's reading never depends on the text around it (no Roman, no signature,
    no all-caps syllable: see `_heading_word`)."""
    return (word not in SIGNATURES and not (word[0] in "IVXLC" and _ROMAN_TOKEN.fullmatch(word))
            and not (word.isupper() and is_syllable(word.lower())))  # AI: acronym or heading word


def handle_word(scan: Scan, start: int, end: int) -> int:
    """Read the letter-led token src[start:end]; return where it ends."""
    chunk = scan.src[start:end]
    if "." not in chunk or scan.lexicon.lookup(chunk) is None:  # TP.HCM is one name
        name_start = read_prefix(scan, start, end)  # TP. Vinh, P.Lê Lợi, PGS. TS. …
        if name_start is not None:
            return name_start
    stop_end = read_initial(scan, start, end)  # Phạm Văn T., SN 1985
    if stop_end is not None:
        return stop_end
    if chunk in ("x", "X") and _TIMES_BEFORE.search(context_before(scan.src, start)) \
            and _TIMES_AFTER.match(scan.src, end):
        scan.emit(start, end, "nhân", "dimensions")  # 3m x 2m, 15.500 đ/kg x 200 kg
        return end
    by_context = context_reading(scan, start, end, chunk)
    if by_context is not None:
        scan.emit(start, end, by_context, "lexicon")  # SN 1975, Đài TT, vượt BĐ III
        return end
    apart_end = read_apart(scan, start, end, chunk)
    if apart_end is not None:
        return apart_end
    found = scan.lexicon_reading(chunk)
    if found is not None and _heading_word(scan, start, end, chunk):
        found = None  # "AI CŨNG CÓ THỂ THAM GIA": an all-caps heading's word, not the acronym
    if found is not None:
        scan.emit(start, end, _without_repeated_head(scan, start, found[0]), found[1])
        return end
    if chunk[0] in "IVXLC" and (_roman(scan, start, end, chunk) or _roman_range(scan, start, chunk)):
        return end
    if storm_name(scan, start, end, chunk):
        return end
    if chunk.isalpha() or _LETTERS.fullmatch(chunk):
        _word(scan, start, end, chunk)
        return end
    _split_token(scan, start, chunk)
    return end


def _split_token(scan: Scan, start: int, chunk: str) -> None:
    """Read a joined token part by part: KH-UBND, PCTT&TKCN, H5N1, đồng/người, xã.Tiếp."""
    parts = _merge_units([(start + m.start(), start + m.end(), m.group(), m.lastgroup)
                          for m in _PARTS.finditer(chunk)], scan.lexicon)
    # First pass: what each letter or digit part says ("" rule = kept as written).
    said: list[tuple[str, str, str | None]] = []
    for i, (_, _, text, kind) in enumerate(parts):
        if kind == "d":
            rule = "digits" if len(text) > 2 and text[0] == "0" else "cardinal"
            said.append((N.read_number(text.replace(".", ""), scan.words), rule, None))
        elif kind == "l" and (road := _road(parts, i)) is not None:
            said.append((_without_repeated_head(scan, parts[i][0], road), "lexicon", None))
        elif kind == "l" and (by_context := context_reading(scan, parts[i][0], parts[i][1], text)):
            said.append((by_context, "lexicon", None))  # BĐ2-BĐ3: alarm levels
        elif kind == "l" and _glued_to_digits(parts, i) and (spelled := spell(text)) is not None:
            said.append((spelled, "spelled", None))  # BC15, TBR225: a variety or model name
        elif kind == "l":
            found = scan.lexicon_reading(text)
            per = per_word_reading(text) if i and parts[i - 1][2] == "/" else None
            if found is not None:
                said.append((found[0], found[1], None))
            elif per is not None and per != text:
                said.append((per, "unit", None))
            else:
                said.append(_classify_word(text))
        else:
            said.append(("", "", None))
    for i, (s, e, text, kind) in enumerate(parts):
        reading, rule, problem = said[i]
        if kind == "c":
            reading, rule = _joiner(parts, said, i, _counted_before(scan, start))
        if rule:
            scan.emit(s, e, reading, rule)
        if problem:
            scan.flag(s, e, problem, reading.lower())


def _merge_units(parts: list, lexicon: Lexicon) -> list:
    """Join "m" "2" back into the unit m2 after a slash (người/km2, con/m2), "T" "2" into the
    lexicon key T2 (T2-T6), and "1" "." "000" into the number 1.000 (bác sĩ/1.000 dân)."""
    merged: list = []
    for part in parts:
        if part[3] == "d" and merged and merged[-1][3] == "l" and merged[-1][2] + part[2] in lexicon:
            left = merged.pop()
            part = (left[0], part[1], left[2] + part[2], "l")
        elif (part[3] == "d" and len(merged) >= 2 and merged[-1][3] == "l" and merged[-2][2] == "/"
                and merged[-1][2] + part[2] in UNITS):
            left = merged.pop()
            part = (left[0], part[1], left[2] + part[2], "l")
        elif (part[3] == "d" and len(part[2]) == 3 and len(merged) >= 2 and merged[-1][2] == "."
              and merged[-2][3] == "d" and merged[-2][2][0] != "0"):
            merged.pop()  # 1.000 inside a token: one number with its thousands group
            left = merged.pop()
            part = (left[0], part[1], left[2] + "." + part[2], "d")
        merged.append(part)
    return merged


def _glued_to_digits(parts: list, i: int) -> bool:
    """Capitals written against digits (BC15, KD18, F0): a name spelled out, not an acronym."""
    text = parts[i][2]
    return (text.isupper() and len(text) <= 4 and i + 1 < len(parts) and parts[i + 1][3] == "d"
            and (i == 0 or parts[i - 1][3] != "c"))


def _road(parts: list, i: int) -> str | None:
    """ĐT.376 → đường tỉnh, ĐH.52 → đường huyện: a road prefix joined to its number."""
    reading = _ROADS.get(parts[i][2])
    if reading is None:
        return None
    rest = [p[3] for p in parts[i + 1:i + 3]]
    if rest[:1] == ["d"] or (rest == ["c", "d"] and parts[i + 1][2] in ".-"):
        return reading
    return None


# "40 học sinh/lớp", "1 bác sĩ/1.000 dân": a number a few words back makes "/" a rate (trên), as
# does "tỷ lệ" right before (tỷ lệ chết/mắc).
_NUMBER_BEFORE = re.compile(r"[0-9](?:[ \t]+[^\W\d_]+){0,3}[ \t]*\Z")
_RATE_BEFORE = cue("tỷ lệ|tỉ lệ|tỷ số|tỉ số")


def _counted_before(scan: Scan, start: int) -> bool:
    before = context_before(scan.src, start)
    return _NUMBER_BEFORE.search(before) is not None or _RATE_BEFORE.search(before) is not None


def _joiner(parts: list, said: list, i: int, counted: bool = False) -> tuple[str, str]:
    """Decide how a joiner inside a token is said; rule "" keeps it as written."""
    text = parts[i][2]
    left = parts[i - 1] if i else None
    right = parts[i + 1] if i + 1 < len(parts) else None
    if text == "&":
        return "và", "symbol"
    plain_left = left is not None and left[3] == "l" and not said[i - 1][1]
    plain_right = right is not None and right[3] == "l" and not said[i + 1][1]
    if text == "/":
        if left is not None and right is not None and (
            left[2] in UNITS or right[2].lower() in _PER_NOUNS or said[i + 1][1] == "unit"
            or (counted and (left[3] == "l" or right[3] == "d"))
        ):
            return "trên", "unit"
        if plain_left and plain_right and right[2].islower() and not {left[2].lower(), right[2]} & _OR_WORDS:
            return " hoặc ", "slash"  # nam/nữ: one or the other (not "và/hoặc")
        return " ", "slash"
    if text == "." and _DOMAIN.search(parts[-1][2]) and parts[-1][3] == "l":
        return "chấm", "joiner"  # hungyen.gov.vn: hưng yên chấm gốp chấm vê en
    if text == "-" and _same_series(parts, i):
        return "đến", "range"  # BĐ2-BĐ3, T2-T6
    if text == "." and plain_left and plain_right:
        return "", ""  # xã.Tiếp: a full stop typed without its space; the final tidy spaces it
    return " ", "joiner"


_SERIES = re.compile(r"([^\W\d_]+)[0-9]+")


def _same_series(parts: list, i: int) -> bool:
    """Whether parts around a dash are the same letters with two numbers (BĐ2-BĐ3, T2-T6)."""
    if 2 <= i and i + 2 < len(parts) and parts[i - 1][3] == "d" and parts[i + 2][3] == "d":
        return parts[i - 2][3] == "l" and parts[i - 2][2] == parts[i + 1][2]
    if 1 <= i < len(parts) - 1:
        left, right = _SERIES.fullmatch(parts[i - 1][2]), _SERIES.fullmatch(parts[i + 1][2])
        return left is not None and right is not None and left.group(1) == right.group(1)
    return False
