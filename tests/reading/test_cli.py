"""`broadcaster normalize`: line in, reading out; --explain; --dialect; the station's lexicon."""

from __future__ import annotations

from broadcaster.cli import cli
from broadcaster.station.context import StationContext
from broadcaster.station.reading import policy_of
from broadcaster.db.models import LexiconEntry


def test_one_reading_per_line_and_empty_lines_kept(runner):
    text = "Họp lúc 8h30.\n\nUBND xã\n   \n"
    result = runner.invoke(cli, ["normalize"], input=text.encode("utf-8"))
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.decode("utf-8").split("\n") == [
        "họp lúc tám giờ ba mươi phút.", "", "ủy ban nhân dân xã", "", ""]


def test_last_line_without_newline_and_crlf_input(runner):
    result = runner.invoke(cli, ["normalize"], input="Có 21 hộ\r\nCó 105 hộ".encode("utf-8"))
    assert result.stdout_bytes.decode("utf-8") == "có hai mươi mốt hộ\ncó một trăm linh năm hộ\n"


def test_output_is_utf8_bytes_even_under_an_ascii_locale(runner, monkeypatch):
    monkeypatch.setenv("LC_ALL", "C")
    monkeypatch.setenv("PYTHONIOENCODING", "ascii")
    result = runner.invoke(cli, ["normalize"], input="Hoà Bình 2024\n".encode("utf-8"))
    assert result.stdout_bytes == "hòa bình hai nghìn không trăm hai mươi tư\n".encode("utf-8")


def test_no_input_gives_no_output(runner):
    result = runner.invoke(cli, ["normalize"], input=b"")
    assert result.exit_code == 0 and result.stdout_bytes == b""


def test_southern_dialect(runner):
    result = runner.invoke(cli, ["normalize", "--dialect", "south"], input="Có 1.005 hộ\n".encode("utf-8"))
    assert result.stdout_bytes.decode("utf-8") == "có một ngàn không trăm lẻ năm hộ\n"


def test_unknown_dialect_is_refused(runner):
    result = runner.invoke(cli, ["normalize", "--dialect", "central"], input=b"x\n")
    assert result.exit_code != 0


def test_explain_lists_replacements_and_unreadable_tokens(runner):
    text = "Kế hoạch số 09/KH-UBND, gọi 113 ¤\n\nXYZ\n"
    result = runner.invoke(cli, ["normalize", "--explain"], input=text.encode("utf-8"))
    out = result.stdout_bytes.decode("utf-8")
    assert "Dòng 1: Kế hoạch số 09/KH-UBND, gọi 113 ¤" in out
    assert "Đọc là: kế hoạch số chín, gọi một một ba\n" in out
    assert "cột 13–14  «09» → «chín»  [số văn bản]" in out
    assert "«/KH-UBND» → (bỏ, không đọc)" in out
    assert "«113» → «một một ba»  [số khẩn cấp, đường dây nóng]" in out
    assert "Không đọc được (1):" in out and "cột 33 " in out and "«¤»" in out
    assert "Dòng 2: (trống)" in out
    assert "«XYZ» → «ích xì i dài dét»  [chữ viết tắt chưa có trong từ điển (đã đánh vần)]" in out


def test_unreadable_tokens_are_reported_on_stderr_unless_quiet(runner):
    loud = runner.invoke(cli, ["normalize"], input="Giá ¤\n".encode("utf-8"))
    assert loud.stdout_bytes.decode("utf-8") == "giá\n"
    assert "Dòng 1, cột 5: không đọc được «¤»" in loud.stderr_bytes.decode("utf-8")
    quiet = runner.invoke(cli, ["normalize", "-q"], input="Giá ¤\n".encode("utf-8"))
    assert quiet.stderr_bytes == b""


def test_help_is_in_vietnamese(runner):
    result = runner.invoke(cli, ["normalize", "--help"])
    assert "Chuyển chữ viết của bản tin thành lời phát thanh viên đọc" in result.output
    assert "miền Nam" in result.output


def test_station_lexicon_entries_win(runner, monkeypatch):
    monkeypatch.setattr(StationContext, "reading", lambda self, session=None: policy_of(
        {"UBND": "ủy ban", "LX": "Lệ Xá"}, self.settings))
    result = runner.invoke(cli, ["normalize"], input="UBND xã LX\n".encode("utf-8"))
    assert result.stdout_bytes.decode("utf-8") == "ủy ban xã lệ xá\n"


def test_station_lexicon_from_the_real_database(runner, station_home, station_ctx):
    with station_ctx.session() as session:
        station = station_ctx.station(session)
        session.add(LexiconEntry(station_id=station.id, term="LX", reading="Lệ Xá"))
        session.add(LexiconEntry(station_id=station.id, term="bad key", reading="x"))
    result = runner.invoke(cli, ["--home", str(station_home), "normalize"], input="Xã LX\n".encode("utf-8"))
    assert result.stdout_bytes.decode("utf-8") == "xã lệ xá\n"
    assert "bỏ qua mục từ điển của đài «bad key»" in result.stderr_bytes.decode("utf-8")
