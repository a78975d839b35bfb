"""Prepare audio for air: decode it once, ahead of time, to raw PCM in the station's cache.

Decoding ahead checks the whole file (a corrupt or missing programme fails here, not on air) and
leaves the player nothing to do at the slot instant but read bytes.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from broadcaster.playout.errors import PlayoutError
from broadcaster.supervise import pid_alive

log = logging.getLogger(__name__)

SAMPLE_RATE = 44100
BYTES_PER_SAMPLE = 2                      # s16le, mono
BYTES_PER_MS = SAMPLE_RATE * BYTES_PER_SAMPLE / 1000
PCM_INPUT = ["-f", "s16le", "-ar", str(SAMPLE_RATE), "-ac", "1"]
MIN_AUDIO_MS = 200
DECODE_TIMEOUT_SECONDS = 900
PART_STALE_SECONDS = DECODE_TIMEOUT_SECONDS + 300  # no decode writes to a .part this long unnoticed
_locks: dict[str, tuple[threading.Lock, int]] = {}  # target -> (lock, users); dropped when unused
_locks_guard = threading.Lock()


@contextmanager
def _file_lock(key: str) -> Iterator[None]:
    """One decode of a file at a time; the lock is forgotten once nobody holds or waits for it."""
    with _locks_guard:
        lock, users = _locks.get(key, (None, 0))
        lock = lock or threading.Lock()
        _locks[key] = (lock, users + 1)
    try:
        with lock:
            yield
    finally:
        with _locks_guard:
            lock, users = _locks[key]
            if users == 1:
                del _locks[key]
            else:
                _locks[key] = (lock, users - 1)


@functools.cache
def ffmpeg_exe() -> str:
    """The ffmpeg program: the audio stage's locator when present, else PATH, else imageio-ffmpeg."""
    try:
        from broadcaster.audio.ffmpeg import ffmpeg_exe as audio_ffmpeg_exe
    except ImportError:
        audio_ffmpeg_exe = None
    if audio_ffmpeg_exe is not None:
        try:
            return audio_ffmpeg_exe()
        except Exception as exc:  # the audio stage raises its own error type
            raise PlayoutError(str(exc)) from None
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        raise PlayoutError("Không tìm thấy chương trình ffmpeg: hãy cài ffmpeg.") from None


def popen_flags() -> int:
    """Keep ffmpeg windows from flashing up on a Windows station."""
    return getattr(subprocess, "CREATE_NO_WINDOW", 0) if sys.platform == "win32" else 0


def ms_to_bytes(ms: int) -> int:
    return int(ms * BYTES_PER_MS) // BYTES_PER_SAMPLE * BYTES_PER_SAMPLE


@dataclass(frozen=True)
class Prepared:
    """A programme decoded to raw PCM (s16le, mono, 44.1 kHz)."""

    pcm_path: Path
    size: int

    @property
    def duration_ms(self) -> int:
        return round(self.size / BYTES_PER_MS)


def _cache_name(source: Path, key: str) -> str:
    stat = source.stat()
    ident = f"{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    return f"{key}-{hashlib.sha1(ident.encode()).hexdigest()[:12]}.pcm"


def prepare(source: Path, cache_dir: Path, key: str,
            timeout: float = DECODE_TIMEOUT_SECONDS) -> Prepared:
    """Decode `source` into the cache (once per file version) and return the PCM file."""
    if not source.is_file():
        raise PlayoutError(f"không tìm thấy tệp âm thanh {source}.")
    target = cache_dir / _cache_name(source, key)
    with _file_lock(str(target)):
        if target.is_file():
            os.utime(target)  # still in use: keep it past the cache clean-up
            return Prepared(target, target.stat().st_size)
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.part")
        command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-i", str(source),
                   "-map", "0:a:0", *PCM_INPUT, "-y", str(partial)]
        started = time.monotonic()
        try:
            proc = subprocess.run(command, capture_output=True, text=True, errors="replace",
                                  timeout=timeout, creationflags=popen_flags())
        except subprocess.TimeoutExpired:
            partial.unlink(missing_ok=True)
            raise PlayoutError(f"giải mã tệp {source.name} quá {timeout:.0f} giây.") from None
        size = partial.stat().st_size if partial.exists() else 0
        if proc.returncode != 0 or size < ms_to_bytes(MIN_AUDIO_MS):
            partial.unlink(missing_ok=True)
            detail = (proc.stderr.strip().splitlines() or ["không có âm thanh"])[-1][:200]
            raise PlayoutError(f"tệp âm thanh {source.name} hỏng hoặc không đọc được ({detail}).")
        if proc.stderr.strip():
            log.warning("decoding %s reported errors: %s", source, proc.stderr.strip()[:300])
        os.replace(partial, target)
        log.info("prepared %s (%.1f s of audio) in %.2f s", source.name, size / BYTES_PER_MS / 1000,
                 time.monotonic() - started)
        return Prepared(target, size)


def cleanup_cache(cache_dir: Path, older_than_seconds: float = 2 * 86400) -> None:
    """Remove decoded programmes nobody has touched for a while (they are re-made on demand), and
    the `.part` files of decodes that were killed (their process is gone, or they stopped growing
    longer ago than any decode may take)."""
    if not cache_dir.is_dir():
        return
    now = time.time()
    for path in cache_dir.glob("*.pcm"):
        try:
            if path.stat().st_mtime < now - older_than_seconds:
                path.unlink()
        except OSError:
            pass
    for path in cache_dir.glob("*.part"):
        pid = path.suffixes[-2].lstrip(".") if len(path.suffixes) >= 2 else ""
        try:
            stale = path.stat().st_mtime < now - PART_STALE_SECONDS
            if stale or not pid.isdigit() or not pid_alive(int(pid)):
                path.unlink()
                log.info("removed %s, left by a decode that did not finish", path.name)
        except OSError:
            pass
