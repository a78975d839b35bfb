"""Plan a date for a station: gather candidates from the database, build, store new versions."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from broadcaster.db.models import (Bulletin, BulletinStatus, Clip, DayPlan, PlanItem, PlanStatus,
                                   RepeatKind, SlotTemplate, Station, User)
from broadcaster.errors import BroadcasterError
from broadcaster.planning.approval import ItemSpec, save_version
from broadcaster.planning.build import Candidate, DayPlanDraft, Overhead, build_day
from broadcaster.schedule import expand_day
from broadcaster.station.setup import station_schedule

log = logging.getLogger(__name__)


class Renderer(Protocol):
    """What planning needs from the audio stage."""

    def bulletin_clip(self, bulletin: Bulletin, *, render: bool = True) -> Clip | None:
        """The bulletin's clip; rendered when missing unless render is False (then None)."""

    def overhead(self) -> Overhead:
        """Chime and idents of every programme, and the gap per item."""

    def programme(self, plan: DayPlan) -> None:
        """Render the plan's programme file; set its path, duration and item offsets."""

    def identity(self) -> dict:
        """What besides the items makes a programme (ident texts, gap, engine): part of its hash."""


@dataclass(frozen=True)
class SlotOutcome:
    plan: DayPlan
    created: bool
    warnings: tuple[str, ...]


def _eligible_bulletins(session: Session, station: Station, day: date) -> list[Bulletin]:
    return list(session.scalars(select(Bulletin).where(
        Bulletin.station_id == station.id, Bulletin.deleted_at.is_(None),
        Bulletin.status == BulletinStatus.ACTIVE,
        or_(Bulletin.valid_from.is_(None), Bulletin.valid_from <= day),
        or_(Bulletin.valid_until.is_(None), Bulletin.valid_until >= day - timedelta(days=1)))
        .order_by(Bulletin.id)))


def aired_before(session: Session, station: Station, day: date, bulletin_ids: list[int]) -> dict[int, int]:
    """How often each bulletin is in the plans of earlier dates (newest non-rejected version)."""
    if not bulletin_ids:
        return {}
    plans = session.scalars(select(DayPlan).where(
        DayPlan.station_id == station.id, DayPlan.air_date < day,
        DayPlan.status.in_([PlanStatus.DRAFT, PlanStatus.APPROVED]))
        .order_by(DayPlan.version.desc()))
    newest: dict[tuple, int] = {}
    for plan in plans:
        newest.setdefault((plan.air_date, plan.slot_id), plan.id)
    counts: dict[int, int] = {}
    if newest:
        rows = session.scalars(select(PlanItem.bulletin_id).where(
            PlanItem.plan_id.in_(list(newest.values())), PlanItem.bulletin_id.in_(bulletin_ids)))
        for bulletin_id in rows:
            counts[bulletin_id] = counts.get(bulletin_id, 0) + 1
    return counts


def _candidates(session: Session, station: Station, day: date, bulletins: list[Bulletin],
                renderer: Renderer, render: bool) -> tuple[list[Candidate], dict[int, Clip], list[str]]:
    counted = [b.id for b in bulletins if b.repeat_kind in (RepeatKind.ONCE, RepeatKind.COUNT)]
    history = aired_before(session, station, day, counted)
    candidates, clips, problems = [], {}, []
    for bulletin in bulletins:
        try:
            clip = renderer.bulletin_clip(bulletin, render=render)
        except BroadcasterError as exc:
            problems.append(f"Không tạo được âm thanh cho '{bulletin.title}': {exc}")
            continue
        if clip is None:
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


def draft_day(session: Session, station: Station, day: date,
              renderer: Renderer) -> tuple[DayPlanDraft, dict[int, Clip], list[str]]:
    """Build (without storing) the plans of a date, rendering missing clips.

    Items carried from the previous day come from re-running that day's build with the clips that
    already exist, so a carried item waits at most one day and planning stays repeatable.
    """
    schedule = station_schedule(session, station)
    overhead = renderer.overhead()
    bulletins = _eligible_bulletins(session, station, day)
    previous = day - timedelta(days=1)
    before = [b for b in bulletins if b.valid_until is None or b.valid_until >= previous]
    prev_candidates, _, _ = _candidates(session, station, previous, before, renderer, render=False)
    yesterday = build_day(previous, [i.slot for i in expand_day(schedule, previous)],
                          prev_candidates, overhead)
    today = [b for b in bulletins if b.valid_until is None or b.valid_until >= day]
    candidates, clips, problems = _candidates(session, station, day, today, renderer, render=True)
    carried = tuple(c for c in yesterday.carried_out if c.candidate.bulletin_id in clips)
    draft = build_day(day, [i.slot for i in expand_day(schedule, day)], candidates, overhead,
                      carried)
    return draft, clips, problems


def plan_day(session: Session, station: Station, day: date, renderer: Renderer,
             actor: User | str) -> list[SlotOutcome]:
    """Build the date's plans and store a new draft version for each slot whose content changed."""
    draft, clips, problems = draft_day(session, station, day, renderer)
    slot_ids = dict(session.execute(select(SlotTemplate.name, SlotTemplate.id)
                                    .where(SlotTemplate.station_id == station.id)).all())
    outcomes = []
    for slot_plan in draft.slots:
        items = [ItemSpec(i.bulletin_id, clips[i.bulletin_id].id, clips[i.bulletin_id].cache_key,
                          i.title, i.duration_ms, i.carried_from) for i in slot_plan.items]
        warnings = list(problems) + list(slot_plan.warnings)
        plan, created = save_version(session, station.id, day, slot_ids[slot_plan.slot.name],
                                     slot_plan.slot.name, items, warnings, renderer.identity(),
                                     actor, "lập lại kế hoạch")
        if plan.programme_path is None:
            renderer.programme(plan)
        outcomes.append(SlotOutcome(plan, created, tuple(warnings)))
    session.flush()
    return outcomes
