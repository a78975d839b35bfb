"""What to air and how to log it (a `Cue`), built from the database: a slot's approved plan, or
an operator's play request; and where a cut slot resumes."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Sequence
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from broadcaster.db.models import Bulletin, Clip, DayPlan, Trigger
from broadcaster.db.playout_models import PlayRequest
from broadcaster.home import Home
from broadcaster.planning.day import source_of
from broadcaster.playout import asrun
from broadcaster.schedule import SlotInstance


@dataclass(frozen=True)
class ItemCue:
    bulletin_id: int | None
    title: str
    topic_code: str
    source: str
    offset_ms: int
    duration_ms: int

    @property
    def end_ms(self) -> int:
        return self.offset_ms + self.duration_ms


@dataclass(frozen=True)
class Cue:
    """What to air and how to log it."""

    trigger: Trigger
    source: Path                        # the audio file
    cache_key: str                      # name of its decoded copy in the cache
    air_date: date
    aircheck_name: str                  # file name (no extension) of the air-check recording
    title: str = ""
    slot_name: str = ""
    plan_id: int | None = None
    plan_version: int | None = None
    content_hash: str = ""
    items: tuple[ItemCue, ...] = ()
    scheduled_at: datetime | None = None  # the instant to start at; None = as soon as possible
    start_ms: int = 0                   # resume from here
    ends_at: datetime | None = None     # end of the slot window
    operator: str = ""
    bulletin_id: int | None = None
    topic_code: str = ""
    source_kind: str = ""
    request_id: int | None = None
    expected_ms: int | None = None      # the approved programme's length, to tell a damaged file

    def facts(self) -> asrun.RowFacts:
        return asrun.RowFacts(kind="slot", trigger=self.trigger, air_date=self.air_date,
                              slot_name=self.slot_name, title=self.title, plan_id=self.plan_id,
                              plan_version=self.plan_version, content_hash=self.content_hash,
                              bulletin_id=self.bulletin_id, topic_code=self.topic_code,
                              source=self.source_kind, scheduled_at=self.scheduled_at,
                              offset_ms=self.start_ms, operator=self.operator)

    def item_facts(self, item: ItemCue, parent_id: int) -> asrun.RowFacts:
        scheduled = (self.scheduled_at + timedelta(milliseconds=item.offset_ms)
                     if self.scheduled_at and not self.start_ms else None)
        return asrun.RowFacts(kind="item", trigger=self.trigger, air_date=self.air_date,
                              slot_name=self.slot_name, title=item.title, plan_id=self.plan_id,
                              plan_version=self.plan_version, content_hash=self.content_hash,
                              bulletin_id=item.bulletin_id, topic_code=item.topic_code,
                              source=item.source, scheduled_at=scheduled, offset_ms=item.offset_ms,
                              duration_ms=item.duration_ms, operator=self.operator,
                              parent_id=parent_id)


def resume_point(items: Sequence[ItemCue], position_ms: int) -> int | None:
    """Where a cut programme resumes: the start of the item cut (or the next one, if cut in a gap);
    0 when cut before the first item; None when every item had aired."""
    ordered = sorted(items, key=lambda i: i.offset_ms)
    for index, item in enumerate(ordered):
        if position_ms < item.end_ms:
            return 0 if index == 0 and position_ms < item.offset_ms else item.offset_ms
    return None


def resumed(cue: Cue, start_ms: int) -> Cue:
    """The same programme again from an item's start, as soon as possible."""
    return replace(cue, start_ms=start_ms, aircheck_name=f"{cue.aircheck_name}-resume")


def slot_cue(plan: DayPlan, instance: SlotInstance, home: Home) -> Cue:
    """The cue of a slot's plan version: the programme file and its items with their offsets, as
    the version recorded them."""
    items = tuple(ItemCue(bulletin_id=item.bulletin_id, title=item.title,
                          topic_code=item.topic_code, source=item.source,
                          offset_ms=item.offset_ms or 0, duration_ms=item.duration_ms or 0)
                  for item in plan.items)
    source = home.path(plan.programme_path) if plan.programme_path else home.root / "__no_programme__"
    return Cue(trigger=Trigger.SCHEDULE, source=source,
               cache_key=f"plan{plan.id}-v{plan.version}", air_date=instance.local_date,
               aircheck_name=f"{instance.slot.name}-v{plan.version}", title=instance.slot.title,
               slot_name=instance.slot.name, plan_id=plan.id, plan_version=plan.version,
               content_hash=plan.content_hash, items=items,
               scheduled_at=instance.starts_at, ends_at=instance.ends_at,
               expected_ms=plan.programme_duration_ms)


def request_cue(session: Session, request: PlayRequest, home: Home, now: datetime, zone: str) -> Cue:
    """The cue of a manual or emergency request; a bulletin's clip is logged as one item."""
    source = home.path(request.path)
    bulletin = session.get(Bulletin, request.bulletin_id) if request.bulletin_id else None
    clip = session.get(Clip, request.clip_id) if request.clip_id else None
    items: tuple[ItemCue, ...] = ()
    if bulletin is not None and clip is not None:
        items = (ItemCue(bulletin.id, bulletin.title, bulletin.topic.code, source_of(bulletin),
                         0, clip.duration_ms),)
    trigger = Trigger.EMERGENCY if request.emergency else Trigger.MANUAL
    prefix = "emergency" if request.emergency else "manual"
    return Cue(trigger=trigger, source=source, cache_key=f"request{request.id}",
               air_date=now.astimezone(ZoneInfo(zone)).date(),
               aircheck_name=f"{prefix}-{request.id}", title=request.title,
               operator=request.operator, bulletin_id=request.bulletin_id,
               topic_code=bulletin.topic.code if bulletin else "",
               source_kind=source_of(bulletin) if bulletin else "file", items=items,
               request_id=request.id)
