"""Playout: air the approved plans at their slot times, to the outputs, and log what aired.

What the web page calls:
- `request_play(session, station, user, home, renderer, bulletin_id=…|path=…, emergency=…)`: queue a manual
  or emergency play for the daemon (audited; operator or admin only).
- `read_heartbeat(session, station_id)`: the daemon's state (alive, playing, outputs, next slot).
- `list_as_run(session, station_id, date_from, date_to)`: the as-run log; `render(...)` shows it.
"""

from broadcaster.playout.asrun import list_as_run, render
from broadcaster.playout.errors import PlayoutError
from broadcaster.playout.heartbeat import Heartbeat, read_heartbeat
from broadcaster.playout.requests import request_play

__all__ = ["Heartbeat", "PlayoutError", "list_as_run", "read_heartbeat", "render", "request_play"]
