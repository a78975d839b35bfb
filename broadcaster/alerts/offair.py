"""The off-air monitor: listen to a sound input that hears the loudspeaker line (a receiver, a
microphone by a loudspeaker) and tell when it has been silent, with the same detector as playout.

ffmpeg records the input (`pulse:SOURCE` or `alsa:DEVICE`, setting `alerts.offair_input`) to raw
PCM on a pipe; a thread feeds it to a SilenceDetector. The watcher asks `silent_since()` and
alerts only while the playout daemon says something is airing (silence between slots is normal).
A recorder that dies (the input unplugged) is started again every few seconds and said in `error`.
"""

from __future__ import annotations

import logging
import subprocess
import threading
import time
from datetime import datetime, timedelta, timezone

from broadcaster.audio.ffmpeg import ffmpeg_exe
from broadcaster.audio.silence import SAMPLE_RATE, SilenceDetector
from broadcaster.errors import ConfigError

log = logging.getLogger(__name__)

CHUNK_BYTES = SAMPLE_RATE * 2 // 50   # 20 ms
RESTART_SECONDS = 5.0


def input_args(setting: str) -> list[str]:
    """ffmpeg's input options for `pulse:SOURCE` or `alsa:DEVICE`."""
    backend, _, name = setting.partition(":")
    if backend not in ("pulse", "alsa") or not name:
        raise ConfigError(f"Lỗi cấu hình: 'alerts.offair_input' phải có dạng pulse:NGUỒN hoặc "
                          f"alsa:THIẾT_BỊ, nhận được {setting!r}.")
    return ["-f", backend, "-i", name]


class OffAirMonitor:
    def __init__(self, setting: str, threshold_seconds: float, silence_dbfs: float):
        self.args = input_args(setting)
        self.setting = setting
        self.threshold = timedelta(seconds=threshold_seconds)
        self.detector = SilenceDetector(threshold_seconds, silence_dbfs)
        self.error = ""
        self._silent_since: datetime | None = None
        self._heard_at: datetime | None = None
        self._stop = threading.Event()
        self._process: subprocess.Popen | None = None
        self._thread = threading.Thread(target=self._run, name="offair", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
        self._thread.join(timeout=10)

    def silent_since(self) -> datetime | None:
        """When the input went silent, once that has lasted the threshold (None: it hears sound,
        or the recorder is not running: then `error` says why)."""
        since = self._silent_since
        if since is None or self.error:
            return None
        return since if datetime.now(timezone.utc) - since >= self.threshold else None

    def _run(self) -> None:
        while not self._stop.is_set():
            command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", *self.args,
                       "-ac", "1", "-ar", str(SAMPLE_RATE), "-f", "s16le", "pipe:1"]
            try:
                self._process = subprocess.Popen(command, stdout=subprocess.PIPE,
                                                 stderr=subprocess.PIPE)
            except OSError as exc:
                self.error = f"không chạy được ffmpeg ({exc})"
                self._stop.wait(RESTART_SECONDS)
                continue
            self._listen(self._process)
            if self._stop.is_set():
                return
            said = (self._process.stderr.read() or b"").decode("utf-8", "replace").strip()
            self.error = (f"không ghi được âm thanh từ {self.setting}"
                          + (f": {said.splitlines()[-1][:150]}" if said else ""))
            log.warning("off-air monitor: %s", self.error)
            self._stop.wait(RESTART_SECONDS)

    def _listen(self, process: subprocess.Popen) -> None:
        assert process.stdout is not None
        started = time.monotonic()
        while not self._stop.is_set():
            chunk = process.stdout.read(CHUNK_BYTES)
            if not chunk:
                return
            if self.error and time.monotonic() - started > 1:
                self.error = ""
            self.detector.feed(chunk)
            run = self.detector.silent_ms
            self._silent_since = (datetime.now(timezone.utc) - timedelta(milliseconds=run)
                                  if run else None)
