import unicodedata
from datetime import date

import pytest

from broadcaster.bulletins.script import parse_script
from broadcaster.db.models import Priority, RepeatKind
from broadcaster.errors import ScriptFormatError

GOOD = """---
title: Hướng dẫn nộp hồ sơ trực tuyến
topic: cchc
priority: ưu tiên
valid_from: 2024-03-01
valid_until: 2024-03-31
slots: sang, chieu
weekdays: sat, mon
repeat: daily
---
Kính thưa toàn thể nhân dân!

Từ ngày 01/3/2024, UBND xã tiếp nhận hồ sơ trực tuyến.
"""


def test_full_header_and_body():
    script = parse_script(GOOD)
    assert script.title == "Hướng dẫn nộp hồ sơ trực tuyến"
    assert script.topic == "cchc"
    assert script.priority is Priority.PRIORITY
    assert (script.valid_from, script.valid_until) == (date(2024, 3, 1), date(2024, 3, 31))
    assert script.slots == ("sang", "chieu")
    assert script.weekdays == ("mon", "sat")
    assert (script.repeat_kind, script.repeat_count) == (RepeatKind.DAILY, None)
    assert script.body.startswith("Kính thưa") and script.body.endswith("trực tuyến.")


def test_optional_keys_default_and_count_repeat():
    text = "---\ntitle: T\ntopic: y-te\npriority: khẩn cấp\nrepeat: 3\n---\nNội dung.\n"
    script = parse_script(text)
    assert script.priority is Priority.EMERGENCY
    assert (script.valid_from, script.slots, script.weekdays) == (None, (), ())
    assert (script.repeat_kind, script.repeat_count) == (RepeatKind.COUNT, 3)
    assert parse_script(text.replace("repeat: 3\n", "")).repeat_kind is RepeatKind.EVERY_SLOT


def test_decomposed_unicode_bom_and_crlf_are_accepted():
    text = "\ufeff" + unicodedata.normalize("NFD", GOOD).replace("\n", "\r\n")
    script = parse_script(text)
    assert script.priority is Priority.PRIORITY
    assert script.title == "Hướng dẫn nộp hồ sơ trực tuyến"


@pytest.mark.parametrize("change, words", [
    (("---\ntitle", "title"), "dòng 1: tệp phải bắt đầu"),
    (("repeat: daily\n---\n", "repeat: daily\n"), "thiếu dòng '---'"),
    (("title: Hướng dẫn nộp hồ sơ trực tuyến\n", ""), "thiếu khóa bắt buộc 'title'"),
    (("topic: cchc", "topic:"), "thiếu khóa bắt buộc 'topic'"),
    (("priority: ưu tiên", "priority: gấp"), "dòng 4: mức ưu tiên 'gấp'"),
    (("valid_from: 2024-03-01", "valid_from: 01/03/2024"), "dòng 5: ngày '01/03/2024'"),
    (("valid_until: 2024-03-31", "valid_until: 2024-02-01"), "valid_until trước valid_from"),
    (("slots: sang, chieu", "slots: Sáng"), "mã buổi 'sáng'"),
    (("weekdays: sat, mon", "weekdays: t7"), "ngày 't7'"),
    (("weekdays: sat, mon", "weekdays: sat, sat"), "trùng lặp"),
    (("repeat: daily", "repeat: hourly"), "repeat 'hourly'"),
    (("repeat: daily", "repeat: 0"), "repeat '0'"),
    (("repeat: daily", "repeat: count"), "số lần phát"),
    (("repeat: daily", "author: Lan"), "khóa 'author' không được hỗ trợ"),
    (("repeat: daily", "repeat daily"), "dòng 9: cần dạng"),
    (("repeat: daily", "repeat: daily\nrepeat: once"), "bị lặp lại"),
])
def test_malformed_scripts_say_why(change, words):
    with pytest.raises(ScriptFormatError, match=words):
        parse_script(GOOD.replace(*change))


def test_empty_body_is_rejected():
    with pytest.raises(ScriptFormatError, match="nội dung bản tin trống"):
        parse_script(GOOD.split("---\n")[0] + "---\n" + GOOD.split("---\n")[1] + "---\n\n  \n")
