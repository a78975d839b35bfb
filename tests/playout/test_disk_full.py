"""A station home that fills up while a programme airs: no false rows, no double play.

The home is a small tmpfs, filled to the last byte once audio is under way, so that neither the
database nor a new file can take a byte; the air-check recording goes to another disk (a link),
as the sound card would not care. The journal's pages were reserved before, and are written in
place.
"""

from __future__ import annotations

import errno
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone

import pytest

from broadcaster.db.models import AsRunStatus
from broadcaster.db.playout_models import PlayoutProgress


@pytest.fixture
def home(tmp_path):
    """The station home on its own 64 MB disk (tmpfs), unmounted afterwards."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(disk)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"cannot mount a tmpfs for the full-disk test: {mounted.stderr}")
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield disk / "station"
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


class Filler:
    """Keep a disk full to the last byte: whatever space is freed (SQLite giving back a page, a
    file removed) is taken again within 20 ms, as by another program writing without pause."""

    def __init__(self, folder, database):
        with sqlite3.connect(database, timeout=10) as connection:  # the WAL keeps its size, so
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # cut it: commits need space
        self.path = folder / "filler"
        self._stop = threading.Event()
        self._handle = open(self.path, "wb", buffering=0)
        self._take()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _take(self) -> None:
        for size in (1 << 20, 1 << 12, 1):
            try:
                while True:
                    self._handle.write(b"\0" * size)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC, exc

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self._take()

    def release(self) -> None:
        self._stop.set()
        self._thread.join()
        self._handle.close()
        self.path.unlink(missing_ok=True)


def start_daemon(home, log):
    return subprocess.Popen([sys.executable, "-m", "broadcaster", "--home", str(home), "playout",
                             "--output", "aircheck"], stdout=log, stderr=subprocess.STDOUT)


def progress_of(plant, name: str) -> int:
    rows = plant.rows(kind="slot", slot_name=name)
    if not rows:
        return 0
    with plant.ctx.session() as session:
        marker = session.get(PlayoutProgress, rows[0].id)
        return marker.played_ms if marker else 0


@pytest.mark.parametrize("ending", ["killed", "stopped"])
def test_an_airing_through_a_full_disk_is_logged_whole_and_not_aired_again(plant, tmp_path, ending):
    plant.configure('[playout]\nresume = "resume-item"\nreconcile_seconds = 2')
    elsewhere = tmp_path / "aircheck"
    elsewhere.mkdir()
    (plant.home / "aircheck").symlink_to(elsewhere)
    air_date, starts = plant.slot("day", 6, length=120, grace=60)
    plant.plan("day", air_date, seconds=10)  # items of 4.5 s at 0.5 s and 5.0 s
    log = open(tmp_path / "daemon.log", "wb")
    first = start_daemon(plant.home, log)
    try:
        plant.wait_for(lambda: progress_of(plant, "day") >= 1000, 40, "audio under way")
        filler = Filler(plant.home.parent, plant.home / "station.db")
        end = starts + timedelta(seconds=12)
        plant.wait_for(lambda: datetime.now(timezone.utc) > end, 30, "the programme to end")
        if ending == "killed":
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        else:
            first.send_signal(signal.SIGTERM)
            assert first.wait(60) == 0
    finally:
        if "filler" in locals():
            filler.release()
        if first.poll() is None:
            first.kill()
    [open_or_cut] = plant.rows(kind="slot", slot_name="day")
    assert open_or_cut.status is not AsRunStatus.PLAYED  # the database did not get the end
    second = start_daemon(plant.home, log)
    try:
        row = plant.wait_for(lambda: [r for r in plant.rows(kind="slot", slot_name="day")
                                      if r.status is AsRunStatus.PLAYED], 30, "the airing logged")[0]
        assert row.id == open_or_cut.id, "aired again: the first airing was logged cut"
        assert abs(row.played_ms - 10000) < 400
        items = plant.rows(kind="item", parent_id=row.id)
        assert [i.status for i in items] == [AsRunStatus.PLAYED, AsRunStatus.PLAYED]
        plant.wait_for(lambda: datetime.now(timezone.utc) > end + timedelta(seconds=6), 30, "")
        assert len(plant.rows(kind="slot", slot_name="day")) == 1  # nothing aired again
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(30) == 0
        log.close()
