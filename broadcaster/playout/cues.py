"""Build cues from the database: a slot's approved plan, or an operator's play request."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from broadcaster.db.models import Bulletin, BulletinKind, Clip, DayPlan, Trigger
from broadcaster.db.playout_models import PlayRequest
from broadcaster.playout.playback import Cue, ItemCue
from broadcaster.schedule import SlotInstance


def _source_kind(bulletin: Bulletin | None) -> str:
    if bulletin is None:
        return ""
    return "recording" if bulletin.kind is BulletinKind.RECORDING else "speech"


def slot_cue(session: Session, plan: DayPlan, instance: SlotInstance, home: Path) -> Cue:
    """The cue of a slot's plan version: the programme file and its items with their offsets."""
    items = []
    for item in plan.items:
        bulletin = session.get(Bulletin, item.bulletin_id)
        items.append(ItemCue(bulletin_id=item.bulletin_id, title=item.title,
                             topic_code=bulletin.topic.code if bulletin else "",
                             source=_source_kind(bulletin), offset_ms=item.offset_ms or 0,
                             duration_ms=item.duration_ms or 0))
    source = home / plan.programme_path if plan.programme_path else home / "__no_programme__"
    return Cue(trigger=Trigger.SCHEDULE, source=source,
               cache_key=f"plan{plan.id}-v{plan.version}", air_date=instance.local_date,
               aircheck_name=f"{instance.slot.name}-v{plan.version}", title=instance.slot.title,
               slot_name=instance.slot.name, plan_id=plan.id, plan_version=plan.version,
               content_hash=plan.content_hash, items=tuple(items),
               scheduled_at=instance.starts_at, ends_at=instance.ends_at)


def request_cue(session: Session, request: PlayRequest, home: Path, now: datetime, zone: str) -> Cue:
    """The cue of a manual or emergency request; a bulletin's clip is logged as one item."""
    source = Path(request.path)
    source = source if source.is_absolute() else home / source
    bulletin = session.get(Bulletin, request.bulletin_id) if request.bulletin_id else None
    clip = session.get(Clip, request.clip_id) if request.clip_id else None
    items: tuple[ItemCue, ...] = ()
    if bulletin is not None and clip is not None:
        items = (ItemCue(bulletin.id, bulletin.title, bulletin.topic.code, _source_kind(bulletin),
                         0, clip.duration_ms),)
    trigger = Trigger.EMERGENCY if request.emergency else Trigger.MANUAL
    prefix = "emergency" if request.emergency else "manual"
    return Cue(trigger=trigger, source=source, cache_key=f"request{request.id}",
               air_date=now.astimezone(ZoneInfo(zone)).date(),
               aircheck_name=f"{prefix}-{request.id}", title=request.title,
               operator=request.operator, bulletin_id=request.bulletin_id,
               topic_code=bulletin.topic.code if bulletin else "",
               source_kind=_source_kind(bulletin) or "file", items=items,
               request_id=request.id)
