"""A station's backup, recorded: what `broadcaster backup` and the watcher's daily job run."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from broadcaster.backup.archive import BackupError, Made, make_backup
from broadcaster.db.models import Station
from broadcaster.db.watch_models import BackupRecord
from broadcaster.home import Home
from broadcaster.settings import Settings


class StationPort(Protocol):
    settings: Settings
    home: Home
    engine: Engine

    def session(self) -> AbstractContextManager[Session]: ...

    def station(self, session: Session) -> Station: ...


def backup_folder(settings: Settings, home: Home) -> Path:
    """Where the daily backups go: `backup.folder`, else `<home>/backups`."""
    return Path(settings["backup.folder"]).expanduser() if settings["backup.folder"] else home.backups


def backup_station(ctx: StationPort, folder: Path | None = None) -> Made:
    """Make, prove and rotate one backup; record it (a failure too) in backup_record."""
    now = datetime.now(timezone.utc)
    with ctx.session() as session:
        station = ctx.station(session)
        code, zone = station.code, ZoneInfo(station.timezone)
        record = BackupRecord(station_id=station.id, started_at=now)
        session.add(record)
        session.flush()
        record_id = record.id
    with ctx.engine.connect() as connection:
        revision = MigrationContext.configure(connection).get_current_revision() or ""
    try:
        made = make_backup(ctx.home, ctx.settings.database_url, code, revision,
                           folder or backup_folder(ctx.settings, ctx.home),
                           ctx.settings["backup.keep"], now.astimezone(zone).date(), now)
    except BackupError as exc:
        with ctx.session() as session:
            row = session.get(BackupRecord, record_id)
            row.ended_at, row.ok, row.error = datetime.now(timezone.utc), False, str(exc)
        raise
    with ctx.session() as session:
        row = session.get(BackupRecord, record_id)
        row.ended_at, row.ok, row.path = datetime.now(timezone.utc), True, str(made.path)
        row.size_bytes, row.tables = made.size_bytes, {k: v[0] for k, v in made.tables.items()}
    return made
