"""The off-air monitor on a real sound input: a PulseAudio null sink stands for the loudspeaker
line, its monitor source for the receiver that hears it. The test starts its own PulseAudio in a
private runtime folder (tests/run.sh installs pulseaudio); skipped where there is none."""

import os
import shutil
import subprocess
import time
from datetime import datetime, timezone

import pytest

from broadcaster.alerts.offair import OffAirMonitor
from broadcaster.alerts.watcher import Watcher
from broadcaster.audio.ffmpeg import ffmpeg_exe
from broadcaster.db.playout_models import PlayoutHeartbeat
from broadcaster.station.context import StationContext


@pytest.fixture
def pulse(tmp_path, monkeypatch):
    if not shutil.which("pulseaudio") or not shutil.which("pactl"):
        pytest.skip("pulseaudio is not installed (tests/run.sh installs it)")
    runtime = tmp_path / "pulse-runtime"
    runtime.mkdir()
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    monkeypatch.setenv("PULSE_RUNTIME_PATH", str(runtime / "pulse"))
    monkeypatch.delenv("PULSE_SERVER", raising=False)
    subprocess.run(["pulseaudio", "--daemonize=yes", "-n", "--exit-idle-time=-1",
                    "--load=module-native-protocol-unix", "--load=module-null-sink sink_name=loa",
                    "--log-target=stderr"], check=True, capture_output=True, timeout=30)
    deadline = time.monotonic() + 10
    while subprocess.run(["pactl", "info"], capture_output=True).returncode != 0:
        assert time.monotonic() < deadline, "pulseaudio did not start"
        time.sleep(0.2)
    yield "pulse:loa.monitor"
    subprocess.run(["pulseaudio", "--kill"], capture_output=True)


def play_into_the_line(seconds: float) -> subprocess.Popen:
    """A tone played into the null sink: what the loudspeakers would carry."""
    return subprocess.Popen([ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-re",
                             "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
                             "-f", "pulse", "-device", "loa", "broadcaster-test"])


def wait(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_the_monitor_hears_sound_and_tells_silence(pulse):
    monitor = OffAirMonitor(pulse, threshold_seconds=2, silence_dbfs=-50)
    tone = play_into_the_line(4)
    monitor.start()
    try:
        wait(lambda: monitor.detector.position_ms > 1500, 10, "audio from the input")
        assert monitor.silent_since() is None and monitor.error == ""
        tone.wait(timeout=20)
        stopped = datetime.now(timezone.utc)
        wait(lambda: monitor.silent_since() is not None, 10, "the silence to be told")
        assert abs((monitor.silent_since() - stopped).total_seconds()) < 1.5
        play_into_the_line(3)
        wait(lambda: monitor.silent_since() is None, 10, "the sound to come back")
    finally:
        monitor.stop()


def test_an_input_that_does_not_exist_is_said(pulse):
    monitor = OffAirMonitor("pulse:khong-co-nguon", 2, -50)
    monitor.start()
    try:
        wait(lambda: monitor.error, 15, "the recorder's failure")
        assert monitor.error.startswith("không ghi được âm thanh từ pulse:khong-co-nguon")
        assert monitor.silent_since() is None
    finally:
        monitor.stop()


def test_silence_at_the_monitor_during_an_airing_is_alerted(pulse, station_home):
    ctx = StationContext(str(station_home))
    started = datetime.now(timezone.utc)
    with ctx.session() as session:
        station = ctx.station(session)
        session.add(PlayoutHeartbeat(station_id=station.id, pid=os.getpid(), host="may-dai",
                                     started_at=started, seen_at=started, state={
                                         "playing": {"slot": "sang", "started_at": started.isoformat()}}))
    monitor = OffAirMonitor(pulse, threshold_seconds=2, silence_dbfs=-50)
    monitor.start()
    try:
        wait(lambda: monitor.silent_since() is not None, 10, "silence")
        [decision] = Watcher(ctx, offair=monitor).check()
    finally:
        monitor.stop()
    assert decision.kind == "offair"
    assert decision.message.startswith("Thiết bị nghe kiểm tra không nghe thấy tiếng từ ")
