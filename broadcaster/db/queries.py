"""Questions several stages ask of a station's rows, each answered once, here.

Plan versions have their own answers in planning.versions; these are the rest: which bulletins
are valid on some days, the station's slots, what the as-run log says of scheduled slots, and a
row that belongs to a station.
"""

from __future__ import annotations

from datetime import date
from typing import Iterable, TypeVar

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from broadcaster.db.models import (AsRun, Bulletin, BulletinStatus, SlotTemplate, Station,
                                   Trigger)
from broadcaster.schedule import Schedule, SlotSpec

Row = TypeVar("Row")
MAX_ID = 2**63


def valid_between(first: date, last: date | None = None) -> ColumnElement[bool]:
    """Bulletins whose validity window meets the days from `first` to `last` (one day if None)."""
    last = first if last is None else last
    return and_(or_(Bulletin.valid_from.is_(None), Bulletin.valid_from <= last),
                or_(Bulletin.valid_until.is_(None), Bulletin.valid_until >= first))


def plannable(station_id: int, first: date, last: date | None = None) -> ColumnElement[bool]:
    """Bulletins that planning may choose on those days: active, not deleted, valid."""
    return and_(Bulletin.station_id == station_id, Bulletin.deleted_at.is_(None),
                Bulletin.status == BulletinStatus.ACTIVE, valid_between(first, last))


def station_schedule(session: Session, station: Station) -> Schedule:
    """The station's active slots as a Schedule (the database is the truth after init)."""
    templates = session.scalars(select(SlotTemplate).where(SlotTemplate.station_id == station.id,
                                                           SlotTemplate.active)
                                .order_by(SlotTemplate.start_time))
    return Schedule(station.timezone, tuple(
        SlotSpec(t.name, t.title, t.start_time, t.length_seconds, tuple(t.weekdays), t.grace_seconds)
        for t in templates))


def slot_ids(session: Session, station_id: int) -> dict[str, int]:
    """Slot code (mã buổi) -> slot id, for every slot the station ever had."""
    return dict(session.execute(select(SlotTemplate.name, SlotTemplate.id)
                                .where(SlotTemplate.station_id == station_id)).all())


def scheduled_slot_rows(session: Session, station_id: int, days: Iterable[date] | None = None,
                        slot_name: str | None = None) -> list[AsRun]:
    """The as-run rows of scheduled slots (not items, not manual plays), oldest first: on some
    days (every day if None), of one slot (every slot if None)."""
    query = select(AsRun).where(AsRun.station_id == station_id, AsRun.kind == "slot",
                                AsRun.trigger == Trigger.SCHEDULE)
    if days is not None:
        query = query.where(AsRun.air_date.in_(list(days)))
    if slot_name is not None:
        query = query.where(AsRun.slot_name == slot_name)
    return list(session.scalars(query.order_by(AsRun.id)))


def owned(session: Session, model: type[Row], row_id: int, station_id: int) -> Row | None:
    """The row of a station-owned table with this id, if it belongs to the station."""
    if not 0 < row_id < MAX_ID:
        return None  # no such row; and SQLite's integers stop at 2**63 - 1
    row = session.get(model, row_id)
    return row if row is not None and row.station_id == station_id else None
