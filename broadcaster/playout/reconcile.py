"""Which slot jobs the daemon should hold, and which slots were missed: plain data in, plain data out.

`gather` reads the database into `SlotCase`s; `decide` (pure, tested with literal inputs) turns
them into job specs with explicit ids (``slot:<plan_id>:v<version>``) and MISSED verdicts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from broadcaster.db.models import AsRun, AsRunStatus, DayPlan, SlotTemplate, Station
from broadcaster.db.queries import scheduled_slot_rows, slot_ids, station_schedule
from broadcaster.planning.versions import airable_plan
from broadcaster.playout.asrun import EMERGENCY_CUT
from broadcaster.schedule import SlotInstance, expand_day

LEAD_SECONDS = 3.0  # a slot's job wakes this early to open its outputs, then waits for the instant
UNAPPROVED = "chưa được duyệt"
TOO_LATE = ("không phát được trong thời gian cho phép trễ ({grace} giây): tiến trình phát không "
            "chạy lúc đến giờ hoặc kế hoạch được duyệt quá muộn")


@dataclass(frozen=True)
class SlotCase:
    """One slot on one day, with what the database says about it."""

    instance: SlotInstance
    slot_id: int
    plan_id: int | None        # the airable plan version, if any
    plan_version: int | None
    has_plans: bool            # some version exists (approved or not)
    handled: bool              # a scheduled as-run row that counts exists (see counts_as_handled)


@dataclass(frozen=True)
class SlotJob:
    job_id: str
    plan_id: int
    plan_version: int
    air_date: date
    slot_name: str
    run_at: datetime
    starts_at: datetime


@dataclass(frozen=True)
class Missed:
    case: SlotCase
    reason: str


def counts_as_handled(row: AsRun, grace_ends_at: datetime, now: datetime) -> bool:
    """Whether a scheduled as-run row of a slot instance means the slot needs no airing now.

    While the slot's grace window is open two kinds of row do not count: an INTERRUPTED row that
    aired nothing (stopped or killed between T-3 s and T; an emergency's cut is left to the resume
    policy), and a MISSED row (only written once the grace has ended: one seen before that was
    written by a clock running ahead, and the slot can still air).
    """
    if now > grace_ends_at:
        return True
    if row.status is AsRunStatus.MISSED:
        return False
    if row.status is AsRunStatus.INTERRUPTED and not row.played_ms \
            and not (row.error or "").startswith(EMERGENCY_CUT):
        return False
    return True


def slot_handled(session: Session, station_id: int, instance: SlotInstance, now: datetime) -> bool:
    """Whether a slot instance already has a row that counts (see counts_as_handled)."""
    return any(counts_as_handled(row, instance.grace_ends_at, now)
               for row in scheduled_slot_rows(session, station_id, [instance.local_date],
                                              instance.slot.name))


def job_id(plan_id: int, version: int) -> str:
    return f"slot:{plan_id}:v{version}"


def decide(cases: list[SlotCase], now: datetime, busy: frozenset[tuple[date, str]] = frozenset(),
           hold_missed: tuple[datetime, datetime] | None = None,
           lead_seconds: float = LEAD_SECONDS) -> tuple[dict[str, SlotJob], list[Missed]]:
    """The slot jobs to hold now, and the slots whose grace ended with nothing aired.

    A slot whose grace ended inside `hold_missed` (from, to) is not missed yet: it passed just
    before the daemon started or its clock stepped, when the wall clock may be wrong.
    """
    jobs: dict[str, SlotJob] = {}
    missed: list[Missed] = []
    for case in cases:
        instance = case.instance
        if case.handled or (instance.local_date, instance.slot.name) in busy:
            continue
        if now <= instance.grace_ends_at:
            if case.plan_id is not None and case.plan_version is not None:
                ident = job_id(case.plan_id, case.plan_version)
                run_at = max(now, instance.starts_at - timedelta(seconds=lead_seconds))
                jobs[ident] = SlotJob(ident, case.plan_id, case.plan_version, instance.local_date,
                                      instance.slot.name, run_at, instance.starts_at)
        elif hold_missed is not None and hold_missed[0] < instance.grace_ends_at <= hold_missed[1]:
            continue
        elif case.plan_id is not None:
            missed.append(Missed(case, TOO_LATE.format(grace=instance.slot.grace_seconds)))
        elif case.has_plans:
            missed.append(Missed(case, UNAPPROVED))
    return jobs, missed


def hard_starts(cases: list[SlotCase]) -> list[tuple[date, str, datetime]]:
    """The instants of the slots still to air (air date, slot, start): each is a hard start that
    nothing else may run into."""
    return sorted(((c.instance.local_date, c.instance.slot.name, c.instance.starts_at)
                   for c in cases if c.plan_id is not None and not c.handled),
                  key=lambda start: start[2])


def next_hard_start(starts: list[tuple[date, str, datetime]], after: datetime,
                    own: tuple[date, str] | None = None) -> datetime | None:
    """The first hard start after an instant, other than the airing's own slot."""
    return next((at for day, name, at in starts if at > after and (day, name) != own), None)


def local_days(now: datetime, zone: str) -> list[date]:
    """Yesterday, today and tomorrow in the station's zone (a slot may run past midnight)."""
    today = now.astimezone(ZoneInfo(zone)).date()
    return [today - timedelta(days=1), today, today + timedelta(days=1)]


def find_instance(session: Session, station: Station, air_date: date, slot_name: str) -> SlotInstance | None:
    for instance in expand_day(station_schedule(session, station), air_date):
        if instance.slot.name == slot_name:
            return instance
    return None


def gather(session: Session, station: Station, unapproved_policy: str, now: datetime) -> list[SlotCase]:
    """Read the slot instances around now and their plans and as-run rows."""
    schedule = station_schedule(session, station)
    ids = slot_ids(session, station.id)
    days = local_days(now, station.timezone)
    rows: dict[tuple[date, str], list[AsRun]] = {}
    for row in scheduled_slot_rows(session, station.id, days):
        rows.setdefault((row.air_date, row.slot_name), []).append(row)
    planned = set(session.execute(select(DayPlan.air_date, DayPlan.slot_id).where(
        DayPlan.station_id == station.id, DayPlan.air_date.in_(days))).all())
    cases = []
    for day in days:
        for instance in expand_day(schedule, day):
            slot_id = ids[instance.slot.name]
            has_plans = (day, slot_id) in planned
            plan = airable_plan(session, station.id, day, slot_id, unapproved_policy) if has_plans else None
            handled = any(counts_as_handled(row, instance.grace_ends_at, now)
                          for row in rows.get((day, instance.slot.name), ()))
            cases.append(SlotCase(instance, slot_id, plan.id if plan else None,
                                  plan.version if plan else None, has_plans, handled))
    return cases


def fingerprint(session: Session, station_id: int) -> str:
    """A cheap digest of the plans and slots: when it changes, the daemon reconciles at once."""
    plans = session.execute(select(DayPlan.status, func.count(DayPlan.id), func.max(DayPlan.id),
                                   func.max(DayPlan.decided_at), func.max(DayPlan.created_at))
                            .where(DayPlan.station_id == station_id).group_by(DayPlan.status)).all()
    slots = session.execute(select(SlotTemplate.id, SlotTemplate.start_time,
                                   SlotTemplate.length_seconds, SlotTemplate.grace_seconds,
                                   SlotTemplate.weekdays, SlotTemplate.active)
                            .where(SlotTemplate.station_id == station_id)
                            .order_by(SlotTemplate.id)).all()
    zone = session.scalar(select(Station.timezone).where(Station.id == station_id))
    return hashlib.sha1(repr((sorted(map(tuple, plans), key=repr), list(map(tuple, slots)), zone))
                        .encode()).hexdigest()
