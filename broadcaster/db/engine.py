"""Create the database engine and sessions."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from broadcaster.errors import ConfigError

BUSY_TIMEOUT_MS = 10_000


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str, pooled: bool = True) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout on every connection.

    `pooled=False` opens a new connection each time (as a new process would: a health check).
    """
    pool = {} if pooled else {"poolclass": NullPool}
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, **pool)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True, **pool)
    except ModuleNotFoundError as exc:
        raise ConfigError(f"Lỗi cấu hình: 'database_url' cần thư viện {exc.name}, chưa được cài. "
                          "Với PostgreSQL: pip install '.[postgresql]' (psycopg).") from None
    except ArgumentError:
        raise ConfigError("Lỗi cấu hình: 'database_url' không phải địa chỉ cơ sở dữ liệu hợp lệ "
                          "(ví dụ: postgresql+psycopg://radio:matkhau@localhost/radio).") from None


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
