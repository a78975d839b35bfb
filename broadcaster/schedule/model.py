"""Slot definitions and their expansion into absolute instants (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class SlotSpec:
    """A daily broadcast slot, in the station's local wall-clock time."""

    name: str
    title: str
    start: time
    length_seconds: int
    weekdays: tuple[str, ...]
    grace_seconds: int


@dataclass(frozen=True)
class Schedule:
    timezone: str
    slots: tuple[SlotSpec, ...]


@dataclass(frozen=True)
class SlotInstance:
    """One slot on one local date, placed on the absolute time line (UTC)."""

    slot: SlotSpec
    local_date: date
    starts_at: datetime
    ends_at: datetime

    @property
    def grace_ends_at(self) -> datetime:
        return self.starts_at + timedelta(seconds=self.slot.grace_seconds)


def local_instant(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """Place a local wall-clock time on the time line, in UTC.

    A wall time repeated by a DST change (fall back) airs at its first occurrence; one skipped
    (spring forward) airs shifted by the gap (02:30 becomes 03:30), as the offset before the change
    still applies to it (PEP 495, fold=0).
    """
    return datetime.combine(day, wall, tzinfo=zone).astimezone(timezone.utc)


def expand_day(schedule: Schedule, day: date) -> list[SlotInstance]:
    """Return the slots that run on a local date, in start order."""
    zone = ZoneInfo(schedule.timezone)
    weekday = WEEKDAYS[day.weekday()]
    instances = []
    for slot in schedule.slots:
        if weekday not in slot.weekdays:
            continue
        start = local_instant(day, slot.start, zone)
        instances.append(SlotInstance(slot, day, start, start + timedelta(seconds=slot.length_seconds)))
    return sorted(instances, key=lambda i: i.starts_at)
