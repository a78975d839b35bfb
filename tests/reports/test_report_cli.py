"""`broadcaster report` through the click runner."""

from __future__ import annotations

import csv
import io

import pytest
from docx import Document
from openpyxl import load_workbook

from broadcaster.reports import build_report, parse_quarter


@pytest.fixture
def expected(logged_ctx):
    with logged_ctx.session() as session:
        return build_report(session, parse_quarter("2024Q1"), [logged_ctx.station_id])


def _one_error_line(result) -> str:
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Lỗi: ")
    return lines[0]


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "docx"])
def test_report_writes_the_file_and_prints_a_summary(invoke, logged_ctx, expected, tmp_path, fmt):
    target = tmp_path / f"bao-cao.{fmt}"
    result = invoke("report", "--quarter", "2024-Q1", "--format", fmt, "-o", str(target))
    assert result.exit_code == 0, result.output
    count = f"{expected.airings:,}".replace(",", ".")
    minutes = f"{expected.minutes:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    assert result.output.splitlines() == [
        f"Báo cáo quý I năm 2024 (Đài truyền thanh xã Lệ Xá): {count} lượt phát, "
        f"{minutes} phút phát sóng.",
        f"Đã ghi tệp: {target}"]
    data = target.read_bytes()
    if fmt == "xlsx":
        assert load_workbook(io.BytesIO(data)).sheetnames[0] == "Tổng hợp"
    elif fmt == "csv":
        assert data.startswith(b"\xef\xbb\xbf")
        assert len(list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))) == expected.airings + 1
    else:
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in Document(io.BytesIO(data)).tables[0].rows[0].cells[1].text


def test_date_range_format_from_suffix_and_settings(invoke, logged_ctx, tmp_path):
    (logged_ctx.settings.home / "broadcaster.toml").write_text(
        '[report]\nsigner_name = "Nguyễn Bá Tâm"\nrecipients = ["UBND huyện Tiên Lữ", "Lưu: VT"]\n',
        encoding="utf-8")
    target = tmp_path / "thang-1.docx"
    result = invoke("report", "--from", "01/01/2024", "--to", "2024-01-31", "-o", str(target),
                    "--number", "7", "--issue-date", "05/02/2024")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Báo cáo từ ngày 01/01/2024 đến ngày 31/01/2024")
    document = Document(str(target))
    assert "Số: 7/BC-UBND" in document.tables[0].rows[0].cells[0].text
    assert "Lệ Xá, ngày 05 tháng 02 năm 2024" in document.tables[0].rows[0].cells[1].text
    signature = document.tables[-1].rows[0].cells
    assert "Nguyễn Bá Tâm" in signature[1].text
    assert signature[0].text.split("\n")[1:] == ["- UBND huyện Tiên Lữ;", "- Lưu: VT."]


def test_default_file_name_in_the_current_folder(invoke, station_home, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("report", "--quarter", "Q2/2024", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "bao-cao-main-2024-Q2.csv").is_file()
    assert "0 lượt phát, 0,0 phút" in result.output


def test_bad_quarter_is_one_vietnamese_line(invoke, station_home, tmp_path):
    line = _one_error_line(invoke("report", "--quarter", "2024Q5", "-o", str(tmp_path / "x.xlsx")))
    assert "quý '2024Q5' không hợp lệ" in line


def test_from_after_to_is_refused(invoke, station_home, tmp_path):
    line = _one_error_line(invoke("report", "--from", "2024-03-31", "--to", "2024-01-01",
                                  "-o", str(tmp_path / "x.csv")))
    assert "sau ngày kết thúc" in line


def test_missing_or_double_period_is_refused(invoke, station_home):
    assert "--quarter" in _one_error_line(invoke("report", "--from", "2024-01-01"))
    assert "không dùng cả hai" in _one_error_line(
        invoke("report", "--quarter", "2024Q1", "--from", "2024-01-01", "--to", "2024-02-01"))


@pytest.mark.parametrize("where", ["missing-folder/x.xlsx", "."])
def test_unwritable_output_is_refused_before_any_work(invoke, station_home, tmp_path, where):
    target = tmp_path / where
    line = _one_error_line(invoke("report", "--quarter", "2024Q1", "-o", str(target)))
    assert "không ghi được tệp" in line


def test_docx_for_all_stations_is_refused(invoke, station_home, tmp_path):
    line = _one_error_line(invoke("report", "--quarter", "2024Q1", "--all-stations",
                                  "-o", str(tmp_path / "x.docx")))
    assert "DOCX lập cho từng xã" in line


def test_unknown_format_is_refused(invoke, station_home, tmp_path):
    assert "định dạng 'pdf' không hỗ trợ" in _one_error_line(
        invoke("report", "--quarter", "2024Q1", "--format", "pdf", "-o", str(tmp_path / "x.pdf")))
