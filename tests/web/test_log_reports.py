"""As-run log page, air-check audio by id, audio routes that never take a path, reports."""

import html
import os
from datetime import timedelta

import pytest
from sqlalchemy import select

from broadcaster.db.models import AsRunStatus, Clip, Station
from tests.web.rows import add_plan, log_row


def test_log_lists_and_filters_what_aired(as_role, client, world):
    slot = log_row(world, kind="slot", title="Buổi sáng", played=300_000)
    log_row(world, parent=slot, offset=12_000)
    log_row(world, parent=slot, title="Hướng dẫn nộp thuế", topic="cchc", offset=80_000)
    log_row(world, kind="slot", status=AsRunStatus.MISSED, slot="chieu", title="Buổi chiều", played=None)
    log_row(world, day=world.today() - timedelta(days=20), title="Tin cũ")
    as_role("reporter")
    page = html.unescape(client.get("/nhat-ky").get_data(as_text=True))
    assert "Thông báo tiêm phòng" in page and "Hướng dẫn nộp thuế" in page and "bỏ lỡ" in page
    assert "Tin cũ" not in page  # older than the default week
    assert "5 mục" not in page and "4 mục" in page
    topic = html.unescape(client.get("/nhat-ky?chu_de=cchc").get_data(as_text=True))
    assert "Hướng dẫn nộp thuế" in topic and "Thông báo tiêm phòng" not in topic
    missed = html.unescape(client.get("/nhat-ky?trang_thai=MISSED").get_data(as_text=True))
    assert "Buổi chiều" in missed and "Thông báo tiêm phòng" not in missed
    old = (world.today() - timedelta(days=25)).isoformat()
    wide = html.unescape(client.get(f"/nhat-ky?tu={old}&den={world.today().isoformat()}")
                         .get_data(as_text=True))
    assert "Tin cũ" in wide
    assert client.get("/nhat-ky?tu=xx&den=2024-13-40&trang_thai=NOPE").status_code == 200


def test_aircheck_audio_is_found_by_the_log_rows_id(as_role, client, world, station_home):
    slot = log_row(world, kind="slot", title="Buổi sáng", played=300_000, version=2)
    item = log_row(world, parent=slot, offset=12_000, version=2)
    folder = station_home / "aircheck" / world.today().isoformat()
    folder.mkdir(parents=True)
    (folder / "sang-v2.mp3").write_bytes(b"ID3" + b"\x01" * 5000)
    as_role("operator")
    page = client.get("/nhat-ky").get_data(as_text=True)
    assert f"/am-thanh/ghi-song/{slot}" in page and f"/am-thanh/ghi-song/{slot}#t=12.0" in page
    audio = client.get(f"/am-thanh/ghi-song/{slot}")
    assert audio.status_code == 200 and audio.data.startswith(b"ID3") and audio.mimetype == "audio/mpeg"
    assert client.get(f"/am-thanh/ghi-song/{item}").status_code == 200  # an item plays its slot's
    no_file = log_row(world, kind="slot", slot="chieu", title="Buổi chiều")
    assert client.get(f"/am-thanh/ghi-song/{no_file}").status_code == 404
    (folder / "sang-v2.mp3").unlink()  # past storage.aircheck_keep_days: nothing to offer
    page = client.get("/nhat-ky").get_data(as_text=True)
    assert f"/am-thanh/ghi-song/{slot}" not in page


@pytest.mark.parametrize("url", [
    "/am-thanh/clip/../../secret_key",
    "/am-thanh/clip/..%2f..%2fsecret_key",
    "/am-thanh/clip/%2e%2e/station.db",
    "/am-thanh/clip/1/../../../etc/passwd",
    "/am-thanh/clip/-1",
    "/am-thanh/clip/1.mp3",
    "/am-thanh/chuong-trinh/..%2F..%2Fsecret_key",
    "/am-thanh/ghi-song/%2Fetc%2Fpasswd",
    "/am-thanh/ghi-song/1?path=/etc/passwd",
    "/static/../secret_key",
    "/static/..%2fsecret_key",
    "/static/%2e%2e/%2e%2e/station.db",
    "/am-thanh/clip/999999",
])
def test_audio_routes_never_take_a_path(as_role, client, url):
    as_role("admin")
    response = client.get(url)
    assert response.status_code == 404, url
    assert b"secret" not in response.data.lower() or b"Kh\xc3\xb4ng t\xc3\xacm th\xe1\xba\xa5y" in response.data


def test_stored_paths_that_leave_the_home_are_refused(as_role, client, world, station_home, tmp_path):
    outside = tmp_path / "outside.mp3"
    outside.write_bytes(b"ID3 not for the web")
    with world.session() as session:
        station = session.scalar(select(Station))
        bad = [Clip(station_id=station.id, cache_key=f"k{n}", kind="speech", engine="espeak",
                    path=path, duration_ms=1, lufs=-16, true_peak=-2)
               for n, path in enumerate([os.path.relpath(outside, station_home), str(outside),
                                         "../station/secret_key", "secret_key/../../x",
                                         "station.db", "cache/../secret_key"])]
        session.add_all(bad)
        session.flush()
        ids = [c.id for c in bad]
    plan = add_plan(world, "sang", programme="../../../../etc/passwd")
    slot = log_row(world, kind="slot", slot="../../..", title="x")
    as_role("admin")
    for clip_id in ids:
        assert client.get(f"/am-thanh/clip/{clip_id}").status_code == 404
    assert client.get(f"/am-thanh/chuong-trinh/{plan}").status_code == 404
    assert client.get(f"/am-thanh/ghi-song/{slot}").status_code == 404


def test_reports_page_shows_figures_and_downloads_each_format(as_role, client, world):
    today = world.today()
    slot = log_row(world, kind="slot", title="Buổi sáng", played=300_000)
    log_row(world, parent=slot, played=90_000)
    as_role("reporter")
    page = html.unescape(client.get("/bao-cao").get_data(as_text=True))
    quarter = f"{today.year}Q{(today.month + 2) // 3}"
    assert "1 lượt phát" in page and "1,5 phút" in page and "Y tế" in page
    for fmt, mime in (("xlsx", "spreadsheetml"), ("csv", "text/csv"), ("docx", "wordprocessingml")):
        response = client.get(f"/bao-cao/tai?quy={quarter}&dinh_dang={fmt}")
        assert response.status_code == 200 and mime in response.content_type, fmt
        assert "attachment" in response.headers["Content-Disposition"]
        assert response.headers["Content-Disposition"].count(f".{fmt}") >= 1
        assert len(response.data) > 100
    ranged = client.get(f"/bao-cao/tai?tu={today.isoformat()}&den={today.isoformat()}&dinh_dang=csv")
    assert "Thông báo tiêm phòng" in ranged.data.decode("utf-8-sig")


def test_a_bad_report_request_says_why(as_role, client):
    as_role("admin")
    page = html.unescape(client.get("/bao-cao/tai?quy=2024Q7&dinh_dang=xlsx", follow_redirects=True)
                         .get_data(as_text=True))
    assert "Không lập được báo cáo: quý '2024Q7' không hợp lệ" in page
    fmt = html.unescape(client.get("/bao-cao/tai?dinh_dang=pdf", follow_redirects=True)
                        .get_data(as_text=True))
    assert "Hãy chọn dạng tệp" in fmt
    backwards = html.unescape(client.get("/bao-cao?tu=2024-03-31&den=2024-03-01").get_data(as_text=True))
    assert "sau ngày kết thúc" in backwards
