"""Create or update a station: its row, topics and slot templates."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcaster.db.models import SlotTemplate, Station, Topic
from broadcaster.schedule import Schedule
from broadcaster.station.topics import DEFAULT_TOPICS


@dataclass(frozen=True)
class StationIdentity:
    commune: str
    district: str
    province: str

    @property
    def name(self) -> str:
        return f"Đài truyền thanh xã {self.commune}"

    @property
    def ident_text(self) -> str:
        where = ", ".join(part for part in (f"xã {self.commune}",
                                            f"huyện {self.district}" if self.district else "",
                                            f"tỉnh {self.province}" if self.province else "") if part)
        return f"Đây là Đài truyền thanh {where}."

    @property
    def closing_text(self) -> str:
        return (f"Chương trình phát thanh của Đài truyền thanh xã {self.commune} đến đây là kết thúc. "
                "Xin cảm ơn bà con đã chú ý lắng nghe.")


DEMO_IDENTITY = StationIdentity(commune="Lệ Xá", district="Tiên Lữ", province="Hưng Yên")


def ensure_station(session: Session, code: str, identity: StationIdentity, timezone: str) -> Station:
    """Return the station with this code, creating it (and its topics) the first time."""
    station = session.scalar(select(Station).where(Station.code == code))
    if station is None:
        station = Station(code=code, name=identity.name, commune=identity.commune,
                          district=identity.district, province=identity.province,
                          timezone=timezone, ident_text=identity.ident_text,
                          closing_text=identity.closing_text)
        session.add(station)
        session.flush()
    seed_topics(session, station)
    return station


def seed_topics(session: Session, station: Station) -> None:
    """Add the default topics the station does not have yet (never renames the station's own)."""
    have = set(session.scalars(select(Topic.code).where(Topic.station_id == station.id)))
    for order, (code, name) in enumerate(DEFAULT_TOPICS):
        if code not in have:
            session.add(Topic(station_id=station.id, code=code, name=name, sort_order=order))
    session.flush()


def apply_schedule(session: Session, station: Station, schedule: Schedule) -> None:
    """Make the station's slot templates match the schedule; slots no longer listed are deactivated."""
    station.timezone = schedule.timezone
    existing = {s.name: s for s in session.scalars(select(SlotTemplate)
                                                   .where(SlotTemplate.station_id == station.id))}
    for spec in schedule.slots:
        template = existing.pop(spec.name, None)
        if template is None:
            template = SlotTemplate(station_id=station.id, name=spec.name)
            session.add(template)
        template.title = spec.title
        template.start_time = spec.start
        template.length_seconds = spec.length_seconds
        template.weekdays = list(spec.weekdays)
        template.grace_seconds = spec.grace_seconds
        template.active = True
    for template in existing.values():
        template.active = False
    session.flush()


def schedule_state(schedule: Schedule) -> list[dict]:
    """The schedule's slots as plain data, for the audit trail."""
    return [{"name": s.name, "title": s.title, "start": s.start.strftime("%H:%M:%S"),
             "length_seconds": s.length_seconds, "grace_seconds": s.grace_seconds,
             "weekdays": list(s.weekdays)} for s in schedule.slots]
