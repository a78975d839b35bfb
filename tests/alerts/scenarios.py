"""Faults produced for real against a running station (`broadcaster watch` and `broadcaster
playout` as processes), each returning when the fault happened and when its alert arrived at the
webhook server. Used by test_events.py (does it arrive?) and tests/bench/bench_alerts.py (how fast?).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from broadcaster.db.models import PlanStatus
from broadcaster.station.context import StationContext
from tests.playout.conftest import Plant
from tests.playout.test_dead_air import silent_middle

SETTINGS = """
[alerts]
targets = ["{webhook}"]
check_seconds = 1
daemon_down_seconds = 12
dead_air_seconds = 4
unapproved_minutes = 1
{extra}
[playout]
outputs = ["aircheck"]
reconcile_seconds = 2
"""


@dataclass(frozen=True)
class Figure:
    event: str
    happened: float   # wall clock (time.time()) of the fault
    arrived: float    # wall clock of the alert's arrival at the webhook server

    @property
    def delay(self) -> float:
        return self.arrived - self.happened


class Station:
    """A station home with its watcher and playout daemon running as processes."""

    def __init__(self, home: Path, webhook, extra: str = ""):
        self.home, self.webhook = home, webhook
        self.logs: dict[str, Path] = {}
        self.procs: dict[str, subprocess.Popen] = {}
        self.cli("init")
        with open(home / "broadcaster.toml", "a", encoding="utf-8") as settings:
            settings.write(SETTINGS.format(webhook=webhook.url, extra=extra))
        self.plant = Plant(home, StationContext(str(home)))

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "broadcaster", "--home", str(self.home), *args],
                              capture_output=True, text=True, timeout=180)
        assert done.returncode == 0 or not check, done.stdout + done.stderr
        return done

    def start(self, name: str, *args: str) -> subprocess.Popen:
        log = self.home.parent / f"{self.home.name}-{name}.log"
        out = open(log, "ab")
        proc = subprocess.Popen([sys.executable, "-m", "broadcaster", "--home", str(self.home),
                                 *args], stdout=out, stderr=subprocess.STDOUT)
        out.close()
        self.procs[name], self.logs[name] = proc, log
        return proc

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def log_tail(self) -> str:
        return "\n".join(f"--- {name}\n{path.read_text(errors='replace')[-2000:]}"
                         for name, path in self.logs.items() if path.exists())

    def arrival(self, text: str, timeout: float = 60) -> float:
        try:
            return self.webhook.wait_for(text, timeout)[1]
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{self.log_tail()}") from None

    def wait_daemon(self) -> None:
        from broadcaster.playout.heartbeat import read_heartbeat

        def alive():
            with self.plant.ctx.session() as session:
                beat = read_heartbeat(session, self.plant.ctx.station(session).id)
                return beat is not None and beat.alive and beat.pid == self.procs["playout"].pid
        self.plant.wait_for(alive, 60, "the playout daemon's heartbeat")


@contextmanager
def running(home: Path, webhook, extra: str = "", playout: bool = True) -> Iterator[Station]:
    station = Station(home, webhook, extra)
    try:
        station.start("watch", "watch")
        if playout:
            station.start("playout", "playout")
            station.wait_daemon()
        yield station
    finally:
        station.stop()


def unapproved_slot_passing(tmp: Path, webhook) -> list[Figure]:
    """A slot with a plan nobody approved: told before air, then MISSED once its grace ends."""
    with running(tmp / "unapproved", webhook) as station:
        day, start = station.plant.slot("thu", in_seconds=8, grace=2)
        planted = time.time()
        station.plant.plan("thu", day, status=PlanStatus.DRAFT)
        before = station.arrival("vẫn chưa được duyệt")
        missed = station.arrival("bị lỡ")
        return [Figure("buổi chưa duyệt gần giờ phát", planted, before),
                Figure("buổi chưa duyệt bị lỡ (hết thời gian trễ)", start.timestamp() + 2, missed)]


def corrupt_programme(tmp: Path, webhook) -> list[Figure]:
    """An approved slot whose programme file is damaged: logged FAILED at its time."""
    with running(tmp / "corrupt", webhook) as station:
        day, start = station.plant.slot("hong", in_seconds=6)
        station.plant.plan("hong", day, corrupt=True)
        told = station.arrival("Buổi phát bị lỗi")
        return [Figure("buổi phát lỗi (tệp chương trình hỏng)", start.timestamp() - 3, told)]


def daemon_killed(tmp: Path, webhook) -> list[Figure]:
    """The playout daemon killed (SIGKILL): told after alerts.daemon_down_seconds; then back."""
    with running(tmp / "killed", webhook) as station:
        killed = time.time()
        station.procs["playout"].send_signal(signal.SIGKILL)
        station.procs["playout"].wait()
        down = station.arrival("Tiến trình phát không còn chạy")
        restarted = time.time()
        station.start("playout", "playout")
        back = station.arrival("Tiến trình phát đã chạy lại.")
        return [Figure("tiến trình phát bị tắt (kill -9)", killed, down),
                Figure("tiến trình phát chạy lại", restarted, back)]


def silent_programme(tmp: Path, webhook) -> list[Figure]:
    """A programme with 10 s of silence after 2 s of sound (alerts.dead_air_seconds = 4)."""
    with running(tmp / "silent", webhook) as station:
        day, start = station.plant.slot("lang", in_seconds=6, length=120)
        station.plant.plan("lang", day, seconds=14, missing=True)
        silent_middle(station.home / f"programmes/{day}/lang-v1.mp3", tone=2, silence=10)
        dead = station.arrival("đang im lặng")
        back = station.arrival("đã có tiếng trở lại")
        threshold = start.timestamp() + 2 + 4  # the silence has lasted dead_air_seconds
        return [Figure("im lặng trên sóng (quá 4 giây)", threshold, dead),
                Figure("có tiếng trở lại", start.timestamp() + 12, back)]


def disk_filling(tmp: Path, webhook) -> list[Figure]:
    """The station home on a 40 MB tmpfs filled past alerts.disk_min_free_mb = 20."""
    mount = tmp / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", str(mount)], check=True)
    try:
        with running(mount / "home", webhook, "disk_min_free_mb = 20", playout=False) as station:
            time.sleep(2)  # the watcher has looked at least once and found room
            filler = mount / "day.bin"
            with open(filler, "wb") as handle:
                handle.write(os.urandom(25 * 1024 * 1024))
            filled = time.time()
            low = station.arrival("sắp đầy")
            filler.unlink()
            freed = time.time()
            ok = station.arrival("đã đủ chỗ trống")
            return [Figure("ổ đĩa sắp đầy (tmpfs 40 MB)", filled, low),
                    Figure("ổ đĩa có chỗ trở lại", freed, ok)]
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def backup_failing(tmp: Path, webhook) -> list[Figure]:
    """A backup to a folder that cannot be written (a file stands where the USB disk should be)."""
    with running(tmp / "backup", webhook, playout=False) as station:
        blocked = tmp / "usb-khong-cam"
        blocked.write_text("không phải thư mục")
        station.cli("backup", "--to", str(blocked / "sao-luu"), check=False)
        failed = time.time()
        told = station.arrival("Sao lưu thất bại")
        station.cli("backup", "--to", str(tmp / "usb"))
        done = time.time()
        back = station.arrival("Sao lưu đã thành công trở lại.")
        return [Figure("sao lưu thất bại", failed, told), Figure("sao lưu thành công lại", done, back)]


def render_failing(tmp: Path, webhook) -> list[Figure]:
    """Planning a recording bulletin whose recording was never uploaded: its audio cannot be made."""
    from broadcaster.db.models import Bulletin, BulletinKind, Topic
    from sqlalchemy import select

    with running(tmp / "render", webhook, playout=False) as station:
        ctx = station.plant.ctx
        with ctx.session() as session:
            owner = ctx.station(session)
            topic = session.scalars(select(Topic).where(Topic.station_id == owner.id)).first()
            session.add(Bulletin(station_id=owner.id, title="Thông báo lịch tiêm phòng",
                                 topic_id=topic.id, kind=BulletinKind.RECORDING))
        station.cli("plan", "tomorrow")
        planned = time.time()
        told = station.arrival("Không tạo được âm thanh cho 'Thông báo lịch tiêm phòng'")
        return [Figure("không tạo được âm thanh khi lập kế hoạch", planned, told)]


SCENARIOS = [unapproved_slot_passing, corrupt_programme, daemon_killed, silent_programme, disk_filling,
             backup_failing, render_failing]
