"""Number words: Northern forms, zero hundreds, mốt/tư/lăm, Southern switch, Roman numerals."""

from __future__ import annotations

import pytest

from broadcaster.reading.numbers import (
    NORTH,
    SOUTH,
    number_words,
    read_decimal,
    read_digits,
    read_int,
    read_month,
    read_number,
    read_ordinal,
    read_rank,
    roman_value,
)


@pytest.mark.parametrize("n, words", [
    (0, "không"), (1, "một"), (5, "năm"), (10, "mười"), (11, "mười một"), (14, "mười bốn"), (15, "mười lăm"),
    (20, "hai mươi"), (21, "hai mươi mốt"), (24, "hai mươi tư"), (25, "hai mươi lăm"), (30, "ba mươi"),
    (101, "một trăm linh một"), (105, "một trăm linh năm"), (115, "một trăm mười lăm"), (200, "hai trăm"),
    (1001, "một nghìn không trăm linh một"), (2021, "hai nghìn không trăm hai mươi mốt"),
    (2050000, "hai triệu không trăm năm mươi nghìn"), (1000005, "một triệu không trăm linh năm"),
    (1_000_000_000, "một tỷ"), (5_000_000_001, "năm tỷ không trăm linh một"),
    (2_500_000_000_000, "hai nghìn năm trăm tỷ"),
])
def test_read_int_northern(n, words):
    assert read_int(n) == words


def test_southern_forms_switch_thousand_and_zero_tens():
    assert read_int(1005, SOUTH) == "một ngàn không trăm lẻ năm"
    assert number_words("south") is SOUTH and number_words("north") is NORTH
    with pytest.raises(ValueError):
        number_words("central")


def test_leading_zero_rules():
    assert read_number("05") == "năm"  # administrative count "05 hộ"
    assert read_number("012") == "không một hai"  # a code, digit by digit
    assert read_number("9" * 20) == read_digits("9" * 20)  # never a 20-digit quantity


def test_decimal_ordinal_month_rank():
    assert read_decimal("98", "75") == "chín mươi tám phẩy bảy mươi lăm"
    assert read_decimal("0", "05") == "không phẩy không năm"
    assert [read_ordinal(n) for n in (1, 2, 4, 10)] == ["nhất", "hai", "tư", "mười"]
    assert [read_rank(n) for n in (1, 2, 3)] == ["nhất", "nhì", "ba"]
    assert [read_month(n) for n in (1, 4, 12)] == ["một", "tư", "mười hai"]


@pytest.mark.parametrize("text, value", [("I", 1), ("IV", 4), ("IX", 9), ("XIII", 13), ("XIV", 14),
                                         ("XXI", 21), ("XL", 40), ("XC", 90), ("CX", 110)])
def test_roman_values(text, value):
    assert roman_value(text) == value


@pytest.mark.parametrize("text", ["", "IIII", "VV", "IC", "ABC", "XIIII"])
def test_malformed_roman_numerals_are_refused(text):
    assert roman_value(text) is None
