"""Loudness: the pure planning steps with literal numbers, then real espeak-ng speech measured."""

import pytest

from broadcaster.audio.errors import AudioError
from broadcaster.audio.ffmpeg import LoudnormStats, Measurement, measure, run_ffmpeg
from broadcaster.audio.loudness import (ChainPlan, LoudnessTarget, correct, initial_plan,
                                        limiter_filters, linear_excess, loudnorm_filter,
                                        lower_ceiling, normalize_to_mp3, settle_lower)

from speech_samples import espeak_wav, ffmpeg

TARGET = LoudnessTarget()


def stats(i: float, tp: float) -> LoudnormStats:
    return LoudnormStats(input_i=i, input_tp=tp, input_lra=1.1, input_thresh=i - 10,
                         target_offset=0.0, normalization_type="dynamic")


def test_first_plan_lifts_loudness_to_target_with_ceiling_under_the_aimed_peak():
    assert initial_plan(-18.7, TARGET) == ChainPlan(gain_db=2.7, ceiling_db=-5.5, post_gain_db=0.4)
    assert initial_plan(-60.0, TARGET).gain_db == 36.0  # alimiter's level_in stops at +36 dB
    assert initial_plan(-18.7, LoudnessTarget(bitrate="320k")).post_gain_db == 0.0


def test_linear_excess_is_peak_after_gain_above_the_aim():
    plan = ChainPlan(gain_db=2.7, ceiling_db=-5.5)
    assert linear_excess(stats(-18.67, -4.92), plan, TARGET) == pytest.approx(-0.25)
    assert linear_excess(stats(-17.64, -2.92), plan, TARGET) == pytest.approx(0.72)
    lower = ChainPlan(gain_db=2.7, ceiling_db=-5.5, integrated=-16.5)
    assert linear_excess(stats(-17.64, -2.92), lower, TARGET) == pytest.approx(0.22)


def test_sparse_audio_may_aim_up_to_six_tenths_under_the_target():
    plan = ChainPlan(gain_db=10.1, ceiling_db=-15.91, post_gain_db=0.4)
    assert settle_lower(plan, 0.46, TARGET) == ChainPlan(10.1, -15.91, 0.4, -16.51)
    assert settle_lower(plan, 0.6, TARGET) is None


def test_lower_ceiling_steps_three_times_the_excess_plus_half_a_db():
    plan = ChainPlan(gain_db=2.7, ceiling_db=-5.5, post_gain_db=0.4)
    assert lower_ceiling(plan, 0.62) == ChainPlan(2.7, -7.86, 0.4)
    assert lower_ceiling(ChainPlan(0, -23.0), 5.0).ceiling_db == -23.9
    assert lower_ceiling(ChainPlan(0, -5.5, 0.4, -16.2), 0.1).integrated == -16.2


def test_correct_adds_the_missing_loudness_after_loudnorm():
    plan = ChainPlan(gain_db=2.7, ceiling_db=-5.5, post_gain_db=0.0)
    measured = Measurement(samples=1, integrated_lufs=-16.4, true_peak_dbtp=-2.7, lra=1.6)
    assert correct(plan, measured, TARGET) == (ChainPlan(2.7, -5.5, 0.4), False)


def test_correct_lowers_the_ceiling_when_the_gain_would_push_the_peak_past_the_aim():
    plan = ChainPlan(gain_db=0.3, ceiling_db=-7.86, post_gain_db=0.4)
    measured = Measurement(samples=1, integrated_lufs=-15.8, true_peak_dbtp=-1.7, lra=20)
    new, limiter_changed = correct(plan, measured, TARGET)
    assert limiter_changed and new == ChainPlan(0.3, -8.66, 0.2)


def test_correct_aims_at_the_plans_own_loudness():
    plan = ChainPlan(gain_db=10.1, ceiling_db=-15.91, post_gain_db=0.4, integrated=-16.51)
    measured = Measurement(samples=1, integrated_lufs=-16.7, true_peak_dbtp=-2.4, lra=0)
    assert correct(plan, measured, TARGET) == (ChainPlan(10.1, -15.91, 0.59, -16.51), False)


def test_filter_strings():
    assert limiter_filters(ChainPlan(0.0, -6.0206)) == (
        "aresample=44100,aformat=sample_fmts=dbl:channel_layouts=mono,"
        "alimiter=level_in=1.000000:limit=0.500000:level=0:latency=1")
    plan = ChainPlan(gain_db=2.7, ceiling_db=-5.5)
    assert loudnorm_filter(plan, TARGET) == "loudnorm=I=-16:TP=-2:LRA=50:print_format=json"
    assert loudnorm_filter(ChainPlan(0, 0, 0, -16.51), TARGET).startswith("loudnorm=I=-16.51:")
    assert loudnorm_filter(plan, TARGET, stats(-18.67, -4.92)) == (
        "loudnorm=I=-16:TP=-2:LRA=50:measured_I=-18.67:measured_TP=-4.92:measured_LRA=1.10"
        ":measured_thresh=-28.67:offset=0.00:linear=true:print_format=json")


def test_target_accepts_within_one_lu_and_under_the_peak_limit():
    ok = Measurement(1, -16.9, -1.5, 1)
    assert TARGET.accepts(ok)
    assert not TARGET.accepts(Measurement(1, -17.1, -3.0, 1))
    assert not TARGET.accepts(Measurement(1, -16.0, -1.4, 1))


def test_plain_loudnorm_misses_the_target_on_espeak_speech(tmp_path):
    """Why the limiter is there: one-pass loudnorm leaves espeak-ng speech short of -16 LUFS."""
    src = espeak_wav(tmp_path / "speech.wav")
    out = tmp_path / "plain.mp3"
    run_ffmpeg(["-i", src, "-af", "loudnorm=I=-16:TP=-1.5:LRA=11,aresample=44100", "-ac", "1",
                "-c:a", "libmp3lame", "-b:a", "128k", out], timeout=120, what="test")
    m = measure(out)
    assert m.integrated_lufs < -17.0 or m.true_peak_dbtp > -1.5, m


@pytest.mark.parametrize("voice", ["vi", "vi-vn-x-central", "vi-vn-x-south"])
def test_espeak_voices_reach_the_station_loudness(tmp_path, voice, station_mp3):
    src = espeak_wav(tmp_path / "speech.wav", voice=voice)
    result = normalize_to_mp3(src, tmp_path / "out.mp3")
    measured = station_mp3(tmp_path / "out.mp3")
    assert abs(result.integrated_lufs - measured.integrated_lufs) < 0.05
    assert result.true_peak_dbtp == measured.true_peak_dbtp


@pytest.mark.parametrize("bitrate", ["64k", "128k", "320k"])
def test_every_bitrate_reaches_the_station_loudness(tmp_path, bitrate, station_mp3):
    src = espeak_wav(tmp_path / "speech.wav")
    normalize_to_mp3(src, tmp_path / "out.mp3", LoudnessTarget(bitrate=bitrate))
    station_mp3(tmp_path / "out.mp3")
    kbps = int(bitrate[:-1])
    size = (tmp_path / "out.mp3").stat().st_size
    seconds = measure(tmp_path / "out.mp3", true_peak=False).duration_ms / 1000
    assert abs(size * 8 / 1000 / seconds - kbps) < kbps * 0.1


@pytest.mark.parametrize("word", ["Xin chào", "Có", "Một."])
def test_a_single_short_word_is_normalized_too(tmp_path, station_mp3, word):
    src = espeak_wav(tmp_path / "word.wav", text=word)
    normalize_to_mp3(src, tmp_path / "word.mp3")
    station_mp3(tmp_path / "word.mp3")


def test_length_is_kept_to_the_sample(tmp_path):
    src = espeak_wav(tmp_path / "speech.wav")
    result = normalize_to_mp3(src, tmp_path / "out.mp3")
    assert result.samples == measure(src, true_peak=False).samples


def test_silence_is_refused_and_leaves_no_file(tmp_path):
    silent = tmp_path / "src" / "silence.wav"
    silent.parent.mkdir()
    ffmpeg("-f", "lavfi", "-t", "3", "-i", "anullsrc=r=44100:cl=mono", str(silent))
    dest = tmp_path / "out" / "clip.mp3"
    dest.parent.mkdir()
    with pytest.raises(AudioError, match="im lặng"):
        normalize_to_mp3(silent, dest)
    assert list(dest.parent.iterdir()) == []


def test_unknown_bitrate_is_refused(tmp_path):
    with pytest.raises(AudioError, match="Tốc độ bit"):
        normalize_to_mp3(tmp_path / "x.wav", tmp_path / "x.mp3", LoudnessTarget(bitrate="100k"))


def test_a_result_that_never_meets_the_rule_is_refused_and_leaves_no_file(tmp_path, monkeypatch):
    import broadcaster.audio.loudness as loudness

    src = espeak_wav(tmp_path / "speech.wav")
    real_measure = loudness.measure

    def too_quiet(path, **kwargs):
        m = real_measure(path, **kwargs)
        return Measurement(m.samples, -30.0, m.true_peak_dbtp, m.lra) if path.suffix == ".part" else m

    monkeypatch.setattr(loudness, "measure", too_quiet)
    dest = tmp_path / "out" / "clip.mp3"
    dest.parent.mkdir()
    with pytest.raises(AudioError, match="độ to chuẩn"):
        normalize_to_mp3(src, dest)
    assert list(dest.parent.iterdir()) == []
