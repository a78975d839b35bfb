"""Manual and emergency plays: the play requests the daemon takes, airs and closes.

The daemon's poll job calls `take` every second: requests nobody took within
`playout.request_ttl_minutes` are closed unplayed, the others are marked taken (each committed
before its job is scheduled) and prepared by `air` in the "prepare" executor (manual plays) or the
"emergency" one. An emergency then cuts in at once and hands back to the cut slot by the resume
policy; a manual play joins Air's queue, and one "manual-plays" thread (`manual_plays`) airs the
queue one play at a time. Every taken request is closed by `finish`, queued after its rows.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from broadcaster.db.models import AsRunStatus
from broadcaster.db.playout_models import PlayRequest
from broadcaster.playout import asrun, requests
from broadcaster.playout.air import CLOSED
from broadcaster.playout.cues import request_cue
from broadcaster.playout.playback import Playback

if TYPE_CHECKING:
    from broadcaster.playout.daemon import Daemon

log = logging.getLogger(__name__)

MANUAL_WAIT_SECONDS = 3600     # a taken manual play waits this long for the air, then gives up
EMERGENCY_REASON = asrun.EMERGENCY_CUT + " (yêu cầu số {id})"


class RequestedPlays:
    """The daemon's play requests, manual and emergency, from taking to closing."""

    def __init__(self, daemon: Daemon):
        self.daemon = daemon

    def take(self, now: datetime) -> None:
        """Expire the requests nobody took in time; take the others, each committed before its
        job is scheduled (a request is never aired without being marked taken)."""
        daemon = self.daemon
        ttl = daemon.settings["playout.request_ttl_minutes"]
        with daemon.ctx.session() as session:
            pending = requests.pending_requests(session, daemon.station_id)
        for request in pending:
            if now - request.created_at > timedelta(minutes=ttl):
                with daemon.ctx.session() as session:
                    expired = requests.expire_request(session, request, now, ttl)
                if expired:
                    log.warning("play request %s («%s», %s) expired unplayed: sent at %s, older "
                                "than %d minutes", request.id, request.title,
                                "emergency" if request.emergency else "manual",
                                request.created_at.isoformat(), ttl)
                continue
            with daemon.ctx.session() as session:
                taken = requests.take_request(session, request.id, now)
            if taken:
                daemon.scheduler.add_job(self.air, "date", run_date=now,
                                         id=f"request:{request.id}",
                                         executor="emergency" if request.emergency else "prepare",
                                         args=[request.id])

    def air(self, request_id: int) -> None:
        """Prepare a taken request; an emergency then cuts in here, a manual play joins the queue."""
        daemon = self.daemon
        now = daemon.clock.now()
        try:
            with daemon.ctx.session() as session:
                request = session.get(PlayRequest, request_id)
                cue = request_cue(session, request, daemon.home, now, daemon.zone)
                emergency = request.emergency
        except Exception as exc:  # taken, so it must be closed: never left "taken" forever
            log.exception("play request %s cannot be read", request_id)
            self.finish(request_id, None, f"không đọc được yêu cầu: {exc}"[:300])
            return
        playback = Playback(cue, daemon.env())
        playback.prepare()
        if playback.prepared is None:
            playback.run()  # logs FAILED with the reason; the air is not touched
            self.finish(request_id, playback)
            return
        if not emergency:
            if not daemon.air.queue_manual(playback, daemon.clock.monotonic() + MANUAL_WAIT_SECONDS):
                self.finish(request_id, None, CLOSED)
            return
        if not daemon.air.claim(playback, None, True, reason=EMERGENCY_REASON.format(id=request_id)):
            self.finish(request_id, None, CLOSED)
            return
        current = playback
        try:
            playback.run()
            cut = playback.preempted
            if cut is not None and cut.outcome is not None:
                follow = daemon.resume.after_cut(cut)
                if follow is not None:
                    current = Playback(follow, daemon.env())
                    current.prepare()
                    daemon.air.handover(playback, current)
                    current.run()
        finally:
            daemon.air.release(playback)
            daemon.air.release(current)
        self.finish(request_id, playback)

    def manual_plays(self) -> None:
        """The manual-play thread: air the queued manual plays one at a time, when Air allows."""
        air = self.daemon.air
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
        daemon = self.daemon
        now = daemon.clock.now()
        outcome = playback.outcome if playback is not None else None
        if not error and outcome is not None and outcome.status is AsRunStatus.FAILED:
            error = outcome.error
        daemon.writer.submit(
            lambda s: requests.finish_request(s, request_id, now,
                                              playback.row_id if playback is not None else None,
                                              error),
            f"end of play request {request_id}")
