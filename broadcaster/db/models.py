"""The station's data model (SQLAlchemy 2.0). Every station-owned table carries station_id.

Models hold data only: no network or audio code is imported here.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import Any, Optional

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from broadcaster.db.base import Base
from broadcaster.db.types import enum_column, now_utc

class Role(enum.Enum):
    EDITOR = "editor"
    APPROVER = "approver"
    OPERATOR = "operator"
    REPORTER = "reporter"
    ADMIN = "admin"


class Priority(enum.Enum):
    NORMAL = "normal"        # thường
    PRIORITY = "priority"    # ưu tiên
    EMERGENCY = "emergency"  # khẩn cấp


class BulletinKind(enum.Enum):
    TEXT = "text"            # read aloud by a speech engine
    RECORDING = "recording"  # an uploaded recording


class BulletinStatus(enum.Enum):
    DRAFT = "draft"          # being written; never planned
    ACTIVE = "active"        # may be planned inside its validity window
    ARCHIVED = "archived"    # withdrawn; kept for history


class RepeatKind(enum.Enum):
    EVERY_SLOT = "every-slot"  # every allowed slot of every allowed day
    DAILY = "daily"            # once a day
    ONCE = "once"              # a single airing
    COUNT = "count"            # repeat_count airings in total


class PlanStatus(enum.Enum):
    DRAFT = "draft"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


class AsRunStatus(enum.Enum):
    STARTED = "STARTED"
    PLAYED = "PLAYED"
    PARTIAL = "PARTIAL"
    MISSED = "MISSED"
    FAILED = "FAILED"
    INTERRUPTED = "INTERRUPTED"
    EMERGENCY = "EMERGENCY"


class Trigger(enum.Enum):
    SCHEDULE = "schedule"
    MANUAL = "manual"
    EMERGENCY = "emergency"


class Station(Base):
    __tablename__ = "station"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    commune: Mapped[str] = mapped_column(String(100))
    district: Mapped[str] = mapped_column(String(100), default="")
    province: Mapped[str] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Ho_Chi_Minh")
    ident_text: Mapped[str] = mapped_column(Text)
    closing_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)


class User(Base):
    __tablename__ = "user"
    __table_args__ = (UniqueConstraint("station_id", "username"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"), index=True)
    username: Mapped[str] = mapped_column(String(64))
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    last_login_at: Mapped[Optional[datetime]]

    roles: Mapped[list["UserRole"]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    def has_role(self, *roles: Role) -> bool:
        mine = {r.role for r in self.roles}
        return Role.ADMIN in mine or any(r in mine for r in roles)


class UserRole(Base):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(enum_column(Role), primary_key=True)


class Topic(Base):
    __tablename__ = "topic"
    __table_args__ = (UniqueConstraint("station_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class Bulletin(Base):
    __tablename__ = "bulletin"
    __table_args__ = (UniqueConstraint("station_id", "source_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"), index=True)
    source_key: Mapped[Optional[str]] = mapped_column(String(200))  # script file name, for re-import
    title: Mapped[str] = mapped_column(String(300))
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"), index=True)
    kind: Mapped[BulletinKind] = mapped_column(enum_column(BulletinKind), default=BulletinKind.TEXT)
    body: Mapped[str] = mapped_column(Text, default="")
    priority: Mapped[Priority] = mapped_column(enum_column(Priority), default=Priority.NORMAL)
    valid_from: Mapped[Optional[date]] = mapped_column(Date)
    valid_until: Mapped[Optional[date]] = mapped_column(Date)
    slots: Mapped[list[str]] = mapped_column(default=list)      # slot names; empty = every slot
    weekdays: Mapped[list[str]] = mapped_column(default=list)   # mon..sun; empty = every day
    repeat_kind: Mapped[RepeatKind] = mapped_column(enum_column(RepeatKind),
                                                    default=RepeatKind.EVERY_SLOT)
    repeat_count: Mapped[Optional[int]]
    status: Mapped[BulletinStatus] = mapped_column(enum_column(BulletinStatus),
                                                   default=BulletinStatus.ACTIVE)
    sort_order: Mapped[int] = mapped_column(default=0)
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)
    deleted_at: Mapped[Optional[datetime]]  # soft delete: history keeps pointing here

    topic: Mapped[Topic] = relationship(lazy="joined")


class Clip(Base):
    """A rendered or uploaded piece of broadcast-ready audio in the station's cache."""

    __tablename__ = "clip"
    __table_args__ = (UniqueConstraint("station_id", "cache_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"), index=True)
    cache_key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(24))  # speech, recording, ident, chime
    bulletin_id: Mapped[Optional[int]] = mapped_column(ForeignKey("bulletin.id"), index=True)
    spoken_text: Mapped[str] = mapped_column(Text, default="")
    engine: Mapped[str] = mapped_column(String(32))
    voice: Mapped[str] = mapped_column(String(200), default="")
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    engine_version: Mapped[str] = mapped_column(String(100), default="")
    skipped: Mapped[dict[str, Any]] = mapped_column(default=dict)  # engine -> why it was skipped
    path: Mapped[str] = mapped_column(String(500))  # relative to the station home
    duration_ms: Mapped[int]
    lufs: Mapped[float]
    true_peak: Mapped[float]
    created_at: Mapped[datetime] = mapped_column(default=now_utc)


class SlotTemplate(Base):
    __tablename__ = "slot_template"
    __table_args__ = (UniqueConstraint("station_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))  # stable id, e.g. "sang"
    title: Mapped[str] = mapped_column(String(200))
    start_time: Mapped[time] = mapped_column(Time)  # local wall-clock time in the station's zone
    length_seconds: Mapped[int]
    weekdays: Mapped[list[str]] = mapped_column(default=list)
    grace_seconds: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)


class DayPlan(Base):
    """One version of what airs in one slot of one day."""

    __tablename__ = "day_plan"
    __table_args__ = (UniqueConstraint("station_id", "air_date", "slot_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"), index=True)
    air_date: Mapped[date] = mapped_column(Date, index=True)  # local date of the slot
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot_template.id"))
    version: Mapped[int]
    status: Mapped[PlanStatus] = mapped_column(enum_column(PlanStatus), default=PlanStatus.DRAFT)
    content_hash: Mapped[str] = mapped_column(String(64))
    warnings: Mapped[list[str]] = mapped_column(default=list)
    programme_path: Mapped[Optional[str]] = mapped_column(String(500))
    programme_duration_ms: Mapped[Optional[int]]
    programme_sha256: Mapped[Optional[str]] = mapped_column(String(64))  # checked before air
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    decided_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[Optional[datetime]]
    decision_comment: Mapped[str] = mapped_column(Text, default="")
    # What the programme was made of besides the items, so it can be re-rendered exactly.
    ident_clip_id: Mapped[Optional[int]] = mapped_column(ForeignKey("clip.id"))
    closing_clip_id: Mapped[Optional[int]] = mapped_column(ForeignKey("clip.id"))
    gap_ms: Mapped[Optional[int]]
    # Bulletins that did not fit in this slot nor later that day: [[bulletin_id, since, title]].
    carried_out: Mapped[list[str]] = mapped_column(default=list)

    slot: Mapped[SlotTemplate] = relationship(lazy="joined")
    items: Mapped[list["PlanItem"]] = relationship(order_by="PlanItem.position",
                                                   cascade="all, delete-orphan")


class PlanItem(Base):
    __tablename__ = "plan_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("day_plan.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    bulletin_id: Mapped[int] = mapped_column(ForeignKey("bulletin.id"), index=True)
    clip_id: Mapped[Optional[int]] = mapped_column(ForeignKey("clip.id"))
    title: Mapped[str] = mapped_column(String(300))
    duration_ms: Mapped[Optional[int]]
    offset_ms: Mapped[Optional[int]]  # where the item starts in the slot programme
    carried_from: Mapped[Optional[date]] = mapped_column(Date)  # did not fit on that day
    # Copied from the bulletin when the version is made: the approved version says what airs.
    topic_code: Mapped[str] = mapped_column(String(64), default="")
    source: Mapped[str] = mapped_column(String(16), default="")  # speech or recording


class AsRun(Base):
    """What really aired. Append-only: rows are inserted, an open row is closed once, never deleted."""

    __tablename__ = "as_run"
    __table_args__ = (Index("ix_as_run_station_started", "station_id", "scheduled_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"))
    kind: Mapped[str] = mapped_column(String(8))  # slot or item
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("as_run.id"), index=True)
    trigger: Mapped[Trigger] = mapped_column(enum_column(Trigger))
    status: Mapped[AsRunStatus] = mapped_column(enum_column(AsRunStatus))
    plan_id: Mapped[Optional[int]] = mapped_column(ForeignKey("day_plan.id"))
    plan_version: Mapped[Optional[int]]
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    air_date: Mapped[date] = mapped_column(Date)
    slot_name: Mapped[str] = mapped_column(String(64), default="")
    bulletin_id: Mapped[Optional[int]] = mapped_column(ForeignKey("bulletin.id"))
    title: Mapped[str] = mapped_column(String(300), default="")     # copied: history outlives edits
    topic_code: Mapped[str] = mapped_column(String(64), default="")
    source: Mapped[str] = mapped_column(String(16), default="")     # speech, recording, file
    scheduled_at: Mapped[Optional[datetime]]
    started_at: Mapped[Optional[datetime]]
    ended_at: Mapped[Optional[datetime]]
    offset_ms: Mapped[Optional[int]]
    duration_ms: Mapped[Optional[int]]  # planned
    played_ms: Mapped[Optional[int]]    # actually aired
    outputs: Mapped[list[str]] = mapped_column(default=list)
    operator: Mapped[str] = mapped_column(String(64), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    # The airing's key in the playout daemon's local journal (slot rows): recovery finds it by this.
    journal_key: Mapped[Optional[str]] = mapped_column(String(64), index=True)
    # What the unattended station noticed during the airing (slot rows, written while open):
    # dead air spans and the amplifier's switching, e.g. {"kind": "dead_air", "at_ms": 5000, ...}.
    notes: Mapped[list[Any]] = mapped_column(JSON, default=list)


class AuditEvent(Base):
    """Who did what, when, with before/after. Append-only."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=now_utc)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[Optional[int]]
    before: Mapped[Optional[dict[str, Any]]]
    after: Mapped[Optional[dict[str, Any]]]
    comment: Mapped[str] = mapped_column(Text, default="")


class LexiconEntry(Base):
    """A station's own pronunciation: how an acronym or word is read aloud."""

    __tablename__ = "lexicon_entry"
    __table_args__ = (UniqueConstraint("station_id", "term"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"), index=True)
    term: Mapped[str] = mapped_column(String(100))
    reading: Mapped[str] = mapped_column(String(300))
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)
