"""The lexicon is data: the shipped file, whole-token matching, station entries winning."""

from __future__ import annotations

import re

import pytest

from broadcaster.reading import (
    DEFAULT_LEXICON_PATH,
    Lexicon,
    LexiconError,
    Normalizer,
    build_lexicon,
    check_entry,
    explain,
    normalize,
    parse_lexicon,
)
from broadcaster.reading.orthography import is_syllable

REQUIRED = ("UBND HĐND MTTQ UBMTTQ CCHC TTHC CBCC CBCCVC THCS THPT BHYT BHXH PCCC ATTP NTM KT-XH PCTT TKCN "
            "HTX ANTT GPMB CNTT DVCTT GD&ĐT TN&MT Đ/c BCĐ CSDL CSGT TNCS VP-TK SIPAS").split()
# Keys that also spell a toneless Vietnamese syllable: each one is a deliberate choice, because an
# all-caps heading containing that syllable would be expanded.
SYLLABLE_KEYS_ALLOWED = {"AI", "HU", "ĐU", "BYT", "CAT", "TYT", "YT", "IT", "NGƯT", "TU", "TƯ"}


def test_shipped_file_is_utf8_tsv_with_hundreds_of_entries():
    text = DEFAULT_LEXICON_PATH.read_text(encoding="utf-8")
    entries = parse_lexicon(text)
    assert len(entries) >= 400
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            assert line.count("\t") == 1, line
    for key in REQUIRED:
        assert key in entries, key


def test_readings_are_spelled_out_vietnamese_words():
    for key, reading in parse_lexicon(DEFAULT_LEXICON_PATH.read_text(encoding="utf-8")).items():
        assert not re.search(r"[0-9/&]", reading), key
        for word in re.split(r"[ ,\-]+", reading):
            assert word and is_syllable(word), (key, word)


def test_default_keys_do_not_hide_heading_words():
    """An all-caps key that is also a Vietnamese syllable would turn a heading word into an
    acronym's reading: only the listed ones may exist."""
    keys = parse_lexicon(DEFAULT_LEXICON_PATH.read_text(encoding="utf-8"))
    syllables = {key for key in keys if key.isalpha() and key.isupper() and is_syllable(key)}
    assert syllables, "the check sees none of the syllable-shaped keys it guards against"
    assert syllables <= SYLLABLE_KEYS_ALLOWED, sorted(syllables - SYLLABLE_KEYS_ALLOWED)
    assert is_syllable("HỌP") and not is_syllable("UBND")  # what the check relies on


def test_uppercase_keys_match_whole_tokens_in_that_case_only():
    assert normalize("HTX Thành Công") == "hợp tác xã thành công"
    assert normalize("htx") == "htx"  # lowercase text is never taken for an acronym
    assert normalize("HTXA") == "hát tê ích xì a"  # not inside a longer token
    assert normalize("KINH PHÍ") == "kinh phí"  # an all-caps heading stays words


def test_keys_with_lowercase_letters_match_in_any_case():
    assert normalize("Đ/c, đ/c, Đ/C") == "đồng chí, đồng chí, đồng chí"


def test_station_entries_override_and_extend_the_default():
    lexicon = build_lexicon({"UBND": "ủy ban", "LX": "Lệ Xá", "CCHC": "  Cải   cách hành chính  "})
    assert normalize("UBND xã LX, CCHC.", lexicon=lexicon) == "ủy ban xã lệ xá, cải cách hành chính."
    assert normalize("UBND", lexicon=Lexicon.default()) == "ủy ban nhân dân"
    rules = {r.original: r.rule for r in explain("UBND HĐND", lexicon=lexicon).replacements}
    assert rules == {"UBND": "lexicon_station", "HĐND": "lexicon"}


def test_station_entry_in_lowercase_still_wins_over_a_default_key():
    lexicon = build_lexicon({"ubnd": "ủy ban xã"})
    assert normalize("UBND", lexicon=lexicon) == "ủy ban xã"


def test_station_readings_are_read_too():
    lexicon = build_lexicon({"F0": "ép 0", "BQLDA": "ban quản lý dự án KH"})
    assert normalize("Ca F0 do BQLDA báo.", lexicon=lexicon) == "ca ép không do ban quản lý dự án kế hoạch báo."


def test_bad_station_entries_are_set_aside_with_a_reason():
    lexicon = build_lexicon({"": "x", "hai từ": "y", "OK": "", "TTX": "thông tấn xã"})
    assert [key for key, _ in lexicon.rejected] == ["", "hai từ", "OK"]
    assert normalize("TTX", lexicon=lexicon) == "thông tấn xã"
    assert check_entry("GD&ĐT", "giáo dục") is None
    assert "dấu cách" in check_entry("hai từ", "y")


def test_lexicon_iterates_merged_entries_with_their_source():
    lexicon = build_lexicon({"UBND": "ủy ban", "LX": "lệ xá"})
    entries = {e.key: e for e in lexicon}
    assert entries["UBND"].source == "station" and entries["HĐND"].source == "default"
    assert len(lexicon) == len(Lexicon.default()) + 1
    assert "LX" in lexicon and "lx" not in lexicon
    assert lexicon.station_entries == {"UBND": "ủy ban", "LX": "lệ xá"}


@pytest.mark.parametrize("text, problem", [
    ("UBND ủy ban", "TAB"),
    ("UBND\tủy ban\nUBND\tlần nữa", "đã có"),
    ("HAI TỪ\tx", "dấu cách"),
    ("X\t", "Thiếu cách đọc"),
])
def test_malformed_lexicon_files_are_refused_with_the_line(text, problem):
    with pytest.raises(LexiconError, match=problem):
        parse_lexicon(text, origin="thu.tsv")


def test_lexicon_file_can_be_loaded_from_a_path(tmp_path):
    path = tmp_path / "lex.tsv"
    path.write_text("# thử\nLX\tLệ Xá\n\nTX\tthị xã\n", encoding="utf-8")
    lexicon = Lexicon.from_file(path, station={"TX": "thôn xóm"})
    assert Normalizer(lexicon).normalize("LX, TX") == "lệ xá, thôn xóm"
