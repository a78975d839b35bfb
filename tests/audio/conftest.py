"""Fixtures for the audio stage: real speech from espeak-ng in the formats people upload."""

from __future__ import annotations

from pathlib import Path

import pytest

from speech_samples import check_station_mp3, espeak_wav, ffmpeg


@pytest.fixture(scope="session")
def speech_dir(tmp_path_factory) -> Path:
    """Speech in several formats, made once per test session."""
    folder = tmp_path_factory.mktemp("speech")
    wav = espeak_wav(folder / "speech.wav")
    ffmpeg("-i", str(wav), "-ar", "48000", "-ac", "2", "-c:a", "libmp3lame", "-b:a", "128k",
           str(folder / "speech.mp3"))
    ffmpeg("-i", str(wav), "-ar", "44100", "-ac", "2", "-c:a", "aac", "-b:a", "96k",
           str(folder / "speech.m4a"))
    ffmpeg("-i", str(wav), "-c:a", "libvorbis", str(folder / "speech.ogg"))
    ffmpeg("-i", str(wav), "-ar", "48000", "-c:a", "pcm_s16le", str(folder / "speech48k.wav"))
    # Speech, three seconds of digital silence, speech: a pause that must survive.
    ffmpeg("-i", str(wav), "-f", "lavfi", "-t", "3", "-i", "anullsrc=r=22050:cl=mono",
           "-i", str(wav), "-filter_complex", "[0:a][1:a][2:a]concat=n=3:v=0:a=1",
           str(folder / "pause.wav"))
    return folder


@pytest.fixture
def station_mp3():
    return check_station_mp3
