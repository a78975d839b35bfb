"""The database busy while a slot airs: audio goes on, and the as-run log tells the truth afterwards.

Another process (the web page, a render from the CLI) may hold SQLite's write lock for longer than
the busy timeout. The daemon must not wait for it to start or to keep playing, must not leave the
row open or ffmpeg running, and must write what really aired once the database is writable again.
"""

from __future__ import annotations

import sqlite3
import sys
import time
from datetime import datetime, timedelta, timezone

import pytest

from broadcaster.db.models import AsRunStatus

from tests.playout.conftest import decode_seconds, ffmpeg_children

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def sleep_until(when: datetime) -> None:
    time.sleep(max(0.0, (when - datetime.now(timezone.utc)).total_seconds()))


def test_a_slot_airs_through_a_long_write_lock_and_is_logged_truthfully_afterwards(
        plant, daemon_factory, monkeypatch):
    monkeypatch.setattr("broadcaster.db.engine.BUSY_TIMEOUT_MS", 500)  # "database is locked" soon
    air_date, starts = plant.slot("khoa", 5, length=60, grace=30)
    plant.plan("khoa", air_date, seconds=6)  # items at 0.5 s and 3.0 s, 2.5 s each
    daemon = daemon_factory()
    sleep_until(starts - timedelta(seconds=2))
    # Held from before the STARTED row is due until after the programme has ended.
    locker = sqlite3.connect(str(plant.home / "station.db"), isolation_level=None, timeout=30)
    locker.execute("BEGIN IMMEDIATE")
    try:
        sleep_until(starts + timedelta(seconds=8))
        assert daemon.air.current is None  # the programme ended and gave the air back
        assert ffmpeg_children() == []      # no encoder left holding a sound card or a file
        released_at = datetime.now(timezone.utc)
    finally:
        locker.execute("COMMIT")
        locker.close()
    row = plant.closed_slot("khoa", 30)
    assert row.status is AsRunStatus.PLAYED, row.error
    assert abs(row.played_ms - 6000) < 150 and row.outputs == ["aircheck"]
    assert row.started_at < released_at  # the true start, not when the row could be written
    items = plant.rows(kind="item", parent_id=row.id)
    assert [(i.status, i.offset_ms) for i in items] == [(AsRunStatus.PLAYED, 500),
                                                        (AsRunStatus.PLAYED, 3000)]
    assert all(i.ended_at for i in items)
    [recording] = sorted((plant.home / "aircheck" / air_date.isoformat()).glob("*.mp3"))
    seconds, _ = decode_seconds(recording)
    assert abs(seconds - 6.0) < 0.3


def test_progress_while_the_database_is_busy_is_skipped_not_waited_for(plant, daemon_factory,
                                                                       monkeypatch):
    monkeypatch.setattr("broadcaster.db.engine.BUSY_TIMEOUT_MS", 500)
    air_date, starts = plant.slot("giua", 4, length=60, grace=30)
    plant.plan("giua", air_date, seconds=7)
    daemon_factory()
    sleep_until(starts + timedelta(seconds=1))
    locker = sqlite3.connect(str(plant.home / "station.db"), isolation_level=None, timeout=30)
    locker.execute("BEGIN IMMEDIATE")
    sleep_until(starts + timedelta(seconds=4))
    locker.execute("COMMIT")
    locker.close()
    row = plant.closed_slot("giua", 30)
    assert row.status is AsRunStatus.PLAYED, row.error
    assert abs(row.played_ms - 7000) < 150
    assert [i.status for i in plant.rows(kind="item", parent_id=row.id)] == [AsRunStatus.PLAYED] * 2
