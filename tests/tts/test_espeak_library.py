"""espeak-ng without a system package: the library bundled in espeakng-loader, run for real."""

import shutil
import sys
import wave
from concurrent.futures import ThreadPoolExecutor

import pytest

from broadcaster.audio.ffmpeg import measure, probe
from broadcaster.tts import SpeechChain, SpeechError, create_engine, espeak_library
from broadcaster.tts import espeak as espeak_module

HAS_PROGRAM = espeak_module.find_espeak() is not None


@pytest.fixture
def no_program(monkeypatch, tmp_path):
    """A PATH (and Windows program folders) without espeak-ng."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("ProgramFiles", raising=False)
    monkeypatch.delenv("ProgramFiles(x86)", raising=False)
    assert espeak_module.find_espeak() is None


def test_library_reads_vietnamese_to_a_wav_ffmpeg_decodes(tmp_path):
    engine = create_engine("espeak", backend="library")
    raw = engine.synthesize("Xin chào bà con", tmp_path)
    with wave.open(str(raw)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 22050)
    info = probe(raw)
    assert info is not None and info.format_name == "wav" and info.audio_codec == "pcm_s16le"
    m = measure(raw, true_peak=False)
    assert 700 <= m.duration_ms <= 3000, m  # four syllables and the closing pause
    assert not m.silent and m.integrated_lufs > -30, m


def test_library_voices_are_the_programs_voices(tmp_path):
    text = "Đề nghị bà con các thôn chú ý theo dõi."
    made = {}
    for voice in ("vi", "vi-vn-x-central", "vi-vn-x-south"):
        folder = tmp_path / voice
        folder.mkdir()
        raw = create_engine("espeak", voice=voice, backend="library").synthesize(text, folder)
        made[voice] = raw.read_bytes()
        assert measure(raw, true_peak=False).duration_ms > 1000
    assert len(set(made.values())) == 3  # each name selects a different voice


def test_library_speed_is_the_same_words_per_minute(tmp_path):
    slow = create_engine("espeak", speed=0.8, backend="library")
    fast = create_engine("espeak", speed=1.5, backend="library")
    assert (slow.options, fast.options) == ({"speed": 0.8, "wpm": 140}, {"speed": 1.5, "wpm": 262})
    text = "Đề nghị bà con các thôn chú ý theo dõi và thực hiện."
    slow_ms = measure(slow.synthesize(text, tmp_path), true_peak=False).duration_ms
    fast_ms = measure(fast.synthesize(text, tmp_path), true_peak=False).duration_ms
    assert slow_ms > fast_ms * 1.4


def test_library_reads_from_many_threads_as_from_one(tmp_path):
    texts = ["Một.", "Kính chào bà con.", "Thông báo số hai của ủy ban nhân dân xã.",
             "Đề nghị bà con các thôn chú ý theo dõi và thực hiện cho đúng thời gian.",
             "Xin chào.", "Đây là Đài truyền thanh xã Lệ Xá, kính chào bà con các thôn."]
    engine = create_engine("espeak", backend="library")

    def samples(index, folder):
        folder.mkdir()
        with wave.open(str(engine.synthesize(texts[index], folder))) as wav:
            return wav.getnframes()

    alone = [samples(i, tmp_path / f"alone-{i}") for i in range(len(texts))]
    with ThreadPoolExecutor(max_workers=len(texts)) as pool:
        together = list(pool.map(samples, range(len(texts)),
                                 [tmp_path / f"together-{i}" for i in range(len(texts))]))
    # The library carries a little state (a few samples) from one reading to the next, so
    # readings are compared by length: each thread got its own text, whole and unmixed.
    assert all(abs(a - b) <= 50 for a, b in zip(alone, together)), (alone, together)
    assert len(set(alone)) == len(texts)


def test_library_clip_meets_the_loudness_rule(cache, station_mp3):
    engine = create_engine("espeak", backend="library")
    clip = SpeechChain([engine], cache).speak("Đây là Đài truyền thanh xã Lệ Xá. Kính chào bà con.")
    assert (clip.engine, clip.voice) == ("espeak", "vi")
    assert clip.engine_version.startswith("espeak-ng 1.")
    assert "thư viện kèm theo" in clip.engine_version
    assert clip.duration_ms > 1500
    station_mp3(clip.path)


@pytest.mark.skipif(not HAS_PROGRAM, reason="the espeak-ng program is not installed here")
def test_program_and_library_clips_have_different_keys(cache):
    text = "Xin chào bà con."
    program, library = (create_engine("espeak", backend=b) for b in ("program", "library"))
    assert program.options == library.options
    assert program.version() != library.version()
    chain = SpeechChain([program], cache)
    assert chain.key_for(text, program, program.version()) != chain.key_for(
        text, library, library.version())
    made = chain.speak(text)
    again = SpeechChain([library], cache).speak(text)
    assert not again.cached and again.key != made.key


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands in for the program")
def test_auto_picks_the_program_when_it_is_on_path(monkeypatch, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    program = bin_dir / "espeak-ng"
    program.write_text("#!/bin/sh\nexit 0\n")
    program.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    engine = create_engine("espeak")
    assert engine.backend == "program" and engine.executable() == str(program)


def test_auto_uses_the_library_when_path_has_no_espeak_ng(no_program, cache, station_mp3):
    engine = create_engine("espeak", voice="vi-vn-x-south")
    assert engine.backend == "library"
    engine.check()
    clip = SpeechChain([engine], cache).speak("Kính chào bà con.")
    assert clip.skipped == () and "thư viện kèm theo" in clip.engine_version
    station_mp3(clip.path)


def test_unknown_backend_is_refused():
    with pytest.raises(SpeechError, match="Cách chạy espeak 'dll' không có.*auto, program"):
        create_engine("espeak", backend="dll")


def test_a_bogus_voice_is_a_speech_error(tmp_path):
    with pytest.raises(SpeechError, match="Giọng espeak 'en-us' không có"):
        create_engine("espeak", voice="en-us", backend="library")
    with pytest.raises(SpeechError, match="Thư viện espeak-ng không có giọng 'khong-co-giong'"):
        espeak_library.synthesize("Xin chào", "khong-co-giong", 175, tmp_path / "a.wav")
    assert not (tmp_path / "a.wav").exists()
    # The library is still usable afterwards.
    create_engine("espeak", backend="library").synthesize("Xin chào", tmp_path)


# --- the library cannot be used ----------------------------------------------------------------

def fake_data(folder):
    folder.mkdir(parents=True)
    (folder / "phontab").write_bytes(b"")
    (folder / "vi_dict").write_bytes(b"")
    return folder


def test_without_espeakng_loader_the_message_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "espeakng_loader", None)  # import fails
    with pytest.raises(SpeechError, match="Chưa cài gói espeakng-loader.*pip install"):
        espeak_library.bundled_paths()


def test_a_missing_or_broken_library_file_is_a_speech_error(tmp_path):
    data = fake_data(tmp_path / "espeak-ng-data")
    with pytest.raises(SpeechError, match="Không thấy thư viện espeak-ng"):
        espeak_library.load(str(tmp_path / "libespeak-ng.so"), str(data))
    broken = tmp_path / "broken.so"
    broken.write_bytes(b"not a shared library")
    with pytest.raises(SpeechError, match="Không nạp được thư viện espeak-ng.*espeakng-loader"):
        espeak_library.load(str(broken), str(data))


def test_missing_voice_data_is_a_speech_error(tmp_path):
    library_path, _ = espeak_library.bundled_paths()
    with pytest.raises(SpeechError, match="Không thấy dữ liệu tiếng Việt của espeak-ng"):
        espeak_library.load(library_path, str(tmp_path))


def test_a_data_path_too_long_for_the_library_is_refused(tmp_path):
    library_path, _ = espeak_library.bundled_paths()
    data = fake_data(tmp_path / ("x" * 100) / ("y" * 100))
    with pytest.raises(SpeechError, match="Đường dẫn dữ liệu espeak-ng quá dài"):
        espeak_library.load(library_path, str(data))


@pytest.mark.skipif(not sys.platform.startswith("linux"),
                    reason="needs a second, separate copy of the library in the process")
def test_initialization_that_falls_back_to_other_data_is_refused(tmp_path, monkeypatch):
    # A copy of the library is a separate instance, so the process's own one is not disturbed.
    library_path, _ = espeak_library.bundled_paths()
    copy = tmp_path / "copy" / "libespeak-ng.so"
    copy.parent.mkdir()
    shutil.copyfile(library_path, copy)
    monkeypatch.delenv("ESPEAK_DATA_PATH", raising=False)
    with pytest.raises(SpeechError, match="Thư viện espeak-ng không khởi động được"):
        espeak_library.load(str(copy), str(fake_data(tmp_path / "espeak-ng-data")))


def test_without_program_or_library_the_engine_is_unavailable(no_program, monkeypatch, cache):
    def unusable():
        raise SpeechError("Chưa cài gói espeakng-loader.")

    monkeypatch.setattr(espeak_library, "library", unusable)
    engine = create_engine("espeak")
    with pytest.raises(SpeechError, match="Không tìm thấy chương trình espeak-ng, và thư viện "
                                          ".*espeakng-loader.*apt install espeak-ng"):
        engine.check()
    with pytest.raises(SpeechError, match=r"\[espeak\] Không tìm thấy chương trình"):
        SpeechChain([engine], cache).speak("Xin chào")
