from datetime import time

import pytest

from broadcaster.errors import ConfigError
from broadcaster.resources import data_dir
from broadcaster.schedule import load_schedule, parse_schedule

GOOD = """timezone = "Asia/Ho_Chi_Minh"
grace_minutes = 5

[[slot]]
name = "sang"
title = "Buổi sáng"
start = "06:00:30"
length_minutes = 30
weekdays = ["sun", "mon"]
"""


def test_default_schedule_has_two_daily_slots():
    schedule = load_schedule(data_dir("schedules") / "default.toml")
    assert schedule.timezone == "Asia/Ho_Chi_Minh"
    assert [(s.name, s.title, s.start, s.length_seconds, s.grace_seconds) for s in schedule.slots] == [
        ("sang", "Buổi sáng", time(6, 0), 1800, 600),
        ("chieu", "Buổi chiều", time(17, 0), 1800, 600),
    ]
    assert all(len(s.weekdays) == 7 for s in schedule.slots)


def test_seconds_grace_and_weekday_order():
    (slot,) = parse_schedule(GOOD).slots
    assert slot.start == time(6, 0, 30)
    assert slot.grace_seconds == 300
    assert slot.weekdays == ("mon", "sun")


def test_per_slot_grace_overrides_the_default():
    (slot,) = parse_schedule(GOOD.replace('length_minutes = 30', 'length_minutes = 30\ngrace_minutes = 2')).slots
    assert slot.grace_seconds == 120


@pytest.mark.parametrize("change, line, words", [
    (('start = "06:00:30"', 'start = "25:00"'), 7, "giờ bắt đầu"),
    (('start = "06:00:30"', 'start = "6h"'), 7, "giờ bắt đầu"),
    (('length_minutes = 30', 'length_minutes = 0'), 8, "length_minutes"),
    (('length_minutes = 30', 'length_minutes = "30"'), 8, "length_minutes"),
    (('weekdays = ["sun", "mon"]', 'weekdays = ["cn"]'), 9, "weekdays"),
    (('timezone = "Asia/Ho_Chi_Minh"', 'timezone = "Asia/Ha_Noi"'), 1, "múi giờ"),
    (('grace_minutes = 5', 'grace_minutes = -1'), 2, "grace_minutes"),
    (('name = "sang"', 'name = "Buổi sáng"'), 5, "mã buổi"),
    (('title = "Buổi sáng"', 'tittle = "Buổi sáng"'), 6, "tittle"),
    (('title = "Buổi sáng"\n', ''), 4, "thiếu khóa 'title'"),
    (('length_minutes = 30', 'length_minutes = 30\ngrace_minutes = 40'), 9, "grace_minutes"),
    (('[[slot]]', '[[slot]\n'), 4, "TOML"),
])
def test_bad_schedule_is_rejected_with_the_line_at_fault(change, line, words):
    with pytest.raises(ConfigError) as caught:
        parse_schedule(GOOD.replace(*change), "lich.toml")
    message = str(caught.value)
    assert message.startswith(f"lich.toml, dòng {line}:"), message
    assert words in message


def test_duplicate_and_overlapping_slots_are_rejected():
    second = GOOD.split("\n\n", 1)[1].replace('start = "06:00:30"', 'start = "06:20"')
    with pytest.raises(ConfigError, match="dòng 12: mã buổi 'sang' bị trùng"):
        parse_schedule(GOOD + "\n" + second)
    with pytest.raises(ConfigError, match="dòng 14: buổi 'toi' chồng lên buổi 'sang'"):
        parse_schedule(GOOD + "\n" + second.replace('name = "sang"', 'name = "toi"'))
    no_common_day = second.replace('name = "sang"', 'name = "toi"').replace('["sun", "mon"]', '["sat"]')
    assert len(parse_schedule(GOOD + "\n" + no_common_day).slots) == 2


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="không tìm thấy"):
        load_schedule(tmp_path / "none.toml")
