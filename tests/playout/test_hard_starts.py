"""Hard starts: nothing but an emergency runs into the next slot; it fades out just before it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from array import array
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from broadcaster.db.models import AsRunStatus, AuditEvent, Trigger
from broadcaster.db.playout_models import PlayoutProgress
from broadcaster.playout.outputs import Output
from broadcaster.playout.playback import HANDOVER, HARD_START
from broadcaster.playout.programme import BYTES_PER_MS, prepare
from broadcaster.playout.pump import CUT, FADE_MS, Pump

from tests.playout.conftest import make_tone, plant_request


class Capture(Output):
    """An output that keeps what it was fed."""

    def __init__(self):
        super().__init__("capture")
        self.audio = bytearray()
        self.done = threading.Event()

    def _start(self) -> None:
        pass

    def _write(self, chunk: bytes) -> None:
        self.audio += chunk

    def _finish(self, timeout: float) -> None:
        self.done.set()


def peak(pcm: bytes) -> int:
    samples = array("h")
    samples.frombytes(pcm[: len(pcm) // 2 * 2])
    return max((abs(s) for s in samples), default=0)


def test_a_fade_out_ends_the_pump_with_a_ramp_to_silence(tmp_path):
    prepared = prepare(make_tone(tmp_path / "tone.mp3", 4.0, silence=0.0), tmp_path / "cache", "t")
    capture = Capture()
    capture.open()
    pump = Pump(prepared, [capture])
    pump.start()
    threading.Event().wait(1.0)
    pump.fade_out()
    assert pump.wait(3)
    capture.close()
    assert pump.result == CUT
    aired_ms = len(capture.audio) / BYTES_PER_MS
    assert 1000 + FADE_MS <= aired_ms <= 1000 + FADE_MS + 400  # what was ahead, then the fade
    fade = bytes(capture.audio[-int(FADE_MS * BYTES_PER_MS) // 2 * 2:])
    third = len(fade) // 3 // 2 * 2
    loud = peak(bytes(capture.audio[:int(500 * BYTES_PER_MS) // 2 * 2]))
    assert peak(fade[:third]) > peak(fade[third:2 * third]) > peak(fade[2 * third:])
    assert peak(fade[2 * third:]) < loud * 0.4 and peak(fade[-200:]) < loud * 0.05


def test_a_manual_play_running_into_a_slot_fades_out_and_the_slot_starts_on_time(
        plant, daemon_factory, tmp_path):
    air_date, starts = plant.slot("sau", 9)
    plant.plan("sau", air_date, seconds=3)
    daemon_factory()
    long_play = make_tone(tmp_path / "dai.mp3", 20.0)
    request = plant_request(plant, long_play)
    slot = plant.closed_slot("sau", 40)
    assert slot.status is AsRunStatus.PLAYED, slot.error
    assert abs((slot.started_at - starts).total_seconds()) < 0.1  # on time: nothing ran into it
    [manual] = plant.rows(kind="slot", trigger=Trigger.MANUAL)
    assert manual.status is AsRunStatus.PARTIAL and manual.error.startswith(HARD_START)
    assert manual.ended_at <= starts - HANDOVER + timedelta(milliseconds=150)
    assert manual.ended_at >= starts - HANDOVER - timedelta(milliseconds=400)
    [item] = plant.rows(kind="item", parent_id=manual.id) or [None]
    assert request and (item is None or item.status is AsRunStatus.PARTIAL)


def progress_of(plant, name: str) -> int:
    rows = plant.rows(kind="slot", slot_name=name)
    if not rows:
        return 0
    with plant.ctx.session() as session:
        marker = session.get(PlayoutProgress, rows[0].id)
        return marker.played_ms if marker else 0


def start_daemon(home, log):
    return subprocess.Popen([sys.executable, "-m", "broadcaster", "--home", str(home), "playout",
                             "--output", "aircheck"], stdout=log, stderr=subprocess.STDOUT)


def resume_notes(plant) -> list[str]:
    with plant.ctx.session() as session:
        return list(session.scalars(select(AuditEvent.comment)
                                    .where(AuditEvent.action == "playout.resume")))


@pytest.mark.parametrize("fit", ["cut", "whole"])
def test_a_resumed_slot_never_delays_the_next_one(plant, tmp_path, fit):
    plant.configure(f'[playout]\nresume_fit = "{fit}"\nreconcile_seconds = 2')
    air_date, first_start = plant.slot("dau", 4, length=120)
    plant.plan("dau", air_date, seconds=21)  # items of 10 s at 0.5 s and 10.5 s
    _, next_start = plant.slot("ke", 24, length=60)
    plant.plan("ke", air_date, seconds=3)
    log = open(tmp_path / "daemon.log", "wb")
    first = start_daemon(plant.home, log)
    try:
        plant.wait_for(lambda: progress_of(plant, "dau") >= 11500, 40, "the second item on air")
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
        second = start_daemon(plant.home, log)
        try:
            following = plant.closed_slot("ke", 60)
            assert following.status is AsRunStatus.PLAYED, following.error
            assert abs((following.started_at - next_start).total_seconds()) < 0.2
            rows = plant.rows(kind="slot", slot_name="dau")
            note = resume_notes(plant)[0]
            if fit == "whole":
                assert len(rows) == 1 and "không kịp" in note, note
                return
            cut, resumed = rows
            assert resumed.offset_ms == 10500 and resumed.status is AsRunStatus.PARTIAL
            assert resumed.error.startswith(HARD_START) and "cắt trước" in note
            assert resumed.ended_at <= next_start - HANDOVER + timedelta(milliseconds=150)
        finally:
            second.send_signal(signal.SIGTERM)
            assert second.wait(30) == 0
    finally:
        if first.poll() is None:
            first.kill()
        log.close()
    assert datetime.now(timezone.utc) > next_start
