"""The clip cache: keyed by everything that shapes the sound, verified before it is served."""

import json
import os
import re
import unicodedata

import pytest

from broadcaster.audio.loudness import LoudnessTarget
from broadcaster.settings import load_settings
from broadcaster.tts import ClipCache, SpeechChain, SpeechError, build_chain, clip_key
from broadcaster.tts.espeak import EspeakEngine

TEXT = "Đây là Đài truyền thanh xã Lệ Xá."
RENDER = LoudnessTarget().describe()


class MustNotSynthesize(EspeakEngine):
    """espeak in every respect that makes the key, but fails the test if asked to speak."""

    def synthesize(self, text, workdir):
        raise AssertionError("synthesis happened although the clip was cached")


def test_key_is_a_sha256_of_everything_that_shapes_the_sound():
    key = clip_key("Xin chào", "espeak", "vi", {"speed": 1.0, "wpm": 175}, "espeak-ng 1.51",
                   RENDER)
    assert re.fullmatch(r"[0-9a-f]{64}", key), key  # a SHA-256, hex, lower case
    assert key == clip_key("Xin chào", "espeak", "vi", {"wpm": 175, "speed": 1.0},
                           "espeak-ng 1.51", dict(reversed(list(RENDER.items()))))
    variants = [
        clip_key("Xin chào!", "espeak", "vi", {"speed": 1.0, "wpm": 175}, "espeak-ng 1.51", RENDER),
        clip_key("Xin chào", "piper", "vi", {"speed": 1.0, "wpm": 175}, "espeak-ng 1.51", RENDER),
        clip_key("Xin chào", "espeak", "vi-vn-x-south", {"speed": 1.0, "wpm": 175},
                 "espeak-ng 1.51", RENDER),
        clip_key("Xin chào", "espeak", "vi", {"speed": 0.8, "wpm": 140}, "espeak-ng 1.51", RENDER),
        clip_key("Xin chào", "espeak", "vi", {"speed": 1.0, "wpm": 175}, "espeak-ng 1.52", RENDER),
        clip_key("Xin chào", "espeak", "vi", {"speed": 1.0, "wpm": 175}, "espeak-ng 1.51",
                 LoudnessTarget(bitrate="64k").describe()),
    ]
    assert len({key, *variants}) == 7


def test_second_request_does_no_synthesis(cache):
    first = SpeechChain([EspeakEngine()], cache).speak(TEXT)
    second = SpeechChain([MustNotSynthesize()], cache).speak(TEXT)
    assert (first.cached, second.cached) == (False, True)
    assert second.path == first.path and second.key == first.key
    assert (second.engine, second.voice, second.options, second.engine_version) == (
        first.engine, first.voice, first.options, first.engine_version)
    assert (second.duration_ms, second.lufs, second.true_peak) == (
        first.duration_ms, first.lufs, first.true_peak)


def test_nfc_and_nfd_spellings_share_one_clip(cache):
    SpeechChain([EspeakEngine()], cache).speak(unicodedata.normalize("NFD", TEXT) + "  ")
    assert SpeechChain([MustNotSynthesize()], cache).speak(TEXT).cached


def corrupt_truncate(mp3, sidecar):
    data = mp3.read_bytes()
    mp3.write_bytes(data[: len(data) // 2])


def corrupt_same_size(mp3, sidecar):
    data = bytearray(mp3.read_bytes())
    data[len(data) // 2: len(data) // 2 + 100] = bytes(100)
    mp3.write_bytes(bytes(data))


def corrupt_empty(mp3, sidecar):
    mp3.write_bytes(b"")


def corrupt_sidecar_missing(mp3, sidecar):
    sidecar.unlink()


def corrupt_sidecar_garbage(mp3, sidecar):
    sidecar.write_text("{ half written", encoding="utf-8")


def corrupt_duration_lie(mp3, sidecar):
    meta = json.loads(sidecar.read_text(encoding="utf-8"))
    meta["duration_ms"] += 5000
    sidecar.write_text(json.dumps(meta), encoding="utf-8")


@pytest.mark.parametrize("damage", [corrupt_truncate, corrupt_same_size, corrupt_empty,
                                    corrupt_sidecar_missing, corrupt_sidecar_garbage,
                                    corrupt_duration_lie])
def test_a_damaged_cache_entry_is_made_again(cache, damage, station_mp3):
    first = SpeechChain([EspeakEngine()], cache).speak(TEXT)
    mp3, sidecar = cache.paths(first.key)
    damage(mp3, sidecar)
    assert cache.get(first.key) is None
    with pytest.raises(AssertionError, match="synthesis happened"):
        SpeechChain([MustNotSynthesize()], cache).speak(TEXT)
    again = SpeechChain([EspeakEngine()], cache).speak(TEXT)
    assert not again.cached and again.path == first.path
    station_mp3(again.path)
    assert cache.get(first.key) is not None


def test_a_crash_while_writing_leaves_nothing_that_looks_like_a_clip(cache, monkeypatch):
    import broadcaster.tts.chain as chain_module

    def crash(src, dest, target):
        dest.parent.mkdir(parents=True, exist_ok=True)
        partial = dest.parent / f".{dest.name}.crash.part"
        partial.write_bytes(b"\xff\xfb" * 100)  # what a killed ffmpeg leaves behind
        raise chain_module.AudioError("ffmpeg bị dừng giữa chừng")

    monkeypatch.setattr(chain_module, "normalize_to_mp3", crash)
    with pytest.raises(SpeechError, match="giữa chừng"):
        SpeechChain([EspeakEngine()], cache).speak(TEXT)
    key = SpeechChain([EspeakEngine()], cache).key_for(TEXT, EspeakEngine(),
                                                       EspeakEngine().version())
    mp3, sidecar = cache.paths(key)
    assert not mp3.exists() and not sidecar.exists()
    assert cache.get(key) is None


def test_the_cache_folder_is_the_station_homes(tmp_path):
    settings = load_settings(tmp_path / "station", environ={})
    speech = build_chain(settings)
    assert speech.cache.folder == tmp_path / "station" / "cache" / "clips"
    clip = speech.speak("Xin chào")
    assert clip.path.is_relative_to(tmp_path / "station" / "cache" / "clips")


def test_clip_and_sidecar_are_readable_by_other_station_processes(cache):
    clip = SpeechChain([EspeakEngine()], cache).speak(TEXT)
    for path in cache.paths(clip.key):
        assert os.stat(path).st_mode & 0o444 == 0o444
