"""broadcaster status: the station's state, and a database other processes cannot use."""

import json
import sqlite3
from datetime import datetime, timezone

from tests.alerts.test_watcher import beat
from broadcaster.station.context import StationContext


def test_status_prints_the_state_of_the_station(station_home, invoke):
    ctx = StationContext(str(station_home))
    beat(ctx, datetime.now(timezone.utc))
    result = invoke("status")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Tình trạng: bình thường (Đài truyền thanh xã Lệ Xá)"
    assert "Cơ sở dữ liệu: đọc và ghi được" in lines
    assert any(l.startswith("Tiến trình phát: đang chạy (pid 1 trên may-dai") for l in lines)
    assert "Sao lưu: chưa có bản nào" in lines and "Cảnh báo đang mở: không có" in lines
    assert any(l.startswith(f"Ổ đĩa {station_home}: còn trống") for l in lines)
    data = json.loads(invoke("status", "--json").output)
    assert data["status"] == "ok" and data["daemon"]["alive"] is True


def test_status_says_when_the_daemon_never_ran(station_home, invoke):
    result = invoke("status")
    assert result.exit_code == 2
    assert "Tình trạng: NGỪNG HOẠT ĐỘNG" in result.output
    assert "Tiến trình phát: chưa chạy lần nào" in result.output


def test_status_tells_when_other_processes_cannot_use_the_database(station_home, invoke):
    db = station_home / "station.db"
    writer = sqlite3.connect(db)     # another process's connection, its writes still in the WAL
    writer.execute("UPDATE station SET name = name")
    writer.commit()
    (station_home / "station.db-wal").unlink()   # what a careless clean-up does
    try:
        result = invoke("status")
    finally:
        writer.close()
    assert result.exit_code == 2
    assert ("Cơ sở dữ liệu: LỖI: các tiến trình khác không dùng được cơ sở dữ liệu (disk I/O error)"
            in result.output)
