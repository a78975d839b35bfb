"""The gtts engine: gTTS's own request building, our transport policy, Google's failure modes."""

import base64

import pytest
import requests
from gtts import gTTS

from broadcaster.tts import SpeechChain, SpeechError, create_engine
from broadcaster.tts.google import audio_from_reply

from fake_google import batchexecute_reply

TEXT = "Đây là Đài truyền thanh xã Lệ Xá. Kính chào bà con."


def gtts_engine(sleeps=None, **config):
    config.setdefault("timeout", 7.5)
    config.setdefault("retries", 2)
    return create_engine("gtts", sleep=(sleeps.append if sleeps is not None else lambda s: None),
                         **config)


def chain(cache, *engines):
    return SpeechChain(list(engines), cache)


def assert_safe_calls(google, timeout=7.5):
    assert google.calls, "no request was sent"
    for call in google.calls:
        assert call["timeout"] == timeout
        assert call["verify"] is True
        assert call["url"] == "https://translate.google.com/_/TranslateWebserverUi/data/batchexecute"
        assert "jQ1olc" in requests.utils.unquote(call["body"])


def test_a_good_reply_becomes_a_station_clip(google, google_mp3, cache, station_mp3):
    google.default = (200, batchexecute_reply(google_mp3))
    clip = chain(cache, gtts_engine(), create_engine("espeak")).speak(TEXT)
    assert (clip.engine, clip.voice, clip.skipped) == ("gtts", "vi", ())
    assert clip.options == {"lang": "vi", "tld": "com", "slow": False}
    assert clip.engine_version.startswith("gTTS 2.")
    assert_safe_calls(google)
    station_mp3(clip.path)


def test_our_fake_reply_is_what_gtts_itself_parses(google, google_mp3, tmp_path):
    """gTTS's own stream() reads the same bytes from the fake reply as our engine does.

    It also shows why the engine sends the requests itself: gTTS sends with verify=False and,
    by default, no timeout at all.
    """
    reply = batchexecute_reply(google_mp3)
    google.default = (200, reply)
    own = b"".join(gTTS("Xin chào", lang="vi", lang_check=False).stream())
    assert own == audio_from_reply(reply.decode()) == google_mp3
    assert google.calls[0]["verify"] is False and google.calls[0]["timeout"] is None


def test_long_text_goes_in_several_requests_each_with_timeout_and_verification(
        google, google_mp3, tmp_path):
    google.default = (200, batchexecute_reply(google_mp3))
    long_text = " ".join([TEXT] * 8)
    out = gtts_engine().synthesize(long_text, tmp_path)
    assert len(google.calls) > 3  # gTTS splits into parts of at most 100 characters
    assert out.read_bytes() == google_mp3 * len(google.calls)
    assert_safe_calls(google)


def test_http_429_is_retried_with_backoff(google, google_mp3, tmp_path):
    sleeps = []
    google.script = [(429, b"Too many"), (429, b"Too many")]
    google.default = (200, batchexecute_reply(google_mp3))
    out = gtts_engine(sleeps).synthesize("Xin chào", tmp_path)
    assert out.read_bytes() == google_mp3
    assert sleeps == [1.0, 2.0] and len(google.calls) == 3


def test_retry_after_from_google_is_honoured_within_bounds(google, google_mp3, tmp_path):
    sleeps = []
    google.script = [(429, b"", {"Retry-After": "5"}), (503, b"", {"Retry-After": "3600"})]
    google.default = (200, batchexecute_reply(google_mp3))
    gtts_engine(sleeps).synthesize("Xin chào", tmp_path)
    assert sleeps == [5.0, 30.0]


def test_http_500_exhausts_bounded_retries_then_espeak_reads(google, cache, station_mp3):
    sleeps = []
    google.default = (500, b"<html>Server Error</html>")
    clip = chain(cache, gtts_engine(sleeps), create_engine("espeak")).speak(TEXT)
    assert clip.engine == "espeak"
    assert len(google.calls) == 3 and sleeps == [1.0, 2.0]
    (skip,) = clip.skipped
    assert (skip.engine, skip.kind) == ("gtts", "failed")
    assert "HTTP 500" in skip.message and "3 lần thử" in skip.message
    assert_safe_calls(google)
    station_mp3(clip.path)


def test_http_403_is_not_retried(google, tmp_path):
    google.default = (403, b"Forbidden")
    with pytest.raises(SpeechError, match="HTTP 403"):
        gtts_engine().synthesize("Xin chào", tmp_path)
    assert len(google.calls) == 1


def test_a_reply_without_audio_is_never_a_clip(google, cache):
    google.default = (200, b")]}'\n\n")  # gTTS would write a 0-byte file and say nothing
    clip = chain(cache, gtts_engine(), create_engine("espeak")).speak(TEXT)
    assert clip.engine == "espeak"
    assert "không kèm âm thanh" in clip.skipped[0].message
    assert len(list(cache.folder.rglob("*.mp3"))) == 1


def test_a_reply_with_the_rpc_but_no_audio_is_refused(google, tmp_path):
    google.default = (200, batchexecute_reply(None))
    with pytest.raises(SpeechError, match="không kèm âm thanh"):
        gtts_engine().synthesize("Xin chào", tmp_path)


def test_undecodable_audio_is_refused_and_espeak_reads(google, cache):
    google.default = (200, batchexecute_reply(b"\x00not an mp3 at all\x00" * 40))
    clip = chain(cache, gtts_engine(), create_engine("espeak")).speak(TEXT)
    assert clip.engine == "espeak"
    assert clip.skipped[0].engine == "gtts" and "không phải âm thanh MP3" in clip.skipped[0].message


def test_broken_base64_is_refused(tmp_path):
    reply = batchexecute_reply(b"x").decode().replace(base64.b64encode(b"x").decode(), "%%%")
    with pytest.raises(SpeechError, match="base64"):
        audio_from_reply(reply)


def test_no_network_falls_back_and_rests_the_engine(google, cache):
    now = [1000.0]
    google.default = requests.exceptions.ConnectionError("Name or service not known")
    speech = SpeechChain([gtts_engine(), create_engine("espeak")], cache, clock=lambda: now[0])
    first = speech.speak("Tin thứ nhất.")
    assert first.engine == "espeak" and "không kết nối được" in first.skipped[0].message
    assert len(google.calls) == 3
    second = speech.speak("Tin thứ hai.")
    assert len(google.calls) == 3  # resting: Google is not asked again at once
    assert second.skipped[0].kind == "resting"
    now[0] += 301
    speech.speak("Tin thứ ba.")
    assert len(google.calls) == 6


def test_timeouts_count_as_connection_failures(google, tmp_path):
    google.default = requests.exceptions.ReadTimeout("read timed out")
    with pytest.raises(SpeechError) as caught:
        gtts_engine(retries=0).synthesize("Xin chào", tmp_path)
    assert caught.value.transient and len(google.calls) == 1


def test_certificate_failure_is_not_retried_nor_ignored(google, tmp_path):
    google.default = requests.exceptions.SSLError("certificate verify failed")
    with pytest.raises(SpeechError, match="chứng chỉ"):
        gtts_engine().synthesize("Xin chào", tmp_path)
    assert len(google.calls) == 1 and google.calls[0]["verify"] is True


def test_a_custom_ca_bundle_from_the_environment_is_used(google, google_mp3, tmp_path,
                                                         monkeypatch):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    google.default = (200, batchexecute_reply(google_mp3))
    gtts_engine().synthesize("Xin chào", tmp_path)
    assert google.calls[0]["verify"] == str(bundle)


def test_slow_reading_below_three_quarters_speed():
    assert gtts_engine(speed=0.7).options["slow"] is True
    assert gtts_engine(speed=0.8).options["slow"] is False


def test_only_the_vietnamese_voice():
    with pytest.raises(SpeechError, match="chỉ có giọng 'vi'"):
        create_engine("gtts", voice="en")
