"""Play requests: an operator asks the daemon to air a bulletin or a file now, or at once (emergency).

`request_play` is what the CLI (`broadcaster play-now`) and the web page call; the daemon polls
the `playout_request` table every second and takes the requests in order, emergencies first. A
request nobody takes within `playout.request_ttl_minutes` is closed unplayed; one a previous run
took and never finished is closed at the next start. Both are audited (actor "playout").
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from broadcaster import audit
from broadcaster.db.models import Bulletin, Clip, Role, Station, User
from broadcaster.db.playout_models import PlayRequest
from broadcaster.errors import BroadcasterError
from broadcaster.home import Home
from broadcaster.playout.errors import PlayoutError
from broadcaster.render import StationRenderer

EXPIRED = ("quá hạn, không phát: tiến trình phát không nhận yêu cầu trong {minutes} phút "
           "(thiết lập playout.request_ttl_minutes)")
ABANDONED = ("tiến trình phát đã nhận yêu cầu này nhưng dừng khi chưa phát xong (tắt máy, mất "
             "điện hoặc lỗi); không phát lại")


def request_play(session: Session, station: Station, user: User, home: Home,
                 renderer: StationRenderer, *, bulletin_id: int | None = None,
                 clip_id: int | None = None, path: str | Path | None = None,
                 emergency: bool = False, comment: str = "") -> PlayRequest:
    """Queue a manual or emergency play for the daemon; audited. Raise PlayoutError if refused.

    A bulletin airs `clip_id` when the caller knows the clip (the web page's confirm step passes
    the one the operator heard); otherwise the clip of the bulletin's current text in the
    station's voice, made now if it is missing. Never "the newest clip": that may be an older
    text or an editor's preview with another engine.
    """
    if not user.active or user.station_id != station.id or not user.has_role(Role.OPERATOR):
        raise PlayoutError(f"người dùng '{user.username}' không có quyền phát: cần vai trò "
                           "kỹ thuật (operator) hoặc quản trị (admin).")
    if (bulletin_id is None and clip_id is None) == (path is None):
        raise PlayoutError("hãy chọn đúng một nội dung để phát: một bản tin hoặc một tệp.")
    if path is None:
        clip = _bulletin_clip(session, station, home, renderer, bulletin_id, clip_id)
        bulletin = session.get(Bulletin, bulletin_id if bulletin_id is not None else clip.bulletin_id)
        bulletin_id = bulletin.id
        stored, title, clip_id = clip.path, bulletin.title, clip.id
    else:
        file = Path(path).expanduser()
        absolute = file if file.is_absolute() else (Path.cwd() / file)
        if not absolute.is_file():
            raise PlayoutError(f"không tìm thấy tệp {path}.")
        stored, title = home.relative(absolute), absolute.name
    request = PlayRequest(station_id=station.id, user_id=user.id, operator=user.username,
                          emergency=emergency, bulletin_id=bulletin_id, clip_id=clip_id,
                          path=stored, title=title)
    session.add(request)
    session.flush()
    audit.record(session, station.id, user, "playout.emergency" if emergency else "playout.play_now",
                 "playout_request", request.id,
                 after={"bulletin_id": bulletin_id, "clip_id": clip_id, "path": stored,
                        "title": title, "emergency": emergency}, comment=comment)
    return request


def _bulletin_clip(session: Session, station: Station, home: Home, renderer: StationRenderer,
                   bulletin_id: int | None, clip_id: int | None) -> Clip:
    """The clip to air for a bulletin: the given one (checked), or its current text's."""
    clip = session.get(Clip, clip_id) if clip_id is not None else None
    if clip_id is not None and (clip is None or clip.station_id != station.id):
        raise PlayoutError(f"không có đoạn âm thanh số {clip_id}.")
    if bulletin_id is None:
        bulletin_id = clip.bulletin_id
        if bulletin_id is None:
            raise PlayoutError(f"đoạn âm thanh số {clip_id} không thuộc bản tin nào.")
    bulletin = session.get(Bulletin, bulletin_id)
    if bulletin is None or bulletin.station_id != station.id or bulletin.deleted_at is not None:
        raise PlayoutError(f"không có bản tin số {bulletin_id}.")
    if clip is not None:
        if not renderer.is_clip_of(clip, bulletin):
            raise PlayoutError(f"đoạn âm thanh số {clip_id} không phải của bản tin số {bulletin_id}.")
    else:
        try:
            clip = renderer.save_clip(renderer.bulletin_clip(bulletin))
        except BroadcasterError as exc:
            raise PlayoutError(f"bản tin số {bulletin_id} «{bulletin.title}» chưa có âm thanh "
                               f"phát được ({exc}).") from None
    if not home.path(clip.path).is_file():
        raise PlayoutError(f"không tìm thấy tệp âm thanh của bản tin số {bulletin_id} "
                           f"({clip.path}): hãy dựng lại âm thanh.")
    return clip


def pending_requests(session: Session, station_id: int) -> list[PlayRequest]:
    """Requests the daemon has neither taken nor closed, emergencies first, then oldest first."""
    return list(session.scalars(select(PlayRequest).where(PlayRequest.station_id == station_id,
                                                          PlayRequest.taken_at.is_(None),
                                                          PlayRequest.done_at.is_(None))
                                .order_by(PlayRequest.emergency.desc(), PlayRequest.id)))


def take_request(session: Session, request_id: int, now: datetime) -> bool:
    """Mark a request taken; False if another daemon took (or closed) it first."""
    result = session.execute(update(PlayRequest).where(PlayRequest.id == request_id,
                                                       PlayRequest.taken_at.is_(None),
                                                       PlayRequest.done_at.is_(None))
                             .values(taken_at=now))
    return result.rowcount == 1


def expire_request(session: Session, request: PlayRequest, now: datetime, ttl_minutes: int) -> bool:
    """Close a request nobody took within its time to live (audited); False if it was taken."""
    error = EXPIRED.format(minutes=ttl_minutes)
    result = session.execute(update(PlayRequest).where(PlayRequest.id == request.id,
                                                       PlayRequest.taken_at.is_(None),
                                                       PlayRequest.done_at.is_(None))
                             .values(done_at=now, error=error))
    if result.rowcount != 1:
        return False
    audit.record(session, request.station_id, "playout", "playout.request_expired",
                 "playout_request", request.id, comment=error)
    return True


def close_abandoned(session: Session, station_id: int, now: datetime) -> list[PlayRequest]:
    """Close (audited) the requests a previous run took and never finished; they are not aired."""
    left = list(session.scalars(select(PlayRequest).where(PlayRequest.station_id == station_id,
                                                          PlayRequest.taken_at.is_not(None),
                                                          PlayRequest.done_at.is_(None))
                                .order_by(PlayRequest.id)))
    for request in left:
        request.done_at, request.error = now, ABANDONED
        audit.record(session, station_id, "playout", "playout.request_failed", "playout_request",
                     request.id, comment=ABANDONED)
    return left


def finish_request(session: Session, request_id: int, now: datetime, as_run_id: int | None,
                   error: str = "") -> None:
    session.execute(update(PlayRequest).where(PlayRequest.id == request_id)
                    .values(done_at=now, as_run_id=as_run_id, error=error))
