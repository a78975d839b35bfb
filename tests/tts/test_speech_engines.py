"""The engine contract and the espeak-ng and Piper engines, run for real."""

import re
import shutil

import pytest

from broadcaster.audio.ffmpeg import measure
from broadcaster.tts import Engine, SpeechChain, SpeechError, create_engine, engine_names, register
from broadcaster.tts import espeak as espeak_module
from broadcaster.tts.base import engine_class


def test_three_engines_are_registered_by_name():
    assert engine_names() == ["espeak", "gtts", "piper"]
    assert all(issubclass(engine_class(name), Engine) for name in engine_names())


def test_an_unknown_engine_is_a_speech_error_listing_the_known_ones():
    with pytest.raises(SpeechError, match="Không có bộ đọc nào tên 'festival'.*espeak, gtts, piper"):
        create_engine("festival")


def test_a_new_engine_registers_by_name(monkeypatch):
    from broadcaster.tts import base

    monkeypatch.setattr(base, "_REGISTRY", dict(base._REGISTRY))

    @register
    class Silent(Engine):
        name = "test-silent"

        def version(self):
            return "0"

        def synthesize(self, text, workdir):
            raise SpeechError("im lặng")

    assert isinstance(create_engine("test-silent", voice="x"), Silent)


@pytest.mark.parametrize("voice", ["vi", "vi-vn-x-central", "vi-vn-x-south"])
def test_espeak_reads_vietnamese_in_each_voice(tmp_path, voice):
    engine = create_engine("espeak", voice=voice)
    raw = engine.synthesize("Xin chào bà con xã Lệ Xá.", tmp_path)
    assert measure(raw, true_peak=False).duration_ms > 1000
    assert re.fullmatch(r"espeak-ng \d+\.\d+(\.\d+)?"  # the program, or the bundled library:
                        r"( \(thư viện kèm theo, espeakng-loader [\d.]+\))?", engine.version())


def test_espeak_speed_is_a_factor_of_175_words_per_minute(tmp_path):
    slow, fast = create_engine("espeak", speed=0.8), create_engine("espeak", speed=1.5)
    assert (slow.options, fast.options) == ({"speed": 0.8, "wpm": 140}, {"speed": 1.5, "wpm": 262})
    text = "Đề nghị bà con các thôn chú ý theo dõi và thực hiện."
    slow_ms = measure(slow.synthesize(text, tmp_path), true_peak=False).duration_ms
    fast_ms = measure(fast.synthesize(text, tmp_path), true_peak=False).duration_ms
    assert slow_ms > fast_ms * 1.4


def test_text_is_not_read_as_options(tmp_path):
    raw = create_engine("espeak").synthesize("--version -h", tmp_path)
    assert measure(raw, true_peak=False).duration_ms > 300


@pytest.mark.parametrize("config, message", [
    ({"voice": "en"}, "Giọng espeak 'en' không có"),
    ({"speed": 3}, "Tốc độ đọc 3 nằm ngoài khoảng 0,5–2"),
    ({"speed": 0.25}, "Tốc độ đọc 0,25 nằm ngoài khoảng"),
    ({"speed": "nhanh"}, "không hợp lệ"),
])
def test_espeak_refuses_bad_configuration(config, message):
    with pytest.raises(SpeechError, match=message):
        create_engine("espeak", **config)


def test_missing_espeak_program_says_how_to_install_it(monkeypatch, cache):
    monkeypatch.setattr(espeak_module, "find_espeak", lambda: None)
    assert create_engine("espeak").backend == "library"  # auto: see test_espeak_library.py
    engine = create_engine("espeak", backend="program")
    with pytest.raises(SpeechError, match="Không tìm thấy chương trình espeak-ng.*apt install espeak-ng"):
        engine.check()
    with pytest.raises(SpeechError, match=r"\[espeak\] Không tìm thấy"):
        SpeechChain([engine], cache).speak("Xin chào")


# --- Piper (the real en_US-joe-medium model, its espeak voice pointed at Vietnamese) -------

def test_piper_reads_through_its_real_model(piper_model, cache, station_mp3):
    engine = create_engine("piper", voice=str(piper_model))
    clip = SpeechChain([engine], cache).speak("Đây là Đài truyền thanh xã Lệ Xá. Kính chào bà con.")
    assert (clip.engine, clip.voice) == ("piper", "vi_VN-test-joe")
    assert re.fullmatch(r"piper-tts [\d.]+; model [0-9a-f]{16}; config [0-9a-f]{16}",
                        clip.engine_version)
    assert clip.options == {"speed": 1.0, "length_scale_factor": 1.0}
    assert clip.duration_ms > 1500
    station_mp3(clip.path)


def test_piper_speed_changes_the_length(piper_model, tmp_path):
    text = "Đề nghị bà con các thôn chú ý theo dõi."
    normal = create_engine("piper", voice=str(piper_model)).synthesize(text, tmp_path)
    normal_ms = measure(normal, true_peak=False).duration_ms
    fast = create_engine("piper", voice=str(piper_model), speed=1.5).synthesize(text, tmp_path)
    assert measure(fast, true_peak=False).duration_ms < normal_ms * 0.8


def test_piper_config_change_changes_the_version(piper_model, tmp_path):
    model = tmp_path / piper_model.name
    shutil.copyfile(piper_model, model)
    config = tmp_path / f"{piper_model.name}.json"
    shutil.copyfile(f"{piper_model}.json", config)
    before = create_engine("piper", voice=str(model)).version()
    config.write_text(config.read_text().replace('"vi"', '"vi-vn-x-south"'))
    assert create_engine("piper", voice=str(model)).version() != before


def test_piper_without_a_model_is_skipped_with_the_reason(cache):
    clip = SpeechChain([create_engine("piper", voice=""), create_engine("espeak")],
                       cache).speak("Xin chào")
    assert clip.engine == "espeak"
    (skip,) = clip.skipped
    assert (skip.engine, skip.kind) == ("piper", "unavailable")
    assert "tts.piper_model" in skip.message


def test_piper_without_its_config_is_unavailable(tmp_path):
    model = tmp_path / "vi_VN-vais1000-medium.onnx"
    model.write_bytes(b"onnx")
    with pytest.raises(SpeechError, match="cấu hình giọng Piper"):
        create_engine("piper", voice=str(model)).check()


def test_a_broken_piper_model_is_a_speech_error(tmp_path, piper_model):
    model = tmp_path / "broken.onnx"
    model.write_bytes(b"this is not an onnx model")
    shutil.copyfile(f"{piper_model}.json", f"{model}.json")
    with pytest.raises(SpeechError, match="Piper không đọc được"):
        create_engine("piper", voice=str(model)).synthesize("Xin chào", tmp_path)
