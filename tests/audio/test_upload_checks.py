"""Uploaded recordings: good ones are converted and normalized; bad ones leave nothing behind."""

import re
import shutil

import pytest

from broadcaster.audio.errors import UploadError
from broadcaster.audio.ffmpeg import measure, run_ffmpeg
from broadcaster.audio.uploads import UploadLimits, check_name_and_size, import_upload

LIMITS = UploadLimits.from_megabytes_minutes(50, 30)


@pytest.fixture
def dest_dir(tmp_path):
    folder = tmp_path / "recordings"
    folder.mkdir()
    return folder


def assert_nothing_stored(folder):
    assert sorted(p.name for p in folder.iterdir()) == []


@pytest.mark.parametrize("name", ["speech.mp3", "speech.wav", "speech.m4a", "speech.ogg",
                                  "speech48k.wav"])
def test_each_accepted_format_is_stored_as_a_normalized_mono_mp3(speech_dir, dest_dir, name,
                                                                  station_mp3):
    source = speech_dir / name
    recording = import_upload(source, dest_dir / "rec.mp3", original_name=name.upper(),
                              limits=LIMITS)
    assert recording.path == dest_dir / "rec.mp3"
    assert sorted(p.name for p in dest_dir.iterdir()) == ["rec.mp3"]
    measured = station_mp3(recording.path)
    assert recording.duration_ms == measured.duration_ms
    assert abs(recording.lufs - measured.integrated_lufs) < 0.05
    source_ms = measure(source, true_peak=False).duration_ms
    assert abs(recording.duration_ms - source_ms) <= 60  # decoder priming of lossy sources


def silences(path):
    proc = run_ffmpeg(["-i", path, "-af", "silencedetect=n=-50dB:d=1", "-f", "null", "-"],
                      timeout=60, what="test")
    return [float(x) for x in re.findall(r"silence_duration: ([\d.]+)", proc.stderr)]


def test_silence_inside_speech_is_kept(speech_dir, dest_dir):
    source = speech_dir / "pause.wav"
    recording = import_upload(source, dest_dir / "rec.mp3", original_name="pause.wav",
                              limits=LIMITS)
    assert abs(recording.duration_ms - measure(source, true_peak=False).duration_ms) <= 1
    before, after = silences(source), silences(recording.path)
    assert len(before) == len(after) == 1 and before[0] > 3.0
    assert after[0] == pytest.approx(before[0], abs=0.05)


def test_not_audio_is_rejected(tmp_path, dest_dir):
    fake = tmp_path / "bai-hat.mp3"
    fake.write_text("Đây không phải âm thanh, chỉ là chữ. " * 50, encoding="utf-8")
    with pytest.raises(UploadError, match="không phải bản ghi âm thanh"):
        import_upload(fake, dest_dir / "rec.mp3", original_name=fake.name, limits=LIMITS)
    assert_nothing_stored(dest_dir)


def test_a_picture_named_mp3_is_rejected(tmp_path, dest_dir):
    picture = tmp_path / "anh.jpg"
    run_ffmpeg(["-f", "lavfi", "-i", "testsrc=d=1", "-frames:v", "1", picture], timeout=60,
               what="test")
    renamed = tmp_path / "anh.mp3"
    shutil.copy(picture, renamed)
    with pytest.raises(UploadError):
        import_upload(renamed, dest_dir / "rec.mp3", original_name="anh.mp3", limits=LIMITS)
    assert_nothing_stored(dest_dir)


def test_empty_file_is_rejected(tmp_path, dest_dir):
    empty = tmp_path / "rong.wav"
    empty.write_bytes(b"")
    with pytest.raises(UploadError, match="rỗng"):
        import_upload(empty, dest_dir / "rec.mp3", original_name="rong.wav", limits=LIMITS)
    assert_nothing_stored(dest_dir)


def test_too_long_is_rejected(speech_dir, dest_dir):
    short_limit = UploadLimits.from_megabytes_minutes(50, 0.1)  # six seconds
    with pytest.raises(UploadError, match="quá dài: 0 phút 1\\d giây, tối đa 0 phút 06 giây"):
        import_upload(speech_dir / "speech.mp3", dest_dir / "rec.mp3",
                      original_name="speech.mp3", limits=short_limit)
    assert_nothing_stored(dest_dir)


def test_too_large_is_rejected(speech_dir, dest_dir):
    tiny = UploadLimits(max_bytes=10_000, max_seconds=1800)
    with pytest.raises(UploadError, match="quá lớn"):
        import_upload(speech_dir / "speech.wav", dest_dir / "rec.mp3",
                      original_name="speech.wav", limits=tiny)
    assert_nothing_stored(dest_dir)


@pytest.mark.parametrize("name", ["speech.mp3", "speech.m4a"])
def test_truncated_file_is_rejected(speech_dir, tmp_path, dest_dir, name):
    data = (speech_dir / name).read_bytes()
    cut = tmp_path / name
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(UploadError, match="cắt cụt|hỏng"):
        import_upload(cut, dest_dir / "rec.mp3", original_name=name, limits=LIMITS)
    assert_nothing_stored(dest_dir)


def test_garbage_inside_an_mp3_is_rejected(speech_dir, tmp_path, dest_dir):
    data = bytearray((speech_dir / "speech.mp3").read_bytes())
    middle = len(data) // 2
    data[middle:middle + 4000] = bytes(range(256)) * 15 + bytes(160)
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(bytes(data))
    with pytest.raises(UploadError, match="hỏng"):
        import_upload(broken, dest_dir / "rec.mp3", original_name="broken.mp3", limits=LIMITS)
    assert_nothing_stored(dest_dir)


@pytest.mark.parametrize("name", ["speech.flac", "speech.txt", "speech", "speech.mp4"])
def test_unsupported_extension_is_rejected(speech_dir, tmp_path, dest_dir, name):
    other = tmp_path / name
    shutil.copy(speech_dir / "speech.wav", other)
    with pytest.raises(UploadError, match="chỉ nhận bản ghi MP3, WAV, M4A hoặc OGG"):
        import_upload(other, dest_dir / "rec.mp3", original_name=name, limits=LIMITS)
    assert_nothing_stored(dest_dir)


def test_silent_recording_is_rejected(tmp_path, dest_dir):
    silent = tmp_path / "im-lang.wav"
    run_ffmpeg(["-f", "lavfi", "-t", "5", "-i", "anullsrc=r=44100:cl=mono", silent], timeout=60,
               what="test")
    with pytest.raises(UploadError, match="im lặng"):
        import_upload(silent, dest_dir / "rec.mp3", original_name="im-lang.wav", limits=LIMITS)
    assert_nothing_stored(dest_dir)


def test_name_and_size_rules_with_literal_values():
    limits = UploadLimits(max_bytes=1024 * 1024, max_seconds=60)
    assert check_name_and_size("Tin SÁNG.M4A", 10, limits) == "M4A"
    with pytest.raises(UploadError, match="quá lớn: 1,5 MB, tối đa 1,0 MB"):
        check_name_and_size("a.ogg", 1024 * 1024 * 3 // 2, limits)
