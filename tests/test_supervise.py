import sys
import time
from pathlib import Path

import pytest

from broadcaster.home import Home
from broadcaster.playout.lock import PLAYOUT_BUSY, RUN_BUSY, StationLock
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


@pytest.mark.parametrize("lock, said", [
    (("playout_lock", PLAYOUT_BUSY), "Lỗi: tiến trình phát của đài đang chạy (pid "),  # a playout daemon
    (("run_lock", RUN_BUSY), "Lỗi: đài đang được chạy bởi một lệnh 'broadcaster run' khác (pid "),
])
def test_run_refuses_when_the_station_already_runs(invoke, station_home, lock, said):
    name, busy = lock
    running = StationLock(getattr(Home(station_home), name), busy)  # what the running process holds
    running.acquire()
    try:
        result = invoke("run")
    finally:
        running.release()
    assert result.exit_code == 1 and result.output.startswith(said)
    assert "Đang chạy đài" not in result.output  # nothing was started


def test_run_starts_the_station_and_a_second_run_is_refused(station_home, tmp_path):
    import os
    import signal
    import socket
    import subprocess
    import urllib.request

    with socket.socket() as probe:  # a free port for this station's web page
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "BROADCASTER_WEB_PORT": str(port)}
    argv = [sys.executable, "-m", "broadcaster", "--home", str(station_home), "run"]
    first = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline, page = time.monotonic() + 60, None
        while page is None and time.monotonic() < deadline:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/dang-nhap", timeout=2).read()
            except OSError:
                time.sleep(0.5)
        assert page is not None and "Đăng nhập".encode() in page  # the web child answers
        second = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
        assert second.returncode == 1
        assert second.stderr.startswith("Lỗi: đài đang được chạy bởi một lệnh 'broadcaster run' khác")
    finally:
        first.send_signal(signal.SIGTERM)
        output = first.communicate(timeout=60)[0]
    assert first.returncode == 0 and "Đang chạy đài." in output and "Đã dừng đài." in output
    assert "đã dừng (mã" not in output  # no child died and was restarted meanwhile


def _children_of(home) -> list[int]:
    """Pids of station processes (serve, playout, prepare) running for this home (Linux)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if str(home).encode() in argv and any(a in argv for a in (b"serve", b"playout", b"prepare")):
            found.append(int(entry.name))
    return found


def test_children_end_when_run_is_killed_and_a_new_run_starts(station_home, tmp_path):
    import os
    import signal
    import socket
    import subprocess

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "BROADCASTER_WEB_PORT": str(port)}
    argv = [sys.executable, "-m", "broadcaster", "--home", str(station_home), "run"]
    log = open(tmp_path / "run.log", "wb")
    first = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while len(_children_of(station_home)) < 3 and time.monotonic() < deadline:
        time.sleep(0.3)
    assert len(_children_of(station_home)) == 3
    time.sleep(3)  # the playout daemon has its lock
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    deadline = time.monotonic() + 15
    while _children_of(station_home) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert _children_of(station_home) == []  # none left running unsupervised
    second = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while len(_children_of(station_home)) < 3 and time.monotonic() < deadline:
            assert second.poll() is None, (tmp_path / "run.log").read_text()  # not refused
            time.sleep(0.3)
        assert len(_children_of(station_home)) == 3
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(60) == 0
        log.close()
