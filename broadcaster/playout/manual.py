"""Manual and emergency plays: the play requests the daemon takes, airs and closes.

The daemon's poll job calls `take` every second: requests nobody took within
`playout.request_ttl_minutes` are closed unplayed, the others are marked taken (each committed
before it is handed back) and the daemon schedules `air` for each, in its "prepare" executor
(manual plays) or its "emergency" one. An emergency then cuts in at once and hands back to the cut
slot by the resume policy; a manual play joins Air's queue, and one "manual-plays" thread
(`manual_plays`) airs the queue one play at a time. Every taken request is closed by `finish`,
queued after its rows.
"""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy.orm import Session

from broadcaster.db.models import AsRunStatus
from broadcaster.db.playout_models import PlayRequest
from broadcaster.home import Home
from broadcaster.playout import asrun, requests
from broadcaster.playout.air import CLOSED, Air
from broadcaster.playout.clock import Clock
from broadcaster.playout.cues import Cue, request_cue
from broadcaster.playout.dbwrite import Writer
from broadcaster.playout.playback import Env, Playback

log = logging.getLogger(__name__)

MANUAL_WAIT_SECONDS = 3600     # a taken manual play waits this long for the air, then gives up
EMERGENCY_REASON = asrun.EMERGENCY_CUT + " (yêu cầu số {id})"


@dataclass(frozen=True)
class ManualEnv:
    """What the requested plays need from the daemon."""

    session: Callable[[], AbstractContextManager[Session]]
    station_id: int
    home: Home
    zone: str
    clock: Clock
    ttl_minutes: int
    air: Air
    writer: Writer
    playback_env: Callable[[], Env]
    after_cut: Callable[[Playback], Cue | None]  # what airs after an emergency cut a slot


@dataclass(frozen=True)
class Taken:
    """A request marked taken: the daemon schedules `RequestedPlays.air` for it."""

    request_id: int
    emergency: bool


class RequestedPlays:
    """The daemon's play requests, manual and emergency, from taking to closing."""

    def __init__(self, env: ManualEnv):
        self.env = env

    def take(self, now: datetime) -> list[Taken]:
        """Expire the requests nobody took in time; take the others, each committed before it is
        returned (a request is never aired without being marked taken)."""
        env = self.env
        with env.session() as session:
            pending = requests.pending_requests(session, env.station_id)
        taken = []
        for request in pending:
            if now - request.created_at > timedelta(minutes=env.ttl_minutes):
                with env.session() as session:
                    expired = requests.expire_request(session, request, now, env.ttl_minutes)
                if expired:
                    log.warning("play request %s («%s», %s) expired unplayed: sent at %s, older "
                                "than %d minutes", request.id, request.title,
                                "emergency" if request.emergency else "manual",
                                request.created_at.isoformat(), env.ttl_minutes)
                continue
            with env.session() as session:
                if requests.take_request(session, request.id, now):
                    taken.append(Taken(request.id, request.emergency))
        return taken

    def air(self, request_id: int) -> None:
        """Prepare a taken request; an emergency then cuts in here, a manual play joins the queue."""
        env = self.env
        try:
            with env.session() as session:
                request = session.get(PlayRequest, request_id)
                cue = request_cue(session, request, env.home, env.clock.now(), env.zone)
                emergency = request.emergency
        except Exception as exc:  # taken, so it must be closed: never left "taken" forever
            log.exception("play request %s cannot be read", request_id)
            self.finish(request_id, None, f"không đọc được yêu cầu: {exc}"[:300])
            return
        playback = Playback(cue, env.playback_env())
        playback.prepare()
        if playback.prepared is None:
            playback.run()  # logs FAILED with the reason; the air is not touched
            self.finish(request_id, playback)
            return
        if not emergency:
            if not env.air.queue_manual(playback, env.clock.monotonic() + MANUAL_WAIT_SECONDS):
                self.finish(request_id, None, CLOSED)
            return
        if not env.air.claim(playback, None, True, reason=EMERGENCY_REASON.format(id=request_id)):
            self.finish(request_id, None, CLOSED)
            return
        current = playback
        try:
            playback.run()
            cut = playback.preempted
            follow = env.after_cut(cut) if cut is not None and cut.outcome is not None else None
            if follow is not None:
                current = Playback(follow, env.playback_env())
                current.prepare()
                env.air.handover(playback, current)
                current.run()
        finally:
            env.air.release(playback)
            env.air.release(current)
        self.finish(request_id, playback)

    def manual_plays(self) -> None:
        """The manual-play thread: air the queued manual plays one at a time, when Air allows."""
        air = self.env.air
        while True:
            turn = air.next_manual()
            if turn is None:
                return
            playback, refused = turn
            request_id = playback.cue.request_id
            try:
                if refused:
                    self.finish(request_id, None, refused)
                    continue
                try:
                    playback.run()
                finally:
                    air.release(playback)
                self.finish(request_id, playback)
            except Exception:
                log.exception("manual play of request %s failed", request_id)

    def finish(self, request_id: int | None, playback: Playback | None, error: str = "") -> None:
        """Close a request once its playback's rows are written (queued after them)."""
        if request_id is None:
            return
        now = self.env.clock.now()
        outcome = playback.outcome if playback is not None else None
        if not error and outcome is not None and outcome.status is AsRunStatus.FAILED:
            error = outcome.error
        self.env.writer.submit(
            lambda s: requests.finish_request(s, request_id, now,
                                              playback.row_id if playback is not None else None,
                                              error),
            f"end of play request {request_id}")
