"""Run ffmpeg safely and read what it prints: stream probes, loudness and sample counts.

Only the ``ffmpeg`` program is needed (no ffprobe): the bundled imageio-ffmpeg wheel ships ffmpeg
alone, so a Windows station without ffmpeg on PATH works the same way.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from broadcaster.audio.errors import AudioError

log = logging.getLogger(__name__)

SAMPLE_RATE = 44100
"""Sample rate of every clip and programme the station produces."""

SILENT_LUFS = -70.0
"""ebur128 reports -70 LUFS when nothing passes its absolute gate: silence, or under 0.4 s."""


@functools.cache
def ffmpeg_exe() -> str:
    """Return the ffmpeg program: the one on PATH, else the copy bundled with imageio-ffmpeg."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError) as exc:
        raise AudioError("Không tìm thấy chương trình ffmpeg. Hãy cài ffmpeg (hoặc gói Python "
                         f"imageio-ffmpeg) rồi thử lại. Chi tiết: {exc}") from None


def tail(text: str, limit: int = 600) -> str:
    """Cut a long tool output to its last lines, for messages and logs."""
    text = text.strip()
    return text if len(text) <= limit else "…" + text[-limit:]


def timeout_for(duration_s: float | None) -> float:
    """Give ffmpeg time for a pass over audio of this length, even on a slow commune PC."""
    if duration_s is None or not math.isfinite(duration_s):
        return 3600.0
    return 120.0 + 2.0 * duration_s


def run_ffmpeg(args: Sequence[str], *, timeout: float, what: str,
               check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ffmpeg with an argument list and a timeout; raise AudioError if it fails."""
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", *map(str, args)]
    log.debug("ffmpeg: %s", command)
    try:
        proc = subprocess.run(command, capture_output=True, text=True, encoding="utf-8",
                              errors="replace", timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise AudioError(f"ffmpeg chạy quá {timeout:.0f} giây khi {what}.") from None
    except OSError as exc:
        raise AudioError(f"Không chạy được ffmpeg khi {what}: {exc}.") from None
    if check and proc.returncode != 0:
        log.warning("ffmpeg failed while %s: %s", what, tail(proc.stderr))
        raise AudioError(f"ffmpeg báo lỗi khi {what}: {tail(proc.stderr, 300)}")
    return proc


# --- probing ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Probe:
    """What ffmpeg says about a file before decoding it."""

    format_name: str
    duration_s: float | None
    audio_codec: str | None
    sample_rate: int | None
    channels: str | None


_INPUT_RE = re.compile(r"^Input #0, (.+?), from ", re.M)
_DURATION_RE = re.compile(r"^\s*Duration: (?:(\d+):(\d+):(\d+(?:\.\d+)?)|N/A)", re.M)
_AUDIO_RE = re.compile(r"^\s*Stream #0:\d+\S*: Audio: ([^\s,]+)(?:[^\n]*?, (\d+) Hz, ([^,\n]+))?", re.M)


def parse_probe(stderr: str) -> Probe | None:
    """Read ``ffmpeg -i FILE`` output; None when ffmpeg did not recognise the input at all."""
    match = _INPUT_RE.search(stderr)
    if not match:
        return None
    duration = None
    dmatch = _DURATION_RE.search(stderr)
    if dmatch and dmatch.group(1) is not None:
        hours, minutes, seconds = dmatch.groups()
        duration = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    amatch = _AUDIO_RE.search(stderr)
    codec = amatch.group(1) if amatch else None
    rate = int(amatch.group(2)) if amatch and amatch.group(2) else None
    channels = amatch.group(3).strip() if amatch and amatch.group(3) else None
    return Probe(match.group(1), duration, codec, rate, channels)


def probe(path: Path) -> Probe | None:
    """Ask ffmpeg what a file holds (container, duration, first audio stream), without decoding."""
    proc = run_ffmpeg(["-i", path], timeout=60, what="đọc thông tin tệp âm thanh", check=False)
    return parse_probe(proc.stderr)


def decode_errors(path: Path, *, timeout: float = 600) -> list[str]:
    """Decode the first audio stream completely and return the errors ffmpeg reported."""
    proc = run_ffmpeg(["-v", "error", "-i", path, "-map", "0:a:0", "-f", "null", "-"],
                      timeout=timeout, what="thử giải mã tệp âm thanh", check=False)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    if proc.returncode != 0 and not lines:
        lines = [f"ffmpeg exit status {proc.returncode}"]
    return lines


# --- measuring -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Measurement:
    """Loudness and length of decoded audio (mono, 44.1 kHz)."""

    samples: int
    integrated_lufs: float
    true_peak_dbtp: float
    lra: float

    @property
    def duration_ms(self) -> int:
        return round(self.samples * 1000 / SAMPLE_RATE)

    @property
    def silent(self) -> bool:
        return not self.integrated_lufs > SILENT_LUFS + 0.5


_SUMMARY_I_RE = re.compile(r"^\s*I:\s+(-?(?:inf|[\d.]+)) LUFS", re.M)
_SUMMARY_LRA_RE = re.compile(r"^\s*LRA:\s+(-?(?:inf|[\d.]+)) LU", re.M)
_SUMMARY_PEAK_RE = re.compile(r"^\s*Peak:\s+(-?(?:inf|[\d.]+)) dBFS", re.M)
_SAMPLES_RE = re.compile(r"Number of samples: (\d+)")


def parse_measurement(stderr: str) -> Measurement:
    """Read the ebur128 summary and the astats sample count from ffmpeg's output."""
    start = stderr.rfind("Summary:")
    samples = _SAMPLES_RE.findall(stderr)
    if start < 0 or not samples:
        raise AudioError("Không đo được độ to của âm thanh (ffmpeg không in kết quả đo).")
    summary = stderr[start:]
    i_match = _SUMMARY_I_RE.search(summary)
    lra_match = _SUMMARY_LRA_RE.search(summary)
    peak_match = _SUMMARY_PEAK_RE.search(summary)
    if not i_match:
        raise AudioError("Không đo được độ to của âm thanh (thiếu giá trị LUFS).")
    return Measurement(
        samples=int(samples[-1]),
        integrated_lufs=float(i_match.group(1)),
        true_peak_dbtp=float(peak_match.group(1)) if peak_match else math.nan,
        lra=float(lra_match.group(1)) if lra_match else math.nan,
    )


def measure(path: Path, *, true_peak: bool = True, timeout: float = 3600) -> Measurement:
    """Decode a file to mono 44.1 kHz and measure integrated loudness, true peak and length."""
    chain = (f"aresample={SAMPLE_RATE},aformat=channel_layouts=mono,"
             f"ebur128=peak={'true' if true_peak else 'none'}:framelog=verbose,"
             "astats=measure_perchannel=none:measure_overall=Number_of_samples")
    proc = run_ffmpeg(["-i", path, "-map", "0:a:0", "-af", chain, "-f", "null", "-"],
                      timeout=timeout, what="đo độ to")
    return parse_measurement(proc.stderr)


# --- two-pass loudnorm -----------------------------------------------------------------------

@dataclass(frozen=True)
class LoudnormStats:
    """The JSON block loudnorm prints (print_format=json)."""

    input_i: float
    input_tp: float
    input_lra: float
    input_thresh: float
    target_offset: float
    normalization_type: str


def parse_loudnorm_json(stderr: str) -> LoudnormStats:
    """Read the last JSON block loudnorm printed."""
    start = stderr.rfind("[Parsed_loudnorm")
    begin = stderr.find("{", start if start >= 0 else 0)
    end = stderr.find("}", begin)
    if begin < 0 or end < 0:
        raise AudioError("Không đọc được kết quả đo của bộ lọc loudnorm.")
    try:
        data = json.loads(stderr[begin:end + 1])
        return LoudnormStats(
            input_i=float(data["input_i"]),
            input_tp=float(data["input_tp"]),
            input_lra=float(data["input_lra"]),
            input_thresh=float(data["input_thresh"]),
            target_offset=float(data["target_offset"]),
            normalization_type=str(data.get("normalization_type", "")),
        )
    except (ValueError, KeyError) as exc:
        raise AudioError(f"Kết quả đo của loudnorm không hợp lệ: {exc}.") from None
