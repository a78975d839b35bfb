"""The watcher: a process of its own (`broadcaster watch`, a child of `broadcaster run`) that
looks for faults every `alerts.check_seconds`, records and tells them, delivers the notices,
and makes the daily backup. Playout never waits on it; it never waits on the web page.
"""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcaster.alerts import delivery, messages
from broadcaster.alerts.facts import gather
from broadcaster.alerts.notices import ALERT, QUIET, RECOVERY, REMINDER, Decision, OpenAlert, decide
from broadcaster.alerts.offair import OffAirMonitor
from broadcaster.alerts.rules import Limits, conditions
from broadcaster.db.models import Station
from broadcaster.db.watch_models import Alert
from broadcaster.home import Home
from broadcaster.playout.heartbeat import read_heartbeat
from broadcaster.settings import Settings

log = logging.getLogger(__name__)
DELIVER_SECONDS = 2


class StationPort(Protocol):
    settings: Settings
    home: Home

    def session(self) -> AbstractContextManager[Session]: ...

    def station(self, session: Session) -> Station: ...


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def station_disks(settings: Settings, home: Home) -> list[Path]:
    """The disks watched for space: the station home's, and the backup folder's when it is set."""
    folder = settings["backup.folder"]
    return [home.root] + ([Path(folder).expanduser()] if folder else [])


def open_alerts(session: Session, station_id: int) -> list[Alert]:
    """The alerts still open, oldest first."""
    return list(session.scalars(select(Alert).where(Alert.station_id == station_id,
                                                    Alert.resolved_at.is_(None))
                                .order_by(Alert.id)))


class Watcher:
    def __init__(self, ctx: StationPort, clock: Callable[[], datetime] = now_utc,
                 offair: OffAirMonitor | None = None):
        self.ctx = ctx
        self.settings = ctx.settings
        self.clock = clock
        self.started = clock()
        self.offair = offair

    def disks(self) -> list[Path]:
        return station_disks(self.settings, self.ctx.home)

    def check(self) -> list[Decision]:
        """Look once: record the faults found and queue their notices."""
        settings, now = self.settings, self.clock()
        limits = Limits(settings["alerts.daemon_down_seconds"], settings["alerts.unapproved_minutes"],
                        settings["alerts.disk_min_free_mb"])
        with self.ctx.session() as session:
            station = self.ctx.station(session)
            facts = gather(session, station, now, self.started, self.disks(), self._offair(session, station, now))
            found, settled = conditions(facts, limits)
            current = {a.key: OpenAlert(a.id, a.key, a.kind, a.last_notice_at, a.recovery)
                       for a in open_alerts(session, station.id)}
            one_offs = [c.key for c in found if not c.ongoing and c.key not in current]
            known = set(session.scalars(select(Alert.key).where(
                Alert.station_id == station.id, Alert.key.in_(one_offs)))) if one_offs else set()
            decisions = decide(found, settled, current, known, now,
                               timedelta(minutes=settings["alerts.repeat_minutes"]))
            if decisions:
                to = delivery.targets(session, station.id, settings)
                for decision in decisions:
                    self._apply(session, station, decision, now, to)
        return decisions

    def _offair(self, session: Session, station: Station, now: datetime) -> datetime | None:
        """Silence heard by the off-air monitor during an airing (counted from its start)."""
        if self.offair is None:
            return None
        since = self.offair.silent_since()
        beat = read_heartbeat(session, station.id, now)
        playing = beat.playing if beat is not None and beat.alive else None
        if since is None or not playing or not playing.get("started_at"):
            return None
        since = max(since, datetime.fromisoformat(playing["started_at"]))
        return since if now - since >= self.offair.threshold else None

    def _apply(self, session: Session, station: Station, decision: Decision, now: datetime,
               to: list[delivery.Target]) -> None:
        log.warning("alert %s %s: %s", decision.action, decision.key, decision.message)
        if decision.action == ALERT:
            alert = Alert(station_id=station.id, kind=decision.kind, key=decision.key,
                          message=decision.message, recovery=decision.recovery, opened_at=now,
                          last_notice_at=now, notices=1,
                          resolved_at=None if decision.ongoing else now)
            session.add(alert)
            session.flush()
        else:
            alert = session.get(Alert, decision.alert_id)
            if decision.action == REMINDER:
                alert.last_notice_at, alert.notices = now, alert.notices + 1
                alert.message = decision.message
            elif decision.action in (RECOVERY, QUIET):
                alert.resolved_at = now
        if decision.action != QUIET:
            delivery.queue(session, station.id, alert.id, decision.action,
                           messages.title(station.name, decision.kind, decision.action),
                           decision.message, to, now)

    def deliver(self) -> int:
        """Send every notice that is due (outside any transaction); return how many were sent."""
        with self.ctx.session() as session:
            station_id = self.ctx.station(session).id
            pending = [(d.id, d.target_key, d.title, d.body)
                       for d in delivery.due(session, station_id, self.clock())]
            by_key = {t.key: t for t in delivery.targets(session, station_id, self.settings)} \
                if pending else {}
        sent = 0
        for delivery_id, key, title, body in pending:
            target = by_key.get(key)
            if target is None:
                outcome = delivery.Outcome(False, "địa chỉ nhận đã bị gỡ khỏi danh sách")
            else:
                outcome = delivery.send(target.url, title, body)
            with self.ctx.session() as session:
                delivery.record(session, delivery_id, outcome, self.clock())
                if target is None:
                    row = session.get(delivery.AlertDelivery, delivery_id)
                    row.next_try_at, row.gave_up_at = None, self.clock()
            sent += outcome.ok
        return sent

    def test(self, actor: str) -> list[tuple[delivery.Target, delivery.Outcome]]:
        """Send a test notice to every target now (recorded like any delivery)."""
        now = self.clock()
        with self.ctx.session() as session:
            station = self.ctx.station(session)
            to = delivery.targets(session, station.id, self.settings)
            title = messages.title(station.name, "test", "test")
            body = (f"Thử gửi cảnh báo lúc {now.astimezone(ZoneInfo(station.timezone)):%H:%M:%S %d/%m/%Y}, "
                    f"do {actor} yêu cầu. Nếu nhận được tin này, đài sẽ báo cho bạn khi có sự cố.")
            rows = {d.target_key: d.id for d in
                    delivery.queue(session, station.id, None, "test", title, body, to, now)}
        results = []
        for target in to:
            outcome = delivery.send(target.url, title, body)
            with self.ctx.session() as session:
                delivery.record(session, rows[target.key], outcome, self.clock())
            results.append((target, outcome))
        return results

