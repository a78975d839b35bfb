from datetime import date, datetime, time, timezone

from broadcaster.schedule import Schedule, SlotSpec, expand_day

ALL = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def slot(name, start, weekdays=ALL, minutes=30):
    return SlotSpec(name, name, start, minutes * 60, weekdays, 600)


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


def test_vietnam_slots_in_utc_and_in_start_order():
    schedule = Schedule("Asia/Ho_Chi_Minh", (slot("chieu", time(17)), slot("sang", time(6))))
    instances = expand_day(schedule, date(2024, 3, 1))
    assert [(i.slot.name, i.starts_at, i.ends_at) for i in instances] == [
        ("sang", utc(2024, 2, 29, 23, 0), utc(2024, 2, 29, 23, 30)),
        ("chieu", utc(2024, 3, 1, 10, 0), utc(2024, 3, 1, 10, 30)),
    ]
    assert instances[0].grace_ends_at == utc(2024, 2, 29, 23, 10)
    assert instances[0].local_date == date(2024, 3, 1)


def test_weekdays_select_the_days():
    schedule = Schedule("Asia/Ho_Chi_Minh", (slot("cuoi-tuan", time(8), ("sat", "sun")),))
    assert expand_day(schedule, date(2024, 3, 1)) == []  # a Friday
    assert len(expand_day(schedule, date(2024, 3, 2))) == 1


def test_wall_time_holds_across_a_dst_change():
    schedule = Schedule("Europe/Berlin", (slot("sang", time(6)),))
    before = expand_day(schedule, date(2024, 3, 30))[0].starts_at
    after = expand_day(schedule, date(2024, 3, 31))[0].starts_at
    assert (before, after) == (utc(2024, 3, 30, 5, 0), utc(2024, 3, 31, 4, 0))


def test_skipped_wall_time_is_shifted_by_the_gap():
    schedule = Schedule("Europe/Berlin", (slot("dem", time(2, 30)),))
    (instance,) = expand_day(schedule, date(2024, 3, 31))
    assert instance.starts_at == utc(2024, 3, 31, 1, 30)  # 03:30 CEST


def test_repeated_wall_time_airs_at_its_first_occurrence():
    schedule = Schedule("Europe/Berlin", (slot("dem", time(2, 30)),))
    (instance,) = expand_day(schedule, date(2024, 10, 27))
    assert instance.starts_at == utc(2024, 10, 27, 0, 30)  # 02:30 CEST, before the clocks go back
