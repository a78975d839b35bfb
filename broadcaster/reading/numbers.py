"""Number words: cardinals, digit strings, decimals, ordinals, months and Roman numerals.

Northern forms by default (nghìn, linh); the Southern forms (ngàn, lẻ) are a dialect switch.
Everything here takes ASCII digit strings or ints and returns lowercase Vietnamese words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

DIGIT_WORDS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")

# Past this many digits a number is read digit by digit (and never converted with int()).
MAX_CARDINAL_DIGITS = 15


@dataclass(frozen=True, slots=True)
class NumberWords:
    """The words that differ between the Northern and the Southern reading."""

    thousand: str
    odd: str  # the "zero tens" word: một trăm linh năm / một trăm lẻ năm


NORTH = NumberWords(thousand="nghìn", odd="linh")
SOUTH = NumberWords(thousand="ngàn", odd="lẻ")
_BY_DIALECT = {"north": NORTH, "south": SOUTH}


def number_words(dialect: str) -> NumberWords:
    """Return the number words of a dialect ("north" or "south")."""
    try:
        return _BY_DIALECT[dialect]
    except KeyError:
        raise ValueError(f"unknown dialect {dialect!r}: expected 'north' or 'south'") from None


def read_digits(digits: str) -> str:
    """Read a string of ASCII digits one by one: "0221" → "không hai hai một"."""
    return " ".join(DIGIT_WORDS[ord(c) - 48] for c in digits)


def _read_triple(n: int, words: NumberWords, full: bool) -> str:
    """Read 0 < n < 1000; `full` reads the hundreds even when zero (inside a larger number)."""
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    parts: list[str] = []
    if hundreds or full:
        parts += (DIGIT_WORDS[hundreds], "trăm")
    if tens == 0:
        if units:
            if hundreds or full:
                parts.append(words.odd)
            parts.append(DIGIT_WORDS[units])
    elif tens == 1:
        parts.append("mười")
        if units == 5:
            parts.append("lăm")
        elif units:
            parts.append(DIGIT_WORDS[units])
    else:
        parts += (DIGIT_WORDS[tens], "mươi")
        if units == 1:
            parts.append("mốt")
        elif units == 4:
            parts.append("tư")
        elif units == 5:
            parts.append("lăm")
        elif units:
            parts.append(DIGIT_WORDS[units])
    return " ".join(parts)


def _read_below_billion(n: int, words: NumberWords, full: bool) -> str:
    parts: list[str] = []
    started = full
    for value, name in ((n // 1_000_000, "triệu"), (n // 1000 % 1000, words.thousand), (n % 1000, "")):
        if value == 0:
            continue
        parts.append(_read_triple(value, words, started))
        if name:
            parts.append(name)
        started = True
    return " ".join(parts)


@lru_cache(maxsize=4096)  # years, days, counts: the same few numbers again and again
def read_int(n: int, words: NumberWords = NORTH) -> str:
    """Read a non-negative integer: 2050000 → "hai triệu không trăm năm mươi nghìn"."""
    if n == 0:
        return "không"
    if n >= 1_000_000_000:
        high, low = divmod(n, 1_000_000_000)
        text = read_int(high, words) + " tỷ"
        if low:
            text += " " + _read_below_billion(low, words, full=True)
        return text
    return _read_below_billion(n, words, full=False)


def read_number(digits: str, words: NumberWords = NORTH) -> str:
    """Read a written integer.

    Two digits with a leading zero ("05 hộ", "tháng 01") are the administrative way of writing a
    small count and read as the count; three or more digits with a leading zero are a code or a
    phone number and are read digit by digit, like anything too long to be a quantity.
    """
    if len(digits) > MAX_CARDINAL_DIGITS or (len(digits) > 2 and digits[0] == "0"):
        return read_digits(digits)
    return read_int(int(digits), words)


def read_fraction_digits(digits: str, words: NumberWords = NORTH) -> str:
    """Read the digits after a decimal mark: "5" → năm, "75" → bảy mươi lăm, "05" → không năm."""
    if len(digits) > 3:
        return read_digits(digits)
    stripped = digits.lstrip("0")
    zeros = len(digits) - len(stripped)
    head = ["không"] * zeros
    if stripped:
        head.append(read_int(int(stripped), words))
    return " ".join(head)


def read_decimal(integer_digits: str, fraction_digits: str, words: NumberWords = NORTH) -> str:
    """Read "12,5" given as ("12", "5"): mười hai phẩy năm."""
    return f"{read_number(integer_digits, words)} phẩy {read_fraction_digits(fraction_digits, words)}"


def read_ordinal(n: int, words: NumberWords = NORTH) -> str:
    """Read the number after "thứ": 1 → nhất, 4 → tư, others as cardinals."""
    if n == 1:
        return "nhất"
    if n == 4:
        return "tư"
    return read_int(n, words)


def read_rank(n: int, words: NumberWords = NORTH) -> str:
    """Read the number after "giải"/"hạng": nhất, nhì, ba, tư, năm…"""
    if n == 2:
        return "nhì"
    return read_ordinal(n, words)


def read_month(n: int, words: NumberWords = NORTH) -> str:
    """Read a month number: 4 → tư (tháng tư), others as cardinals (tháng một … tháng mười hai)."""
    return "tư" if n == 4 else read_int(n, words)


_ROMAN_RE = re.compile(r"(?=[IVXLC])C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman_value(text: str) -> int | None:
    """Return the value of a well-formed Roman numeral (I … CCCXCIX), else None."""
    if not text or not _ROMAN_RE.fullmatch(text):
        return None
    total = 0
    for i, c in enumerate(text):
        v = _ROMAN_VALUES[c]
        if i + 1 < len(text) and _ROMAN_VALUES[text[i + 1]] > v:
            total -= v
        else:
            total += v
    return total
