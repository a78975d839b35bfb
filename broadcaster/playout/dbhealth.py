"""Whether other processes can use the station's database, and mending SQLite when they cannot.

The daemon's own connections can keep working while nobody else's does: when the database's
`-wal` file is deleted under a running station, the daemon still writes through the file it has
open, and every new connection (the web page, the CLI, `broadcaster status`) gets `disk I/O
error`. So the daemon checks now and then with a new connection, as another process would, and
when that fails it checkpoints its WAL into the database and lets go of its connections, which
is what brings an SQLite database back for everyone.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from broadcaster.db.engine import make_engine

log = logging.getLogger(__name__)


def others_can_read(url: str) -> str | None:
    """Read the station table through a new connection; the error (one line), or None."""
    engine = make_engine(url, pooled=False)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT count(*) FROM station")).scalar()
    except SQLAlchemyError as exc:
        return str(getattr(exc, "orig", exc)).strip().splitlines()[0][:200]
    finally:
        engine.dispose()
    return None


def mend(engine: Engine, attempts: int = 20) -> None:
    """Checkpoint this process's WAL into the database file and close its connections (SQLite).

    Only a connection opened before the fault still sees the WAL: one opened since (when the
    pool's were all in use) fails, and the next attempt takes another.
    """
    if engine.dialect.name != "sqlite":
        return
    for _ in range(attempts):
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            break
        except SQLAlchemyError as exc:
            problem = exc
            time.sleep(0.05)
    else:
        log.error("cannot checkpoint the database: %s", problem)
    engine.dispose()
