"""The station's state for monitoring: `broadcaster status` prints it, `GET /suc-khoe` gives it
as JSON (the few fields that reveal nothing to anyone, the rest with the API token).
"""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from broadcaster.db.models import PlanStatus, Station
from broadcaster.db.queries import slot_ids
from broadcaster.db.watch_models import BackupRecord
from broadcaster.planning.versions import newest
from broadcaster.playout.heartbeat import read_heartbeat
from broadcaster.alerts.watcher import StationPort, open_alerts, station_disks

OK, DEGRADED, DOWN = "ok", "degraded", "down"


def check_database(url: str) -> str:
    """Try a real read and a tiny write (rolled back) in a new connection; "" when both work,
    else the reason in Vietnamese. Another process's broken view of the database (SQLite's
    `disk I/O error` after its -wal file was deleted) shows here and not in a pooled session."""
    engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": 5}
                           if url.startswith("sqlite") else {})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT count(*) FROM station")).scalar()
            if url.startswith("sqlite"):
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                connection.begin()
            connection.execute(text("UPDATE station SET name = name WHERE id = "
                                    "(SELECT min(id) FROM station)"))
            connection.rollback()
        return ""
    except SQLAlchemyError as exc:
        reason = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or ["lỗi không rõ"])[0]
        if "locked" in reason:
            return (f"cơ sở dữ liệu đang bận quá 5 giây ({reason[:150]}): một tiến trình khác giữ "
                    "quyền ghi; nếu kéo dài, hãy kiểm tra lệnh đang chạy.")
        return (f"các tiến trình khác không dùng được cơ sở dữ liệu ({reason[:150]}). Hãy dừng "
                "đài ('broadcaster run'), kiểm tra ổ đĩa và tệp cơ sở dữ liệu, rồi chạy lại; "
                "nếu tệp bị hỏng, khôi phục bản sao lưu mới nhất ('broadcaster restore').")
    finally:
        engine.dispose()


def disk(path: Path) -> dict:
    usage = shutil.disk_usage(path)
    return {"path": str(path), "free_mb": round(usage.free / 1_048_576),
            "total_mb": round(usage.total / 1_048_576)}


def station_health(session: Session, station: Station, now: datetime, disks: list[Path],
                   database_error: str, min_free_mb: int) -> dict:
    """Everything `broadcaster status` and the token holder of /suc-khoe see."""
    zone = ZoneInfo(station.timezone)
    beat = read_heartbeat(session, station.id, now)
    daemon = None if beat is None else {
        "alive": beat.alive, "pid": beat.pid, "host": beat.host,
        "heartbeat_age_seconds": round((now - beat.seen_at).total_seconds(), 1),
        "playing": beat.playing, "outputs": beat.outputs, "notes": beat.notes,
        "power": beat.power, "relays": beat.relays}
    next_slot = None
    if beat is not None and beat.alive and beat.next_slot:
        starts = datetime.fromisoformat(beat.next_slot["starts_at"])
        plan = newest(session, station.id, datetime.fromisoformat(beat.next_slot["air_date"]).date(),
                      slot_ids(session, station.id).get(beat.next_slot["slot"], -1))
        next_slot = {"slot": beat.next_slot["slot"], "starts_at": starts.astimezone(zone).isoformat(),
                     "approved": plan is not None and plan.status is PlanStatus.APPROVED}
    backup = session.scalar(select(BackupRecord).where(BackupRecord.station_id == station.id,
                                                       BackupRecord.ended_at.is_not(None))
                            .order_by(BackupRecord.id.desc()).limit(1))
    alerts = [{"kind": a.kind, "message": a.message, "since": a.opened_at.astimezone(zone).isoformat()}
              for a in open_alerts(session, station.id)]
    disks_found = [disk(p) for p in disks if p.exists()]
    problems = bool(alerts) or any(d["free_mb"] < min_free_mb for d in disks_found)
    state = (DOWN if database_error or daemon is None or not daemon["alive"]
             else DEGRADED if problems else OK)
    return {"status": state, "station": station.name, "at": now.astimezone(zone).isoformat(),
            "database": database_error or "ok", "daemon": daemon, "next_slot": next_slot,
            "disks": disks_found,
            "last_backup": None if backup is None else {
                "at": backup.started_at.astimezone(zone).isoformat(), "ok": backup.ok,
                "path": backup.path, "error": backup.error},
            "open_alerts": alerts}


def public(full: dict) -> dict:
    """The fields anyone may see: nothing about the station's content, names or paths."""
    daemon = full.get("daemon")
    age = daemon and daemon["heartbeat_age_seconds"]
    return {"status": full["status"],
            "heartbeat": "none" if daemon is None else "fresh" if age is not None and age < 10
            else "stale",
            "database": "ok" if full["database"] == "ok" else "error"}


def down(database_error: str) -> dict:
    """The answer when the database cannot be read at all."""
    return {"status": DOWN, "database": database_error, "daemon": None, "next_slot": None,
            "disks": [], "last_backup": None, "open_alerts": []}


def report(ctx: StationPort) -> dict:
    """The station's full state, whatever state its database is in."""
    problem = check_database(ctx.settings.database_url)
    try:
        with ctx.session() as session:
            return station_health(session, ctx.station(session), datetime.now(timezone.utc),
                                  station_disks(ctx.settings, ctx.home), problem,
                                  ctx.settings["alerts.disk_min_free_mb"])
    except SQLAlchemyError:
        return down(problem or "không đọc được cơ sở dữ liệu")
