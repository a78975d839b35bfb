"""The fallback chain: order, cache first, skip reasons, one error type, settings."""

import pytest

from broadcaster.settings import load_settings
from broadcaster.tts import Engine, SpeechChain, SpeechError, build_chain, build_engines
from broadcaster.tts.espeak import EspeakEngine


class Failing(Engine):
    name = "failing"

    def __init__(self, message="hỏng", transient=False, calls=None):
        super().__init__(voice="x")
        self.message, self.transient, self.calls = message, transient, calls

    def version(self):
        return "1"

    def synthesize(self, text, workdir):
        if self.calls is not None:
            self.calls.append(text)
        raise SpeechError(self.message, transient=self.transient)


class Unavailable(Failing):
    name = "unavailable"

    def check(self):
        raise SpeechError("không cài trên máy này")


def test_the_first_engine_that_works_reads_and_the_clip_says_why_others_did_not(cache):
    chain = SpeechChain([Unavailable(), Failing("máy chủ lỗi"), EspeakEngine()], cache)
    clip = chain.speak("Xin chào bà con.")
    assert clip.engine == "espeak"
    assert [(s.engine, s.kind, s.message) for s in clip.skipped] == [
        ("unavailable", "unavailable", "không cài trên máy này"),
        ("failing", "failed", "máy chủ lỗi"),
    ]


def test_when_every_engine_fails_one_speech_error_names_each_reason(cache):
    with pytest.raises(SpeechError) as caught:
        SpeechChain([Unavailable(), Failing("máy chủ lỗi")], cache).speak("Xin chào")
    assert str(caught.value) == ("Không tạo được bản đọc bằng bộ đọc nào. "
                                 "[unavailable] không cài trên máy này [failing] máy chủ lỗi")


def test_empty_text_is_refused(cache):
    with pytest.raises(SpeechError, match="Không có chữ nào"):
        SpeechChain([EspeakEngine()], cache).speak(" \n ")


def test_a_clip_already_made_by_a_later_engine_is_served_before_trying_earlier_ones(cache):
    made = SpeechChain([EspeakEngine()], cache).speak("Tin buổi sáng.")
    calls = []
    again = SpeechChain([Failing(calls=calls), EspeakEngine()], cache).speak("Tin buổi sáng.")
    assert again.cached and again.path == made.path and calls == []


def test_skip_reasons_are_kept_with_the_cached_clip(cache):
    first = SpeechChain([Failing("mất mạng"), EspeakEngine()], cache).speak("Tin buổi chiều.")
    again = SpeechChain([EspeakEngine()], cache).speak("Tin buổi chiều.")
    assert again.cached and again.skipped == first.skipped
    assert [s.message for s in again.skipped] == ["mất mạng"]


def test_a_passing_failure_rests_the_engine_only_for_a_while(cache):
    now, calls = [0.0], []
    chain = SpeechChain([Failing(transient=True, calls=calls), EspeakEngine()], cache,
                        rest_seconds=60, clock=lambda: now[0])
    chain.speak("Một.")
    rested = chain.speak("Hai.")
    assert calls == ["Một."] and rested.skipped[0].kind == "resting"
    assert "60 giây" in rested.skipped[0].message
    now[0] = 61
    chain.speak("Ba.")
    assert calls == ["Một.", "Ba."]


def test_a_lasting_failure_is_tried_every_time(cache):
    calls = []
    chain = SpeechChain([Failing(calls=calls), EspeakEngine()], cache)
    chain.speak("Một.")
    chain.speak("Hai.")
    assert calls == ["Một.", "Hai."]


def test_no_engines_is_a_speech_error(cache):
    with pytest.raises(SpeechError, match="tts.engines"):
        SpeechChain([], cache)


def test_engines_come_from_settings_with_voice_for_the_first_and_speed_for_all(tmp_path):
    settings = load_settings(tmp_path, environ={
        "BROADCASTER_TTS_ENGINES": "piper,gtts,espeak", "BROADCASTER_TTS_SPEED": "0,9",
        "BROADCASTER_TTS_ESPEAK_VOICE": "vi-vn-x-south", "BROADCASTER_TTS_GTTS_TIMEOUT": "4",
        "BROADCASTER_TTS_GTTS_RETRIES": "1", "BROADCASTER_AUDIO_BITRATE": "192k"})
    piper, google, espeak = build_engines(settings)
    assert (piper.name, piper.model) == ("piper", None)
    assert (google.timeout, google.retries, google.speed) == (4.0, 1, 0.9)
    assert (espeak.voice, espeak.speed) == ("vi-vn-x-south", 0.9)
    first, second = build_engines(settings, names=["espeak", "gtts"], voice="vi", speed=1.2)
    assert (first.voice, first.speed, second.speed) == ("vi", 1.2, 1.2)
    assert build_chain(settings).target.bitrate == "192k"


def test_an_unknown_engine_in_settings_stops_with_a_clear_message(tmp_path):
    settings = load_settings(tmp_path, environ={"BROADCASTER_TTS_ENGINES": "espeak,vbee"})
    with pytest.raises(SpeechError, match="Không có bộ đọc nào tên 'vbee'"):
        build_chain(settings)


def test_a_voice_goes_to_the_first_engine_it_belongs_to(tmp_path):
    settings = load_settings(tmp_path, environ={"BROADCASTER_TTS_ENGINES": "gtts,piper,espeak"})
    google, piper, espeak = build_engines(settings, voice="vi-vn-x-south")
    assert (google.voice, piper.model, espeak.voice) == ("vi", None, "vi-vn-x-south")
    google, piper, espeak = build_engines(settings, voice="/voices/vi_VN-vais1000-medium.onnx")
    assert piper.voice == "vi_VN-vais1000-medium" and espeak.voice == "vi"
    with pytest.raises(SpeechError, match="không thuộc bộ đọc nào"):
        build_engines(settings, names=["espeak"], voice="/voices/x.onnx")
