"""Abbreviations whose full stop belongs to them: before a name, and a name's initial.

"TP. Vinh", "P.Lê Lợi", "Q.1", "PGS. TS. Nguyễn Văn A", "CT. UBND", "KT. CHỦ TỊCH", "Lê Văn H.,
SN 1980": the stop marks the abbreviation, not the end of a sentence, so it is dropped with it.
Said aloud it would put a pause in the middle of a name ("thành phố. vinh").
"""

from __future__ import annotations

import re

from broadcaster.reading.orthography import LETTER_NAMES
from broadcaster.reading.scan import UPPER, Scan, context_before

# Places before their name. A one-letter one (P. Q. H. X.) only when no name word comes just
# before, so "Nguyễn Văn H. (SN 1980)" keeps its initial; "TT." is thị trấn before a place name
# (TT alone, and "TT. HĐND", is thường trực).
PLACES: dict[str, str] = {
    "P": "phường", "Q": "quận", "H": "huyện", "X": "xã", "TP": "thành phố", "Tp": "thành phố",
    "TX": "thị xã", "Tx": "thị xã", "TT": "thị trấn", "Tt": "thị trấn",
}
_NUMBERED = frozenset({"P", "Q"})  # P.12, Q.1: wards and districts by number
# Titles and offices before a person or a body; their reading comes from the lexicon.
TITLES = frozenset(
    "GS PGS TS ThS Ths BS BSCKI BSCKII DS KS KTS CN LS NSND NSƯT NGND NGƯT NNƯT ĐBQH CT PCT BT PBT "
    "UV TUV HUV Đ/c đ/c Đc".split()
)
# Signature blocks: "KT. CHỦ TỊCH" is ký thay (KT alone is kinh tế), "TM. ỦY BAN…" thay mặt.
SIGNATURES: dict[str, str] = {"KT": "ký thay", "TM": "thay mặt", "TL": "thừa lệnh", "TUQ": "thừa ủy quyền",
                              "Q": "quyền"}

_STOP_BEFORE_NAME = re.compile(rf"\.[ \t]*(?=[{UPPER}])")
_STOP_BEFORE_PLACE = re.compile(rf"\.[ \t]*(?=[{UPPER}][^\W\d_{UPPER}])")  # a Title-case word
_STOP_BEFORE_NUMBER = re.compile(r"\.[ \t]*(?=[0-9])")
_STOP_BEFORE_SIGNED = re.compile(
    r"\.[ \t]*(?=CHỦ|PHÓ|GIÁM|TRƯỞNG|BỘ|ỦY|UBND|BAN|HỘI|CHÁNH|THỦ|BÍ|TỔNG|Chủ|Phó|Giám|Trưởng)")
_NAME_BEFORE = re.compile(rf"[{UPPER}][^\W\d_{UPPER}]+[ \t]+\Z")  # "Nguyễn Văn " before an initial
_HEAD = re.compile(r"[^\W\d_]+(?:/[^\W\d_]+)?")


def read_prefix(scan: Scan, start: int, end: int) -> int | None:
    """Read an abbreviation at start and drop its full stop; return where the name starts.

    The token may run on into the name ("TP.Bắc", "P.Lê"): only the abbreviation and its stop are
    read here, the rest is read as the next token. None if no such abbreviation is there.
    """
    src = scan.src
    head = _HEAD.match(src, start, end)
    if head is None:
        return None
    key = head.group()
    stop = _stop_after(scan, start, key, head.end())
    if stop is None:
        return None
    reading, rule = stop[1], stop[2]
    scan.emit(start, head.end(), reading, rule)
    scan.emit(head.end(), stop[0], "", "abbreviation_stop")
    return stop[0]


def _stop_after(scan: Scan, start: int, key: str, pos: int) -> tuple[int, str, str] | None:
    """(end of the stop and blanks, reading, rule) if key is an abbreviation before a name here."""
    src = scan.src
    if key in SIGNATURES and (m := _STOP_BEFORE_SIGNED.match(src, pos)):
        return m.end(), SIGNATURES[key], "lexicon"
    if key in PLACES:
        m = _STOP_BEFORE_PLACE.match(src, pos)
        if m is None and key in _NUMBERED:
            m = _STOP_BEFORE_NUMBER.match(src, pos)
        if m is None and key in ("TP", "Tp", "TX", "Tx"):
            m = _STOP_BEFORE_NAME.match(src, pos)  # TP. HCM
        if m is not None and not (len(key) == 1 and _NAME_BEFORE.search(context_before(src, start))):
            return m.end(), PLACES[key], "lexicon"
    if key in TITLES and (m := _STOP_BEFORE_NAME.match(src, pos)):
        found = scan.lexicon_reading(key)
        if found is not None:
            return m.end(), found[0], found[1]
    return None


# After an initial, a comma, a bracket or a lowercase word shows the stop ends no sentence.
_STOP_INSIDE_SENTENCE = re.compile(r"\.(?:[ \t]*(?=[,;:()])|[ \t]+(?=[^\W\d_{UPPER}]))".replace("{UPPER}", UPPER))


# "Ảnh: T. HUY", "(N. Lan)": an initial opening a name after a colon, a bracket or a comma.
_CREDIT_BEFORE = re.compile(r"[:(,][ \t]*\Z")


def read_initial(scan: Scan, start: int, end: int) -> int | None:
    """Read a name's initial and drop its stop: inside a sentence after the name ("Phạm Văn T.,
    SN 1985"), or before the name in a credit ("Ảnh: T. HUY"); return where the stop ends, None if
    this is no such initial."""
    src = scan.src
    letter = src[start:end]
    if len(letter) != 1 or not letter.isupper() or letter.lower() not in LETTER_NAMES:
        return None
    before = context_before(src, start)
    after_name = _NAME_BEFORE.search(before) and _STOP_INSIDE_SENTENCE.match(src, end)
    opening = (letter not in "IVX" and _CREDIT_BEFORE.search(before)  # "Nội dung: I. Mục tiêu"
               and _STOP_BEFORE_NAME.match(src, end))
    if not (after_name or opening):
        return None
    scan.emit(start, end, LETTER_NAMES[letter.lower()], "letter")
    scan.emit(end, end + 1, "", "abbreviation_stop")
    return end + 1
