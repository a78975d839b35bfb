"""Play requests from the queue to their end: which clip, how long they wait, what a failure does."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from broadcaster.db.models import AuditEvent, Bulletin, Clip, Role, User
from broadcaster.playout import request_play
from broadcaster.station.users import add_user

from tests.playout.conftest import make_tone


def operator(plant, session):
    user = session.scalar(select(User).where(User.username == "kythuat"))
    if user is None:
        user = add_user(session, plant.ctx.station(session), "kythuat", "matkhau123", [Role.OPERATOR])
        session.flush()
    return user


def audit_rows(plant, action: str) -> list[AuditEvent]:
    with plant.ctx.session() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# --- which clip a bulletin request airs ------------------------------------------------------------

def test_a_bulletin_request_airs_the_clip_of_its_current_text_not_the_newest_clip(plant):
    bulletin_id = plant.bulletin("Lịch tiêm phòng")
    make_tone(plant.home / "clips" / "old.mp3", 1.0)
    make_tone(plant.home / "clips" / "preview.mp3", 1.0)
    with plant.ctx.session() as session:
        station = plant.ctx.station(session)
        bulletin = session.get(Bulletin, bulletin_id)
        bulletin.body = "Sáng thứ bảy, trạm y tế xã tiêm phòng cho trẻ em."
        stale = dict(station_id=station.id, bulletin_id=bulletin_id, path="", duration_ms=1000,
                     lufs=-16, true_peak=-2, created_at=datetime.now(timezone.utc) + timedelta(hours=1))
        session.add(Clip(cache_key="old", kind="speech", engine="espeak", spoken_text="văn bản cũ",
                         **{**stale, "path": "clips/old.mp3"}))
        session.add(Clip(cache_key="preview", kind="speech", engine="gtts", spoken_text="bản nghe thử",
                         **{**stale, "path": "clips/preview.mp3"}))
    with plant.ctx.session() as session:
        request = request_play(session, plant.ctx.station(session), operator(plant, session),
                               plant.home, bulletin_id=bulletin_id)
        clip = session.get(Clip, request.clip_id)
        assert clip.cache_key not in ("old", "preview") and clip.engine == "espeak"
        assert "tiêm phòng cho trẻ em" in clip.spoken_text.lower()
        assert request.path == clip.path and (plant.home / clip.path).is_file()


def test_an_explicit_clip_is_aired_as_given(plant):
    bulletin_id = plant.bulletin("Thông báo mất điện")
    make_tone(plant.home / "clips" / "confirmed.mp3", 1.0)
    with plant.ctx.session() as session:
        station = plant.ctx.station(session)
        clip = Clip(station_id=station.id, cache_key="confirmed", kind="speech", engine="espeak",
                    bulletin_id=bulletin_id, path="clips/confirmed.mp3", duration_ms=1000, lufs=-16,
                    true_peak=-2)
        session.add(clip)
        session.flush()
        request = request_play(session, station, operator(plant, session), plant.home,
                               bulletin_id=bulletin_id, clip_id=clip.id, emergency=True)
        assert request.clip_id == clip.id and request.path == "clips/confirmed.mp3"
