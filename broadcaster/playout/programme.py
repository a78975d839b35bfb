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
from dataclasses import dataclass
from pathlib import Path

from broadcaster.playout.errors import PlayoutError

log = logging.getLogger(__name__)

SAMPLE_RATE = 44100
BYTES_PER_SAMPLE = 2                      # s16le, mono
BYTES_PER_MS = SAMPLE_RATE * BYTES_PER_SAMPLE / 1000
PCM_INPUT = ["-f", "s16le", "-ar", str(SAMPLE_RATE), "-ac", "1"]
MIN_AUDIO_MS = 200
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


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


def prepare(source: Path, cache_dir: Path, key: str, timeout: float = 900) -> Prepared:
    """Decode `source` into the cache (once per file version) and return the PCM file."""
    if not source.is_file():
        raise PlayoutError(f"không tìm thấy tệp âm thanh {source}.")
    target = cache_dir / _cache_name(source, key)
    with _locks_guard:
        lock = _locks.setdefault(str(target), threading.Lock())
    with lock:
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
    """Remove decoded programmes nobody has touched for a while (they are re-made on demand)."""
    if not cache_dir.is_dir():
        return
    limit = time.time() - older_than_seconds
    for path in cache_dir.glob("*.pcm"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            pass
