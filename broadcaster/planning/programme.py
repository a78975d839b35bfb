"""A slot's version and its programme: hash the content, render it (through the Renderer port),
store it; change a stored version's items (re-plan); render a stored version again.

The slow part (rendering) always comes before the writes: SQLite has one write lock for the whole
file and the playout daemon must be able to log at any moment.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcaster import audit
from broadcaster.db.models import Clip, DayPlan, PlanItem, Station, User
from broadcaster.planning.approval import ItemSpec, PlanError, content_hash, save_version
from broadcaster.planning.ports import Renderer, Rendered
from broadcaster.planning.versions import newest

MOVES = ("up", "down", "remove")


class NoSuchItem(PlanError):
    """The version has no item at that position."""


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


def prepare_slot(session: Session, station: Station, day: date, slot_id: int, slot_name: str,
                 entries: list[tuple[ItemSpec, Clip]], warnings: list[str],
                 carried_out: list, renderer: Renderer) -> PreparedSlot:
    """Hash a slot's content and render its programme if it is new; no database writes."""
    ident, closing = renderer.idents
    extra = dict(renderer.identity(), carried_out=carried_out)
    items = [spec for spec, _ in entries]
    clips = [clip for _, clip in entries]
    digest = content_hash(day, slot_name, items, extra)
    latest = newest(session, station.id, day, slot_id)
    rendered = None
    if latest is None or latest.content_hash != digest:
        rendered = renderer.render_parts(day, slot_name, digest,
                                         [(i.title, c) for i, c in entries], ident, closing)
    return PreparedSlot(slot_id, slot_name, items, clips, warnings, extra, digest, latest, rendered)


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


def apply_rendered(plan: DayPlan, rendered: Rendered) -> None:
    """Store a rendered programme on its plan version."""
    for item, (offset, duration) in zip(plan.items, rendered.items):
        item.offset_ms, item.duration_ms = offset, duration
    plan.programme_path = rendered.path
    plan.programme_duration_ms = rendered.duration_ms
    plan.programme_sha256 = rendered.sha256 or None


def rerender(session: Session, plan: DayPlan, renderer: Renderer) -> None:
    """Render a stored version's programme again, from the parts it was made of."""
    clips = _clips(session, [i.clip_id for i in plan.items]
                   + [plan.ident_clip_id, plan.closing_clip_id])
    if any(item.clip_id not in clips for item in plan.items):
        raise PlanError(f"phiên bản {plan.version} không còn ghi đủ âm thanh của từng bản tin để "
                        "dựng lại chương trình.")
    ident, closing = renderer.idents
    rendered = renderer.render_parts(
        plan.air_date, plan.slot.name, plan.content_hash,
        [(item.title, clips[item.clip_id]) for item in plan.items],
        clips.get(plan.ident_clip_id, ident), clips.get(plan.closing_clip_id, closing), plan.gap_ms)
    apply_rendered(plan, rendered)


def change_item(session: Session, station: Station, plan: DayPlan, position: int, move: str,
                renderer: Renderer, actor: User, today: date) -> tuple[DayPlan, bool, str] | None:
    """Move an item of the newest version up or down, or remove it, as a new version.

    Returns (version, created, reason), or None when nothing changes (the first item moved up).
    Raises NoSuchItem, or PlanError for a version that is not the newest or a day gone by.
    """
    items = list(plan.items)
    index = next((n for n, item in enumerate(items) if item.position == position), None)
    if index is None or move not in MOVES:
        raise NoSuchItem(f"phiên bản {plan.version} không có mục số {position}.")
    latest = newest(session, plan.station_id, plan.air_date, plan.slot_id)
    if latest.id != plan.id:
        raise PlanError(f"phiên bản {plan.version} đã cũ: phiên bản mới nhất là {latest.version}. "
                        "Hãy xem lại trước khi sửa.")
    if plan.air_date < today:
        raise PlanError("không sửa được kế hoạch của ngày đã qua.")
    title = items[index].title
    if move == "remove":
        del items[index]
        reason, action = f"bỏ «{title}»", "plan.remove_item"
    else:
        other = index - 1 if move == "up" else index + 1
        if not 0 <= other < len(items):
            return None
        items[index], items[other] = items[other], items[index]
        reason = f"chuyển «{title}» {'lên' if move == 'up' else 'xuống'}"
        action = "plan.reorder"
    new, created = _replan(session, station, plan, items, renderer, actor, reason)
    audit.record(session, station.id, actor, action, "day_plan", new.id,
                 before={"version": plan.version, "status": plan.status.value,
                         "items": [item.bulletin_id for item in plan.items]},
                 after={"version": new.version, "status": new.status.value,
                        "items": [item.bulletin_id for item in items]}, comment=reason)
    return new, created, reason


def _replan(session: Session, station: Station, plan: DayPlan, items: list[PlanItem],
            renderer: Renderer, actor: User, reason: str) -> tuple[DayPlan, bool]:
    """Store some of a version's items, in a new order, as a new version with its programme."""
    clips = _clips(session, [item.clip_id for item in items])
    entries = [(ItemSpec(item.bulletin_id, item.clip_id, clips[item.clip_id].cache_key, item.title,
                         clips[item.clip_id].duration_ms, item.carried_from, item.topic_code,
                         item.source), clips[item.clip_id])
               for item in items]
    prepared = prepare_slot(session, station, plan.air_date, plan.slot_id, plan.slot.name,
                            entries, list(plan.warnings), list(plan.carried_out), renderer)
    return write_slot(session, station, plan.air_date, prepared, renderer, actor, reason)


def _clips(session: Session, ids: list[int | None]) -> dict[int, Clip]:
    wanted = [i for i in ids if i is not None]
    return {c.id: c for c in session.scalars(select(Clip).where(Clip.id.in_(wanted)))}
