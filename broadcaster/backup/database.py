"""The database part of a backup: a consistent dump, its digest, and a restore into a temporary
database to prove it.

The digest (rows and a SHA-256 per table) is taken from the live database inside the very
snapshot the dump is made from: SQLite's online backup API copies the pages seen by a read
transaction that also computes the digest; PostgreSQL's pg_dump is given the snapshot exported
by the REPEATABLE READ transaction that computes it (`--snapshot`). Restoring the dump into a
temporary database must then give the same digest, table for table: the live database may move
on while the backup runs, but what is compared is the live database at that one moment.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import uuid
from contextlib import closing
from pathlib import Path
from typing import Callable, Iterable

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from broadcaster.db.base import Base
from broadcaster.errors import BroadcasterError

SQLITE_NAME, POSTGRES_NAME = "station.db", "station.pgdump"


class DumpError(BroadcasterError):
    """A dump or a restore of the database failed (the message says why)."""


def _tables() -> list[tuple[str, list[str]]]:
    found = [(t.name, [c.name for c in t.primary_key.columns]) for t in Base.metadata.sorted_tables]
    return found + [("alembic_version", ["version_num"])]


def digest(query: Callable[[str], Iterable[tuple]]) -> dict[str, list]:
    """table -> [rows, sha256 of its rows in primary-key order]."""
    found = {}
    for name, keys in _tables():
        order = ", ".join(f'"{k}"' for k in keys)
        hashed, count = hashlib.sha256(), 0
        for row in query(f'SELECT * FROM "{name}" ORDER BY {order}'):
            hashed.update(repr(tuple(row)).encode("utf-8"))
            count += 1
        found[name] = [count, hashed.hexdigest()]
    return found


def differences(expected: dict[str, list], found: dict[str, list]) -> list[str]:
    """The tables whose rows differ, in Vietnamese (empty when equal)."""
    said = []
    for name in sorted(set(expected) | set(found)):
        want, got = expected.get(name), found.get(name)
        if want != got:
            said.append(f"bảng {name}: {want[0] if want else 'không có'} dòng lúc sao lưu, "
                        f"{got[0] if got else 'không có'} dòng khi khôi phục thử"
                        + (" (nội dung khác)" if want and got and want[0] == got[0] else ""))
    return said


# --- SQLite --------------------------------------------------------------------------------------

def sqlite_path(url: str) -> Path:
    return Path(make_url(url).database)


def dump_sqlite(url: str, folder: Path) -> tuple[Path, dict[str, list]]:
    """Copy the live database with the online backup API; its digest from the same snapshot."""
    target = folder / SQLITE_NAME
    with closing(sqlite3.connect(sqlite_path(url), timeout=30, isolation_level=None)) as live:
        live.execute("BEGIN")  # one read snapshot for the digest and the copy
        try:
            manifest = digest(lambda sql: live.execute(sql))
            with closing(sqlite3.connect(target)) as copy:
                live.backup(copy, pages=-1)
        except sqlite3.Error as exc:
            raise DumpError(f"không sao chép được cơ sở dữ liệu ({exc})") from None
        finally:
            live.execute("COMMIT")
    return target, manifest


def check_sqlite(path: Path) -> dict[str, list]:
    """Open a restored copy, check its integrity and give its digest."""
    try:
        with closing(sqlite3.connect(path)) as copy:
            verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
            if verdict != "ok":
                raise DumpError(f"bản sao cơ sở dữ liệu bị hỏng ({verdict[:120]})")
            return digest(lambda sql: copy.execute(sql))
    except sqlite3.Error as exc:
        raise DumpError(f"không mở được bản sao cơ sở dữ liệu ({exc})") from None


# --- PostgreSQL ----------------------------------------------------------------------------------

def _libpq(url: str, database: str | None = None) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password (kept off the process list) and the environment with it."""
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    return parsed.set(password=None).render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, errors="replace",
                              timeout=3600)
    except FileNotFoundError:
        raise DumpError(f"không có chương trình {command[0]} (cài gói postgresql-client)") from None
    if done.returncode != 0:
        said = (done.stderr.strip().splitlines() or ["lỗi không rõ"])[-1][:200]
        raise DumpError(f"{what} không thành công: {said}")


def dump_postgres(url: str, folder: Path) -> tuple[Path, dict[str, list]]:
    """pg_dump in the snapshot of a REPEATABLE READ transaction that also takes the digest."""
    target = folder / POSTGRES_NAME
    engine = create_engine(url)
    try:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as live:
            snapshot = live.execute(text("SELECT pg_export_snapshot()")).scalar()
            manifest = digest(lambda sql: live.exec_driver_sql(sql))
            libpq, env = _libpq(url)
            _run(["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}",
                  f"--file={target}", f"--dbname={libpq}"], env, "pg_dump")
    finally:
        engine.dispose()
    return target, manifest


def check_postgres(url: str, dump: Path) -> dict[str, list]:
    """Restore a dump into a temporary database on the same server and give its digest."""
    name = f"broadcaster_check_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        raise DumpError(f"không tạo được cơ sở dữ liệu tạm để khôi phục thử (người dùng cần quyền "
                        f"CREATEDB): {str(getattr(exc, 'orig', exc)).strip()[:150]}") from None
    try:
        libpq, env = _libpq(url, name)
        _run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={libpq}", str(dump)], env,
             "khôi phục thử (pg_restore)")
        restored = create_engine(make_url(url).set(database=name))
        try:
            with restored.connect() as connection:
                return digest(lambda sql: connection.exec_driver_sql(sql))
        finally:
            restored.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def restore_postgres(url: str, dump: Path) -> None:
    """Replace the station's PostgreSQL database with the dump (its tables dropped first)."""
    libpq, env = _libpq(url)
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error",
          f"--dbname={libpq}", str(dump)], env, "khôi phục (pg_restore)")


def dump_postgres_to(url: str, target: Path) -> None:
    """A plain dump of the live PostgreSQL database (kept before a restore replaces it)."""
    libpq, env = _libpq(url)
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", f"--dbname={libpq}"],
         env, "pg_dump")
