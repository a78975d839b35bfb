"""Symbols and punctuation: kept for pauses, said in words, dropped as markup, or dropped and reported."""

from __future__ import annotations

import re
import unicodedata

from broadcaster.reading import numbers as N
from broadcaster.reading.neighbours import readings_by_context
from broadcaster.reading.scan import Scan

# Sentence punctuation drives pauses and stays as written.
KEEP = frozenset(".,;:!?…()[]{}\"'“”‘’«»–—-")
SAID: dict[str, str] = {
    "&": "và", "%": "phần trăm", "‰": "phần nghìn", "+": "cộng", "=": "bằng", "×": "nhân",
    "÷": "chia", ">": "lớn hơn", "<": "nhỏ hơn", "≥": "lớn hơn hoặc bằng", "≤": "nhỏ hơn hoặc bằng",
    "≈": "xấp xỉ", "±": "cộng trừ", "°": "độ", "℃": "độ xê", "@": "a còng", "$": "đô la",
    "€": "ơ rô", "₫": "đồng", "№": "số", "§": "mục", "→": "đến", "~": "khoảng", "©": "bản quyền",
}
MARKUP = frozenset("*#_`|^\\•·▪▫●○■□►▶▸➢➤✓✔✗❖♦◆◇★☆")
_MARKUP_RUN = re.compile("[" + re.escape("".join(sorted(MARKUP))) + "]+")
_BULLET = re.compile(r"(?:[-+•*–—#>▪●○■□►▶➢✓✔❖♦◆·]+[ \t]*)+")
_INTL_PHONE = re.compile(r"\+[0-9]{2,3}(?:[ .\-]?[0-9]{2,4}){2,5}(?![0-9])")
_DIGITS = re.compile(r"[0-9]+")
_DEFINED = re.compile(r"\(\s*([^\W\d_][^\s()]*)\s*\)")


def handle_symbol(scan: Scan, pos: int) -> int:
    """Read the symbol at pos; return where the symbol (run) ends."""
    src = scan.src
    c = src[pos]
    if c == "(":
        return _definition(scan, pos) or pos + 1
    if c in KEEP and c not in "-–—":
        return pos + 1
    if scan.at_line_start(pos):
        m = _BULLET.match(src, pos)
        # A line-start run of dashes, pluses, stars… is a list bullet, except "-5" and "+84…".
        if m is not None and not (m.end() == pos + 1 and c in "-+" and src[pos + 1:pos + 2].isdigit()):
            scan.emit(pos, m.end(), "", "bullet")
            return m.end()
    nxt = src[pos + 1:pos + 2]
    if c in "-–—−":
        return _dash(scan, pos)
    if c == "/":
        if src[pos - 1:pos] == "." and nxt == ".":
            scan.emit(pos, pos + 2, "", "doc_end")  # "./." closes an administrative document
            return pos + 2
        scan.emit(pos, pos + 1, " ", "slash")
        return pos + 1
    if c == "+":
        m = _INTL_PHONE.match(src, pos)
        if m is not None:
            digits = "".join(_DIGITS.findall(m.group()))
            scan.emit(pos, m.end(), "cộng " + N.read_digits(digits), "phone")
            return m.end()
    reading = SAID.get(c)
    if reading is not None:
        scan.emit(pos, pos + 1, reading, "symbol")
        return pos + 1
    if c in MARKUP:
        end = _MARKUP_RUN.match(src, pos).end()
        scan.emit(pos, end, "", "markup")
        return end
    if unicodedata.category(c)[0] == "M":  # a mark with no letter to sit on
        scan.emit(pos, pos + 1, "", "markup")
        return pos + 1
    scan.emit(pos, pos + 1, "", "symbol")  # ¤, 📍: nothing to say, never passed to the voice
    scan.flag(pos, pos + 1, "symbol", "")
    return pos + 1


def _dash(scan: Scan, pos: int) -> int:
    """A minus sign before a number not glued to a word (–2°C → âm hai); else a pause (the final
    tidy sets it apart from the words it touches). Ranges are read before."""
    src, c = scan.src, scan.src[pos]
    prev, nxt = src[pos - 1:pos], src[pos + 1:pos + 2]
    if c != "—" and nxt.isdigit() and nxt.isascii() and not prev.isalnum():
        scan.emit(pos, pos + 1, "âm", "negative")
    elif c == "−":
        scan.emit(pos, pos + 1, " ", "symbol")
    return pos + 1


def _definition(scan: Scan, pos: int) -> int | None:
    """Drop "(CCHC)" right after "cải cách hành chính", "(BĐ)" after "báo động": the announcer has
    just said it."""
    m = _DEFINED.match(scan.src, pos)
    if m is None:
        return None
    entry = scan.lexicon.lookup(m.group(1))
    readings = ((entry.reading,) if entry else ()) + readings_by_context(m.group(1))
    if not any(scan.just_said(pos, reading) for reading in readings):
        return None
    scan.emit(pos, m.end(), "", "definition")
    return m.end()
