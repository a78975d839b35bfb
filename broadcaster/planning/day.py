"""Plan a date for a station: gather candidates from the database, build, store new versions."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Protocol

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from broadcaster.db.models import (AsRun, AsRunStatus, Bulletin, BulletinStatus, Clip, DayPlan,
                                   PlanItem, PlanStatus, RepeatKind, SlotTemplate, Station, Trigger,
                                   User)
from broadcaster.errors import BroadcasterError
from broadcaster.render import Rendered, apply_rendered
from broadcaster.planning.approval import ItemSpec, content_hash, save_version, versions
from broadcaster.planning.build import Candidate, Carried, DayPlanDraft, Overhead, build_day
from broadcaster.schedule import expand_day
from broadcaster.station.setup import station_schedule

log = logging.getLogger(__name__)


class Renderer(Protocol):
    """What planning needs from the audio stage (broadcaster.render.StationRenderer)."""

    idents: tuple[Clip, Clip]

    def bulletin_clip(self, bulletin: Bulletin, *, render: bool = True) -> Clip | None:
        """The bulletin's clip, rendered when missing unless render is False; not stored yet."""

    def save_clip(self, clip: Clip) -> Clip:
        """Store a clip row made by the renderer; return it with its id."""

    def overhead(self) -> Overhead:
        """Chime and idents of every programme, and the gap per item."""

    def identity(self) -> dict:
        """What besides the items makes a programme (ident clips, gap): part of its hash."""

    def render_parts(self, air_date, slot_name, digest, items, ident, closing, gap=None):
        """Render a programme file (no database writes); return where and each item's offset."""


@dataclass(frozen=True)
class SlotOutcome:
    plan: DayPlan
    created: bool
    warnings: tuple[str, ...]


@dataclass
class PreparedSlot:
    """A slot's new content, rendered and hashed, waiting to be written."""

    slot_id: int
    slot_name: str
    items: list[ItemSpec]
    clips: list[Clip]
    warnings: list[str]
    extra: dict
    digest: str
    newest: DayPlan | None
    rendered: Rendered | None  # None when the newest version already has this content


def _eligible_bulletins(session: Session, station: Station, day: date) -> list[Bulletin]:
    return list(session.scalars(select(Bulletin).where(
        Bulletin.station_id == station.id, Bulletin.deleted_at.is_(None),
        Bulletin.status == BulletinStatus.ACTIVE,
        or_(Bulletin.valid_from.is_(None), Bulletin.valid_from <= day),
        or_(Bulletin.valid_until.is_(None), Bulletin.valid_until >= day))
        .order_by(Bulletin.id)))


def _newest_versions(session: Session, station: Station, where) -> dict[tuple, DayPlan]:
    """The newest draft-or-approved version of each (date, slot) matching `where`."""
    plans = session.scalars(select(DayPlan).where(
        DayPlan.station_id == station.id, where,
        DayPlan.status.in_([PlanStatus.DRAFT, PlanStatus.APPROVED]))
        .order_by(DayPlan.version.desc()))
    newest: dict[tuple, DayPlan] = {}
    for plan in plans:
        newest.setdefault((plan.air_date, plan.slot_id), plan)
    return newest


def aired_before(session: Session, station: Station, day: date, bulletin_ids: list[int]) -> dict[int, int]:
    """How often each bulletin is planned on other dates (for `once` and counted repeats).

    Counts the newest draft-or-approved version of every other date, earlier or later (so dates
    planned out of order never air a `once` bulletin twice), except slots the as-run log shows
    were missed or failed and never aired.
    """
    if not bulletin_ids:
        return {}
    newest = _newest_versions(session, station, DayPlan.air_date != day)
    if not newest:
        return {}
    outcomes: dict[tuple, set] = {}
    for air_date, slot_name, status in session.execute(select(
            AsRun.air_date, AsRun.slot_name, AsRun.status).where(
            AsRun.station_id == station.id, AsRun.kind == "slot",
            AsRun.trigger == Trigger.SCHEDULE)):
        outcomes.setdefault((air_date, slot_name), set()).add(status)
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
            problems.append(f"Không tạo được âm thanh cho '{bulletin.title}': {exc}")
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
    yesterday = _newest_versions(session, station, DayPlan.air_date == day - timedelta(days=1))
    for plan in sorted(yesterday.values(), key=lambda p: p.slot.start_time):
        for bulletin_id, since, title in plan.carried_out:
            if bulletin_id in by_id:
                carried.append(Carried(by_id[bulletin_id], date.fromisoformat(since)))
            else:
                problems.append(f"'{title}' chờ từ {date.fromisoformat(since):%d/%m} nhưng hôm "
                                "nay không còn phát được (hết hiệu lực, đã gỡ hoặc lỗi âm thanh).")
    return tuple(carried), problems


def draft_day(session: Session, station: Station, day: date,
              renderer: Renderer) -> tuple[DayPlanDraft, dict[int, Clip], list[str]]:
    """Build (without storing) the plans of a date, rendering missing clips (no writes)."""
    schedule = station_schedule(session, station)
    candidates, clips, problems = _candidates(session, station, day,
                                              _eligible_bulletins(session, station, day), renderer)
    carried, carry_problems = _carried_in(session, station, day, candidates)
    draft = build_day(day, [i.slot for i in expand_day(schedule, day)], candidates,
                      renderer.overhead(), carried)
    return draft, clips, problems + carry_problems


def prepare_slot(session: Session, station: Station, day: date, slot_id: int, slot_name: str,
                 entries: list[tuple[ItemSpec, Clip]], warnings: list[str],
                 carried_out: list, renderer: Renderer) -> PreparedSlot:
    """Hash a slot's content and render its programme if it is new; no database writes."""
    ident, closing = renderer.idents
    extra = dict(renderer.identity(), carried_out=carried_out)
    items = [spec for spec, _ in entries]
    clips = [clip for _, clip in entries]
    digest = content_hash(day, slot_name, items, extra)
    found = versions(session, station.id, day, slot_id)
    newest = found[0] if found else None
    rendered = None
    if newest is None or newest.content_hash != digest:
        rendered = renderer.render_parts(day, slot_name, digest,
                                         [(i.title, c) for i, c in entries], ident, closing)
    return PreparedSlot(slot_id, slot_name, items, clips, warnings, extra, digest, newest, rendered)


def write_slot(session: Session, station: Station, day: date, prepared: PreparedSlot,
               renderer: Renderer, actor: User | str, reason: str) -> tuple[DayPlan, bool]:
    """Store a prepared slot: a new version with its programme, or the kept one's warnings."""
    if prepared.rendered is None:
        if prepared.newest.warnings != prepared.warnings:
            prepared.newest.warnings = list(prepared.warnings)
        return prepared.newest, False
    ident, closing = (renderer.save_clip(clip) for clip in renderer.idents)
    saved = [renderer.save_clip(clip) for clip in prepared.clips]
    items = [replace(spec, clip_id=clip.id) for spec, clip in zip(prepared.items, saved)]
    plan, created = save_version(session, station.id, day, prepared.slot_id, prepared.slot_name,
                                 items, prepared.warnings, prepared.extra, actor, reason)
    plan.ident_clip_id, plan.closing_clip_id = ident.id, closing.id
    plan.gap_ms = prepared.extra["gap_ms"]
    plan.carried_out = prepared.extra["carried_out"]
    apply_rendered(plan, prepared.rendered)
    return plan, created


def plan_day(session: Session, station: Station, day: date, renderer: Renderer,
             actor: User | str) -> list[SlotOutcome]:
    """Build the date's plans and store a new draft version for each slot whose content changed.

    Every clip and programme is rendered before the first write, so the database's write lock
    (SQLite has one for the whole file) is held only for the short final step.
    """
    draft, clips, problems = draft_day(session, station, day, renderer)
    slot_ids = dict(session.execute(select(SlotTemplate.name, SlotTemplate.id)
                                    .where(SlotTemplate.station_id == station.id)).all())
    prepared = []
    for slot_plan in draft.slots:
        entries = [(ItemSpec(i.bulletin_id, None, clips[i.bulletin_id].cache_key, i.title,
                             i.duration_ms, i.carried_from), clips[i.bulletin_id])
                   for i in slot_plan.items]
        carried_out = [[c.candidate.bulletin_id, c.since.isoformat(), c.candidate.title]
                       for c in slot_plan.carried_out]
        prepared.append(prepare_slot(session, station, day, slot_ids[slot_plan.slot.name],
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
