"""The daemon as its own process, killed with SIGKILL mid-programme and started again."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from broadcaster.db.models import AsRunStatus, AuditEvent
from broadcaster.db.playout_models import PlayoutProgress
from broadcaster.playout.reserve import Reserve

from tests.playout.conftest import make_tone


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


def resume_notes(plant) -> list[str]:
    with plant.ctx.session() as session:
        return list(session.scalars(select(AuditEvent.comment).where(AuditEvent.action == "playout.resume")))


@pytest.mark.parametrize("policy", ["resume-item", "none"])
def test_killed_mid_programme_is_closed_interrupted_and_never_replayed_blindly(plant, tmp_path, policy,
                                                                             invoke):
    plant.configure(f'[playout]\nresume = "{policy}"\nreconcile_seconds = 2')
    air_date, _ = plant.slot("dien", 3, length=120)
    plant.plan("dien", air_date, seconds=7)  # items at 0.5 s and 3.5 s, 3 s each
    log = open(tmp_path / "daemon.log", "wb")
    first = start_daemon(plant.home, log)
    try:
        plant.wait_for(lambda: progress_of(plant, "dien") >= 1500, 30, "audio under way")
    finally:
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
    [open_row] = plant.rows(kind="slot", slot_name="dien")
    assert open_row.status is AsRunStatus.STARTED and open_row.ended_at is None
    second = start_daemon(plant.home, log)
    try:
        cut = plant.wait_for(lambda: [r for r in plant.rows(kind="slot", slot_name="dien") if r.ended_at],
                             20, "the crashed row closed")[0]
        assert cut.id == open_row.id and cut.status is AsRunStatus.INTERRUPTED
        assert 1500 <= cut.played_ms < 7000 and "đột ngột" in cut.error
        items = plant.rows(kind="item", parent_id=cut.id)
        assert items and items[-1].status is AsRunStatus.INTERRUPTED and items[-1].ended_at
        plant.wait_for(lambda: resume_notes(plant), 20, "the resume decision")
        if policy == "none":
            assert "none" in resume_notes(plant)[0]
            assert len(plant.rows(kind="slot", slot_name="dien")) == 1
            return
        expected = 500 if cut.played_ms < 3500 else 3500
        resumed = plant.wait_for(lambda: [r for r in plant.rows(kind="slot", slot_name="dien")
                                          if r.id != cut.id and r.ended_at], 25, "the resumed slot")[0]
        assert resumed.offset_ms == expected and resumed.status is AsRunStatus.PLAYED
        assert abs(resumed.played_ms - (7000 - expected)) < 150
        assert len(plant.rows(kind="slot", slot_name="dien")) == 2  # nothing replayed from the top
        csv = invoke("log", "--format", "csv").output.splitlines()
        column = csv[0].split(",").index("phát tiếp từ (giây)")
        assert [line.split(",")[column] for line in csv[1:] if f"{resumed.id}," == line[:len(str(resumed.id)) + 1]] \
            == [f"{expected / 1000:.1f}"]
        assert "completed from the local journal" not in (tmp_path / "daemon.log").read_text()
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(30) == 0
        log.close()


def journal_played(home) -> int:
    """How far the local journal says the airing got (0 when there is no entry)."""
    pages = Reserve(home / "playout" / "journal").pages_in_use()
    return max((page.record.get("played_ms", 0) for page in pages), default=0)


def test_killed_while_the_database_refused_writes_the_airing_is_logged_from_the_journal(plant, tmp_path):
    plant.configure('[playout]\nresume = "resume-item"\nreconcile_seconds = 2')
    air_date, starts = plant.slot("khoa", 8, length=120, grace=60)
    plant.plan("khoa", air_date, seconds=7)  # items at 0.5 s and 3.5 s, 3 s each
    log = open(tmp_path / "daemon.log", "wb")
    first = start_daemon(plant.home, log)
    locker = sqlite3.connect(str(plant.home / "station.db"), isolation_level=None, timeout=30)
    try:
        time.sleep(max(0.0, (starts - timedelta(seconds=2) - datetime.now(timezone.utc)).total_seconds()))
        locker.execute("BEGIN IMMEDIATE")  # from before the STARTED row is due
        plant.wait_for(lambda: journal_played(plant.home) >= 1500, 30, "audio under way, journaled")
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
    finally:
        locker.execute("COMMIT") if locker.in_transaction else None
        locker.close()
    assert plant.rows(kind="slot", slot_name="khoa") == []  # the database never got the row
    second = start_daemon(plant.home, log)
    try:
        cut = plant.wait_for(lambda: [r for r in plant.rows(kind="slot", slot_name="khoa") if r.ended_at],
                             20, "the journaled airing logged")[0]
        assert cut.status is AsRunStatus.INTERRUPTED and "đột ngột" in cut.error
        assert 1500 <= cut.played_ms < 7000 and cut.started_at is not None
        assert abs((cut.started_at - starts).total_seconds()) < 2
        items = plant.rows(kind="item", parent_id=cut.id)
        assert items and items[0].offset_ms == 500
        resumed = plant.wait_for(lambda: [r for r in plant.rows(kind="slot", slot_name="khoa")
                                          if r.id != cut.id and r.ended_at], 25, "the resumed slot")[0]
        assert resumed.offset_ms in (500, 3500) and resumed.status is AsRunStatus.PLAYED
        assert len(plant.rows(kind="slot", slot_name="khoa")) == 2  # not aired again from the top
        assert Reserve(plant.home / "playout" / "journal").pages_in_use() == []
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(30) == 0
        log.close()


def test_an_air_check_without_audio_left_by_a_killed_run_is_removed(plant, tmp_path):
    """A run killed just before air leaves an MP3 header and no audio (253 bytes seen): the next
    start removes it, and the slot's recording takes its name."""
    air_date, _ = plant.slot("sat", 6, grace=60)
    plant.plan("sat", air_date, seconds=3)
    folder = plant.home / "aircheck" / air_date.isoformat()
    folder.mkdir(parents=True)
    header = make_tone(tmp_path / "tone.mp3", 1.0).read_bytes()[:253]
    (folder / "sat-v1.mp3").write_bytes(header)
    kept = folder / "sang-v1.mp3"
    kept.write_bytes(make_tone(tmp_path / "real.mp3", 2.0).read_bytes())  # a real one stays
    log = open(tmp_path / "daemon.log", "wb")
    daemon = start_daemon(plant.home, log)
    try:
        row = plant.closed_slot("sat", 30)
        assert row.status is AsRunStatus.PLAYED
        files = sorted(f.name for f in folder.glob("*.mp3"))
        assert files == ["sang-v1.mp3", "sat-v1.mp3"]
        assert (folder / "sat-v1.mp3").stat().st_size > 1024 and kept.stat().st_size > 1024
    finally:
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(30) == 0
        log.close()
