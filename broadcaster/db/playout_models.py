"""Playout's own tables: the daemon's heartbeat, play requests and progress of what is airing.

Models hold data only. The as-run log itself is `AsRun` in broadcaster.db.models.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from broadcaster.db.base import Base
from broadcaster.db.types import now_utc


class PlayoutHeartbeat(Base):
    """The playout daemon's last sign of life, one row per station, rewritten every second."""

    __tablename__ = "playout_heartbeat"

    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"), primary_key=True)
    pid: Mapped[int]
    host: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime]
    seen_at: Mapped[datetime]
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)  # playing, outputs, next slot


class PlayoutProgress(Base):
    """How far an open as-run row got; read after a crash to close it truthfully."""

    __tablename__ = "playout_progress"

    as_run_id: Mapped[int] = mapped_column(ForeignKey("as_run.id"), primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"), index=True)
    started_at: Mapped[Optional[datetime]]  # when audio really started
    played_ms: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=now_utc)


class PlayRequest(Base):
    """An operator's request to play a clip or file now (manual) or at once (emergency)."""

    __tablename__ = "playout_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    operator: Mapped[str] = mapped_column(String(64))
    emergency: Mapped[bool] = mapped_column(default=False)
    bulletin_id: Mapped[Optional[int]] = mapped_column(ForeignKey("bulletin.id"))
    clip_id: Mapped[Optional[int]] = mapped_column(ForeignKey("clip.id"))
    path: Mapped[str] = mapped_column(String(500))  # relative to the station home, or absolute
    title: Mapped[str] = mapped_column(String(300), default="")
    taken_at: Mapped[Optional[datetime]]  # the daemon picked it up
    done_at: Mapped[Optional[datetime]]
    as_run_id: Mapped[Optional[int]] = mapped_column(ForeignKey("as_run.id"))
    error: Mapped[str] = mapped_column(Text, default="")
