"""Plan a date for a station: gather candidates from the database, build, store new versions."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcaster.db.models import (AsRunStatus, Bulletin, BulletinKind, Clip, DayPlan, PlanItem,
                                   RepeatKind, Station, User)
from broadcaster.db.queries import plannable, scheduled_slot_rows, slot_ids, station_schedule
from broadcaster.errors import BroadcasterError
from broadcaster.planning.approval import ItemSpec
from broadcaster.planning.build import Candidate, Carried, DayPlanDraft, build_day
from broadcaster.planning.ports import Renderer
from broadcaster.planning.programme import prepare_slot, write_slot
from broadcaster.planning.versions import newest_versions
from broadcaster.schedule import expand_day

log = logging.getLogger(__name__)
RENDER_FAILED = "Không tạo được âm thanh cho"  # how a plan warning of a failed render begins
PREPARE_FAILED = "planning.prepare_failed"     # the audit action of a failed automatic preparation


@dataclass(frozen=True)
class SlotOutcome:
    plan: DayPlan
    created: bool
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class DraftedDay:
    """A day's plans built but not stored, with the clip of each planned bulletin."""

    draft: DayPlanDraft
    bulletins: dict[int, Bulletin]
    clips: dict[int, Clip]
    problems: list[str]


def source_of(bulletin: Bulletin) -> str:
    """How a bulletin is voiced, as the as-run log records it."""
    return "recording" if bulletin.kind is BulletinKind.RECORDING else "speech"


def aired_before(session: Session, station: Station, day: date, bulletin_ids: list[int]) -> dict[int, int]:
    """How often each bulletin is planned on other dates (for `once` and counted repeats).

    Counts the newest draft-or-approved version of every other date, earlier or later (so dates
    planned out of order never air a `once` bulletin twice), except slots the as-run log shows
    were missed or failed and never aired.
    """
    if not bulletin_ids:
        return {}
    newest = newest_versions(session, station.id, DayPlan.air_date != day, live=True)
    if not newest:
        return {}
    outcomes: dict[tuple, set] = {}
    for row in scheduled_slot_rows(session, station.id):
        outcomes.setdefault((row.air_date, row.slot_name), set()).add(row.status)
    lost = {key for key, seen in outcomes.items()
            if seen <= {AsRunStatus.MISSED, AsRunStatus.FAILED}}
    counted = [plan.id for (air_date, _), plan in newest.items()
               if (air_date, plan.slot.name) not in lost]
    counts: dict[int, int] = {}
    rows = session.scalars(select(PlanItem.bulletin_id).where(
        PlanItem.plan_id.in_(counted), PlanItem.bulletin_id.in_(bulletin_ids)))
    for bulletin_id in rows:
        counts[bulletin_id] = counts.get(bulletin_id, 0) + 1
    return counts


def _candidates(session: Session, station: Station, day: date, bulletins: list[Bulletin],
                renderer: Renderer) -> tuple[list[Candidate], dict[int, Clip], list[str]]:
    counted = [b.id for b in bulletins if b.repeat_kind in (RepeatKind.ONCE, RepeatKind.COUNT)]
    history = aired_before(session, station, day, counted)
    candidates, clips, problems = [], {}, []
    for bulletin in bulletins:
        try:
            clip = renderer.bulletin_clip(bulletin)
        except BroadcasterError as exc:
            problems.append(f"{RENDER_FAILED} '{bulletin.title}': {exc}")
            continue
        clips[bulletin.id] = clip
        candidates.append(Candidate(
            bulletin_id=bulletin.id, title=bulletin.title, priority=bulletin.priority,
            duration_ms=clip.duration_ms, sort_order=bulletin.sort_order,
            valid_from=bulletin.valid_from, valid_until=bulletin.valid_until,
            slots=tuple(bulletin.slots), weekdays=tuple(bulletin.weekdays),
            repeat_kind=bulletin.repeat_kind, repeat_count=bulletin.repeat_count,
            aired_before=history.get(bulletin.id, 0)))
    return candidates, clips, problems


def _carried_in(session: Session, station: Station, day: date,
                candidates: list[Candidate]) -> tuple[tuple[Carried, ...], list[str]]:
    """Yesterday's left-overs, read from its stored newest versions, as today's candidates."""
    by_id = {c.bulletin_id: c for c in candidates}
    carried, problems = [], []
    yesterday = newest_versions(session, station.id, DayPlan.air_date == day - timedelta(days=1),
                                live=True)
    for plan in sorted(yesterday.values(), key=lambda p: p.slot.start_time):
        for bulletin_id, since, title in plan.carried_out:
            if bulletin_id in by_id:
                carried.append(Carried(by_id[bulletin_id], date.fromisoformat(since)))
            else:
                problems.append(f"'{title}' chờ từ {date.fromisoformat(since):%d/%m} nhưng hôm "
                                "nay không còn phát được (hết hiệu lực, đã gỡ hoặc lỗi âm thanh).")
    return tuple(carried), problems


def draft_day(session: Session, station: Station, day: date, renderer: Renderer) -> DraftedDay:
    """Build (without storing) the plans of a date, rendering missing clips (no writes)."""
    schedule = station_schedule(session, station)
    bulletins = list(session.scalars(select(Bulletin).where(plannable(station.id, day))
                                     .order_by(Bulletin.id)))
    candidates, clips, problems = _candidates(session, station, day, bulletins, renderer)
    carried, carry_problems = _carried_in(session, station, day, candidates)
    draft = build_day(day, [i.slot for i in expand_day(schedule, day)], candidates,
                      renderer.overhead(), carried)
    return DraftedDay(draft, {b.id: b for b in bulletins}, clips, problems + carry_problems)


def plan_day(session: Session, station: Station, day: date, renderer: Renderer,
             actor: User | str) -> list[SlotOutcome]:
    """Build the date's plans and store a new draft version for each slot whose content changed.

    Every clip and programme is rendered before the first write, so the database's write lock
    (SQLite has one for the whole file) is held only for the short final step.
    """
    drafted = draft_day(session, station, day, renderer)
    clips, bulletins, problems = drafted.clips, drafted.bulletins, drafted.problems
    ids = slot_ids(session, station.id)
    prepared = []
    for slot_plan in drafted.draft.slots:
        entries = [(ItemSpec(i.bulletin_id, None, clips[i.bulletin_id].cache_key, i.title,
                             i.duration_ms, i.carried_from, bulletins[i.bulletin_id].topic.code,
                             source_of(bulletins[i.bulletin_id])), clips[i.bulletin_id])
                   for i in slot_plan.items]
        carried_out = [[c.candidate.bulletin_id, c.since.isoformat(), c.candidate.title]
                       for c in slot_plan.carried_out]
        prepared.append(prepare_slot(session, station, day, ids[slot_plan.slot.name],
                                     slot_plan.slot.name, entries,
                                     list(problems) + list(slot_plan.warnings), carried_out,
                                     renderer))
    outcomes = []
    for slot_prepared in prepared:
        plan, created = write_slot(session, station, day, slot_prepared, renderer, actor,
                                   "lập lại kế hoạch")
        outcomes.append(SlotOutcome(plan, created, tuple(slot_prepared.warnings)))
    session.flush()
    return outcomes
