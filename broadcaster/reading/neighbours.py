"""Acronyms read by the words around them, and capitals that are names rather than acronyms.

"SN 1975" is sinh năm but "SN 12" số nhà; "Đài TT xã" is truyền thanh although TT alone is
thường trực; "một kg" is a unit although no digit comes before; "BĐ2" and "vượt BĐ III" are flood alarm levels although BĐ alone is bộ đội; "bão
NORU" is a storm's name, said as a word, never spelled.
"""

from __future__ import annotations

import re
from typing import Callable

from broadcaster.reading.orthography import is_syllable
from broadcaster.reading.scan import Scan, context_before, cue
from broadcaster.reading.units import UNITS

Test = Callable[[Scan, int, int], bool]


def _after(pattern: str) -> Test:
    compiled = re.compile(pattern)
    return lambda scan, start, end: compiled.match(scan.src, end) is not None


def _before(words: str) -> Test:
    compiled = cue(words)
    return lambda scan, start, end: compiled.search(context_before(scan.src, start)) is not None


# key → ((test, reading), …): the first test that holds gives the reading; else the lexicon's.
BY_CONTEXT: dict[str, tuple[tuple[Test, str], ...]] = {
    "SN": ((_after(r"[ \t]*:?[ \t]*(?:19|20)[0-9]{2}(?![0-9])"), "sinh năm"),
           (_after(r"[ \t]*:?[ \t]*[0-9]"), "số nhà")),
    "TT": ((_before("đài|trạm|loa"), "truyền thanh"),),
    "BĐ": ((_after(r"[ \t.]*\)?[ \t]*(?:I{1,3}|[1-3])(?![^\W_])"), "báo động"),),
}


# "9 tấn một ha", "6.900 đồng một kg": a unit after a count word, not after digits.
_COUNT_WORD_BEFORE = _before("một|mỗi|từng|mấy|vài")
_SPELLED_UNITS = {unit: reading for unit, (reading, rule) in UNITS.items()
                  if rule == "unit" and len(unit) > 1 and unit.isascii() and unit.isalnum() and reading != unit
                  and unit != "tr"}  # "một tr." is a page as often as a million


def context_reading(scan: Scan, start: int, end: int, key: str) -> str | None:
    """Return the reading of key that its neighbours call for, or None."""
    for test, reading in BY_CONTEXT.get(key, ()):
        if test(scan, start, end):
            return reading
    if key in _SPELLED_UNITS and _COUNT_WORD_BEFORE(scan, start, end):
        return _SPELLED_UNITS[key]
    return None


def readings_by_context(key: str) -> tuple[str, ...]:
    """Every reading key may take by context ("(BĐ)" after "báo động" defines it)."""
    return tuple(reading for _, reading in BY_CONTEXT.get(key, ()))


# "bão NORU", "bão số 5 (NESAT)", "tên quốc tế là SONCA": the name of a storm.
_STORM_BEFORE = cue("bão|siêu bão|áp thấp nhiệt đới|tên quốc tế|tên quốc tế là|tên gọi",
                    gap=r"(?:\s+số\s+[0-9]+)?\s*[(:,]?\s*")


def storm_name(scan: Scan, start: int, end: int, word: str) -> bool:
    """Report an unknown all-caps word after "bão" as a name kept as written (not spelled)."""
    if not (len(word) >= 3 and word.isupper() and word.isalpha() and not is_syllable(word)):
        return False
    if _STORM_BEFORE.search(context_before(scan.src, start)) is None:
        return False
    scan.flag(start, end, "foreign_word", word.lower())
    return True
