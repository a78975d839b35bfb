"""Generate an as-run log with known content: seeded, inserted through the ORM, rows born closed."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcaster.db.models import AsRun, AsRunStatus, Bulletin, BulletinKind, Station, Topic, Trigger

SLOTS = (("sang", time(6, 0)), ("chieu", time(17, 0)))
REASONS = {
    AsRunStatus.MISSED: "máy phát khởi động lại, quá thời gian cho phép",
    AsRunStatus.FAILED: "tệp chương trình không đọc được",
    AsRunStatus.INTERRUPTED: "ngắt để phát tin khẩn cấp",
}


@dataclass
class LogMaker:
    """Writes rows for one station; ``rows`` keeps everything written, for the tests' own checks."""

    session: Session
    station: Station
    rng: random.Random
    bulletins: list[Bulletin] = field(default_factory=list)
    rows: list[AsRun] = field(default_factory=list)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.station.timezone)

    def ensure_bulletins(self, count: int = 14) -> None:
        topics = self.session.scalars(select(Topic).where(Topic.station_id == self.station.id)
                                      .order_by(Topic.sort_order)).all()
        for n in range(count):
            topic = topics[n % 6]  # six topics aired, the rest never: tables list what aired
            bulletin = Bulletin(station_id=self.station.id, title=f"Bản tin số {n + 1}: {topic.name}",
                                topic_id=topic.id, body="...",
                                kind=BulletinKind.RECORDING if n % 5 == 4 else BulletinKind.TEXT)
            self.session.add(bulletin)
            self.bulletins.append(bulletin)
        self.session.flush()
        self._topic_code = {t.id: t.code for t in topics}

    def add(self, **values) -> AsRun:
        values.setdefault("content_hash", "")
        row = AsRun(station_id=self.station.id, **values)
        self.session.add(row)
        self.session.flush()
        self.rows.append(row)
        return row

    def local(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at, tzinfo=self.zone).astimezone(timezone.utc)

    def slot(self, day: date, name: str, at: time, status: AsRunStatus, items: int = 3,
             cut_ms: int | None = None) -> AsRun:
        """A scheduled slot and its items, closed with ``status`` (items follow what playout does)."""
        start = self.local(day, at)
        aired = status not in (AsRunStatus.MISSED, AsRunStatus.FAILED)
        picks = [self.rng.choice(self.bulletins) for _ in range(items)]
        lengths = [self.rng.randrange(45_000, 240_000) for _ in picks]
        total = sum(lengths) + 2_000 * items
        played_total = total if cut_ms is None else min(cut_ms, total)
        parent = self.add(kind="slot", trigger=Trigger.SCHEDULE, status=status, air_date=day,
                          slot_name=name, scheduled_at=start, started_at=start if aired else None,
                          ended_at=start + timedelta(milliseconds=played_total if aired else 0),
                          duration_ms=total, played_ms=played_total if aired else 0,
                          error=REASONS.get(status, ""))
        offset = 0
        for bulletin, length in zip(picks, lengths):
            at_item = start + timedelta(milliseconds=offset)
            if not aired:
                item_status, played, began = status, 0, None
            elif offset + length <= played_total:
                item_status, played, began = AsRunStatus.PLAYED, length, at_item
            elif offset < played_total:
                item_status = (AsRunStatus.INTERRUPTED if status is AsRunStatus.INTERRUPTED
                               else AsRunStatus.PARTIAL)
                played, began = played_total - offset, at_item
            else:
                break  # never reached: playout writes no row for it
            self.add(kind="item", parent_id=parent.id, trigger=Trigger.SCHEDULE, status=item_status,
                     air_date=day, slot_name=name, bulletin_id=bulletin.id, title=bulletin.title,
                     topic_code=self._topic_code[bulletin.topic_id],
                     source="recording" if bulletin.kind is BulletinKind.RECORDING else "speech",
                     scheduled_at=at_item, started_at=began,
                     ended_at=at_item + timedelta(milliseconds=played), offset_ms=offset,
                     duration_ms=length, played_ms=played, error=REASONS.get(item_status, ""))
            offset += length + 2_000
        return parent

    def emergency(self, day: date, at: time, with_bulletin: bool = True) -> AsRun:
        """An emergency request: a bulletin (slot row + one item) or a file (slot row only)."""
        start = self.local(day, at)
        length = self.rng.randrange(30_000, 120_000)
        bulletin = self.rng.choice(self.bulletins) if with_bulletin else None
        title = bulletin.title if bulletin else "Thông báo khẩn: nước lên nhanh"
        topic = self._topic_code[bulletin.topic_id] if bulletin else ""
        common = dict(trigger=Trigger.EMERGENCY, air_date=day, started_at=start,
                      ended_at=start + timedelta(milliseconds=length), played_ms=length,
                      duration_ms=length, title=title, topic_code=topic)
        parent = self.add(kind="slot", status=AsRunStatus.EMERGENCY,
                          bulletin_id=bulletin.id if bulletin else None,
                          source="speech" if bulletin else "file", **common)
        if bulletin:
            self.add(kind="item", parent_id=parent.id, status=AsRunStatus.PLAYED,
                     bulletin_id=bulletin.id, source="speech", offset_ms=0, **common)
        return parent

    def day(self, day: date) -> None:
        """One day of the station: both slots with random fates, sometimes an emergency."""
        for name, at in SLOTS:
            fate = self.rng.random()
            if fate < 0.80:
                self.slot(day, name, at, AsRunStatus.PLAYED, self.rng.randrange(2, 6))
            elif fate < 0.85:
                self.slot(day, name, at, AsRunStatus.PARTIAL, 4, cut_ms=self.rng.randrange(90_000, 300_000))
            elif fate < 0.90:
                self.slot(day, name, at, AsRunStatus.INTERRUPTED, 4,
                          cut_ms=self.rng.randrange(60_000, 300_000))
            elif fate < 0.95:
                self.slot(day, name, at, AsRunStatus.MISSED, 3)
            else:
                self.slot(day, name, at, AsRunStatus.FAILED, 3)
        if self.rng.random() < 0.04:
            self.emergency(day, time(self.rng.randrange(8, 22), 15), self.rng.random() < 0.6)

    def days(self, first: date, last: date) -> None:
        day = first
        while day <= last:
            self.day(day)
            day += timedelta(days=1)


def make_log(session: Session, station: Station, first: date, last: date, seed: int = 2024) -> LogMaker:
    maker = LogMaker(session, station, random.Random(seed))
    maker.ensure_bulletins()
    maker.days(first, last)
    return maker
