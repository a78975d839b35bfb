"""Build a day's slot plans from candidate bulletins. Pure: plain data in, plain data out.

Rules (docs/planning.md):
- a bulletin is eligible in a slot when the date is inside its validity window and the weekday and
  slot are allowed;
- repeat rule: every-slot airs in every eligible slot; daily once a day; once a single time ever;
  count N until N airings in total;
- order: priority (khẩn cấp, ưu tiên, thường), then items carried from an earlier slot, then the
  editor's order, then the bulletin id;
- capacity: the fixed parts (chime, idents) and every item with its gap must fit in the slot;
  an item that does not fit moves to the next slot where it is eligible, or to the next day,
  with a warning the approver sees. Nothing is dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from broadcaster.db.models import Priority, RepeatKind
from broadcaster.schedule import WEEKDAYS, SlotSpec

PRIORITY_RANK = {Priority.EMERGENCY: 0, Priority.PRIORITY: 1, Priority.NORMAL: 2}


@dataclass(frozen=True)
class Candidate:
    """A bulletin that may be planned, with its rendered duration."""

    bulletin_id: int
    title: str
    priority: Priority
    duration_ms: int
    sort_order: int = 0
    valid_from: date | None = None
    valid_until: date | None = None
    slots: tuple[str, ...] = ()
    weekdays: tuple[str, ...] = ()
    repeat_kind: RepeatKind = RepeatKind.EVERY_SLOT
    repeat_count: int | None = None
    aired_before: int = 0  # times it was planned on earlier dates (for once and count)


@dataclass(frozen=True)
class Overhead:
    """The parts of every programme that are not items: chime and idents, and the gap per item."""

    fixed_ms: int
    gap_ms: int


@dataclass(frozen=True)
class PlannedItem:
    bulletin_id: int
    title: str
    duration_ms: int
    carried_from: date | None = None  # the date it was first meant for, when carried


@dataclass(frozen=True)
class Carried:
    """A bulletin waiting for room since the day it was first meant to air."""

    candidate: Candidate
    since: date


@dataclass(frozen=True)
class SlotPlan:
    slot: SlotSpec
    items: tuple[PlannedItem, ...]
    used_ms: int
    warnings: tuple[str, ...] = ()
    carried_out: tuple[Carried, ...] = ()  # failed here last, found no room later that day

    @property
    def capacity_ms(self) -> int:
        return self.slot.length_seconds * 1000


@dataclass(frozen=True)
class DayPlanDraft:
    day: date
    slots: tuple[SlotPlan, ...]
    carried_out: tuple[Carried, ...] = ()  # did not fit anywhere today: first in line tomorrow


def eligible(candidate: Candidate, day: date, slot: SlotSpec) -> bool:
    """Tell whether a bulletin may air in this slot on this day (validity, weekday, slot)."""
    if candidate.valid_from and day < candidate.valid_from:
        return False
    return fits_rules(candidate, day, slot)


def fits_rules(candidate: Candidate, day: date, slot: SlotSpec) -> bool:
    """Eligibility without the start of the validity window (a carried bulletin already began)."""
    if candidate.valid_until and day > candidate.valid_until:
        return False
    if candidate.weekdays and WEEKDAYS[day.weekday()] not in candidate.weekdays:
        return False
    return not candidate.slots or slot.name in candidate.slots


def _still_wanted(candidate: Candidate, placed_today: int) -> bool:
    total = candidate.aired_before + placed_today
    kind = candidate.repeat_kind
    if kind is RepeatKind.EVERY_SLOT:
        return True
    if kind is RepeatKind.DAILY:
        return placed_today == 0
    if kind is RepeatKind.ONCE:
        return total == 0
    return total < (candidate.repeat_count or 1)


def _minutes(ms: int) -> str:
    return f"{ms / 60000:.1f}".replace(".", ",")


def build_day(day: date, slots: list[SlotSpec], candidates: list[Candidate], overhead: Overhead,
              carried_in: tuple[Carried, ...] = ()) -> DayPlanDraft:
    """Plan every slot of a day, in start order. Same inputs, same plan.

    `carried_in` are yesterday's left-overs, built from today's candidates (so their repeat
    counts are current): they go first among equals and still obey their repeat rule.
    """
    ordered_slots = sorted(slots, key=lambda s: (s.start, s.name))
    placed: dict[int, int] = {}
    waiting: dict[int, tuple[Candidate, date]] = {}  # carried: bulletin id -> (candidate, since)
    last_failed: dict[int, int] = {}  # bulletin id -> index of the slot it last failed in
    for carried in carried_in:
        waiting[carried.candidate.bulletin_id] = (carried.candidate, carried.since)
    results: list[tuple[SlotSpec, list[PlannedItem], int, list[str]]] = []
    for index, slot in enumerate(ordered_slots):
        later = ordered_slots[index + 1:]
        queue: dict[int, tuple[Candidate, date | None]] = {}
        warnings: list[str] = []
        for bulletin_id, (candidate, origin) in list(waiting.items()):
            if candidate.valid_until and day > candidate.valid_until:
                warnings.append(f"'{candidate.title}' hết hiệu lực trước khi có chỗ phát: không phát.")
                del waiting[bulletin_id]
            elif not _still_wanted(candidate, placed.get(bulletin_id, 0)):
                del waiting[bulletin_id]  # its repeat rule is met elsewhere
            elif fits_rules(candidate, day, slot):
                queue[bulletin_id] = (candidate, origin)
        for candidate in candidates:
            if (candidate.bulletin_id not in queue and eligible(candidate, day, slot)
                    and _still_wanted(candidate, placed.get(candidate.bulletin_id, 0))):
                queue[candidate.bulletin_id] = (candidate, None)
        order = sorted(queue.values(), key=lambda entry: (
            PRIORITY_RANK[entry[0].priority], entry[1] is None, entry[0].sort_order,
            entry[0].bulletin_id))
        used = overhead.fixed_ms
        items: list[PlannedItem] = []
        for candidate, origin in order:
            cost = candidate.duration_ms + overhead.gap_ms
            if used + cost <= slot.length_seconds * 1000:
                used += cost
                items.append(PlannedItem(candidate.bulletin_id, candidate.title,
                                         candidate.duration_ms, origin))
                placed[candidate.bulletin_id] = placed.get(candidate.bulletin_id, 0) + 1
                waiting.pop(candidate.bulletin_id, None)
                continue
            message, keep = _no_room(candidate, day, slot, later)
            warnings.append(message)
            if keep:
                waiting[candidate.bulletin_id] = (candidate, origin or day)
                last_failed[candidate.bulletin_id] = index
            else:
                waiting.pop(candidate.bulletin_id, None)
        results.append((slot, items, used, warnings))
    leftovers = {bulletin_id: Carried(candidate, origin)
                 for bulletin_id, (candidate, origin) in waiting.items()}
    plans = tuple(SlotPlan(slot, tuple(items), used, tuple(warnings), tuple(
        carried for bulletin_id, carried in leftovers.items() if last_failed.get(bulletin_id) == i))
        for i, (slot, items, used, warnings) in enumerate(results))
    return DayPlanDraft(day, plans, tuple(leftovers.values()))


def _no_room(candidate: Candidate, day: date, slot: SlotSpec,
             later: list[SlotSpec]) -> tuple[str, bool]:
    """The approver's warning for an item that does not fit, and whether it waits for room."""
    target = next((s for s in later if fits_rules(candidate, day, s)), None)
    expires = candidate.valid_until is not None and candidate.valid_until <= day
    if target is not None:
        where = f"chuyển sang {target.title.lower()}"
    elif expires:
        where = "bản tin hết hiệu lực sau hôm nay nên không được phát"
    else:
        where = "chuyển sang ngày hôm sau"
    return (f"'{candidate.title}' ({_minutes(candidate.duration_ms)} phút) không đủ thời lượng "
            f"trong {slot.title.lower()}: {where}.", target is not None or not expires)
