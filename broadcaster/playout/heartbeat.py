"""The daemon's heartbeat: last seen, pid, what is airing, the state of each output.

The daemon rewrites its row every second; the web page reads it with `read_heartbeat`.
"""

from __future__ import annotations

import os
import socket
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from broadcaster.db.playout_models import PlayoutHeartbeat
from broadcaster.supervise import pid_alive

ALIVE_SECONDS = 10  # a heartbeat older than this means the daemon is not running


@dataclass(frozen=True)
class Heartbeat:
    """What the web page shows about the playout daemon."""

    station_id: int
    pid: int
    host: str
    started_at: datetime
    seen_at: datetime
    alive: bool
    playing: dict[str, Any] | None = None        # kind, slot, title, item, position_ms, as_run_id
    outputs: dict[str, str] = field(default_factory=dict)  # name -> "ok" or the reason it failed
    next_slot: dict[str, Any] | None = None      # slot, air_date, starts_at (ISO, UTC)
    notes: list[str] = field(default_factory=list)  # e.g. "no sound card", in Vietnamese
    instance: str = ""                           # random id of the daemon run
    power: dict[str, Any] | None = None          # the amplifier (playout.power): state, error
    relays: list[dict[str, Any]] = field(default_factory=list)  # channel, state ok|down, since, error


def write_heartbeat(session: Session, station_id: int, started_at: datetime, now: datetime,
                    state: dict[str, Any]) -> None:
    """Insert or refresh this daemon's heartbeat row."""
    row = session.get(PlayoutHeartbeat, station_id)
    if row is None:
        row = PlayoutHeartbeat(station_id=station_id)
        session.add(row)
    row.pid, row.host = os.getpid(), socket.gethostname()
    row.started_at, row.seen_at, row.state = started_at, now, state


def read_heartbeat(session: Session, station_id: int, now: datetime | None = None) -> Heartbeat | None:
    """The playout daemon's last heartbeat for a station, or None if it never ran."""
    row = session.get(PlayoutHeartbeat, station_id)
    if row is None:
        return None
    now = now or datetime.now(timezone.utc)
    state = row.state or {}
    return Heartbeat(station_id=station_id, pid=row.pid, host=row.host, started_at=row.started_at,
                     seen_at=row.seen_at,
                     alive=now - row.seen_at < timedelta(seconds=ALIVE_SECONDS),
                     playing=state.get("playing"), outputs=dict(state.get("outputs", {})),
                     next_slot=state.get("next"), notes=list(state.get("notes", [])),
                     instance=state.get("instance", ""), power=state.get("power"),
                     relays=list(state.get("relays", [])))


def other_daemon_running(session: Session, station_id: int, now: datetime,
                         instance: str) -> Heartbeat | None:
    """Another daemon serving this station (two would air everything twice), else None.

    On this host the pid decides, whatever the heartbeat's age: a daemon stuck on a busy database
    writes no heartbeat but is still airing. A pid that now belongs to a process started after the
    daemon's start (reused after a reboot) does not count. On another host a fresh heartbeat does.
    """
    beat = read_heartbeat(session, station_id, now)
    if beat is None or beat.instance == instance:
        return None
    if beat.host == socket.gethostname():
        if beat.pid == os.getpid() or not pid_alive(beat.pid):
            return None
        started = process_started_at(beat.pid)
        if started is not None and started > beat.started_at + timedelta(seconds=PID_START_SLACK):
            return None  # the pid was reused by a newer process
        return beat
    return beat if beat.alive else None


PID_START_SLACK = 5  # seconds between a process's start and its daemon's recorded start


def process_started_at(pid: int) -> datetime | None:
    """When a process started (Linux and Windows), or None when unknown."""
    try:
        if sys.platform.startswith("linux"):
            stat = Path(f"/proc/{pid}/stat").read_text()
            ticks = int(stat[stat.rindex(")") + 2:].split()[19])
            boot = next(int(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                        if line.startswith("btime "))
            return datetime.fromtimestamp(boot + ticks / os.sysconf("SC_CLK_TCK"), timezone.utc)
        if os.name == "nt":
            import ctypes
            from ctypes import wintypes

            kernel32 = ctypes.windll.kernel32
            handle = kernel32.OpenProcess(0x1000, False, pid)  # LIMITED_QUERY_INFORMATION
            if not handle:
                return None
            try:
                times = [wintypes.FILETIME() for _ in range(4)]
                if not kernel32.GetProcessTimes(handle, *(ctypes.byref(t) for t in times)):
                    return None
                created = (times[0].dwHighDateTime << 32) | times[0].dwLowDateTime
                return datetime.fromtimestamp((created - 116444736000000000) / 1e7, timezone.utc)
            finally:
                kernel32.CloseHandle(handle)
    except (OSError, ValueError, IndexError, StopIteration):
        return None
    return None
