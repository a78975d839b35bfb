import re
import subprocess
import sys
from datetime import time

from sqlalchemy import select

from broadcaster.station.context import StationContext
from broadcaster.db.models import AuditEvent, Bulletin, Role, SlotTemplate, User
from broadcaster.station.users import check_password

PASSWORD = re.compile(r"Mật khẩu \(chỉ in một lần, hãy ghi lại\): (\S+)")


def test_init_creates_the_station_and_prints_the_admin_password_once(invoke, home):
    first = invoke("init")
    assert first.exit_code == 0, first.output
    password = PASSWORD.search(first.output).group(1)
    assert (home / "station.db").is_file() and (home / "broadcaster.toml").is_file()
    assert (home / "secret_key").stat().st_mode & 0o077 == 0
    again = invoke("init")
    assert again.exit_code == 0 and not PASSWORD.search(again.output)
    with StationContext(str(home)).session() as session:
        admin = session.scalar(select(User).where(User.username == "admin"))
        assert check_password(admin, password)
        assert admin.has_role(Role.APPROVER)
        assert session.scalars(select(SlotTemplate.name).order_by(SlotTemplate.start_time)).all() == ["sang", "chieu"]


def test_init_demo_imports_the_scripts_valid_from_today(invoke, home):
    result = invoke("init", "--demo")
    assert result.exit_code == 0, result.output
    assert "bị từ chối" in result.output and "0 bị từ chối" in result.output
    with StationContext(str(home)).session() as session:
        bulletins = session.scalars(select(Bulletin)).all()
    assert len(bulletins) >= 12
    assert len({b.valid_from for b in bulletins}) == 1


def test_init_with_another_schedule_and_a_bad_one(invoke, home, tmp_path):
    other = tmp_path / "lich.toml"
    other.write_text('timezone = "Asia/Ho_Chi_Minh"\n[[slot]]\nname = "trua"\ntitle = "Buổi trưa"\n'
                     'start = "11:30"\nlength_minutes = 15\n', encoding="utf-8")
    assert invoke("init", "--schedule", str(other)).exit_code == 0
    with StationContext(str(home)).session() as session:
        assert session.scalars(select(SlotTemplate.name)).all() == ["trua"]
    other.write_text(other.read_text(encoding="utf-8").replace('"11:30"', '"11h30"'), encoding="utf-8")
    bad = subprocess.run([sys.executable, "-m", "broadcaster", "--home", str(home), "init",
                          "--schedule", str(other)], capture_output=True, text=True)
    assert bad.returncode == 1
    assert bad.stderr.strip().splitlines() == [
        f"Lỗi: {other}, dòng 5: giờ bắt đầu '11h30' không hợp lệ (dạng \"06:00\" hoặc \"06:00:30\")."]


def test_running_init_again_keeps_the_schedule_edited_since_and_schedule_applies_with_audit(
        invoke, station_home, tmp_path):
    with StationContext(str(station_home)).session() as session:  # as the web's Lịch phát does
        session.scalar(select(SlotTemplate).where(SlotTemplate.name == "sang")).start_time = time(5, 30)
    again = invoke("init")
    assert again.exit_code == 0 and "Buổi sáng 05:30" in again.output
    with StationContext(str(station_home)).session() as session:
        assert session.scalar(select(SlotTemplate).where(SlotTemplate.name == "sang")).start_time == time(5, 30)
        assert session.scalar(select(AuditEvent).where(AuditEvent.action == "schedule.change")) is None
    other = tmp_path / "lich.toml"
    other.write_text('timezone = "Asia/Ho_Chi_Minh"\n[[slot]]\nname = "sang"\ntitle = "Buổi sáng"\n'
                     'start = "06:15"\nlength_minutes = 30\n', encoding="utf-8")
    applied = invoke("init", "--schedule", str(other))
    assert applied.exit_code == 0 and "Buổi sáng 06:15" in applied.output
    with StationContext(str(station_home)).session() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "schedule.change"))
        assert event.actor == "init --schedule" and event.before["slots"][0]["start"] == "05:30:00"
        assert [s["name"] for s in event.after["slots"]] == ["sang"]
        assert not session.scalar(select(SlotTemplate).where(SlotTemplate.name == "chieu")).active


def test_user_add_with_password_from_stdin_and_from_prompt(invoke, station_home):
    result = invoke("user", "add", "lan", "--role", "editor", "--role", "approver",
                    "--password-stdin", input="mat-khau-dai\n")
    assert result.exit_code == 0, result.output
    prompted = invoke("user", "add", "hung", "--role", "operator", input="mat-khau-2\nmat-khau-2\n")
    assert prompted.exit_code == 0, prompted.output
    with StationContext(str(station_home)).session() as session:
        lan = session.scalar(select(User).where(User.username == "lan"))
        assert {r.role for r in lan.roles} == {Role.EDITOR, Role.APPROVER}
        assert check_password(lan, "mat-khau-dai") and not lan.has_role(Role.OPERATOR)


def test_user_add_refusals_are_clear_lines(station_home):
    def add(*args, stdin):
        return subprocess.run([sys.executable, "-m", "broadcaster", "--home", str(station_home),
                               "user", "add", *args, "--password-stdin"], input=stdin,
                              capture_output=True, text=True)
    short = add("lan", "--role", "editor", stdin="ngan\n")
    assert short.returncode == 1 and short.stderr.strip() == "Lỗi: mật khẩu phải có ít nhất 8 ký tự."
    duplicate = add("admin", "--role", "editor", stdin="mat-khau-dai\n")
    assert "đã tồn tại" in duplicate.stderr and "Traceback" not in duplicate.stderr
    bad_role = add("lan", "--role", "boss", stdin="mat-khau-dai\n")
    assert bad_role.returncode == 2 and "boss" in bad_role.stderr


def test_import_command_reports_and_exits_nonzero_on_rejection(invoke, station_home, tmp_path):
    good = tmp_path / "tot.txt"
    good.write_text("---\ntitle: T\ntopic: thong-bao\npriority: thường\n---\nNội dung.\n", encoding="utf-8")
    bad = tmp_path / "hong.txt"
    bad.write_text("nội dung không có phần đầu\n", encoding="utf-8")
    ok = invoke("import", str(good))
    assert ok.exit_code == 0 and "1 bản tin mới" in ok.output
    mixed = invoke("import", str(good), str(bad))
    assert mixed.exit_code == 1
    assert "1 không đổi" in mixed.output and f"Từ chối {bad}: dòng 1" in mixed.output


def test_commands_before_init_and_with_bad_config_say_so_in_one_line(tmp_path):
    home = tmp_path / "none"
    fresh = subprocess.run([sys.executable, "-m", "broadcaster", "--home", str(home), "import", "x"],
                           capture_output=True, text=True)
    assert fresh.returncode == 1 and "broadcaster init" in fresh.stderr and "Traceback" not in fresh.stderr
    home.mkdir()
    (home / "broadcaster.toml").write_text("[web]\nport = 'tám'\n", encoding="utf-8")
    bad = subprocess.run([sys.executable, "-m", "broadcaster", "--home", str(home), "init"],
                         capture_output=True, text=True)
    assert bad.returncode == 1
    assert len(bad.stderr.strip().splitlines()) == 1 and "'web.port'" in bad.stderr


def test_help_lists_the_commands_in_plain_words(runner):
    from broadcaster.cli import cli

    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("init", "user", "import", "serve", "run"):
        assert re.search(rf"^\s+{command}\s", result.output, re.M), command
    assert "đài truyền thanh" in result.output.lower()


def test_an_unreachable_database_is_one_clear_line(tmp_path):
    home = tmp_path / "station"
    home.mkdir()
    (home / "broadcaster.toml").write_text(
        'database_url = "postgresql+psycopg://radio:x@127.0.0.1:1/radio"\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "broadcaster", "--home", str(home), "init"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Lỗi: không làm việc được với cơ sở dữ liệu (")
    assert "Traceback" not in result.stderr
