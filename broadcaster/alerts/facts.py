"""Read what the rules need from the database and the disk: the I/O edge of the watcher."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcaster.alerts.rules import (Backup, BadRow, DeadAir, Disk, Facts, PowerFault, Relay,
                                      RenderFailure, Upcoming)
from broadcaster.db.models import AsRun, AsRunStatus, AuditEvent, DayPlan, PlanStatus, Station
from broadcaster.db.queries import slot_ids, station_schedule
from broadcaster.db.watch_models import BackupRecord, PowerSwitch
from broadcaster.planning.day import PREPARE_FAILED, RENDER_FAILED
from broadcaster.planning.versions import newest_versions
from broadcaster.playout.asrun import EMERGENCY_CUT
from broadcaster.playout.heartbeat import read_heartbeat
from broadcaster.playout.reconcile import local_days
from broadcaster.schedule import expand_day

LOOK_BACK = timedelta(hours=24)      # faults older than this when the watcher starts are not told
BAD = (AsRunStatus.MISSED, AsRunStatus.FAILED, AsRunStatus.PARTIAL, AsRunStatus.INTERRUPTED)


def gather(session: Session, station: Station, now: datetime, watch_started: datetime,
           disks: list[Path], offair_silent_since: datetime | None = None) -> Facts:
    beat = read_heartbeat(session, station.id, now)
    since = now - LOOK_BACK
    rows = list(session.scalars(select(AsRun).where(
        AsRun.station_id == station.id, AsRun.kind == "slot", AsRun.created_at >= since)
        .order_by(AsRun.id)))
    titles = _slot_titles(session, station)
    return Facts(
        now=now, zone=station.timezone, station=station.name, watch_started=watch_started,
        heartbeat_seen=beat.seen_at if beat is not None else None,
        bad_rows=[_bad(row, titles) for row in rows if _is_bad(row)],
        upcoming=_upcoming(session, station, now),
        dead_air=[span for row in rows for span in _dead_air(row, titles)],
        offair_silent_since=offair_silent_since,
        render_failures=_render_failures(session, station, now, titles),
        relays=[_relay(r) for r in (beat.relays if beat is not None and beat.alive else [])],
        disks=[_disk(path) for path in disks if path.exists()],
        backup=_backup(session, station.id), power=_power(session, station.id))


def _slot_titles(session: Session, station: Station) -> dict[str, str]:
    return {spec.name: spec.title for spec in station_schedule(session, station).slots}


def _is_bad(row: AsRun) -> bool:
    if row.status not in BAD or row.ended_at is None:
        return False
    # An operator's emergency cut is on purpose (the resume policy follows): not a fault.
    return not (row.status is AsRunStatus.INTERRUPTED and row.error.startswith(EMERGENCY_CUT))


def _bad(row: AsRun, titles: dict[str, str]) -> BadRow:
    return BadRow(row.id, titles.get(row.slot_name, row.title or row.slot_name) if
                  row.slot_name else row.title, row.air_date,
                  row.scheduled_at or row.started_at or row.ended_at, row.status.value, row.error,
                  row.trigger.value)


def _upcoming(session: Session, station: Station, now: datetime) -> list[Upcoming]:
    """Slot instances with a plan from six hours ago to tomorrow: approved or not."""
    days = local_days(now, station.timezone)
    newest = newest_versions(session, station.id, DayPlan.air_date.in_(days))
    ids = slot_ids(session, station.id)
    found = []
    for day in days:
        for instance in expand_day(station_schedule(session, station), day):
            plan = newest.get((day, ids.get(instance.slot.name)))
            if plan is None or instance.starts_at < now - timedelta(hours=6):
                continue
            found.append(Upcoming(instance.slot.name, instance.slot.title, day,
                                  instance.starts_at, plan.status is PlanStatus.APPROVED))
    return found


def _dead_air(row: AsRun, titles: dict[str, str]) -> list[DeadAir]:
    if not row.notes or row.started_at is None:
        return []
    slot = titles.get(row.slot_name, row.title) if row.slot_name else row.title
    return [DeadAir(row.id, slot, row.air_date,
                    row.started_at + timedelta(milliseconds=note["at_ms"] - (row.offset_ms or 0)),
                    note["ms"] / 1000, bool(note["ongoing"]) and row.ended_at is None)
            for note in row.notes if note.get("kind") == "dead_air"]


def _render_failures(session: Session, station: Station, now: datetime,
                     titles: dict[str, str]) -> list[RenderFailure]:
    days = local_days(now, station.timezone)[1:]   # today and tomorrow
    ids = {slot_id: name for name, slot_id in slot_ids(session, station.id).items()}
    found = []
    for plan in newest_versions(session, station.id, DayPlan.air_date.in_(days), live=True).values():
        for warning in plan.warnings:
            if warning.startswith(RENDER_FAILED):
                slot = titles.get(ids.get(plan.slot_id, ""), "")
                found.append(RenderFailure(f"plan:{plan.id}", f"{slot} ngày {plan.air_date:%d/%m/%Y}",
                                           warning))
                break
    for event in session.scalars(select(AuditEvent).where(
            AuditEvent.station_id == station.id, AuditEvent.action == PREPARE_FAILED,
            AuditEvent.at >= now - LOOK_BACK).order_by(AuditEvent.id)):
        day = (event.after or {}).get("day", "")
        found.append(RenderFailure(f"audit:{event.id}", f"Chuẩn bị kế hoạch tự động ({_day_word(day)})",
                                   f"không thành công: {event.comment}"))
    return found


def _day_word(day: str) -> str:
    return {"today": "hôm nay", "tomorrow": "ngày mai"}.get(day, day)


def _relay(state: dict) -> Relay:
    since = state.get("since")
    return Relay(str(state.get("channel", "")), state.get("state") == "down",
                 datetime.fromisoformat(since) if since else None, str(state.get("error", "")))


def _disk(path: Path) -> Disk:
    usage = shutil.disk_usage(path)
    return Disk(str(path), usage.free / 1_048_576, usage.total / 1_048_576)


def _backup(session: Session, station_id: int) -> Backup | None:
    record = session.scalar(select(BackupRecord).where(
        BackupRecord.station_id == station_id, BackupRecord.ended_at.is_not(None))
        .order_by(BackupRecord.id.desc()).limit(1))
    return None if record is None else Backup(record.ok, record.started_at, record.error)


def _power(session: Session, station_id: int) -> PowerFault | None:
    newest = session.scalar(select(PowerSwitch).where(PowerSwitch.station_id == station_id)
                            .order_by(PowerSwitch.id.desc()).limit(1))
    return None if newest is None or newest.ok else PowerFault(newest.at, newest.state, newest.error)
