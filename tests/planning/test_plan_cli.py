"""The broadcast-day commands on a real station: real espeak-ng, ffmpeg and SQLite."""

import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from broadcaster.station.context import StationContext
from broadcaster.db.models import AuditEvent, Bulletin, DayPlan, PlanStatus

DAY = "2024-03-01"  # a Friday
SCHEDULE = """timezone = "Asia/Ho_Chi_Minh"
grace_minutes = 1
[[slot]]
name = "sang"
title = "Buổi sáng"
start = "06:00"
length_minutes = 1
[[slot]]
name = "chieu"
title = "Buổi chiều"
start = "17:00"
length_minutes = 1
"""
SCRIPT = """---
title: {title}
topic: thong-bao
priority: {priority}
valid_from: 2024-03-01
valid_until: 2024-03-31
repeat: {repeat}
---
{body}
"""


def write_script(folder, name, title, body, priority="thường", repeat="every-slot"):
    (folder / f"{name}.txt").write_text(SCRIPT.format(title=title, body=body, priority=priority,
                                                      repeat=repeat), encoding="utf-8")


@pytest.fixture
def day_station(invoke, home, tmp_path):
    schedule = tmp_path / "lich.toml"
    schedule.write_text(SCHEDULE, encoding="utf-8")
    assert invoke("init", "--schedule", str(schedule)).exit_code == 0
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    write_script(scripts, "hop", "Họp thôn", "Thôn Đông họp lúc 8h30 ngày 2/3/2024.")
    write_script(scripts, "bao", "Tin bão", "Bão số 3 gây mưa 150mm.", priority="khẩn cấp")
    write_script(scripts, "tiem", "Tiêm chủng", "UBND xã tiêm 1.250 liều vắc xin.", repeat="daily")
    assert invoke("import", str(scripts)).exit_code == 0
    for name in ("hung", "lan"):
        role = "approver" if name == "hung" else "editor"
        assert invoke("user", "add", name, "--role", role, "--password-stdin",
                      input="mat-khau-dai\n").exit_code == 0
    return home, scripts


def newest(home):
    with StationContext(str(home)).session() as session:
        plans = session.scalars(select(DayPlan).order_by(DayPlan.version.desc())).all()
        return {p.slot.name: (p.version, p.status, [i.title for i in p.items], p.warnings,
                              p.programme_path) for p in reversed(plans)}


def test_plan_show_approve_reject_round_trip(invoke, day_station):
    home, scripts = day_station
    planned = invoke("plan", DAY)
    assert planned.exit_code == 0, planned.output
    out = planned.output
    assert "Kế hoạch phát ngày 01/03/2024 (thứ Sáu)" in out
    assert "Buổi sáng 06:00 · phiên bản 1 (chờ duyệt)" in out
    plans = newest(home)
    assert plans["sang"][2][0] == "Tin bão"           # khẩn cấp first
    assert "Tiêm chủng" in plans["sang"][2] and "Tiêm chủng" not in plans["chieu"][2]  # daily
    assert all((home / p[4]).is_file() for p in plans.values())

    again = invoke("plan", DAY)
    assert again.output.count("(nội dung không đổi, giữ nguyên phiên bản)") == 2

    refused = invoke("approve", DAY, "--as", "lan")
    assert refused.exit_code == 1 and "'lan' không có quyền duyệt" in refused.output
    assert invoke("approve", DAY, "--slot", "sang", "--as", "hung").exit_code == 0
    shown = invoke("show", "01/03/2024").output
    assert "Buổi sáng 06:00 · phiên bản 1 (đã duyệt bởi hung lúc" in shown
    assert "Buổi chiều 17:00 · phiên bản 1 (chờ duyệt)" in shown

    no_comment = invoke("reject", DAY, "--slot", "chieu", "--as", "hung", "--comment", " ")
    assert no_comment.exit_code == 1 and "ghi lý do" in no_comment.output
    rejected = invoke("reject", DAY, "--slot", "chieu", "--as", "hung", "--comment", "Thiếu tin")
    assert rejected.exit_code == 0
    assert "Ý kiến: Thiếu tin" in invoke("show", DAY).output


def test_editing_a_bulletin_makes_a_new_version_that_needs_approval(invoke, day_station):
    home, scripts = day_station
    assert invoke("plan", DAY).exit_code == 0
    assert invoke("approve", DAY, "--as", "hung").exit_code == 0
    write_script(scripts, "hop", "Họp thôn", "Thôn Đông họp lúc 14h00 ngày 2/3/2024.")
    assert invoke("import", str(scripts)).exit_code == 0
    assert invoke("plan", DAY).exit_code == 0
    plans = newest(home)
    assert plans["sang"][:2] == (2, PlanStatus.DRAFT)
    with StationContext(str(home)).session() as session:
        changes = session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "plan.change_approved"))
        assert changes == 2
        v1 = session.scalar(select(DayPlan).where(DayPlan.version == 1, DayPlan.slot.has(name="sang")))
        assert v1.status is PlanStatus.APPROVED  # still the approved version until v2 is approved


def test_what_does_not_fit_is_carried_with_a_warning(invoke, day_station):
    home, scripts = day_station
    long_body = " ".join(["Bà con chú ý thực hiện tốt công tác phòng chống dịch bệnh."] * 12)
    write_script(scripts, "dai", "Tin dài", long_body, repeat="once")
    assert invoke("import", str(scripts)).exit_code == 0
    out = invoke("plan", DAY).output
    plans = newest(home)
    assert "Tin dài" not in plans["sang"][2] and "Tin dài" in plans["chieu"][2], out
    assert any("'Tin dài'" in w and "chuyển sang buổi chiều" in w for w in plans["sang"][3]), out
    assert "(chuyển từ 01/03)" in out
    with StationContext(str(home)).session() as session:
        for plan in session.scalars(select(DayPlan)):
            assert plan.programme_duration_ms <= 60_000 + 1500, plan.slot.name


def test_dates_in_other_forms_and_bad_ones(invoke, day_station):
    assert invoke("show", "2024-03-01").exit_code == 1  # no plan yet: a clear line
    bad = invoke("plan", "31/02/2024")
    assert bad.exit_code == 2 and "không phải ngày hợp lệ" in bad.output
    unknown = invoke("approve", DAY, "--as", "nobody")
    assert unknown.exit_code == 1


def test_prepare_builds_a_day_and_the_daily_job_prepares_today_catches_up_and_prunes(invoke, day_station):
    home, _ = day_station
    expired = home / "aircheck" / "2000-01-01"
    expired.mkdir(parents=True)
    (expired / "sang-v1.mp3").write_bytes(b"\xff" * 1000)
    result = invoke("prepare", "--date", "2024-03-02")
    assert result.exit_code == 0 and "Đã chuẩn bị ngày 02/03/2024: 2 buổi" in result.output
    (home / "broadcaster.toml").write_text('[planning]\nprepare_at = "00:00"\n', encoding="utf-8")
    daemon = subprocess.Popen([sys.executable, "-m", "broadcaster", "--home", str(home), "prepare",
                               "--every-day"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    try:
        deadline = time.monotonic() + 180
        days: set = set()
        while time.monotonic() < deadline and (len(days) < 3 or expired.exists()):
            time.sleep(1)
            with StationContext(str(home)).session() as session:
                days = set(session.scalars(select(DayPlan.air_date)))
    finally:
        daemon.terminate()
        output = daemon.communicate(timeout=20)[0]
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    assert days >= {date(2024, 3, 2), today, today + timedelta(days=1)}, output
    assert "Tự động chuẩn bị ngày hôm sau lúc 00:00" in output
    assert output.count("Đã chuẩn bị ngày") == 2
    # the planted air-check and the two programmes of 02/03/2024 are past their keeping time
    assert not expired.exists() and not (home / "programmes" / "2024-03-02").exists()
    assert "Đã xóa 3 tệp âm thanh quá thời hạn lưu trữ" in output, output


def test_a_bad_prepare_time_is_one_clear_line(invoke, day_station):
    home, _ = day_station
    (home / "broadcaster.toml").write_text('[planning]\nprepare_at = "8h"\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "broadcaster", "--home", str(home), "prepare",
                             "--every-day"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip() == ("Lỗi: Lỗi cấu hình: 'planning.prepare_at' phải có dạng HH:MM "
                                     "(ví dụ \"20:00\"), nhận được '8h'.")


def test_render_creates_only_what_is_missing(invoke, day_station):
    home, _ = day_station
    first = invoke("render", "--date", DAY)
    assert first.exit_code == 0 and "Đã tạo 3 bản tin và 0 chương trình" in first.output
    assert "Không còn âm thanh nào cần tạo." in invoke("render", "--date", DAY).output
    assert invoke("plan", DAY).exit_code == 0
    for path in (home / "programmes").rglob("*.mp3"):
        path.unlink()
    again = invoke("render", "--date", DAY)
    assert "0 bản tin và 2 chương trình" in again.output
    with StationContext(str(home)).session() as session:
        bulletins = session.scalar(select(func.count()).select_from(Bulletin))
    assert bulletins == 3


def test_a_left_over_is_carried_from_the_stored_plan_of_the_day_before(invoke, day_station):
    home, scripts = day_station
    long_body = " ".join(["Bà con chú ý thực hiện tốt công tác phòng chống dịch bệnh."] * 12)
    (scripts / "dai.txt").write_text(SCRIPT.format(title="Tin dài", body=long_body,
                                                   priority="thường", repeat="once")
                                     .replace("repeat: once", "repeat: once\nslots: sang"),
                                     encoding="utf-8")
    tiem = (scripts / "tiem.txt").read_text(encoding="utf-8")
    (scripts / "tiem.txt").write_text(tiem.replace("valid_until: 2024-03-31",
                                                   "valid_until: 2024-03-01"), encoding="utf-8")
    assert invoke("import", str(scripts)).exit_code == 0
    first = invoke("plan", DAY).output
    assert "'Tin dài'" in first and "chuyển sang ngày hôm sau" in first
    with StationContext(str(home)).session() as session:
        sang = session.scalar(select(DayPlan).where(DayPlan.slot.has(name="sang")))
        assert [entry[0:2] for entry in sang.carried_out] == [[sang.carried_out[0][0], DAY]]
    second = invoke("plan", "2024-03-02").output
    assert "Tin dài · " in second and "(chuyển từ 01/03)" in second, second
    again = invoke("plan", "2024-03-02").output
    assert again.count("giữ nguyên phiên bản") == 2  # the same inputs give the same plan
