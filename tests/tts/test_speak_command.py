"""`broadcaster speak`: reading stage, chain from settings, a station MP3, a Vietnamese report."""

from broadcaster.tts import SpeechError


def test_speak_reads_the_spoken_form_and_says_which_engine_spoke(invoke, home, tmp_path,
                                                                  station_mp3):
    out = tmp_path / "tin.mp3"
    result = invoke("speak", "Họp lúc 8h30 tại UBND xã.", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "Câu đọc: họp lúc tám giờ ba mươi phút tại ủy ban nhân dân xã." in result.output
    assert "Đã đọc bằng espeak, giọng vi" in result.output and "espeak-ng 1." in result.output
    assert f"Đã ghi {out}:" in result.output and "LUFS" in result.output
    station_mp3(out)
    assert list((home / "cache" / "clips").rglob("*.mp3"))
    assert not (home / "station.db").exists()  # speaking does not create a database


def test_speak_twice_serves_the_cached_clip(invoke, tmp_path):
    first = invoke("speak", "Xin chào bà con.", "-o", str(tmp_path / "a.mp3"))
    second = invoke("speak", "Xin chào bà con.", "-o", str(tmp_path / "b.mp3"))
    assert "bộ nhớ đệm" not in first.output and "bộ nhớ đệm" in second.output
    assert (tmp_path / "a.mp3").read_bytes() == (tmp_path / "b.mp3").read_bytes()


def test_speak_prints_why_earlier_engines_were_skipped(invoke, tmp_path, google):
    google.default = (503, b"busy")
    result = invoke("speak", "Xin chào.", "-o", str(tmp_path / "a.mp3"),
                    "--engine", "piper,gtts,espeak", "--voice", "vi-vn-x-south", "--speed", "0.9")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(line.startswith("Bỏ qua bộ đọc piper: Chưa chọn giọng Piper") for line in lines)
    assert any(line.startswith("Bỏ qua bộ đọc gtts:") and "HTTP 503" in line for line in lines)
    assert "Đã đọc bằng espeak, giọng vi-vn-x-south, speed=0.9, wpm=158" in result.output
    assert all(call["verify"] is True and call["timeout"] == 10.0 for call in google.calls)


def test_speak_with_settings_from_the_station_file(invoke, home, tmp_path, piper_model):
    home.mkdir()
    (home / "broadcaster.toml").write_text(
        f'[tts]\nengines = ["piper", "espeak"]\npiper_model = "{piper_model}"\n'
        '[audio]\nbitrate = "96k"\n', encoding="utf-8")
    result = invoke("speak", "Xin chào.", "-o", str(tmp_path / "a.mp3"))
    assert result.exit_code == 0, result.output
    assert "Đã đọc bằng piper, giọng vi_VN-test-joe" in result.output


def run_failing(runner, home, *args):
    """Run a command expected to fail; return what the operator is told (however it is shown)."""
    from broadcaster.cli import cli

    result = runner.invoke(cli, ["--home", str(home), *args])
    assert result.exit_code != 0
    if isinstance(result.exception, SpeechError):  # not turned into a one-line message
        return str(result.exception)
    return result.output


def test_speak_failure_is_one_speech_error(runner, home, tmp_path):
    told = run_failing(runner, home, "speak", "Xin chào.", "-o", str(tmp_path / "a.mp3"),
                       "--engine", "piper")
    assert "Không tạo được bản đọc bằng bộ đọc nào. [piper] Chưa chọn giọng Piper" in told
    assert not (tmp_path / "a.mp3").exists()


def test_speak_refuses_a_voice_no_engine_has(runner, home, tmp_path):
    told = run_failing(runner, home, "speak", "Xin chào.", "-o", str(tmp_path / "a.mp3"),
                       "--voice", "en")
    assert "Giọng 'en' không thuộc bộ đọc nào trong chuỗi (espeak)" in told
