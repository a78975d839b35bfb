"""Playout test helpers: short generated programmes, slots a few seconds from now, a running daemon."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from broadcaster.station.context import StationContext
from broadcaster.db.models import (AsRun, Bulletin, DayPlan, PlanItem, PlanStatus, SlotTemplate,
                                   Topic)
from broadcaster.db.playout_models import PlayRequest
from broadcaster.playout.daemon import Daemon
from broadcaster.playout.programme import ffmpeg_exe
from broadcaster.audio.files import sha256_file
from broadcaster.home import Home


def make_tone(path: Path, seconds: float, frequency: int = 440, silence: float = 0.3) -> Path:
    """A mono 44.1 kHz MP3: a sine tone then a little silence."""
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
                    f"sine=frequency={frequency}:duration={seconds - silence}:sample_rate=44100",
                    "-af", f"apad=pad_dur={silence},volume=0.5", "-ac", "1", "-c:a", "libmp3lame",
                    "-b:a", "64k", "-y", str(path)], check=True)
    return path


def decode_seconds(path: Path) -> tuple[float, float]:
    """Decode audio with ffmpeg; return (duration in seconds, peak level in dBFS)."""
    proc = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path), "-map", "0:a:0",
                           "-af", "astats=measure_perchannel=none:measure_overall=Number_of_samples+Peak_level",
                           "-f", "null", "-"], capture_output=True, text=True)
    samples = [l for l in proc.stderr.splitlines() if "Number of samples" in l]
    peaks = [l for l in proc.stderr.splitlines() if "Peak level dB" in l]
    assert samples, proc.stderr[-800:]
    rate = 44100
    for line in proc.stderr.splitlines():
        if "Audio:" in line and " Hz" in line:
            rate = int(line.split(" Hz")[0].split()[-1])
            break
    return int(samples[-1].split()[-1]) / rate, float(peaks[-1].split()[-1])


@dataclass
class Plant:
    """A station home with helpers to plant slots and plans directly in the database."""

    home: Path
    ctx: StationContext

    @property
    def zone(self) -> ZoneInfo:
        with self.ctx.session() as session:
            return ZoneInfo(self.ctx.station(session).timezone)

    def configure(self, text: str) -> None:
        with open(Home(self.home).config, "a", encoding="utf-8") as handle:
            handle.write("\n" + text + "\n")
        self.ctx = StationContext(str(self.home))

    def slot(self, name: str, in_seconds: float, length: int = 30, grace: int = 10) -> tuple[date, datetime]:
        """A slot starting about `in_seconds` from now (whole seconds); return (air date, start)."""
        local = (datetime.now(timezone.utc) + timedelta(seconds=in_seconds)).astimezone(self.zone)
        local = local.replace(microsecond=0)
        with self.ctx.session() as session:
            station = self.ctx.station(session)
            session.add(SlotTemplate(station_id=station.id, name=name, title=f"Buổi {name}",
                                     start_time=local.time(), length_seconds=length,
                                     weekdays=["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                                     grace_seconds=grace))
        return local.date(), local.astimezone(timezone.utc)

    def bulletin(self, title: str) -> int:
        with self.ctx.session() as session:
            station = self.ctx.station(session)
            topic = session.scalars(select(Topic).where(Topic.station_id == station.id)).first()
            bulletin = Bulletin(station_id=station.id, title=title, topic_id=topic.id, body="…")
            session.add(bulletin)
            session.flush()
            return bulletin.id

    def plan(self, name: str, air_date: date, seconds: float = 4.0, version: int = 1,
             status: PlanStatus = PlanStatus.APPROVED, items: int = 2, corrupt: bool = False,
             missing: bool = False, topic: str = "") -> int:
        """A plan version with a generated programme: opening 0.5 s, then `items` equal items."""
        relative = f"programmes/{air_date}/{name}-v{version}.mp3"
        path = self.home / relative
        if corrupt:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\x00garbage" * 500)
        elif not missing:
            make_tone(path, seconds)
        digest = sha256_file(path) if path.is_file() and not corrupt else None
        item_ms = int((seconds - 1.0) * 1000 / max(items, 1))
        with self.ctx.session() as session:
            station = self.ctx.station(session)
            slot = session.scalar(select(SlotTemplate).where(SlotTemplate.station_id == station.id,
                                                             SlotTemplate.name == name))
            plan = DayPlan(station_id=station.id, air_date=air_date, slot_id=slot.id, version=version,
                           status=status, content_hash=f"hash-{name}-{version}",
                           programme_path=relative, programme_duration_ms=int(seconds * 1000),
                           programme_sha256=digest,
                           decided_at=datetime.now(timezone.utc) if status is PlanStatus.APPROVED else None)
            for index in range(items):
                bulletin_id = self.bulletin(f"Bản tin {name} {index + 1}")
                plan.items.append(PlanItem(position=index, bulletin_id=bulletin_id,
                                           title=f"Bản tin {name} {index + 1}",
                                           offset_ms=500 + index * item_ms, duration_ms=item_ms,
                                           topic_code=topic, source="speech" if topic else ""))
            session.add(plan)
            session.flush()
            return plan.id

    def approve(self, plan_id: int) -> None:
        with self.ctx.session() as session:
            plan = session.get(DayPlan, plan_id)
            plan.status = PlanStatus.APPROVED
            plan.decided_at = datetime.now(timezone.utc)

    def rows(self, **where) -> list[AsRun]:
        with self.ctx.session() as session:
            query = select(AsRun).order_by(AsRun.id)
            for key, value in where.items():
                query = query.where(getattr(AsRun, key) == value)
            return list(session.scalars(query))

    def wait_for(self, condition: Callable[[], object], timeout: float = 30, what: str = "") -> object:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what or condition}; as-run: "
                             + "; ".join(f"{r.id} {r.kind} {r.slot_name} {r.status.value} {r.error}"
                                         for r in self.rows()))

    def closed_slot(self, name: str, timeout: float = 30) -> AsRun:
        def found():
            rows = [r for r in self.rows(kind="slot", slot_name=name) if r.ended_at is not None]
            return rows[-1] if rows else None
        return self.wait_for(found, timeout, f"a closed row for slot {name}")


@pytest.fixture
def plant(station_home) -> Plant:
    return Plant(station_home, StationContext(str(station_home)))


@pytest.fixture
def daemon_factory(plant):
    """Start in-process daemons (real scheduler, real ffmpeg); stopped at the end of the test."""
    started: list[Daemon] = []

    def start(outputs=("aircheck",), **kwargs) -> Daemon:
        daemon = Daemon(StationContext(str(plant.home)), list(outputs), reconcile_seconds=2, **kwargs)
        daemon.start()
        started.append(daemon)
        return daemon

    yield start
    for daemon in started:
        daemon.stop()


def ffmpeg_children() -> list[int]:
    """Pids of ffmpeg processes started by this test process that are still alive (Linux)."""
    me, found = os.getpid(), []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            comm, rest = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:].split()
        except (OSError, ValueError):
            continue
        if rest[1] == str(me) and "ffmpeg" in comm and rest[0] not in ("Z", "X"):
            found.append(int(entry.name))
    return found


def plant_request(plant: Plant, path: Path, emergency: bool = False, title: str = "",
                  **values) -> int:
    """A play request written straight into the table (as the web page or the CLI would)."""
    with plant.ctx.session() as session:
        station = plant.ctx.station(session)
        request = PlayRequest(station_id=station.id, operator="kythuat", emergency=emergency,
                              path=str(path), title=title or path.name, **values)
        session.add(request)
        session.flush()
        return request.id


def request_row(plant: Plant, request_id: int) -> PlayRequest:
    with plant.ctx.session() as session:
        return session.get(PlayRequest, request_id)
