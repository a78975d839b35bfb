"""Backups: one archive, proven by restoring it; rotation; restore into a fresh home; refusals."""

import stat
import zipfile
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from broadcaster.backup import to_delete
from broadcaster.db.models import (AsRun, AsRunStatus, AuditEvent, Bulletin, DayPlan, PlanStatus,
                                   Role, Trigger, User)
from broadcaster.db.watch_models import BackupRecord
from broadcaster.home import Home
from broadcaster.playout.lock import StationLock
from broadcaster.station.context import StationContext
from broadcaster.station.users import add_user
from tests.playout.conftest import Plant

ON_POSTGRES = True


def test_rotation_keeps_the_newest_of_this_station_only():
    names = ["broadcaster-main-20240301-023000.zip", "broadcaster-main-20240303-023000.zip",
             "broadcaster-main-20240302-023000.zip", "broadcaster-other-20240101-000000.zip",
             "ghi-chu.txt", "broadcaster-main-20240304-023000.zip"]
    assert to_delete(names, "main", 2) == ["broadcaster-main-20240301-023000.zip",
                                           "broadcaster-main-20240302-023000.zip"]
    assert to_delete(names, "main", 10) == []


def _fill(plant: Plant) -> dict:
    """A station with users, bulletins, an approved plan, audit events and as-run rows."""
    with plant.ctx.session() as session:
        add_user(session, plant.ctx.station(session), "hung", "nguoi-duyet-123", [Role.APPROVER])
    day, _ = plant.slot("thu", in_seconds=3600)
    plan_id = plant.plan("thu", day, seconds=3)
    (plant.home / "recordings").mkdir(exist_ok=True)
    (plant.home / "recordings" / "thong-bao.mp3").write_bytes(b"ID3 recording")
    with plant.ctx.session() as session:
        station = plant.ctx.station(session)
        session.add(AuditEvent(station_id=station.id, actor="hung", action="plan.approve",
                               object_type="day_plan", object_id=plan_id))
        session.add(AsRun(station_id=station.id, kind="slot", trigger=Trigger.SCHEDULE,
                          status=AsRunStatus.PLAYED,
                          air_date=day, slot_name="sang", title="Buổi sáng",
                          started_at=datetime.now(timezone.utc), ended_at=datetime.now(timezone.utc),
                          played_ms=3000))
    return counts(plant.ctx)


def counts(ctx) -> dict:
    with ctx.session() as session:
        return {model.__name__: session.scalar(select(func.count()).select_from(model))
                for model in (User, Bulletin, DayPlan, AuditEvent, AsRun)}


def test_a_backup_is_one_private_archive_proven_and_recorded(station_home, invoke, database):
    plant = Plant(station_home, StationContext(str(station_home)))
    before = _fill(plant)
    folder = station_home.parent / "usb"
    result = invoke("backup", "--to", str(folder))
    assert result.exit_code == 0, result.output
    assert "khôi phục thử khớp với cơ sở dữ liệu" in result.output
    [archive] = list(folder.glob("broadcaster-main-*.zip"))
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    names = zipfile.ZipFile(archive).namelist()
    assert {"manifest.json", "broadcaster.toml", "secret_key", "health_token",
            "recordings/thong-bao.mp3"} <= set(names)
    assert ("station.db" if database == "sqlite" else "station.pgdump") in names
    assert not any(n.startswith("cache/") for n in names)
    assert any(n.startswith("programmes/") for n in names)   # today's and later programmes
    with plant.ctx.session() as session:
        record = session.scalars(select(BackupRecord)).one()
    assert record.ok and record.path == str(archive)
    assert record.tables["as_run"] == before["AsRun"] and record.tables["user"] == before["User"]


def test_rotation_after_each_backup(station_home, invoke):
    folder = station_home.parent / "usb"
    folder.mkdir()
    for stamp in ("20240101-023000", "20240102-023000"):
        (folder / f"broadcaster-main-{stamp}.zip").write_bytes(b"old")
    with open(station_home / "broadcaster.toml", "a", encoding="utf-8") as settings:
        settings.write("\n[backup]\nkeep = 2\n")
    result = invoke("backup", "--to", str(folder))
    assert result.exit_code == 0, result.output
    assert "Đã xóa bản sao lưu cũ broadcaster-main-20240101-023000.zip" in result.output
    assert len(list(folder.glob("*.zip"))) == 2


def test_a_backup_that_cannot_be_written_fails_clearly_and_is_recorded(station_home, invoke, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("x")
    result = invoke("backup", "--to", str(blocked / "usb"))
    assert result.exit_code == 1
    assert result.output.startswith("Lỗi: không ghi được vào thư mục sao lưu")
    ctx = StationContext(str(station_home))
    with ctx.session() as session:
        record = session.scalars(select(BackupRecord)).one()
    assert not record.ok and "không ghi được vào thư mục sao lưu" in record.error


def test_restore_into_a_fresh_home_has_everything(station_home, invoke, runner, tmp_path, database):
    from broadcaster.cli import cli

    plant = Plant(station_home, StationContext(str(station_home)))
    before = _fill(plant)
    assert invoke("backup", "--to", str(tmp_path / "usb")).exit_code == 0
    [archive] = list((tmp_path / "usb").glob("*.zip"))
    fresh = tmp_path / "fresh"
    if database != "sqlite":  # a new PC pointed at the (emptied) station database
        with plant.ctx.engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        fresh.mkdir()
        (fresh / "broadcaster.toml").write_text(f'database_url = "{database}"\n', encoding="utf-8")
    result = runner.invoke(cli, ["--home", str(fresh), "restore", str(archive)])
    assert result.exit_code == 0, result.output
    assert "Đã khôi phục đài 'main'" in result.output
    restored = StationContext(str(fresh))
    assert counts(restored) == before
    assert (fresh / "recordings" / "thong-bao.mp3").read_bytes() == b"ID3 recording"
    assert (fresh / "secret_key").read_text() == (station_home / "secret_key").read_text()
    with restored.session() as session:
        assert session.scalar(select(DayPlan.status)) is PlanStatus.APPROVED


def test_restore_is_refused_while_the_station_runs(station_home, invoke, tmp_path):
    assert invoke("backup", "--to", str(tmp_path / "usb")).exit_code == 0
    [archive] = list((tmp_path / "usb").glob("*.zip"))
    running = StationLock(Home(station_home).playout_lock)
    running.acquire()
    try:
        result = invoke("restore", str(archive))
    finally:
        running.release()
    assert result.exit_code == 1
    assert result.output.startswith("Lỗi: không khôi phục khi đài đang chạy")


def test_a_damaged_archive_is_refused_and_nothing_is_replaced(station_home, invoke, tmp_path,
                                                               database):
    if database != "sqlite":
        pytest.skip("the archive is damaged by editing its SQLite file")
    assert invoke("backup", "--to", str(tmp_path / "usb")).exit_code == 0
    [archive] = list((tmp_path / "usb").glob("*.zip"))
    damaged = tmp_path / "hong.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "station.db":
                import sqlite3
                scratch = tmp_path / "scratch.db"
                scratch.write_bytes(data)
                c = sqlite3.connect(scratch)
                c.execute("DELETE FROM topic WHERE id = (SELECT max(id) FROM topic)")
                c.commit()
                c.close()
                data = scratch.read_bytes()
            target.writestr(item, data)
    live = (station_home / "station.db").read_bytes()
    result = invoke("restore", str(damaged))
    assert result.exit_code == 1
    assert "bản sao lưu bị hỏng: bảng topic" in result.output
    assert (station_home / "station.db").read_bytes() == live
    assert not list(station_home.glob("*.before-restore-*"))
    not_zip = tmp_path / "khong-phai.zip"
    not_zip.write_text("xin chào")
    result = invoke("restore", str(not_zip))
    assert result.exit_code == 1 and "không phải bản sao lưu của đài" in result.output
