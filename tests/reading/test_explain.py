"""The explanation: every replacement with its span and rule, every unreadable token reported."""

from __future__ import annotations

import json

from broadcaster.reading import Explanation, Replacement, explain


def _rules(result: Explanation) -> list[tuple[str, str, str]]:
    return [(r.original, r.reading, r.rule) for r in result.replacements]


def test_spans_index_the_source_and_name_the_rule():
    text = "Kế hoạch số 09/KH-UBND ngày 05/01/2024."
    result = explain(text)
    assert result.source == text
    assert _rules(result) == [
        ("09", "chín", "doc_number"),
        ("/KH-UBND", "", "doc_code"),
        ("05/01/2024", "năm tháng một năm hai nghìn không trăm hai mươi tư", "date"),
    ]
    for r in result.replacements:
        assert text[r.start:r.end] == r.original
    assert result.fully_read


def test_document_with_year_reports_number_year_and_dropped_symbol():
    result = explain("Quyết định số 01/2023/QĐ-UBND")
    assert [(r.start, r.end, r.rule) for r in result.replacements] == [
        (14, 16, "doc_number"), (16, 21, "year"), (21, 29, "doc_code")]


def test_acronym_unit_percent_range_time_and_phone_rules():
    result = explain("UBND xã: 12,5% và 60 tạ/ha, từ 7h-11h, gọi 114, 0912 345 678.")
    assert _rules(result) == [
        ("UBND", "ủy ban nhân dân", "lexicon"),
        ("12,5", "mười hai phẩy năm", "decimal"),
        ("%", "phần trăm", "percent"),
        ("60", "sáu mươi", "cardinal"),
        ("/", "trên", "unit"),
        ("ha", "héc ta", "unit"),
        ("7h", "bảy giờ", "time"),
        ("-", "đến", "range"),
        ("11h", "mười một giờ", "time"),
        ("114", "một một bốn", "emergency"),
        ("0912 345 678", "không chín một hai ba bốn năm sáu bảy tám", "phone"),
    ]


def test_roman_ordinal_fraction_and_bullet_rules():
    assert _rules(explain("- Đại hội XIII, lần thứ 2, hơn 1/2 số hộ.")) == [
        ("- ", "", "bullet"),
        ("XIII", "mười ba", "roman"),
        ("2", "hai", "ordinal"),
        ("1/2", "một phần hai", "fraction"),
    ]


def test_unknown_acronym_is_spelled_and_reported_with_its_position():
    result = explain("Hội thi XYZ năm nay.")
    assert result.text == "hội thi ích xì i dài dét năm nay."
    assert [(u.start, u.end, u.token, u.kind) for u in result.unreadable] == [(8, 11, "XYZ", "unknown_acronym")]
    assert ("XYZ", "ích xì i dài dét", "spelled") in _rules(result)
    assert not result.fully_read


def test_stray_symbol_is_reported_and_left_out_of_the_spoken_text():
    result = explain("Giá ¤ cao 📍")
    assert result.text == "giá cao"
    assert [(u.start, u.token, u.kind, u.reading) for u in result.unreadable] == [
        (4, "¤", "symbol", ""), (10, "📍", "symbol", "")]
    assert [(r.original, r.reading, r.rule) for r in result.replacements] == [("¤", "", "symbol"),
                                                                             ("📍", "", "symbol")]


def test_foreign_word_is_kept_and_reported():
    result = explain("Trang Fanpagex của xã")
    assert result.text == "trang fanpagex của xã"
    assert [(u.token, u.kind) for u in result.unreadable] == [("Fanpagex", "foreign_word")]


def test_unmatched_digit_pattern_is_read_part_by_part_and_reported():
    result = explain("Mã 12/34/56 cũ")
    assert result.text == "mã mười hai trên ba mươi tư trên năm mươi sáu cũ"
    assert [(u.token, u.kind) for u in result.unreadable] == [("12/34/56", "digits_pattern")]


def test_markup_is_dropped_but_recorded():
    result = explain("**Chú ý**")
    assert result.text == "chú ý"
    assert [(r.original, r.rule) for r in result.replacements] == [("**", "bullet"), ("**", "markup")]


def test_spans_refer_to_the_cleaned_source_for_decomposed_input():
    nfd = "Ho\u0300a Bi\u0300nh 15%"
    result = explain(nfd)
    assert result.source == "Hòa Bình 15%"
    [number, percent] = result.replacements
    assert result.source[number.start:number.end] == "15"
    assert result.source[percent.start:percent.end] == "%"


def test_explanation_is_plain_data_for_the_web_page():
    data = explain("Gọi 113 ¤").as_dict()
    json.dumps(data, ensure_ascii=False)
    assert data["text"] == "gọi một một ba"
    assert data["replacements"][0]["rule"] == "emergency"
    assert data["replacements"][0]["label"] == "số khẩn cấp, đường dây nóng"
    assert data["unreadable"][0]["label"].startswith("ký hiệu")
    assert isinstance(explain("x").replacements, tuple)
    assert Replacement(0, 1, "a", "b", "lexicon").label == "từ viết tắt (từ điển chung)"


def test_an_acronym_defined_in_brackets_is_not_said_twice_and_the_drop_is_shown():
    result = explain("Tuyên truyền cải cách hành chính (CCHC) năm nay.")
    assert result.text == "tuyên truyền cải cách hành chính năm nay."
    assert _rules(result) == [("(CCHC)", "", "definition")]
    assert result.replacements[0].label.endswith("(bỏ)")
    bracketed_alone = explain("Tham gia (BHYT) hộ gia đình.")
    assert _rules(bracketed_alone) == [("BHYT", "bảo hiểm y tế", "lexicon")]
