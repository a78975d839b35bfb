"""Wall-clock steps under a real daemon process, made with libfaketime (the build the PyPI
package `libfaketime` carries: Debian's 0.9.10 breaks time.sleep when monotonic is not faked).

The daemon's wall clock is shifted by the offset in a file it re-reads on every call; its
monotonic clock stays true. Periodic work and emergency pickup must run on the monotonic clock;
slot instants follow the wall clock; no slot is logged MISSED before its real time.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import libfaketime
import pytest

from broadcaster.db.models import AsRunStatus, Trigger
from broadcaster.db.playout_models import PlayoutHeartbeat

from tests.playout.conftest import make_tone, plant_request

LIBFAKETIME = Path(libfaketime.__file__).parent / "vendor" / "libfaketime" / "src" / "libfaketime.so.1"


@pytest.fixture
def faked(tmp_path):
    """Start daemons whose wall clock is shifted by what `shift(seconds)` last wrote."""
    assert LIBFAKETIME.is_file(), LIBFAKETIME
    offset = tmp_path / "faketime"
    started: list[subprocess.Popen] = []

    def shift(seconds: int) -> None:
        offset.write_text(f"{seconds:+d}\n")

    def start(home: Path) -> subprocess.Popen:
        env = {**os.environ, "LD_PRELOAD": str(LIBFAKETIME), "FAKETIME_TIMESTAMP_FILE": str(offset),
               "FAKETIME_NO_CACHE": "1", "FAKETIME_DONT_FAKE_MONOTONIC": "1"}
        log = open(tmp_path / "daemon.log", "ab")
        process = subprocess.Popen([sys.executable, "-m", "broadcaster", "--home", str(home),
                                    "playout", "--output", "aircheck"], env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
        started.append(process)
        return process

    shift(0)
    yield shift, start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(30)


def heartbeat_seen(plant):
    with plant.ctx.session() as session:
        beat = session.get(PlayoutHeartbeat, plant.ctx.station(session).id)
        return beat.seen_at if beat else None


def test_a_clock_stepped_back_freezes_neither_heartbeat_nor_emergencies(plant, faked, tmp_path):
    shift, start = faked
    plant.configure("[playout]\nreconcile_seconds = 2")
    start(plant.home)
    first = plant.wait_for(lambda: heartbeat_seen(plant), 30, "the first heartbeat")
    plant.wait_for(lambda: heartbeat_seen(plant) != first, 10, "the periodic heartbeat")  # running
    shift(-150)  # the daemon's wall clock steps back 150 s
    time.sleep(1.5)
    before = heartbeat_seen(plant)
    plant.wait_for(lambda: heartbeat_seen(plant) != before, 5, "a heartbeat after the step")
    alarm = make_tone(tmp_path / "bao-dong.mp3", 1.5)
    asked = time.monotonic()
    plant_request(plant, alarm, emergency=True)
    row = plant.wait_for(lambda: plant.rows(kind="slot", trigger=Trigger.EMERGENCY), 20,
                         "the emergency on air")[0]
    assert time.monotonic() - asked < 8  # taken within seconds, not 150 s later
    assert row.status in (AsRunStatus.STARTED, AsRunStatus.EMERGENCY)


def test_a_clock_ahead_at_boot_loses_no_slot_and_logs_no_early_miss(plant, faked):
    shift, start = faked
    plant.configure("[playout]\nreconcile_seconds = 2")
    air_date, starts = plant.slot("som", 25, grace=10)
    plant.plan("som", air_date, seconds=3)
    shift(+200)  # the PC's clock runs 200 s ahead at boot: the slot seems long past
    start(plant.home)
    plant.wait_for(lambda: heartbeat_seen(plant), 30, "the first heartbeat")
    time.sleep(4)  # a reconcile or two with the wrong clock
    assert plant.rows(kind="slot", slot_name="som") == []  # no MISSED before its real time
    shift(0)  # NTP corrects the clock
    row = plant.closed_slot("som", 60)
    assert row.status is AsRunStatus.PLAYED, row.error
    assert abs((row.started_at - starts).total_seconds()) < 2  # aired at its real time
    assert [r.status for r in plant.rows(kind="slot", slot_name="som")] == [AsRunStatus.PLAYED]
    assert datetime.now(timezone.utc) > starts
