"""The unattended station's tables: alert targets, alerts, their deliveries, backups, power switching.

Models hold data only. What turns faults into alerts is broadcaster.alerts; backups are
broadcaster.backup; the amplifier is switched by broadcaster.power through the playout daemon.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from broadcaster.db.base import Base
from broadcaster.db.types import now_utc


class AlertTarget(Base):
    """A notification URL (apprise syntax) added by an admin on the web page."""

    __tablename__ = "alert_target"

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    added_by: Mapped[str] = mapped_column(String(64), default="")
    added_at: Mapped[datetime] = mapped_column(default=now_utc)


class Alert(Base):
    """One fault the station told its people about: open until it ends (or at once, for a one-off)."""

    __tablename__ = "alert"
    __table_args__ = (Index("ix_alert_station_key", "station_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"))
    kind: Mapped[str] = mapped_column(String(32))      # see alerts.rules.Kind
    key: Mapped[str] = mapped_column(String(200))      # one fault, e.g. "daemon" or "asrun:42"
    message: Mapped[str] = mapped_column(Text)         # the last notice's text
    recovery: Mapped[str] = mapped_column(Text, default="")  # what is said when it ends
    opened_at: Mapped[datetime] = mapped_column(default=now_utc)
    last_notice_at: Mapped[datetime] = mapped_column(default=now_utc)
    notices: Mapped[int] = mapped_column(default=1)
    resolved_at: Mapped[Optional[datetime]]            # None: still open (conditions only)


class AlertDelivery(Base):
    """One notice to one target, with its outcome; retried until sent or given up."""

    __tablename__ = "alert_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"), index=True)
    alert_id: Mapped[Optional[int]] = mapped_column(ForeignKey("alert.id"), index=True)
    notice: Mapped[str] = mapped_column(String(16))    # alert, reminder, recovery, test
    target_key: Mapped[str] = mapped_column(String(64))   # sha256 of the URL (no secret stored)
    target_label: Mapped[str] = mapped_column(String(300))  # the URL with its secrets masked
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    attempts: Mapped[int] = mapped_column(default=0)
    next_try_at: Mapped[Optional[datetime]] = mapped_column(index=True)  # None once settled
    sent_at: Mapped[Optional[datetime]]
    gave_up_at: Mapped[Optional[datetime]]
    error: Mapped[str] = mapped_column(Text, default="")


class BackupRecord(Base):
    """One backup of the station (daily or by hand) and the result of its restore check."""

    __tablename__ = "backup_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=now_utc)
    ended_at: Mapped[Optional[datetime]]
    ok: Mapped[bool] = mapped_column(default=False)
    path: Mapped[str] = mapped_column(String(500), default="")
    size_bytes: Mapped[Optional[int]]
    tables: Mapped[dict[str, Any]] = mapped_column(default=dict)  # table -> rows, as checked
    error: Mapped[str] = mapped_column(Text, default="")


class PowerSwitch(Base):
    """The amplifier or transmitter switched on or off by the playout daemon."""

    __tablename__ = "power_switch"

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=now_utc)
    state: Mapped[str] = mapped_column(String(8))      # on, off
    ok: Mapped[bool]
    adapter: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(200), default="")
    error: Mapped[str] = mapped_column(Text, default="")
