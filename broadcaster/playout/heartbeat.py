"""The daemon's heartbeat: last seen, pid, what is airing, the state of each output.

The daemon rewrites its row every second; the web page reads it with `read_heartbeat`.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy.orm import Session

from broadcaster.db.playout_models import PlayoutHeartbeat

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
                     instance=state.get("instance", ""))


def other_daemon_running(session: Session, station_id: int, now: datetime,
                         instance: str) -> Heartbeat | None:
    """A live daemon already serving this station (two would air everything twice), else None."""
    beat = read_heartbeat(session, station_id, now)
    if beat is None or not beat.alive or beat.instance == instance:
        return None
    if beat.host == socket.gethostname() and beat.pid != os.getpid() and not _pid_alive(beat.pid):
        return None  # it died (killed) moments ago; its heartbeat is just not stale yet
    return beat


def _pid_alive(pid: int) -> bool:
    if os.name == "nt":
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # LIMITED_QUERY_INFORMATION
        if not handle:
            return False
        ctypes.windll.kernel32.CloseHandle(handle)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
