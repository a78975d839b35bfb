"""A database that breaks under a running daemon: the daemon notices others cannot use it and
mends it, losing nothing."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time

from broadcaster.db.models import AsRunStatus


def fresh_read(database) -> int | str:
    """What a new process gets: the number of as-run rows, or its error."""
    try:
        with sqlite3.connect(database, timeout=2) as connection:
            return connection.execute("SELECT count(*) FROM as_run").fetchone()[0]
    except sqlite3.Error as exc:
        return str(exc)


def test_a_deleted_wal_is_noticed_and_mended_while_audio_goes_on(plant, tmp_path):
    plant.configure("[playout]\nreconcile_seconds = 2")
    air_date, _ = plant.slot("wal", 4)
    plant.plan("wal", air_date, seconds=3)
    log_path = tmp_path / "daemon.log"
    log = open(log_path, "wb")
    daemon = subprocess.Popen([sys.executable, "-m", "broadcaster", "--home", str(plant.home),
                               "playout", "--output", "aircheck"], stdout=log,
                              stderr=subprocess.STDOUT)
    try:
        assert plant.closed_slot("wal", 30).status is AsRunStatus.PLAYED
        rows = len(plant.rows())
        plant.ctx.engine.dispose()  # this test process lets go too, as a page request would
        database = plant.home / "station.db"
        (plant.home / "station.db-wal").unlink()
        assert "disk I/O error" in str(fresh_read(database))  # the fault: nobody else can read
        deadline = time.monotonic() + 30
        while isinstance(fresh_read(database), str) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert fresh_read(database) == rows  # usable again, and nothing lost
        assert daemon.poll() is None  # the daemon kept running
        text = log_path.read_text(encoding="utf-8")
        assert "cannot be used by other processes" in text and "is usable again" in text
    finally:
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(30) == 0
        log.close()
