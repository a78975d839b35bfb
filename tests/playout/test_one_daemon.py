"""One playout daemon per station: a file lock in the station home, and the heartbeat's pid."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from broadcaster.station.context import StationContext
from broadcaster.db.playout_models import PlayoutHeartbeat
from broadcaster.playout.daemon import Daemon
from broadcaster.playout.errors import PlayoutError
from broadcaster.playout.heartbeat import read_heartbeat


def age_heartbeat(plant, seconds: float = 120) -> None:
    """Make the heartbeat look stale (a daemon stuck on a busy database does not write it)."""
    with plant.ctx.session() as session:
        session.execute(update(PlayoutHeartbeat).values(
            seen_at=datetime.now(timezone.utc) - timedelta(seconds=seconds)))


def plant_heartbeat(plant, pid: int, started_at: datetime) -> None:
    with plant.ctx.session() as session:
        station = plant.ctx.station(session)
        session.merge(PlayoutHeartbeat(station_id=station.id, pid=pid, host=socket.gethostname(),
                                       started_at=started_at,
                                       seen_at=datetime.now(timezone.utc) - timedelta(minutes=5),
                                       state={"instance": "old"}))


def test_a_second_daemon_is_refused_even_when_the_first_ones_heartbeat_is_stale(plant, daemon_factory):
    daemon_factory()
    age_heartbeat(plant)
    with pytest.raises(PlayoutError, match="đang chạy") as refused:
        Daemon(StationContext(str(plant.home)), ["aircheck"]).start()
    assert "playout.lock" in str(refused.value)


def test_the_lock_is_given_back_when_the_daemon_stops(plant, daemon_factory):
    first = daemon_factory()
    first.stop()
    age_heartbeat(plant)
    daemon_factory()  # starts: nothing holds the lock any more


def test_a_live_pid_on_this_host_from_a_stale_heartbeat_is_refused(plant):
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        plant_heartbeat(plant, sleeper.pid, datetime.now(timezone.utc))
        with pytest.raises(PlayoutError, match=f"pid {sleeper.pid}"):
            Daemon(StationContext(str(plant.home)), ["aircheck"]).start()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_a_pid_reused_by_a_newer_process_does_not_block_the_start(plant, daemon_factory):
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:  # the heartbeat is from a daemon that started a day before this process existed
        plant_heartbeat(plant, sleeper.pid, datetime.now(timezone.utc) - timedelta(days=1))
        daemon_factory()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_a_second_daemon_process_exits_with_a_vietnamese_message(plant, tmp_path):
    first = subprocess.Popen([sys.executable, "-m", "broadcaster", "--home", str(plant.home),
                              "playout", "--output", "aircheck"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    second = None
    try:
        def alive():
            with plant.ctx.session() as session:
                beat = read_heartbeat(session, plant.ctx.station(session).id)
                return beat is not None and beat.pid == first.pid and beat.alive
        plant.wait_for(alive, 30, "the first daemon's heartbeat")
        age_heartbeat(plant)
        second = subprocess.Popen([sys.executable, "-m", "broadcaster", "--home", str(plant.home),
                                   "playout", "--output", "aircheck"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        out, err = second.communicate(timeout=30)
        assert second.returncode == 1
        assert "Lỗi:" in err and "đang chạy" in err and str(first.pid) in err
        assert first.poll() is None
    finally:
        if second is not None and second.poll() is None:
            second.kill()
            second.wait()
        first.terminate()
        assert first.wait(30) == 0
