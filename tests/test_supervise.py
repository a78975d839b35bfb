import sys
import time

from broadcaster.supervise import Child, supervise


def test_a_dead_child_is_restarted_and_all_stop_together(tmp_path):
    marks = tmp_path / "starts"
    dies = Child("dies", [sys.executable, "-c",
                          f"open({str(marks)!r}, 'a').write('x')"])
    lives = Child("lives", [sys.executable, "-c", "import time; time.sleep(60)"])
    said: list[str] = []
    deadline = time.monotonic() + 20

    def enough() -> bool:
        return (marks.exists() and len(marks.read_text()) >= 2) or time.monotonic() > deadline

    supervise([dies, lives], said.append, should_stop=enough, poll_seconds=0.05)
    assert len(marks.read_text()) >= 2
    assert any("Tiến trình 'dies' đã dừng (mã 0)" in line for line in said)
    assert lives.process.poll() is not None  # terminated on the way out
    assert lives.restarts == 0


def test_run_refuses_when_the_station_already_runs(invoke, station_home):
    from broadcaster.playout.lock import StationLock

    running = StationLock(station_home)  # as a running `broadcaster run` / `playout` holds it
    running.acquire()
    try:
        result = invoke("run")
    finally:
        running.release()
    assert result.exit_code == 1
    assert result.output.startswith("Lỗi: tiến trình phát của đài đang chạy (pid ")
    assert "Đang chạy đài" not in result.output  # nothing was started
