"""One backup archive: write it, prove it by restoring it, rotate; and restore a station from one.

An archive is a zip file (permissions 0600) named `broadcaster-<station>-<YYYYmmdd-HHMMSS>.zip`:

- `manifest.json`: the station, the time, the database kind, the schema revision and the digest
  of every table (rows, SHA-256) taken from the live database in the dump's own snapshot;
- `station.db` (SQLite, the online backup API) or `station.pgdump` (PostgreSQL, pg_dump);
- `broadcaster.toml`, `secret_key`, `health_token`: the settings and the station's keys;
- `recordings/`: the uploaded recordings; `programmes/<date>/`: the programmes of today and
  later, so approved plans still air from a restored home.

The clip cache, older programmes and air-check recordings are left out: they are made again
(clips, programmes) or are not needed to run the station (air-checks; the as-run log is in the
database).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from broadcaster.backup import database as db
from broadcaster.backup.rotate import archive_name, to_delete
from broadcaster.errors import BroadcasterError
from broadcaster.home import PROGRAMMES, RECORDINGS, Home

log = logging.getLogger(__name__)
FORMAT = 1
KEYS = ("broadcaster.toml", "secret_key", "health_token")


class BackupError(BroadcasterError):
    """A backup or a restore could not be made (the message says why)."""


@dataclass(frozen=True)
class Made:
    path: Path
    size_bytes: int
    tables: dict[str, list]
    deleted: list[str]


def make_backup(home: Home, database_url: str, station_code: str, revision: str, folder: Path,
                keep: int, today: date, now: datetime | None = None) -> Made:
    """Write one archive into `folder`, prove it by restoring it, then delete the oldest ones."""
    now = now or datetime.now(timezone.utc)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".backup-", dir=folder))
    except OSError as exc:
        raise BackupError(f"không ghi được vào thư mục sao lưu {folder} ({exc.strerror or exc})") from None
    try:
        try:
            if database_url.startswith("sqlite"):
                dump, tables = db.dump_sqlite(database_url, work)
            else:
                dump, tables = db.dump_postgres(database_url, work)
        except db.DumpError as exc:
            raise BackupError(str(exc)) from None
        manifest = {"format": FORMAT, "station": station_code, "created_at": now.isoformat(),
                    "database": dump.name, "revision": revision, "tables": tables}
        final = folder / archive_name(station_code, now.strftime("%Y%m%d-%H%M%S"))
        partial = work / (final.name + ".part")
        try:
            _write(partial, manifest, dump, home, today)
            _prove(partial, database_url, tables)
            os.replace(partial, final)
        except OSError as exc:
            raise BackupError(f"không ghi được bản sao lưu {final} ({exc.strerror or exc})") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    deleted = []
    for name in to_delete([p.name for p in folder.iterdir()], station_code, keep):
        (folder / name).unlink(missing_ok=True)
        deleted.append(name)
    return Made(final, final.stat().st_size, tables, deleted)


def _write(path: Path, manifest: dict, dump: Path, home: Home, today: date) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
    with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
        archive.write(dump, dump.name)
        for name in KEYS:
            if (home.root / name).is_file():
                archive.write(home.root / name, name)
        for file in _files(home.recordings):
            archive.write(file, file.relative_to(home.root).as_posix(), zipfile.ZIP_STORED)
        if home.programmes.is_dir():
            for day in sorted(home.programmes.iterdir()):
                if day.is_dir() and day.name >= today.isoformat():
                    for file in _files(day):
                        archive.write(file, file.relative_to(home.root).as_posix(),
                                      zipfile.ZIP_STORED)


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


def _prove(path: Path, database_url: str, expected: dict[str, list]) -> None:
    """Restore the archive's database into a temporary one; it must equal the live snapshot."""
    with tempfile.TemporaryDirectory(prefix="broadcaster-check-") as scratch:
        manifest, dump = _extract_database(path, Path(scratch))
        try:
            found = (db.check_sqlite(dump) if dump.name == db.SQLITE_NAME
                     else db.check_postgres(database_url, dump))
        except db.DumpError as exc:
            raise BackupError(f"khôi phục thử không thành công: {exc}") from None
    problems = db.differences(expected, found)
    if problems:
        raise BackupError("bản sao lưu khôi phục thử không khớp với cơ sở dữ liệu: "
                          + "; ".join(problems[:5]))


def _extract_database(path: Path, into: Path) -> tuple[dict, Path]:
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            name = manifest["database"]
            if name not in (db.SQLITE_NAME, db.POSTGRES_NAME):
                raise KeyError(name)
            archive.extract(name, into)
            return manifest, into / name
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise BackupError(f"tệp {path} không phải bản sao lưu của đài hoặc đã hỏng ({exc})") from None


def read_manifest(path: Path) -> dict:
    """The manifest of an archive, or BackupError."""
    try:
        with zipfile.ZipFile(path) as archive:
            return json.loads(archive.read("manifest.json"))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise BackupError(f"tệp {path} không phải bản sao lưu của đài hoặc đã hỏng ({exc})") from None


def restore(path: Path, home: Home, database_url: str, now: datetime | None = None) -> dict:
    """Put an archive back into a station home that is not running; return its manifest.

    The archive is proven first (its database restored into a temporary one must match its
    manifest). Nothing is lost: the database, settings and keys being replaced are kept beside
    them as `*.before-restore-<time>`.
    """
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%d-%H%M%S")
    manifest = read_manifest(path)
    home.root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="broadcaster-restore-", dir=home.root) as scratch:
        _, dump = _extract_database(path, Path(scratch))
        kind_is_sqlite = dump.name == db.SQLITE_NAME
        if kind_is_sqlite != database_url.startswith("sqlite"):
            raise BackupError("bản sao lưu là của cơ sở dữ liệu "
                              + ("SQLite" if kind_is_sqlite else "PostgreSQL")
                              + " nhưng 'database_url' của đài này là loại khác.")
        try:
            if kind_is_sqlite:
                found = db.check_sqlite(dump)
            else:
                found = db.check_postgres(database_url, dump)
        except db.DumpError as exc:
            raise BackupError(f"bản sao lưu không khôi phục được: {exc}") from None
        problems = db.differences(manifest["tables"], found)
        if problems:
            raise BackupError("bản sao lưu bị hỏng: " + "; ".join(problems[:5]))
        try:
            if kind_is_sqlite:
                _replace_sqlite(db.sqlite_path(database_url), dump, stamp)
            else:
                db.dump_postgres_to(database_url, home.root / f"station.pgdump.before-restore-{stamp}")
                db.restore_postgres(database_url, dump)
        except db.DumpError as exc:
            raise BackupError(str(exc)) from None
        with zipfile.ZipFile(path) as archive:
            for name in KEYS:
                if name in archive.namelist():
                    _keep(home.root / name, stamp)
                    archive.extract(name, home.root)
                    if name != "broadcaster.toml":
                        (home.root / name).chmod(0o600)
            for member in archive.namelist():
                if member.startswith((RECORDINGS + "/", PROGRAMMES + "/")) and ".." not in member:
                    archive.extract(member, home.root)
    return manifest


def _keep(path: Path, stamp: str) -> None:
    if path.exists():
        os.replace(path, path.with_name(f"{path.name}.before-restore-{stamp}"))


def _replace_sqlite(live: Path, copy: Path, stamp: str) -> None:
    """Keep the live database (with its WAL) as before-restore files, then put the copy in."""
    for suffix in ("", "-wal", "-shm"):
        _keep(live.with_name(live.name + suffix), stamp)
    live.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(copy, live.with_name(live.name + ".restoring"))
    os.replace(live.with_name(live.name + ".restoring"), live)
