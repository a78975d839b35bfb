"""Where aired audio goes: the sound card, an Icecast mount, the air-check recording.

Each output takes raw PCM chunks from the pump through its own queue and writer thread, so a slow
or dead output never holds up the others. An output that fails keeps its reason (in Vietnamese)
for the as-run log; it never raises into the pump.
"""

from __future__ import annotations

import collections
import logging
import queue
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Sequence
from urllib.parse import quote

from broadcaster.playout.errors import PlayoutError
from broadcaster.playout.programme import BYTES_PER_MS, PCM_INPUT, SAMPLE_RATE, ffmpeg_exe, popen_flags

log = logging.getLogger(__name__)

OUTPUT_NAMES = ("device", "icecast", "aircheck")
MAX_QUEUED_MS = 5000        # an output this far behind real time is declared stuck
CLOSE_TIMEOUT_SECONDS = 15  # time for an encoder to flush and a sound card to drain


class Output:
    """One destination, fed in real time; `error` says why it failed (None while healthy)."""

    def __init__(self, name: str):
        self.name = name
        self.error: str | None = None
        self.failed_monotonic: float | None = None
        self.bytes_written = 0
        self._queue: queue.Queue[bytes | None] = queue.Queue()
        self._queued = 0
        self._writer: threading.Thread | None = None

    # --- what subclasses provide -------------------------------------------------------------
    def _start(self) -> None:
        raise NotImplementedError

    def _write(self, chunk: bytes) -> None:
        raise NotImplementedError

    def _finish(self, timeout: float) -> None:
        """Flush and close after the last chunk (called in the writer thread)."""

    def _abort(self) -> None:
        """Stop at once after a failure."""

    def _explain(self, detail: str) -> str:
        return f"{self.name}: {detail}"

    # --- the common machinery -----------------------------------------------------------------
    def fail(self, detail: str) -> None:
        if self.error is None:
            self.error = self._explain(detail)
            self.failed_monotonic = time.monotonic()
            log.warning("output %s failed: %s", self.name, self.error)
            self._abort()

    def open(self) -> None:
        """Start the output (spawn its encoder or open the device); failures are recorded."""
        try:
            self._start()
        except (OSError, PlayoutError, RuntimeError) as exc:
            self.fail(str(exc))
            return
        self._writer = threading.Thread(target=self._drain, name=f"output-{self.name}", daemon=True)
        self._writer.start()

    def feed(self, chunk: bytes) -> None:
        """Queue a chunk; never blocks (called by the pump on its real-time schedule)."""
        if self.error is not None or self._writer is None:
            return
        if self._queued > MAX_QUEUED_MS * BYTES_PER_MS:
            self.fail(f"ngõ ra không nhận kịp dữ liệu (chậm hơn {MAX_QUEUED_MS // 1000} giây)")
            return
        self._queued += len(chunk)
        self._queue.put(chunk)

    def close(self, timeout: float = CLOSE_TIMEOUT_SECONDS) -> None:
        """Send the end, wait for the output to finish, record a late failure."""
        if self._writer is None:
            return
        self._queue.put(None)
        self._writer.join(timeout)
        if self._writer.is_alive():
            self.fail("ngõ ra không kết thúc đúng hạn")

    def _drain(self) -> None:
        while True:
            chunk = self._queue.get()
            if chunk is None:
                break
            self._queued -= len(chunk)
            if self.error is not None:
                continue
            try:
                self._write(chunk)
                self.bytes_written += len(chunk)
            except (OSError, ValueError) as exc:
                self.fail(self._reason(exc))
        if self.error is None:
            try:
                self._finish(CLOSE_TIMEOUT_SECONDS - 1)
            except (OSError, PlayoutError) as exc:
                self.fail(str(exc))

    def _reason(self, exc: Exception) -> str:
        return str(exc)


class FfmpegOutput(Output):
    """An ffmpeg process reading PCM on stdin and writing to a device, a server or a file."""

    def __init__(self, name: str, target_args: list[str], label: str, what: str):
        super().__init__(name)
        self.target_args = target_args
        self.label = label
        self.what = what  # the failure in the operator's words
        self.process: subprocess.Popen | None = None
        self._stderr: collections.deque[str] = collections.deque(maxlen=12)

    def _explain(self, detail: str) -> str:
        return f"{self.name} ({self.label}): {self.what}: {detail}"

    def _start(self) -> None:
        command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", *PCM_INPUT, "-i", "pipe:0",
                   *self.target_args]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, bufsize=0,
                                        creationflags=popen_flags())
        threading.Thread(target=self._read_stderr, name=f"stderr-{self.name}", daemon=True).start()

    def _read_stderr(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        for raw in self.process.stderr:
            line = raw.decode("utf-8", "replace").strip()
            if line:
                self._stderr.append(line)

    def _detail(self) -> str:
        if self.process is not None:
            try:
                self.process.wait(2)
            except subprocess.TimeoutExpired:
                pass
        time.sleep(0.05)  # let the stderr reader catch the last line
        return ffmpeg_reason(list(self._stderr)) or "ffmpeg dừng bất thường"

    def _reason(self, exc: Exception) -> str:
        return self._detail()

    def _write(self, chunk: bytes) -> None:
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.write(chunk)

    def _finish(self, timeout: float) -> None:
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.close()
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise PlayoutError("ffmpeg không kết thúc đúng hạn") from None
        if code != 0:
            raise PlayoutError(self._detail())

    def _abort(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()


class AircheckOutput(FfmpegOutput):
    """The air-check recording: exactly the audio that was sent to air, as MP3."""

    def __init__(self, path: Path):
        super().__init__("aircheck", ["-c:a", "libmp3lame", "-b:a", "64k", "-f", "mp3", "-y",
                                      str(path)], str(path), "không ghi được bản lưu")
        self.path = path

    def _start(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        super()._start()

    def close(self, timeout: float = CLOSE_TIMEOUT_SECONDS) -> None:
        super().close(timeout)
        if self.bytes_written == 0 or not holds_audio(self.path):
            self.path.unlink(missing_ok=True)  # no audio got in: leave no empty recording behind


class SounddeviceOutput(Output):
    """The sound card through PortAudio (the `sounddevice` package): the choice on Windows."""

    def __init__(self, device: str):
        super().__init__("device")
        self.device = device or None
        self._stream = None

    def _explain(self, detail: str) -> str:
        return f"device (card âm thanh {self.device or 'mặc định'}): {detail}"

    def _start(self) -> None:
        try:
            import sounddevice
        except ImportError:
            raise PlayoutError("chưa cài gói sounddevice (pip install sounddevice)") from None
        try:
            self._stream = sounddevice.RawOutputStream(samplerate=SAMPLE_RATE, channels=1,
                                                       dtype="int16", device=self.device)
            self._stream.start()
        except Exception as exc:  # PortAudioError and friends: no device
            raise PlayoutError(f"không mở được card âm thanh ({exc})") from None

    def _write(self, chunk: bytes) -> None:
        self._stream.write(chunk)

    def _finish(self, timeout: float) -> None:
        self._stream.stop()
        self._stream.close()

    def _abort(self) -> None:
        if self._stream is not None:
            try:
                self._stream.abort()
            except Exception:  # already closed
                pass


# --- choosing and checking outputs -----------------------------------------------------------

def device_backend(setting: str) -> tuple[str, str]:
    """Split the `playout.device` setting into (backend, device name); `auto` picks per system."""
    backend, _, name = setting.partition(":")
    if backend == "auto":
        backend = "alsa" if sys.platform.startswith("linux") else "sounddevice"
        name = name or ("default" if backend == "alsa" else "")
    if backend not in ("alsa", "pulse", "sounddevice"):
        raise PlayoutError(f"thiết lập playout.device '{setting}' không hợp lệ: dùng auto, "
                           "alsa:TÊN, pulse:TÊN hoặc sounddevice:TÊN.")
    return backend, name


def _ffmpeg_device_args(backend: str, name: str) -> list[str]:
    if backend == "alsa":
        return ["-f", "alsa", name or "default"]
    return ["-f", "pulse", *(["-device", name] if name and name != "default" else []), "broadcaster"]


def device_output(setting: str) -> Output:
    backend, name = device_backend(setting)
    if backend == "sounddevice":
        return SounddeviceOutput(name)
    return FfmpegOutput("device", _ffmpeg_device_args(backend, name), f"card âm thanh {backend}:{name}",
                        "không phát được ra card âm thanh")


def icecast_output(settings) -> Output:
    host, port, mount = settings["icecast.host"], settings["icecast.port"], settings["icecast.mount"]
    mount = mount if mount.startswith("/") else "/" + mount
    url = f"icecast://{quote(settings['icecast.user'], safe='')}@{host}:{port}{mount}"
    args = ["-c:a", "libmp3lame", "-b:a", "64k", "-content_type", "audio/mpeg",
            "-password", settings["icecast.password"], "-f", "mp3", url]
    return FfmpegOutput("icecast", args, f"Icecast {host}:{port}{mount}",
                        "không gửi được tới máy chủ Icecast")


MIN_AIRCHECK_BYTES = 1024  # less is an MP3 header and no audio (64 kbit/s: 8 KB a second)


def holds_audio(path: Path) -> bool:
    """Whether an air-check file holds any audio (a kill just before air leaves only a header,
    a full disk an empty file)."""
    try:
        return path.stat().st_size >= MIN_AIRCHECK_BYTES
    except OSError:
        return False


def remove_empty_airchecks(folders: Sequence[Path]) -> list[Path]:
    """Delete the air-check files without audio in these date folders; return them."""
    removed = []
    for folder in folders:
        for path in folder.glob("*.mp3") if folder.is_dir() else ():
            if not holds_audio(path):
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed


def make_outputs(names: Sequence[str], settings, aircheck: Path) -> list[Output]:
    """The outputs of one airing, in the order named (`playout.outputs`)."""
    made: list[Output] = []
    for name in names:
        if name == "device":
            made.append(device_output(settings["playout.device"]))
        elif name == "icecast":
            made.append(icecast_output(settings))
        elif name == "aircheck":
            made.append(AircheckOutput(aircheck))
    return made


def check_device(setting: str, timeout: float = 10) -> str | None:
    """Try the sound card with a blip of silence; return why it cannot play (None when it can)."""
    try:
        backend, name = device_backend(setting)
        if backend == "sounddevice":
            output = SounddeviceOutput(name)
            output._start()
            output._finish(1)
            return None
        command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-f", "lavfi",
                   "-i", f"anullsrc=r={SAMPLE_RATE}:cl=mono", "-t", "0.05",
                   *_ffmpeg_device_args(backend, name)]
        proc = subprocess.run(command, capture_output=True, text=True, errors="replace",
                              timeout=timeout, creationflags=popen_flags())
    except subprocess.TimeoutExpired:
        return "card âm thanh không trả lời"
    except (OSError, PlayoutError) as exc:
        return str(exc)
    if proc.returncode != 0:
        return ffmpeg_reason(proc.stderr.splitlines()) or "lỗi không rõ"
    return None


_COMPONENT = re.compile(r"^\[(\w+) @ 0x[0-9a-f]+\]\s*")


def ffmpeg_reason(lines: list[str]) -> str:
    """The telling line of ffmpeg's errors: the first one a component (alsa, tcp…) printed."""
    lines = [line.strip() for line in lines if line.strip()]
    for line in lines:
        if _COMPONENT.match(line):
            return _COMPONENT.sub("", line)[:200]
    return lines[-1][:200] if lines else ""
