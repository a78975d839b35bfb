"""The station's opening chime: a short three-note bell motif made here, from sine waves.

The shipped ``audio/chime.wav`` is this generator's output (``python -m broadcaster.audio.chime``
rewrites it); a test checks the two still agree. No third-party music is involved.
"""

from __future__ import annotations

import math
import sys
import wave
from array import array
from pathlib import Path

from broadcaster.audio.errors import AudioError
from broadcaster.audio.ffmpeg import SAMPLE_RATE
from broadcaster.audio.files import publish, temp_beside

CHIME_FILE = "chime.wav"

# (start seconds, fundamental Hz, ring time constant seconds): G5, C6, E6, then a C6+E6+G6 chord.
NOTES: tuple[tuple[float, float, float], ...] = (
    (0.00, 783.99, 0.35),
    (0.28, 1046.50, 0.35),
    (0.56, 1318.51, 0.45),
    (0.95, 1046.50, 0.70),
    (0.95, 1318.51, 0.70),
    (0.95, 1567.98, 0.70),
)
# Partials of a soft bell: (ratio to the fundamental, amplitude, decay speed-up).
PARTIALS: tuple[tuple[float, float, float], ...] = ((1.0, 1.0, 1.0), (2.0, 0.35, 1.8),
                                                    (3.0, 0.12, 2.6), (4.2, 0.05, 3.5))
DURATION_S = 2.4
ATTACK_S = 0.004
FADE_S = 0.25
PEAK_DBFS = -6.0


def chime_samples(sample_rate: int = SAMPLE_RATE) -> array:
    """Return the chime as signed 16-bit mono samples, peak at -6 dBFS, ending in silence."""
    total = int(DURATION_S * sample_rate)
    mix = [0.0] * total
    for start_s, freq, tau in NOTES:
        start = int(start_s * sample_rate)
        for n in range(start, total):
            t = (n - start) / sample_rate
            attack = min(1.0, t / ATTACK_S)
            value = 0.0
            for ratio, amp, speed in PARTIALS:
                value += amp * math.exp(-t * speed / tau) * math.sin(2 * math.pi * freq * ratio * t)
            mix[n] += attack * value
    fade_start = total - int(FADE_S * sample_rate)
    for n in range(fade_start, total):
        mix[n] *= (total - n) / (total - fade_start)
    peak = max(abs(v) for v in mix) or 1.0
    scale = 32767 * 10 ** (PEAK_DBFS / 20) / peak
    return array("h", (round(v * scale) for v in mix))


def write_chime(path: Path, sample_rate: int = SAMPLE_RATE) -> Path:
    """Write the chime as a 16-bit mono WAV, through a temporary file and a rename."""
    path = Path(path)
    samples = chime_samples(sample_rate)
    tmp = temp_beside(path)
    try:
        with wave.open(str(tmp), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(sample_rate)
            out.writeframes(samples.tobytes() if _little_endian() else _swapped(samples))
        publish(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def read_wav_samples(path: Path) -> tuple[int, array]:
    """Read a 16-bit mono WAV: (sample rate, samples)."""
    with wave.open(str(path), "rb") as src:
        if src.getsampwidth() != 2 or src.getnchannels() != 1:
            raise AudioError(f"{path.name}: cần WAV 16 bit một kênh.")
        data = array("h", src.readframes(src.getnframes()))
        rate = src.getframerate()
    if not _little_endian():
        data.byteswap()
    return rate, data


def chime_path(fallback_dir: Path | None = None) -> Path:
    """Return the shipped chime; if the installation lacks it, make one in fallback_dir."""
    from broadcaster.resources import data_dir

    try:
        shipped = data_dir("audio") / CHIME_FILE
        if shipped.is_file():
            return shipped
    except FileNotFoundError:
        pass
    if fallback_dir is None:
        raise AudioError("Thiếu tệp nhạc hiệu audio/chime.wav trong bản cài đặt.")
    made = Path(fallback_dir) / CHIME_FILE
    return made if made.is_file() else write_chime(made)


def _little_endian() -> bool:
    return sys.byteorder == "little"


def _swapped(samples: array) -> bytes:
    copy = array("h", samples)
    copy.byteswap()
    return copy.tobytes()


if __name__ == "__main__":  # pragma: no cover - maintenance helper
    from broadcaster.resources import data_dir

    print(write_chime(data_dir("audio") / CHIME_FILE))
