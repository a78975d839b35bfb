"""Vietnamese orthography: input clean-up, tone placement, syllable shape and letter names."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def _build_tone_fold() -> dict[str, str]:
    """Old-style placement (hoà, khoẻ, uỷ) → new style (hòa, khỏe, ủy), every case combination."""
    pairs: dict[str, str] = {}
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
        for mark in _TONE_MARKS:
            for f in (first, first.upper()):
                for s in (second, second.upper()):
                    pairs[f + _nfc(s + mark)] = _nfc(f + mark) + s
    return pairs


_TONE_FOLD = _build_tone_fold()
# Only at the end of a syllable (hoàn, ngoài, khuỷu keep their mark) and never after q (quý).
# Written as o/u, then a marked vowel, so the regex engine skips to the o and u of the text.
_TONE_FOLD_RE = re.compile(
    "[oOuU](?<![qQ].)[" + "".join(sorted({pair[1] for pair in _TONE_FOLD})) + r"](?![^\W\d_])"
)
_OTHER_DIGIT_RE = re.compile(r"[^\D0-9]")  # a digit of another script (٣, １)


def clean_input(text: str) -> str:
    """Return NFC text with new-style tone placement and ASCII digits.

    Both steps after NFC keep the length, so positions in the result are positions in the text
    the operator sees (which is stored NFC).
    """
    text = _nfc(text)
    if "\u0130" in text:  # İ is the one letter whose lowercase is two code points
        text = text.replace("\u0130", "I")
    if _OTHER_DIGIT_RE.search(text):
        text = _OTHER_DIGIT_RE.sub(lambda m: str(unicodedata.decimal(m.group(), 0)), text)
    return fold_tones(text)


# Combining marks that stay attached to the letter before them inside a token.
COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"


def _fold_pair(m: re.Match[str]) -> str:
    return _TONE_FOLD.get(m.group(), m.group())  # "uà" has no old style: kept


def fold_tones(text: str) -> str:
    """Move old-style tone marks to the new-style position (hoà → hòa, uỷ → ủy)."""
    return _TONE_FOLD_RE.sub(_fold_pair, text)


def strip_tones(word: str) -> str:
    """Remove the five tone marks but keep the vowel letters (ấ → â)."""
    decomposed = unicodedata.normalize("NFD", word)
    return _nfc("".join(c for c in decomposed if c not in _TONE_MARKS))


_ONSETS = "ngh|ng|gh|gi|kh|ph|th|tr|ch|nh|qu|[bcdđghklmnprstvx]"
_NUCLEI = (
    "a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê ui uô "
    "uơ uy ưa ưi ưu ươ yê iêu oai oao oay oeo uây uôi uya uyê uyu ươi ươu yêu"
).split()
# A final k is the Central Highlands spelling of c in place names (Đắk Lắk, Đắk Nông).
_SYLLABLE_RE = re.compile(
    rf"(?:{_ONSETS})?(?:{'|'.join(sorted(_NUCLEI, key=len, reverse=True))})(?:ch|ng|nh|[cmnptk])?"
)


_CHECKED_ENDING = re.compile(r"(?:c|ch|p|t|k)\Z")
_STOP_TONES = frozenset("\u0301\u0323")  # sắc, nặng: the only tones a -c/-ch/-p/-t syllable takes


@lru_cache(maxsize=16384)
def is_syllable(word: str) -> bool:
    """Tell whether a word has the shape of one Vietnamese syllable (KINH, phí, Nguyễn).

    A syllable closed by c, ch, p or t always carries sắc or nặng (các, học, tháp, một), so a
    toneless LUC, CAT or VAC is an acronym, not a word.
    """
    lower = word.lower()
    bare = strip_tones(lower)
    if _SYLLABLE_RE.fullmatch(bare) is None:
        return False
    return not _CHECKED_ENDING.search(bare) or bool(_STOP_TONES & set(unicodedata.normalize("NFD", lower)))


LETTER_NAMES = {
    "a": "a", "ă": "á", "â": "ớ", "b": "bê", "c": "xê", "d": "dê", "đ": "đê", "e": "e", "ê": "ê",
    "f": "ép", "g": "giê", "h": "hát", "i": "i", "j": "gi", "k": "ca", "l": "e lờ", "m": "em mờ",
    "n": "en nờ", "o": "o", "ô": "ô", "ơ": "ơ", "p": "pê", "q": "quy", "r": "e rờ", "s": "ét xì",
    "t": "tê", "u": "u", "ư": "ư", "v": "vê", "w": "vê kép", "x": "ích xì", "y": "i dài", "z": "dét",
}
CONSONANT_LETTERS = frozenset("bcdđfghjklmnpqrstvwxz")


def letter_name(letter: str) -> str | None:
    """Return the Vietnamese name of one Latin letter (B → bê), None for any other character."""
    return LETTER_NAMES.get(letter.lower())


def spell(word: str) -> str | None:
    """Spell a word letter by letter (ABC → a bê xê); None if a letter has no Vietnamese name."""
    names = []
    for c in word:
        name = LETTER_NAMES.get(c.lower())
        if name is None:
            return None
        names.append(name)
    return " ".join(names)


def is_all_caps(word: str) -> bool:
    """Tell whether a word has cased letters and all of them are capitals (UBND, KINH, ĐC)."""
    return word.isupper()
