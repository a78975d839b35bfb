from datetime import date, time

from broadcaster.db.models import Priority, RepeatKind
from broadcaster.planning.build import Candidate, Carried, Overhead, PlannedItem, build_day
from broadcaster.schedule import SlotSpec

ALL = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SANG = SlotSpec("sang", "Buổi sáng", time(6), 600, ALL, 600)     # 10 minutes
CHIEU = SlotSpec("chieu", "Buổi chiều", time(17), 600, ALL, 600)
FRIDAY = date(2024, 3, 1)
OVERHEAD = Overhead(fixed_ms=60_000, gap_ms=2_000)  # 1 min of chime and idents, 2 s per gap


def bulletin(bid, minutes=1.0, **kw):
    return Candidate(bulletin_id=bid, title=f"Tin {bid}", priority=kw.pop("priority", Priority.NORMAL),
                     duration_ms=int(minutes * 60_000), **kw)


def ids(slot_plan):
    return [item.bulletin_id for item in slot_plan.items]


def test_priority_then_editor_order_then_id():
    candidates = [bulletin(1, sort_order=2), bulletin(2, sort_order=1),
                  bulletin(3, priority=Priority.EMERGENCY, sort_order=9),
                  bulletin(4, priority=Priority.PRIORITY), bulletin(5, sort_order=1)]
    plan = build_day(FRIDAY, [SANG], candidates, OVERHEAD)
    assert ids(plan.slots[0]) == [3, 4, 2, 5, 1]
    assert plan.slots[0].used_ms == 60_000 + 5 * 62_000


def test_slots_are_planned_in_start_order_whatever_the_input_order():
    plan = build_day(FRIDAY, [CHIEU, SANG], [bulletin(1)], OVERHEAD)
    assert [p.slot.name for p in plan.slots] == ["sang", "chieu"]


def test_validity_edges_are_inclusive():
    candidates = [bulletin(1, valid_from=FRIDAY), bulletin(2, valid_until=FRIDAY),
                  bulletin(3, valid_from=date(2024, 3, 2)), bulletin(4, valid_until=date(2024, 2, 29))]
    assert ids(build_day(FRIDAY, [SANG], candidates, OVERHEAD).slots[0]) == [1, 2]


def test_weekdays_and_allowed_slots():
    candidates = [bulletin(1, weekdays=("sat", "sun")), bulletin(2, weekdays=("fri",)),
                  bulletin(3, slots=("chieu",))]
    plan = build_day(FRIDAY, [SANG, CHIEU], candidates, OVERHEAD)
    assert [ids(p) for p in plan.slots] == [[2], [2, 3]]


def test_repeat_rules():
    candidates = [bulletin(1, repeat_kind=RepeatKind.EVERY_SLOT),
                  bulletin(2, repeat_kind=RepeatKind.DAILY),
                  bulletin(3, repeat_kind=RepeatKind.ONCE),
                  bulletin(4, repeat_kind=RepeatKind.ONCE, aired_before=1),
                  bulletin(5, repeat_kind=RepeatKind.COUNT, repeat_count=3, aired_before=2),
                  bulletin(6, repeat_kind=RepeatKind.COUNT, repeat_count=3)]
    plan = build_day(FRIDAY, [SANG, CHIEU], candidates, OVERHEAD)
    assert [ids(p) for p in plan.slots] == [[1, 2, 3, 5, 6], [1, 6]]


def test_what_does_not_fit_moves_to_the_next_slot_with_a_warning():
    candidates = [bulletin(1, minutes=5), bulletin(2, minutes=4, repeat_kind=RepeatKind.DAILY),
                  bulletin(3, minutes=2)]
    plan = build_day(FRIDAY, [SANG, CHIEU], candidates, OVERHEAD)
    sang, chieu = plan.slots
    assert ids(sang) == [1, 3]            # 1 + 5 + 2 minutes and gaps fit, 4 more do not
    assert sang.warnings == ("'Tin 2' (4,0 phút) không đủ thời lượng trong buổi sáng: "
                             "chuyển sang buổi chiều.",)
    assert ids(chieu) == [2, 3]           # the carried item goes first among equals; 1 is left
    assert chieu.items[0] == PlannedItem(2, "Tin 2", 240_000, carried_from=FRIDAY)
    assert chieu.used_ms <= chieu.capacity_ms
    assert chieu.warnings == ("'Tin 1' (5,0 phút) không đủ thời lượng trong buổi chiều: "
                              "chuyển sang ngày hôm sau.",)
    assert [(c.candidate.bulletin_id, c.since) for c in plan.carried_out] == [(1, FRIDAY)]


def test_what_fits_nowhere_today_is_carried_to_tomorrow_and_first_in_line():
    too_long = bulletin(9, minutes=7.5, repeat_kind=RepeatKind.ONCE)
    filler = bulletin(1, minutes=1)
    friday = build_day(FRIDAY, [SANG], [filler, bulletin(2, minutes=1), too_long], OVERHEAD)
    assert [c.candidate.bulletin_id for c in friday.carried_out] == [9]
    assert "chuyển sang ngày hôm sau" in friday.slots[0].warnings[0]
    saturday = build_day(date(2024, 3, 2), [SANG], [filler], OVERHEAD, friday.carried_out)
    assert saturday.slots[0].items[0] == PlannedItem(9, "Tin 9", 450_000, carried_from=FRIDAY)
    assert saturday.carried_out == ()


def test_a_carried_item_past_its_validity_is_reported_not_aired():
    expired = Carried(bulletin(7, valid_until=FRIDAY), since=FRIDAY)
    plan = build_day(date(2024, 3, 2), [SANG], [], OVERHEAD, (expired,))
    assert ids(plan.slots[0]) == []
    assert plan.slots[0].warnings == ("'Tin 7' hết hiệu lực trước khi có chỗ phát: không phát.",)


def test_building_twice_gives_the_same_plan():
    candidates = [bulletin(i, minutes=1 + i % 3, priority=list(Priority)[i % 3], sort_order=-i)
                  for i in range(1, 12)]
    assert build_day(FRIDAY, [SANG, CHIEU], candidates, OVERHEAD) == \
        build_day(FRIDAY, [CHIEU, SANG], list(reversed(candidates)), OVERHEAD)


def test_an_empty_day_has_empty_slots():
    plan = build_day(FRIDAY, [SANG], [], OVERHEAD)
    assert plan.slots[0].items == () and plan.slots[0].used_ms == 60_000


def test_an_item_that_cannot_fit_on_its_last_valid_day_is_not_promised_tomorrow():
    last_day = bulletin(8, minutes=9, valid_until=FRIDAY)
    plan = build_day(FRIDAY, [SANG], [bulletin(1, minutes=1), last_day], OVERHEAD)
    assert plan.carried_out == ()
    assert plan.slots[0].warnings == ("'Tin 8' (9,0 phút) không đủ thời lượng trong buổi sáng: "
                                      "bản tin hết hiệu lực sau hôm nay nên không được phát.",)


def test_carried_items_still_obey_their_repeat_rule():
    once_already_placed = bulletin(9, repeat_kind=RepeatKind.ONCE, aired_before=1)
    plan = build_day(date(2024, 3, 2), [SANG], [once_already_placed], OVERHEAD,
                     (Carried(once_already_placed, FRIDAY),))
    assert ids(plan.slots[0]) == [] and plan.carried_out == ()


def test_each_slot_knows_what_it_carried_out():
    big = bulletin(5, minutes=8.6, slots=("chieu",), repeat_kind=RepeatKind.DAILY)
    plan = build_day(FRIDAY, [SANG, CHIEU], [bulletin(1, minutes=2, slots=("chieu",)), big], OVERHEAD)
    sang, chieu = plan.slots
    assert sang.carried_out == ()
    assert [(c.candidate.bulletin_id, c.since) for c in chieu.carried_out] == [(5, FRIDAY)]
