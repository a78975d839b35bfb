"""Speech samples and checks shared by the audio tests (imported by name, not a conftest)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from broadcaster.audio.ffmpeg import ffmpeg_exe, measure, probe

SPEECH = ("Đây là Đài truyền thanh xã Lệ Xá. Sáng nay, Ủy ban nhân dân xã tổ chức hội nghị "
          "triển khai kế hoạch cải cách hành chính. Đề nghị bà con các thôn chú ý theo dõi.")


def espeak_wav(dest: Path, text: str = SPEECH, voice: str = "vi") -> Path:
    subprocess.run(["espeak-ng", "-v", voice, "-b", "1", "-w", str(dest), "--stdin"],
                   input=text.encode("utf-8"), check=True, capture_output=True, timeout=60)
    return dest


def ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y", *args],
                   check=True, capture_output=True, timeout=120)


def check_station_mp3(path: Path):
    """Assert the station's rule on a file: MP3, mono, 44.1 kHz, -16 LUFS ±1 LU, TP ≤ -1.5 dBTP."""
    info = probe(path)
    assert info is not None and info.format_name == "mp3", info
    assert info.audio_codec == "mp3" and info.sample_rate == 44100 and info.channels == "mono", info
    m = measure(path)
    assert abs(m.integrated_lufs - (-16.0)) <= 1.0, m
    assert m.true_peak_dbtp <= -1.5, m
    return m
