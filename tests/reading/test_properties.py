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


# Punctuation a voice pauses on; anything else in the spoken text would be a stray mark.
SENTENCE_PUNCTUATION = frozenset(".,;:!?…()[]{}\"'“”‘’«»-–—")
DASH_ON_A_WORD = re.compile(r"[^\W_][-–—]|[-–—][^\W_]")


@SETTINGS
@given(anything, st.sampled_from(["north", "south"]))
def test_spoken_text_keeps_only_sentence_punctuation_and_dashes_stand_apart(text, dialect):
    spoken = normalize(text, dialect=dialect)
    for c in spoken:
        assert c.isalnum() or c.isspace() or unicodedata.category(c)[0] == "M" or c in SENTENCE_PUNCTUATION, (
            c, spoken)
    assert not DASH_ON_A_WORD.search(spoken), spoken  # a dash is a pause, never a hyphen


ABBREVIATIONS = [("TP", "thành phố"), ("Tp", "thành phố"), ("TX", "thị xã"), ("TT", "thị trấn"),
                 ("P", "phường"), ("Q", "quận"), ("H", "huyện"), ("X", "xã"), ("PGS", "phó giáo sư"),
                 ("TS", "tiến sĩ"), ("ThS", "thạc sĩ"), ("BS", "bác sĩ"), ("CT", "chủ tịch"), ("Đ/c", "đồng chí")]
NAMES = ["Vinh", "Hưng Yên", "Lê Lợi", "Phố Lu", "Ngũ Hành Sơn", "Nguyễn Văn An", "Trần Thị Mai", "Đà Nẵng"]
BEFORE = ["", "Trụ sở tại ", "trú ở ", "Đoàn công tác của ", "- ", "Ngày 2/9, ", "(", "UBND "]
AFTER = ["", ".", ", SN 1975", " và Q.1", " (SN 1980)", " phát biểu.", "; ", ")"]


@SETTINGS
@given(st.sampled_from(ABBREVIATIONS), st.sampled_from(NAMES), st.sampled_from([".", ". ", ".  "]),
       st.sampled_from(BEFORE), st.sampled_from(AFTER))
def test_an_abbreviation_full_stop_never_reaches_the_spoken_text(abbreviation, name, stop, before, after):
    key, reading = abbreviation
    spoken = normalize(f"{before}{key}{stop}{name}{after}")
    assert f"{reading} {name.lower()}" in spoken, spoken


@SETTINGS
@given(st.sampled_from(["H", "T", "A", "Đ", "V"]), st.sampled_from([", SN 1985", " (SN 1990)", " cho biết", ";"]))
def test_a_name_initial_loses_its_stop_inside_a_sentence(initial, after):
    spoken = normalize(f"Đối tượng Phạm Văn {initial}.{after} đã ra đầu thú.")
    assert "." not in spoken[:-1], spoken
