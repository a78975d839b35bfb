import html
import io
import math
import struct
import wave
from pathlib import Path

import pytest
from sqlalchemy import select

from broadcaster.db.models import AuditEvent, Bulletin, BulletinKind, Clip
from tests.web.conftest import PASSWORDS, TOKEN, make_app


def tone_wav(seconds: float = 2.0, rate: int = 44100) -> bytes:
    """A mono 16-bit WAV with a 440 Hz tone (real audio that decodes everywhere)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * n / rate)))
                                 for n in range(int(seconds * rate))))
    return buffer.getvalue()


def upload(post, bulletin: int, data: bytes, name: str):
    return post(f"/ban-tin/{bulletin}/ghi-am", {"recording": (io.BytesIO(data), name)},
                follow=True, content_type="multipart/form-data")


def stored_files(home: Path) -> list[Path]:
    folder = home / "recordings"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def test_an_uploaded_recording_becomes_the_bulletins_clip(as_role, post, client, world, station_home):
    bulletin = world.bulletin()
    as_role("editor")
    page = upload(post, bulletin, tone_wav(), "thong-bao.wav").get_data(as_text=True)
    assert "Đã nhận bản ghi «thong-bao.wav»" in page
    with world.session() as session:
        row = session.get(Bulletin, bulletin)
        clip = session.scalar(select(Clip).where(Clip.bulletin_id == bulletin))
        assert row.kind is BulletinKind.RECORDING
        assert clip.kind == "recording" and clip.options["original_name"] == "thong-bao.wav"
        assert 1900 <= clip.duration_ms <= 2100 and clip.path.startswith("recordings/")
        assert session.scalar(select(AuditEvent).where(AuditEvent.action == "bulletin.upload"))
    assert [p.name for p in stored_files(station_home)] == [Path(clip.path).name]
    assert client.get(f"/am-thanh/clip/{clip.id}").status_code == 200
    assert not list((station_home / "tmp").iterdir())  # the temporary upload is gone


@pytest.mark.parametrize("data, name, reason", [
    (b"day khong phai am thanh" * 100, "tin.mp3", "không phải bản ghi âm thanh"),
    (tone_wav(0.5), "tin.exe", "chỉ nhận bản ghi MP3, WAV, M4A hoặc OGG"),
    (b"", "rong.wav", "rỗng"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 4000, "anh.ogg", "không phải bản ghi âm thanh"),
])
def test_a_bad_upload_is_refused_with_the_reason_and_nothing_stored(as_role, post, world,
                                                                    station_home, data, name, reason):
    bulletin = world.bulletin()
    as_role("editor")
    page = upload(post, bulletin, data, name).get_data(as_text=True)
    assert "Không nhận bản ghi" in page and reason in page
    with world.session() as session:
        assert session.scalar(select(Clip)) is None
        assert session.get(Bulletin, bulletin).kind is BulletinKind.TEXT
    assert stored_files(station_home) == []


def test_upload_limits_come_from_the_settings(station_ctx, app, world, station_home, monkeypatch):
    monkeypatch.setenv("BROADCASTER_AUDIO_UPLOAD_MAX_MB", "1")
    small = make_app(station_ctx)
    assert small.config["MAX_CONTENT_LENGTH"] == 2 * 1024 * 1024
    client = small.test_client()
    client.post("/dang-nhap", data={"csrf_token": TOKEN.search(client.get("/dang-nhap").get_data(
        as_text=True)).group(1), "username": "lan", "password": PASSWORDS["lan"]})
    bulletin = world.bulletin()
    page = client.get(f"/ban-tin/{bulletin}").get_data(as_text=True)
    token = TOKEN.search(page).group(1)
    response = client.post(f"/ban-tin/{bulletin}/ghi-am", content_type="multipart/form-data",
                           data={"csrf_token": token, "recording": (io.BytesIO(tone_wav(14)), "dai.wav")},
                           follow_redirects=True)
    page = html.unescape(response.get_data(as_text=True))
    assert "Tệp 'dai.wav' quá lớn: 1,2 MB, tối đa 1,0 MB." in page
    huge = client.post(f"/ban-tin/{bulletin}/ghi-am", content_type="multipart/form-data",
                       data={"csrf_token": token,
                             "recording": (io.BytesIO(b"\0" * (3 * 1024 * 1024)), "lon.wav")})
    assert huge.status_code == 413 and "Tệp gửi lên quá lớn" in huge.get_data(as_text=True)
    assert stored_files(station_home) == []


def test_upload_file_name_is_never_a_path(as_role, post, world, station_home):
    bulletin = world.bulletin()
    as_role("editor")
    page = upload(post, bulletin, tone_wav(1), "../../../../tmp/evil.wav").get_data(as_text=True)
    assert "Đã nhận bản ghi «evil.wav»" in page
    assert not Path("/tmp/evil.wav").exists() or Path("/tmp/evil.wav").stat().st_size != len(tone_wav(1))
    (stored,) = stored_files(station_home)
    assert stored.name.startswith(f"ban-tin-{bulletin}-")


SCRIPT = """---
title: Thông báo thu thuế đất
topic: thong-bao
priority: normal
valid_from: 2024-03-01
valid_until: 2024-03-31
---
UBND xã thông báo lịch thu thuế đất phi nông nghiệp năm 2024.
"""


def test_script_files_are_imported_and_bad_ones_explained(as_role, post, client, world):
    as_role("editor")
    assert client.get("/ban-tin/nhap").status_code == 200
    files = [(io.BytesIO(SCRIPT.encode()), "thue-dat.txt"),
             (io.BytesIO(b"khong co phan dau"), "hong.txt"),
             (io.BytesIO(b"x"), "anh.png")]
    response = post("/ban-tin/nhap", {"scripts": files}, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert "Mới: 1" in page and "Bị từ chối: 2" in page
    assert "thue-dat.txt" in page and "hong.txt" in page and "chỉ nhận tệp văn bản .txt" in page
    assert "/tmp" not in page and "upload-" not in page  # the server's folders are not shown
    with world.session() as session:
        bulletin = session.scalar(select(Bulletin))
        assert bulletin.title == "Thông báo thu thuế đất" and bulletin.source_key == "thue-dat"
    again = post("/ban-tin/nhap", {"scripts": [(io.BytesIO(SCRIPT.encode()), "thue-dat.txt")]},
                 content_type="multipart/form-data").get_data(as_text=True)
    assert "Mới: 0" in again and "Không đổi: 1" in again
