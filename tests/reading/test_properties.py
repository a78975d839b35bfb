"""Properties that hold for any input: no crash, no digits, NFC output, a reading reads as itself."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from broadcaster.reading import explain, normalize

# Pieces of real bulletin writing, glued at random: they reach the rules far more often than
# arbitrary Unicode does, while st.text() covers everything else.
FRAGMENTS = [
    "0", "1", "2", "4", "5", "9", "00", "05", "113", "2024", "1.000", "12,5", "4.0", "0912 345 678",
    ".", ",", "/", "-", "–", ":", "%", "h", "H", "°C", "m2", "km", "ha", "tạ", "đ", "đồng", " ", "\n",
    "\t", "*", "#", "+", "&", "(", ")", "'", "ngày ", "tháng ", "năm ", "quý ", "thứ ", "gọi ", "số ",
    "Đại hội ", "khóa ", "lần thứ ", "giải ", "giờ ", "UBND", "HĐND", "KT-XH", "Đ/c", "GD&ĐT", "I", "V",
    "X", "IV", "XIII", "II.", "ABC", "b)", "Hoà", "uỷ", "quý", "\u0301", "\u0300", "İ", "ǅ", "²", "٣",
    "１", "ﬁ", "ß", "😀", "¤", "\u200b", "a", "Xá", "Lệ", "KINH PHÍ", "COVID-19", "F0", "v.v",
]
bulletinish = st.lists(st.sampled_from(FRAGMENTS), max_size=25).map("".join)
anything = st.one_of(st.text(), bulletinish)
SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))


@SETTINGS
@given(anything, st.sampled_from(["north", "south"]))
def test_never_raises_and_output_is_spoken_nfc_text(text, dialect):
    result = explain(text, dialect=dialect)
    assert not re.search(r"[0-9]", result.text)
    assert unicodedata.is_normalized("NFC", result.text)
    assert "/" not in result.text
    for r in result.replacements:
        assert result.source[r.start:r.end] == r.original
    for u in result.unreadable:
        assert result.source[u.start:u.end] == u.token


@SETTINGS
@given(anything, st.sampled_from(["north", "south"]))
def test_normalizing_a_reading_again_changes_nothing(text, dialect):
    once = normalize(text, dialect=dialect)
    assert normalize(once, dialect=dialect) == once


@SETTINGS
@given(st.integers(min_value=0, max_value=10**15 - 1))
def test_every_grouped_number_is_read_in_words(n):
    grouped = f"{n:,}".replace(",", ".")
    out = normalize(f"Có {grouped} người.")
    assert not re.search(r"[0-9]", out)
    assert out.startswith("có ") and out.endswith(" người.")
